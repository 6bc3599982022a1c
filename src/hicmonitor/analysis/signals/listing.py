"""Signals as a listing: which series, which period, counts on a grid, ranked with a sentence.

Pure functions on frames for ``services.signals`` (``hic signalen``, the municipality page)
and the letter:

* :func:`series_label`, :func:`find_series`, :func:`national_only` -- the series of the
  police figures: every HIC category and each crime code of geweld (``signalen.yaml``);
* :func:`parse_period` -- a period as a user types it (``2024``, ``2024-03``, ``2024-W05``)
  or a frequency (``jaar``, ``maand``, ``week``); :func:`latest_complete` -- the last
  period that had ended by a day;
* :func:`grid_counts` -- incidents counted per grid cell and week or month (zero-filled);
* :func:`ranked` -- the rows of :func:`detect_signals` ranked by score, with the name of the
  region and the Dutch sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.analysis.signals.api import FREQUENCY_NAMES, config
from hicmonitor.analysis.signals.sentences import noun_for, period_text, signal_sentence
from hicmonitor.errors import HicError

EPOCH_MONDAY = pd.Timestamp("1970-01-05")


# ---------------------------------------------------------------- series


def series_label(series: str) -> str:
    """ "Woninginbraak", "Geweld: bedreiging" (a category's label or a crime code's)."""
    labels = config()["series"]["labels"]
    if series in labels:
        return labels[series]
    try:
        return taxonomy.category(series).label
    except HicError:
        return series


def series_noun(series: str) -> str:
    """The plural noun for sentences: "woninginbraken", "bedreigingen"."""
    return noun_for(series)


def known_series() -> list[str]:
    """Every series a user may ask for: the police categories and the codes of geweld."""
    out = []
    for cat in taxonomy.police_categories():
        out.append(cat.id)
        if len(cat.codes) > 1:
            out.extend(cat.codes)
    return out


def find_series(text: str) -> str:
    """The series meant by ``text``: a category id (``geweld``), a crime code (``1.4.4``) or a
    name (``bedreiging``); a Dutch :class:`HicError` naming the choices otherwise."""
    key = " ".join(text.strip().lower().split())
    aliases = config()["series"]["aliases"]
    if key in aliases:
        return str(aliases[key])
    if key in config()["series"]["labels"]:
        return key
    if key in {c.id for c in taxonomy.categories()}:
        return key
    choices = [*(c.id for c in taxonomy.categories()), *sorted(aliases)]
    raise HicError(
        f"onbekende categorie {text.strip()[:40]!r}; kies uit {', '.join(choices)} "
        "(of een politiecode van geweld, bijvoorbeeld 1.4.4)"
    )


def national_only(series: str) -> str | None:
    """Why ``series`` has no figures per municipality (Dutch), or None."""
    return config()["series"]["national_only"].get(series)


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class PeriodChoice:
    """A ``--periode``: a frequency, and the period asked for (None: the latest complete)."""

    frequency: str  # "year", "month" or "week"
    start: pd.Timestamp | None = None  # the first day of the period asked for

    @property
    def year(self) -> int | None:
        return None if self.start is None else int(self.start.year)


_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")


def parse_period(text: str) -> PeriodChoice:
    """``jaar``/``maand``/``week`` (a frequency), ``2024``, ``2024-03`` or ``2024-W05``."""
    t = text.strip()
    freq = FREQUENCY_NAMES.get(t.lower())
    if freq is not None:
        return PeriodChoice(freq)
    try:
        if m := _YEAR.match(t):
            return PeriodChoice("year", pd.Timestamp(int(m[1]), 1, 1))
        if m := _MONTH.match(t):
            return PeriodChoice("month", pd.Timestamp(int(m[1]), int(m[2]), 1))
        if m := _WEEK.match(t):
            return PeriodChoice("week", pd.Timestamp.fromisocalendar(int(m[1]), int(m[2]), 1))
    except ValueError:
        pass
    raise HicError(
        f"--periode: {t[:40]!r} is geen periode; geef jaar, maand of week, of een periode als "
        "2024, 2024-03 of 2024-W05"
    )


def period_start(value: Any, frequency: str) -> pd.Timestamp:
    """The first day of the period that contains ``value`` (a year, a date)."""
    if frequency == "year":
        year = int(value) if isinstance(value, int | np.integer) else pd.Timestamp(value).year
        return pd.Timestamp(year, 1, 1)
    ts = pd.Timestamp(value).normalize()
    if frequency == "month":
        return ts.replace(day=1)
    return ts - pd.Timedelta(days=ts.weekday())


def period_end(start: pd.Timestamp, frequency: str) -> pd.Timestamp:
    """The first day after the period that starts on ``start``."""
    if frequency == "year":
        return start + pd.DateOffset(years=1)
    if frequency == "month":
        return start + pd.DateOffset(months=1)
    return start + pd.Timedelta(days=7)


def period_label(start: pd.Timestamp, frequency: str) -> str:
    """``2024``, ``2024-03`` or ``2024-W05`` (the form ``--periode`` takes)."""
    if frequency == "year":
        return str(start.year)
    if frequency == "month":
        return f"{start.year}-{start.month:02d}"
    iso = start.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def latest_complete(starts: pd.Series, frequency: str, until: dt.date) -> pd.Timestamp | None:
    """The last of ``starts`` (period start days) whose period had ended by ``until``."""
    if len(starts) == 0:
        return None
    uniq = pd.Series(pd.to_datetime(pd.Series(starts).unique())).sort_values(ascending=False)
    day = pd.Timestamp(until)
    for s in uniq:
        if period_end(s, frequency) <= day:
            return s
    return None


# ---------------------------------------------------------------- grid


def cell_name(x_min: float, y_min: float, size: float) -> str:
    """A grid cell by its lower left corner, as the European reference grid names cells:
    ``1kmE352N565`` (a 1 km cell; coordinates divided by the cell size)."""
    unit = f"{size / 1000:g}km" if size % 1000 == 0 else f"{size:g}m"
    return f"{unit}E{int(x_min // size)}N{int(y_min // size)}"


def grid_counts(
    x: np.ndarray,
    y: np.ndarray,
    when: np.ndarray,
    *,
    cell_size: float,
    frequency: str,
    until: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Incidents per grid cell (``cell_size`` metres) and week or month.

    ``when``: the moment of each incident (datetime64). Every cell with an incident gets a row
    for every period from the first to the last (zeros included); incidents on or after
    ``until`` are left out. Columns: cell, x_min, y_min, period (first day), count.
    """
    if frequency not in ("week", "month"):
        raise ValueError(f"frequency {frequency!r}: week or month")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    t = pd.to_datetime(pd.Series(np.asarray(when))).dt.normalize()
    keep = t.notna().to_numpy() & np.isfinite(x) & np.isfinite(y)
    if until is not None:
        keep &= (t < pd.Timestamp(until)).to_numpy()
    x, y, t = x[keep], y[keep], t[keep].reset_index(drop=True)
    columns = ["cell", "x_min", "y_min", "period", "count"]
    if len(t) == 0:
        return pd.DataFrame(columns=columns)
    if frequency == "week":
        pos = ((t - EPOCH_MONDAY).dt.days // 7).to_numpy(dtype=np.int64)
    else:
        pos = (t.dt.year * 12 + t.dt.month - 1).to_numpy(dtype=np.int64)
    cx = np.floor(x / cell_size).astype(np.int64)
    cy = np.floor(y / cell_size).astype(np.int64)
    cells, cell_idx = np.unique(np.stack([cx, cy], axis=1), axis=0, return_inverse=True)
    cell_idx = cell_idx.ravel()
    p0, n = int(pos.min()), int(pos.max() - pos.min()) + 1
    grid = np.zeros((len(cells), n), dtype=np.int64)
    np.add.at(grid, (cell_idx, pos - p0), 1)
    positions = np.arange(p0, p0 + n)
    if frequency == "week":
        starts = EPOCH_MONDAY + pd.to_timedelta(positions * 7, unit="D")
    else:
        starts = pd.to_datetime(
            {"year": positions // 12, "month": positions % 12 + 1, "day": np.ones(n, dtype=int)}
        )
    x_min = cells[:, 0] * cell_size
    y_min = cells[:, 1] * cell_size
    names = [cell_name(a, b, cell_size) for a, b in zip(x_min, y_min, strict=True)]
    return pd.DataFrame(
        {
            "cell": np.repeat(names, n),
            "x_min": np.repeat(x_min, n),
            "y_min": np.repeat(y_min, n),
            "period": np.tile(np.asarray(starts, dtype="datetime64[ns]"), len(cells)),
            "count": grid.ravel(),
        }
    )[columns]


# ---------------------------------------------------------------- ranking


def ranked(
    signals: pd.DataFrame,
    *,
    names: Mapping[str, str],
    key: str = "region_code",
    series: str = "series",
    frequency: str | None = None,
    alarms_only: bool = True,
    noun: str | None = None,
) -> pd.DataFrame:
    """The rows of :func:`detect_signals` ranked: alarms first, by score (highest first), then
    the rest; with ``rank``, ``name`` (``names[key]``), ``label`` (the series) and ``text``
    (the Dutch sentence). ``alarms_only``: only the alarms. ``noun``: the noun for every row
    (default: per series)."""
    out = signals
    if alarms_only:
        out = out[out["alarm"].astype(bool)]
    out = out.copy()
    out["name"] = [names.get(k, k) for k in out[key]]
    out["label"] = [series_label(s) for s in out[series]]
    score = pd.to_numeric(out["score"], errors="coerce")
    order = np.lexsort(
        (
            out[key].astype(str).to_numpy(),
            -out["observed"].fillna(-1).to_numpy(dtype=float),
            -score.fillna(-np.inf).to_numpy(dtype=float),
            ~out["alarm"].astype(bool).to_numpy(),
        )
    )
    out = out.iloc[order].reset_index(drop=True)
    nouns = {s: noun or series_noun(s) for s in out[series].unique()}
    out["text"] = [
        signal_sentence(row, region_name=row["name"], noun=nouns[row[series]], frequency=frequency)
        for row in out.to_dict("records")
    ]
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def period_texts(periods: pd.Series, frequency: str) -> list[str]:
    """The Dutch text of each period (``2024``, ``maart 2024``, ``week 5 van 2024``)."""
    return [period_text(p, frequency) for p in periods]
