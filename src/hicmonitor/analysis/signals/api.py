"""Signals on a tidy frame: the entry point for services, the CLI and the dashboard.

:func:`detect_signals` takes one row per series and period (a series is a combination of
``keys``, e.g. municipality x category) and returns one row per series and period with the
observed count, the expected count, the upper bound, the alarm, the score
``(observed - expected) / (upperbound - expected)`` and, where no signal can be computed or no
alarm is possible, a Dutch ``reason``; a Dutch ``note`` flags gaps in the baseline.

Bad input:

* a count that is negative, not a whole number or not a number, a duplicate series/period,
  a negative population: :class:`~hicmonitor.errors.InputError` naming the row (as a line
  of a CSV file with a header) and the field;
* a series shorter than the baseline needs: reason "te kort voor een basislijn van 5 jaar";
* a series of only zeros: reason "alleen nullen in deze reeks";
* a missing period in the middle of a series: that period gets "geen cijfer voor deze
  periode", later periods are computed without it and get a note;
* with ``population_offset``: a population of 0 or none in a period the signal needs gives
  "geen inwonertal voor 2019: met bevolkingscorrectie geen signaal".

Defaults per method and frequency live in ``signalen.yaml``; a ``control`` mapping overrides
single options of the default (like R's ``modifyList``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import jinja2
import numpy as np
import pandas as pd
import yaml

from hicmonitor.analysis.signals.cusum import nb_cusum, nb_dispersion
from hicmonitor.analysis.signals.ears import LAG as EARS_LAG
from hicmonitor.analysis.signals.ears import ears_c
from hicmonitor.analysis.signals.farrington import (
    FarringtonControl,
    farrington_flexible,
    reference_offsets,
)
from hicmonitor.errors import InputError

Frequency = Literal["year", "month", "week"]
FREQ = {"year": 1, "month": 12, "week": 52}
METHODS = ("farrington", "ears_c1", "ears_c2", "ears_c3", "cusum")
FREQUENCY_NAMES = {
    "year": "year",
    "jaar": "year",
    "month": "month",
    "maand": "month",
    "week": "week",
}
OUTPUT_COLUMNS = [
    "period",
    "observed",
    "expected",
    "upperbound",
    "alarm",
    "score",
    "pvalue",
    "trend",
    "reason",
    "note",
]


# ---------------------------------------------------------------- configuration


@cache
def config() -> dict[str, Any]:
    """The contents of ``signalen.yaml``."""
    text = files("hicmonitor.analysis.signals").joinpath("signalen.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def _env() -> jinja2.Environment:
    from hicmonitor import format_nl

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["n"] = lambda v: format_nl.number(v, 0)
    env.filters["num"] = lambda v: format_nl.number(v, 1 if abs(v) < 10 else 0)
    env.filters["cap"] = lambda s: s[:1].upper() + s[1:]
    # a bound beside an observed count: one decimal where the whole number would equal it
    # ("(16) boven ... bovengrens 15,6", not "bovengrens 16")
    env.filters["bound"] = lambda v, observed: format_nl.number(
        v, 1 if abs(v) < 10 or round(v) == round(observed) else 0
    )
    return env


@cache
def _template(template: str) -> jinja2.Template:
    return _env().from_string(template)


def render(template: str, **values: Any) -> str:
    return _template(template).render(**values)


@dataclass(frozen=True)
class EarsControl:
    """EARS options (see :func:`hicmonitor.analysis.signals.ears.ears_c`)."""

    baseline: int = 7
    alpha: float | None = None
    min_sigma: float = 0.0
    c3_bound: Literal["r", "documented"] = "r"


@dataclass(frozen=True)
class CusumControl:
    """NB CUSUM options for short series: ``baseline`` first periods give ``mu0`` (their mean,
    or their rate times the population with ``population_offset``) and the dispersion;
    ``theta_ratio`` is the rise to detect (``theta = log(theta_ratio)``), ``h`` the
    threshold; ``alpha`` fixes the dispersion instead of estimating it (0: Poisson)."""

    baseline: int = 5
    theta_ratio: float = 1.5
    h: float = 3.0
    alpha: float | None = None
    population_offset: bool = False


Control = FarringtonControl | EarsControl | CusumControl


def _method_family(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"onbekende methode {method!r}; kies uit {', '.join(METHODS)}")
    return "ears" if method.startswith("ears") else method


def default_control(method: str = "farrington", frequency: str = "year") -> Control:
    """The default settings of ``method`` for ``frequency`` (from ``signalen.yaml``)."""
    return make_control(method, frequency, None)


def make_control(
    method: str, frequency: str, control: Mapping[str, Any] | Control | None
) -> Control:
    """The default for ``method``/``frequency`` with the options in ``control`` replaced."""
    family = _method_family(method)
    freq = FREQUENCY_NAMES.get(frequency, frequency)
    cls = {"farrington": FarringtonControl, "ears": EarsControl, "cusum": CusumControl}[family]
    if isinstance(control, cls):
        return control
    base = dict(config()["defaults"][family][freq])
    if family == "farrington":
        return FarringtonControl.from_mapping({**base, **dict(control or {})})
    known = {f.name for f in fields(cls)}
    values = {**base, **dict(control or {})}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"onbekende instelling(en) voor {method}: {', '.join(sorted(unknown))}")
    return cls(**values)


# ---------------------------------------------------------------- periods


@dataclass
class _Axis:
    frequency: Frequency
    freq: int
    positions: np.ndarray  # position of each input row
    labels: dict[int, Any]  # position -> the input label (first seen)
    texts: dict[int, str]  # position -> Dutch label for messages


def _dutch_period(frequency: str, pos: int) -> str:
    if frequency == "year":
        return str(pos)
    if frequency == "month":
        year, month = divmod(pos, 12)
        return f"{config()['month_names'][month]} {year}"
    monday = pd.Timestamp("1970-01-05") + pd.Timedelta(weeks=pos)
    iso = monday.isocalendar()
    return f"week {iso.week} van {iso.year}"


_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR_RE = re.compile(r"^\d{4}$")


def _positions(values: pd.Series, frequency: str | None, source: str, field: str) -> _Axis:
    """Integer positions on one axis per frequency: year, year*12 + month - 1, or weeks since
    1970-01-05 (a Monday)."""
    freq_name = FREQUENCY_NAMES.get(frequency, frequency) if frequency else None
    v = values
    pos: np.ndarray
    if isinstance(v.dtype, pd.PeriodDtype):
        code = v.dt.freqstr[:1]
        inferred = {"Y": "year", "A": "year", "M": "month", "W": "week"}.get(code)
        freq_name = freq_name or inferred
        v = v.dt.start_time
    if pd.api.types.is_integer_dtype(v) and not pd.api.types.is_bool_dtype(v):
        freq_name = freq_name or "year"
        if freq_name != "year":
            raise InputError(source, "perioden als gehele getallen zijn jaren", field=field)
        pos = v.to_numpy(dtype=np.int64)
    else:
        if v.dtype == object or pd.api.types.is_string_dtype(v):
            text = v.dropna().astype(str).str.strip()
            for pattern, name in ((_WEEK_RE, "week"), (_MONTH_RE, "month"), (_YEAR_RE, "year")):
                if len(text) and text.str.match(pattern).all():
                    freq_name = freq_name or name
                    break
            v = v.map(_parse_period_text)
        dt = pd.to_datetime(v, errors="coerce")
        if dt.isna().any():
            bad = int(np.flatnonzero(dt.isna().to_numpy())[0])
            raise InputError(
                source,
                f"periode {values.iloc[bad]!r} niet te lezen (verwacht: 2024, 2024-03, "
                "2024-W05 of een datum)",
                line=bad + 2,
                field=field,
            )
        if freq_name is None:
            freq_name = _infer_frequency(dt)
        if freq_name == "year":
            pos = dt.dt.year.to_numpy(dtype=np.int64)
        elif freq_name == "month":
            pos = (dt.dt.year * 12 + dt.dt.month - 1).to_numpy(dtype=np.int64)
        else:
            days = (dt - pd.Timestamp("1970-01-05")).dt.days.to_numpy(dtype=np.int64)
            pos = np.floor_divide(days, 7)
    if freq_name not in FREQ:
        raise ValueError(f"onbekende frequentie {frequency!r}: kies jaar, maand of week")
    uniq, first_row = np.unique(pos, return_index=True)
    labels: dict[int, Any] = {
        int(p): values.iloc[int(i)] for p, i in zip(uniq, first_row, strict=True)
    }
    texts = {p: _dutch_period(freq_name, p) for p in labels}
    return _Axis(freq_name, FREQ[freq_name], pos, labels, texts)


def _parse_period_text(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    t = text.strip()
    if m := _WEEK_RE.match(t):
        return pd.Timestamp.fromisocalendar(int(m[1]), int(m[2]), 1)
    if m := _MONTH_RE.match(t):
        return pd.Timestamp(int(m[1]), int(m[2]), 1)
    if _YEAR_RE.match(t):
        return pd.Timestamp(int(t), 1, 1)
    return t


def _infer_frequency(dt: pd.Series) -> str:
    uniq = np.sort(dt.dropna().unique())
    if len(uniq) < 2:
        return "year" if (dt.dt.month == 1).all() and (dt.dt.day == 1).all() else "month"
    gaps = np.diff(uniq).astype("timedelta64[D]").astype(int)
    if gaps.min() >= 365 and (dt.dt.month == 1).all():
        return "year"
    if gaps.min() >= 28 and (dt.dt.day == 1).all():
        return "month"
    return "week"


# ---------------------------------------------------------------- input checks


def _check_counts(frame: pd.DataFrame, count: str, keys: Sequence[str], source: str) -> np.ndarray:
    raw = frame[count]
    values = pd.to_numeric(raw, errors="coerce")
    not_number = values.isna() & raw.notna()
    for label, problem in (
        (not_number, "geen getal"),
        (values < 0, "negatief aantal"),
        ((values.notna()) & (values != np.floor(values.fillna(0))), "geen geheel aantal"),
    ):
        bad = np.flatnonzero(label.to_numpy())
        if bad.size:
            i = int(bad[0])
            where = ", ".join(str(frame[k].iloc[i]) for k in keys)
            more = f" (en nog {bad.size - 1} rij(en))" if bad.size > 1 else ""
            raise InputError(
                source,
                f"{problem} ({raw.iloc[i]!r}) voor {where}{more}; een aantal is een geheel getal >= 0",
                line=i + 2,
                field=count,
            )
    return values.to_numpy(dtype=float)


# ---------------------------------------------------------------- main


def detect_signals(
    data: pd.DataFrame,
    *,
    method: str = "farrington",
    control: Mapping[str, Any] | Control | None = None,
    frequency: str | None = None,
    keys: Sequence[str] = ("region_code", "category"),
    period: str | None = None,
    count: str = "count",
    population: str | None = None,
    periods: Iterable[Any] | None = None,
    source: str = "gegevens",
) -> pd.DataFrame:
    """Signals per series and period.

    ``data``: one row per series (``keys``) and ``period`` with a ``count`` and, optionally,
    a population column (``population``; default ``inhabitants`` or ``population`` when
    present). ``period``: the period column (default ``period``, else ``year``); integer years,
    dates (start of the period), pandas Periods or text (``2024``, ``2024-03``, ``2024-W05``).
    ``frequency``: ``year``/``month``/``week`` (Dutch ``jaar``/``maand``/``week`` too;
    inferred when None). ``method``: ``farrington`` (default), ``ears_c1``, ``ears_c2``,
    ``ears_c3`` or ``cusum``. ``control``: options replacing the default of ``method`` and
    ``frequency`` (``signalen.yaml``), with our names or R's (``noPeriods``...).
    ``periods``: the period labels to report (default: all). ``source``: the name used in
    error messages.

    Returns the ``keys`` columns and ``period, observed, expected, upperbound, alarm, score,
    pvalue, trend, reason, note`` (+ the other input columns of that row, e.g.
    ``provisional``), sorted by series and period. ``alarm`` is False where ``reason`` is set.
    """
    keys = list(keys)
    if period is None:
        period = "period" if "period" in data.columns else "year"
    for col in [*keys, period, count]:
        if col not in data.columns:
            raise InputError(source, f"kolom '{col}' ontbreekt", field=col)
    frame = data.reset_index(drop=True)
    for k in keys:
        missing = np.flatnonzero(frame[k].isna().to_numpy())
        if missing.size:
            raise InputError(source, f"lege waarde in '{k}'", line=int(missing[0]) + 2, field=k)
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *OUTPUT_COLUMNS])
    counts = _check_counts(frame, count, keys, source)
    axis = _positions(frame[period], frequency, source, period)
    ctl = make_control(method, axis.frequency, control)
    needs_pop = getattr(ctl, "population_offset", False)
    if population is None:
        population = next((c for c in ("inhabitants", "population") if c in frame.columns), None)
    if needs_pop and (population is None or population not in frame.columns):
        raise InputError(
            source,
            f"kolom '{population or 'inhabitants'}' ontbreekt: nodig voor de bevolkingscorrectie",
            field=population or "inhabitants",
        )
    pop_values = None
    if population is not None and population in frame.columns:
        pop_values = pd.to_numeric(frame[population], errors="coerce").to_numpy(dtype=float)
        neg = np.flatnonzero(pop_values < 0)
        if neg.size:
            raise InputError(source, "negatief inwonertal", line=int(neg[0]) + 2, field=population)

    # series x positions
    series_idx = frame.groupby(keys, sort=True, dropna=False).ngroup().to_numpy()
    series_keys = frame[keys].drop_duplicates().sort_values(keys).reset_index(drop=True)
    m = len(series_keys)
    p0 = int(axis.positions.min()) if len(frame) else 0
    n = int(axis.positions.max()) - p0 + 1 if len(frame) else 0
    col = axis.positions - p0
    cell = series_idx.astype(np.int64) * max(n, 1) + col
    _, first_seen = np.unique(cell, return_index=True)
    if first_seen.size < cell.size:
        dup = np.ones(cell.size, dtype=bool)
        dup[first_seen] = False
        i = int(np.flatnonzero(dup)[0])
        where = ", ".join(str(frame[k].iloc[i]) for k in keys)
        raise InputError(
            source,
            f"periode {axis.texts[int(axis.positions[i])]} staat twee keer in de invoer voor {where}",
            line=i + 2,
            field=period,
        )
    Y = np.full((n, m), np.nan)
    Y[col, series_idx] = counts
    present = np.zeros((n, m), dtype=bool)
    present[col, series_idx] = True
    P = None
    if pop_values is not None:
        P = np.full((n, m), np.nan)
        P[col, series_idx] = pop_values

    family = _method_family(method)
    if family == "farrington":
        res = _run_farrington(Y, P, axis, ctl)
    elif family == "ears":
        res = _run_ears(Y, axis, ctl, method)
    else:
        res = _run_cusum(Y, P, axis, ctl)

    # output: one row per input row, plus one per period missing inside a series' span
    extra_cols = [c for c in frame.columns if c not in (*keys, period, count) and c != population]
    last = n - 1 - np.argmax(present[::-1], axis=0)
    gap_t, gap_j = np.nonzero(
        ~present
        & (np.arange(n)[:, None] >= _first_present(present))
        & (np.arange(n)[:, None] <= last[None, :])
    )
    rows = np.concatenate([col, gap_t])
    cols = np.concatenate([series_idx, gap_j])
    out = series_keys.iloc[cols].reset_index(drop=True)
    if gap_t.size:
        gap_labels = [_label_for(axis, p0 + int(t), frame[period]) for t in gap_t]
        out["period"] = pd.concat(
            [frame[period].astype(object), pd.Series(gap_labels, dtype=object)],
            ignore_index=True,
        )
    else:
        out["period"] = frame[period].to_numpy()
    out["observed"] = Y[rows, cols]
    for name in ("expected", "upperbound", "score", "pvalue"):
        out[name] = res[name][rows, cols]
    out["alarm"] = res["alarm"][rows, cols]
    out["trend"] = res["trend"][rows, cols]
    out["reason"] = res["reason"][rows, cols]
    out["note"] = res["note"][rows, cols]
    for c in extra_cols:
        out[c] = (
            pd.concat([frame[c], pd.Series([None] * gap_t.size, dtype=object)], ignore_index=True)
            if gap_t.size
            else frame[c].to_numpy()
        )

    # whole-series reasons
    zero_series = np.nansum(Y, axis=0) == 0
    z = zero_series[cols]
    if z.any():
        out.loc[z, "reason"] = config()["reasons"]["all_zero"]
        out.loc[z, ["expected", "upperbound", "score", "pvalue"]] = np.nan
        out.loc[z, "trend"] = None
    missing = np.isnan(out["observed"].to_numpy())
    out.loc[missing, "reason"] = config()["reasons"]["missing_period"]
    out.loc[missing, ["expected", "upperbound", "score", "pvalue"]] = np.nan
    out["alarm"] = out["alarm"].astype(bool) & out["reason"].isna()

    positions = p0 + rows
    if periods is not None:
        wanted = _positions(pd.Series(list(periods)), axis.frequency, source, period).positions
        keep = np.isin(positions, wanted)
        out, positions, cols = out[keep], positions[keep], cols[keep]
    out = out[[*keys, *OUTPUT_COLUMNS, *extra_cols]]
    order = np.lexsort((positions, cols))
    return out.iloc[order].reset_index(drop=True)


def _first_present(present: np.ndarray) -> np.ndarray:
    has = present.any(axis=0)
    return np.where(has, np.argmax(present, axis=0), present.shape[0])[None, :]


def _label_for(axis: _Axis, pos: int, example: pd.Series) -> Any:
    """A period label for a position absent from the input, in the input's own form."""
    if pos in axis.labels:
        return axis.labels[pos]
    sample = example.iloc[0]
    if axis.frequency == "year":
        start = pd.Timestamp(pos, 1, 1)
    elif axis.frequency == "month":
        start = pd.Timestamp(pos // 12, pos % 12 + 1, 1)
    else:
        start = pd.Timestamp("1970-01-05") + pd.Timedelta(weeks=pos)
    if isinstance(sample, (int, np.integer)):
        return pos
    if isinstance(sample, pd.Period):
        return pd.Period(start, freq=sample.freq)
    if isinstance(sample, str):
        if axis.frequency == "year":
            return str(pos)
        if axis.frequency == "month":
            return f"{start.year}-{start.month:02d}"
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return start


# ---------------------------------------------------------------- per method


def _empty(n: int, m: int) -> dict[str, np.ndarray]:
    res = {name: np.full((n, m), np.nan) for name in ("expected", "upperbound", "score", "pvalue")}
    res["alarm"] = np.zeros((n, m), dtype=bool)
    res["trend"] = np.full((n, m), None, dtype=object)
    res["reason"] = np.full((n, m), None, dtype=object)
    res["note"] = np.full((n, m), None, dtype=object)
    return res


def _first_observed(Y: np.ndarray) -> np.ndarray:
    has = ~np.isnan(Y)
    first = np.argmax(has, axis=0)
    return np.where(has.any(axis=0), first, Y.shape[0])


def _unit(axis: _Axis, count: int) -> str:
    u = config()["units"][axis.frequency]
    return u["one"] if count == 1 else u["many"]


def _list_periods(axis: _Axis, p0: int, rows: Iterable[int]) -> str:
    texts = [axis.texts.get(p0 + r, _dutch_period(axis.frequency, p0 + r)) for r in rows]
    if len(texts) <= 1:
        return "".join(texts)
    return ", ".join(texts[:-1]) + " en " + texts[-1]


def _run_farrington(Y, P, axis: _Axis, ctl: FarringtonControl) -> dict[str, np.ndarray]:
    n, m = Y.shape
    res = _empty(n, m)
    reasons = config()["reasons"]
    p0 = int(axis.positions.min())
    need = axis.freq * ctl.b + ctl.w
    first = _first_observed(Y)
    # b counts years whatever the frequency
    short = render(reasons["too_short"], need=ctl.b, unit=config()["units"]["year"]["many"])
    for r in range(n):
        res["reason"][r, r - first < need] = short
    idx = np.arange(need, n)
    if idx.size == 0:
        return res
    if ctl.population_offset:
        bad_pop = ~(P > 0)
    fr = farrington_flexible(
        Y, freq=axis.freq, control=ctl, range=idx, population=P, only_enough_cases=True
    )
    offsets, _ = reference_offsets(axis.freq, ctl)
    ok_len = (idx[:, None] - first[None, :]) >= need
    sl = idx
    res["expected"][sl] = fr.expected
    res["upperbound"][sl] = fr.upperbound
    res["score"][sl] = fr.score
    res["pvalue"][sl] = fr.pvalue
    res["alarm"][sl] = fr.alarm
    res["trend"][sl] = np.where(fr.fitted, fr.trend, None)
    few = render(
        reasons["too_few_cases"],
        cases=ctl.limit54[0],
        periods=ctl.limit54[1],
        unit_many=config()["units"][axis.frequency]["many"],
    )
    for i, k in enumerate(idx):
        pos = int(k) + offsets
        valid = ok_len[i]
        reason_row = res["reason"][k]
        note_row = res["note"][k]
        if ctl.population_offset:
            bad = bad_pop[pos] & ~np.isnan(Y[pos])
            badk = bad_pop[k]
            for j in np.flatnonzero(valid & (bad.any(axis=0) | badk)):
                rows = sorted(set(pos[bad[:, j]].tolist()) | ({int(k)} if badk[j] else set()))
                reason_row[j] = render(
                    reasons["no_population"], periods=_list_periods(axis, p0, rows)
                )
                valid[j] = False
        gaps = np.isnan(Y[pos]) & (pos[:, None] >= first[None, :])
        for j in np.flatnonzero(valid & gaps.any(axis=0)):
            note_row[j] = render(
                config()["notes"]["missing_in_baseline"],
                periods=_list_periods(axis, p0, pos[gaps[:, j]].tolist()),
            )
        fewc = valid & ~fr.enough_cases[i]
        reason_row[fewc] = few
        nofit = valid & fr.enough_cases[i] & ~fr.fitted[i]
        reason_row[nofit] = reasons["no_fit"]
        nobound = valid & fr.fitted[i] & np.isnan(fr.upperbound[i])
        reason_row[nobound] = reasons["no_bound"]
        for name in ("expected", "upperbound", "score", "pvalue"):
            res[name][k, ~valid] = np.nan
        res["alarm"][k, ~valid] = False
        res["trend"][k, ~valid] = None
    return res


def _run_ears(Y, axis: _Axis, ctl: EarsControl, method: str) -> dict[str, np.ndarray]:
    n, m = Y.shape
    res = _empty(n, m)
    code = method[-2:].upper()
    need = ctl.baseline + EARS_LAG[code]
    first = _first_observed(Y)
    short = render(
        config()["reasons"]["too_short"], need=ctl.baseline, unit=_unit(axis, ctl.baseline)
    )
    for r in range(n):
        res["reason"][r, r - first < need] = short
    idx = np.arange(need, n)
    if idx.size == 0:
        return res
    er = ears_c(
        Y,
        method=code,
        baseline=ctl.baseline,
        alpha=ctl.alpha,
        min_sigma=ctl.min_sigma,
        range=idx,
        c3_bound=ctl.c3_bound,
    )
    valid = (idx[:, None] - first[None, :]) >= need
    res["expected"][idx] = np.where(valid, er.expected, np.nan)
    res["upperbound"][idx] = np.where(valid, er.upperbound, np.nan)
    res["score"][idx] = np.where(valid, er.score, np.nan)
    res["alarm"][idx] = valid & er.alarm
    gapped = valid & np.isnan(er.upperbound) & ~np.isnan(Y[idx])
    res["reason"][idx] = np.where(
        gapped, config()["reasons"]["gap_in_baseline"], res["reason"][idx]
    )
    return res


def _run_cusum(Y, P, axis: _Axis, ctl: CusumControl) -> dict[str, np.ndarray]:
    n, m = Y.shape
    res = _empty(n, m)
    reasons = config()["reasons"]
    first = _first_observed(Y)
    short = render(reasons["too_short"], need=ctl.baseline, unit=_unit(axis, ctl.baseline))
    theta = math.log(ctl.theta_ratio)
    p0 = int(axis.positions.min())
    for start in np.unique(first):
        if start >= n:
            continue
        cols = np.flatnonzero(first == start)
        mon = start + ctl.baseline
        res["reason"][start : min(mon, n), cols[:, None]] = short
        if mon >= n:
            continue
        base = Y[start:mon, cols]
        if ctl.population_offset:
            bp = P[start:mon, cols]
            rate = np.nansum(base, axis=0) / np.nansum(np.where(np.isnan(base), np.nan, bp), axis=0)
            mu0 = rate[None, :] * P[mon:, cols]
            bad = ~(P[start:, cols] > 0)
            for jj, j in enumerate(cols):
                if bad[:, jj].any():
                    rows = np.flatnonzero(bad[:, jj]) + start
                    res["reason"][mon:, j] = render(
                        reasons["no_population"], periods=_list_periods(axis, p0, rows)
                    )
        else:
            mu0 = np.broadcast_to(np.nanmean(base, axis=0), (n - mon, cols.size))
        alpha = nb_dispersion(base) if ctl.alpha is None else np.full(cols.size, ctl.alpha)
        y = Y[mon:, cols]
        cr = nb_cusum(y, mu0, theta=theta, alpha=alpha, h=ctl.h)
        res["expected"][mon:, cols] = cr.expected
        res["upperbound"][mon:, cols] = cr.upperbound
        res["score"][mon:, cols] = cr.score
        res["alarm"][mon:, cols] = cr.alarm
    return res
