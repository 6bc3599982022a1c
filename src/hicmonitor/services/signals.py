"""Early warning (``hic signalen``, the municipality page): which series rose beyond what
their own history predicts.

Three sources of series, one method (:func:`hicmonitor.analysis.signals.detect_signals`):

* :func:`police_signals` -- the police figures in the store: per municipality (or one region)
  every HIC category the police publishes per municipality (woninginbraak, geweld) and each
  crime code of geweld on its own; yearly, or monthly where monthly figures are loaded; as
  public on a peildatum;
* :func:`incident_signals` -- incident data (never published) counted per grid cell and week
  or month: the output names cells, not addresses;
* :func:`by_region` / :func:`for_region` -- the signals of every / one municipality for its
  page (and the API).

Everything returns plain data; the CLI and the web only render it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from hicmonitor import store
from hicmonitor.analysis.signals import METHODS, detect_signals, make_control
from hicmonitor.analysis.signals import listing as lst
from hicmonitor.analysis.signals.api import config
from hicmonitor.errors import HicError
from hicmonitor.format_nl import amount, enumerate_nl
from hicmonitor.regions import NATIONAL, UNKNOWN_MUNICIPALITY, level_of
from hicmonitor.services.regions import resolve_region

PERIOD_KINDS = {"year": "jaar", "month": "maand"}
FREQUENCY_NL = {"year": "jaar", "month": "maand", "week": "week"}
MOMENTS = ("begin", "midden", "eind")


@dataclass(frozen=True)
class Signal:
    """One signal of a region, for the municipality page and ``/api/v1/gemeenten/{code}``."""

    category: str  # the series: a taxonomy id or a crime code of geweld ("1.4.4")
    label: str  # its Dutch label ("Geweld: bedreiging")
    period: str  # the period in Dutch ("2025", "juli 2025")
    text: str  # the Dutch sentence that explains the signal
    observed: int | None = None
    expected: float | None = None
    upperbound: float | None = None
    score: float | None = None
    provisional: bool = False


@dataclass(frozen=True)
class SignalList:
    """The answer of ``hic signalen``: ranked rows and what they were computed on."""

    rows: pd.DataFrame  # ranked (analysis.signals.listing.ranked) + period_label, period_text
    kind: str  # "regio" (police figures) or "cel" (incidents on a grid)
    frequency: str  # year, month, week
    periods: list[str]  # the periods reported, in Dutch
    method: str
    setting: str  # the method's settings, for the reader
    scope: str  # what was searched, in Dutch ("342 gemeenten", "Tilburg (GM0855)")
    series: int  # series with a figure in the period(s)
    values: int  # series x periods reported
    computed: int  # of those, with an upper bound (a signal could be computed)
    alarms: int
    uncomputed: dict[str, int]  # why the others have no upper bound: Dutch reason -> values
    all_rows: bool  # rows without a signal are listed too
    peildatum: dt.date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return "provisional" in self.rows and bool(self.rows["provisional"].fillna(False).any())

    def export_frame(self) -> pd.DataFrame:
        """One row per listed series and period: values, not their display."""
        r = self.rows
        keys = ["region_code", "name", "series", "label"] if self.kind == "regio" else ["cell"]
        if self.kind == "cel":
            keys += ["x_min", "y_min"]
        cols = [
            "rank",
            *keys,
            "period_label",
            "observed",
            "expected",
            "upperbound",
            "score",
            "alarm",
            "pvalue",
            "trend",
        ]
        if self.kind == "regio":
            cols.append("provisional")
        cols += ["reason", "note", "text"]
        out = r.reindex(columns=cols).rename(columns={"period_label": "period"})
        out["observed"] = out["observed"].astype("Int64")
        out["alarm"] = out["alarm"].astype(bool)
        out["trend"] = out["trend"].astype("boolean")
        if "provisional" in out:
            out["provisional"] = out["provisional"].fillna(False).astype(bool)
        for col in ("x_min", "y_min"):
            if col in out:
                out[col] = out[col].astype("Int64")
        return out.reset_index(drop=True)


# ---------------------------------------------------------------- settings


def check_method(method: str) -> str:
    m = method.strip().lower()
    if m not in METHODS:
        raise HicError(f"--methode: onbekend {method[:40]!r}; kies uit {', '.join(METHODS)}")
    return m


def parse_settings(items: Iterable[str] | None) -> dict[str, Any]:
    """``--instelling NAAM=WAARDE`` (repeatable) as a mapping: ``alpha=0.05``,
    ``population_offset=true``, ``limit54=10,1``."""
    import yaml

    out: dict[str, Any] = {}
    for item in items or []:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise HicError(
                f"--instelling: {item[:60]!r} is geen NAAM=WAARDE (bijvoorbeeld alpha=0.05)"
            )
        text = value.strip()
        if "," in text and not text.startswith("["):
            text = f"[{text}]"
        try:
            out[name] = yaml.safe_load(text)
        except yaml.YAMLError:
            out[name] = value.strip()
    return out


def control_for(method: str, frequency: str, settings: Mapping[str, Any] | None):  # noqa: ANN201
    """The method's default for ``frequency`` with ``settings`` replaced; Dutch errors."""
    base = make_control(method, frequency, None)
    known = {f.name for f in dataclasses.fields(base)} | set(_r_names())
    hints = config()["settings_help"]
    for name, value in (settings or {}).items():
        if name not in known:
            raise HicError(
                f"--instelling {name}: onbekende instelling voor {method}; kies uit "
                + ", ".join(sorted(f.name for f in dataclasses.fields(base)))
            )
        try:
            make_control(method, frequency, {name: value})
        except (ValueError, TypeError):
            hint = hints.get(_r_names().get(name, name), "een geldige waarde")
            raise HicError(
                f"--instelling {name}={value!r}: ongeldige waarde; verwacht {hint}"
            ) from None
    try:
        return make_control(method, frequency, dict(settings or {}))
    except (ValueError, TypeError) as exc:
        raise HicError(f"--instelling: deze combinatie van instellingen kan niet ({exc})") from None


def _r_names() -> dict[str, str]:
    from hicmonitor.analysis.signals.farrington import R_NAMES

    return R_NAMES


def setting_text(method: str, control: Any) -> str:
    """The settings in one line: ``farrington: b 4, w 0, alpha 0.01, ...``."""
    parts = []
    for f in dataclasses.fields(control):
        v = getattr(control, f.name)
        if isinstance(v, tuple):
            v = ",".join(str(x) for x in v)
        parts.append(f"{f.name} {v}")
    return f"{method}: " + ", ".join(parts)


# ---------------------------------------------------------------- periods


def _choose_periods(
    starts: pd.Series,
    frequency: str,
    choice: lst.PeriodChoice | None,
    year: int | None,
    until: dt.date,
    *,
    what: str,
    when: str,
) -> list[pd.Timestamp]:
    """The periods to report: the one asked for, the complete ones of ``year``, or the latest
    complete one; Dutch errors naming what there is."""
    have = sorted(pd.to_datetime(pd.Series(starts).unique()))
    complete = [s for s in have if lst.period_end(s, frequency) <= pd.Timestamp(until)]

    def span() -> str:
        if not complete:
            return "geen"
        first = lst.period_text(complete[0], frequency)
        last = lst.period_text(complete[-1], frequency)
        return first if first == last else f"{first} tot en met {last}"

    if choice is not None and choice.start is not None:
        if year is not None and year != choice.start.year:
            raise HicError(
                f"--jaar {year} en --periode {lst.period_label(choice.start, frequency)} "
                "spreken elkaar tegen: geef één van beide"
            )
        wanted = [choice.start]
    elif year is not None:
        if frequency == "year":
            wanted = [pd.Timestamp(year, 1, 1)]
        else:
            wanted = [s for s in complete if s.year == year]
            if not wanted:
                raise HicError(f"geen {what} over {year}{when}; wel over {span()}")
            return wanted
    else:
        latest = complete[-1] if complete else None
        if latest is None:
            raise HicError(f"geen {what} over een afgelopen periode{when}; wel over {span()}")
        return [latest]
    for s in wanted:
        text = lst.period_text(s, frequency)
        # a period inside the span of the data is reported even where it has no figure
        # (a missing period in the middle of a series: "geen cijfer voor deze periode")
        if not have or s < have[0] or s > have[-1]:
            raise HicError(f"geen {what} over {text}{when}; wel over {span()}")
        if lst.period_end(s, frequency) > pd.Timestamp(until):
            raise HicError(
                f"{text} was{when or ' nu'} nog niet voorbij: geen volledig cijfer; wel over "
                f"{span()}"
            )
    return wanted


def _up_to(frame: pd.DataFrame, last: pd.Timestamp, keys: list[str]) -> pd.DataFrame:
    """The rows up to ``last``, and per series its first row after it: later figures do
    not change a signal (the method looks back only), but a series that goes on after
    ``last`` without a figure for it has a missing period there, not its end."""
    later = frame["period"] > last
    following = frame[later].sort_values("period").groupby(keys, sort=False).head(1)
    return pd.concat([frame[~later], following], ignore_index=True)


def _when(peildatum: dt.date | None) -> str:
    return f" die op {peildatum.isoformat()} openbaar waren" if peildatum else ""


# ---------------------------------------------------------------- police figures


def _series_filter(
    categories: Iterable[str] | None, municipal: bool
) -> tuple[list[str] | None, list[str]]:
    """(the series asked for or None for all, notes on categories without such series)."""
    if not categories:
        return None, []
    wanted, notes = [], []
    for text in categories:
        try:
            s = lst.find_series(text)
        except HicError as exc:
            raise HicError(f"--categorie: {exc}") from None
        reason = lst.national_only(s)
        if reason and (municipal or s == "ram_plofkraak"):
            hint = "" if s == "ram_plofkraak" else "; de landelijke reeks: --regio NL01"
            notes.append(f"{lst.series_label(s)}: {reason}{hint}")
            continue
        if s not in wanted:
            wanted.append(s)
    if not wanted:
        raise HicError("; ".join(notes))
    return wanted, notes


def police_signals(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int | None = None,
    choice: lst.PeriodChoice | None = None,
    region: str | None = None,
    categories: Iterable[str] | None = None,
    method: str = "farrington",
    settings: Mapping[str, Any] | None = None,
    peildatum: dt.date | None = None,
    show_all: bool | None = None,
    today: dt.date | None = None,
) -> SignalList:
    """Signals on the police figures in the store, as public on ``peildatum``.

    Without ``region``: every municipality (342 on today's boundaries), each HIC category the
    police publishes per municipality and each crime code of geweld; with ``region`` (code or
    name, :func:`services.regions.resolve_region`): that region's series. ``choice``: the
    frequency (yearly; monthly where monthly figures are loaded) and the period; ``year``:
    the year (``--jaar``), or the year whose months are listed. Default: the last complete
    period public on the peildatum. ``show_all``: list series without a signal too (default:
    with ``region``).
    """
    method = check_method(method)
    frequency = choice.frequency if choice is not None else "year"
    if frequency == "week":
        raise HicError(
            "de politiecijfers in de database zijn per jaar of per maand; weekreeksen komen uit "
            "incidentdata (--incidenten BESTAND of --bron N)"
        )
    control = control_for(method, frequency, settings)
    notes: list[str] = []
    codes: list[str] | None = None
    if region is not None:
        match = resolve_region(con, region)
        codes = [match.code]
        municipal = level_of(match.code) == "gemeente"
        scope = f"{match.name} ({match.code})"
        if match.note:
            notes.append(match.note)
    else:
        municipal = True
        scope = ""
    wanted, cat_notes = _series_filter(categories, municipal)
    notes += cat_notes
    until = peildatum or today or dt.date.today()
    frame = store.signal_series(
        con, regions=codes, period_kind=PERIOD_KINDS[frequency], as_of=peildatum
    )
    if codes is None:
        # once per code, not per row (123,000 rows with monthly figures)
        municipalities = [
            c
            for c in frame["region_code"].unique()
            if level_of(c) == "gemeente" and c != UNKNOWN_MUNICIPALITY
        ]
        frame = frame[frame["region_code"].isin(municipalities)]
        scope = f"{amount(frame['region_code'].nunique(), 'gemeente', 'gemeenten')}"
    if wanted is not None:
        frame = frame[frame["series"].isin(wanted)]
    what = "jaarcijfers" if frequency == "year" else "maandcijfers"
    if frame.empty:
        where = f" voor {scope}" if region is not None else ""
        extra = (
            "; maandcijfers komen met hic laad (open data met perioden als 2024MM03)"
            if frequency == "month"
            else ""
        )
        asked = f" in {enumerate_nl([lst.series_label(s) for s in wanted])}" if wanted else ""
        raise HicError(f"geen {what}{where}{asked}{_when(peildatum)} in de database{extra}")
    periods = _choose_periods(
        frame["period"], frequency, choice, year, until, what=what, when=_when(peildatum)
    )
    frame = _up_to(frame, max(periods), ["region_code", "series"])
    data = frame[["region_code", "series", "count", "provisional", "inhabitants"]].copy()
    if frequency == "year":
        data["period"] = frame["year"].astype(int)
        wanted_periods: list[Any] = [p.year for p in periods]
    else:
        data["period"] = pd.to_datetime(frame["period"])
        wanted_periods = list(periods)
    data["inhabitants"] = data["inhabitants"].astype("float64")
    signals = detect_signals(
        data,
        method=method,
        control=control,
        frequency=frequency,
        keys=("region_code", "series"),
        period="period",
        count="count",
        population="inhabitants",
        periods=wanted_periods,
        source="database",
    )
    names = _region_names(con)
    all_rows = bool(region is not None) if show_all is None else show_all
    rows = lst.ranked(signals, names=names, frequency=frequency, alarms_only=not all_rows)
    _add_period_columns(rows, frequency)
    return SignalList(
        rows=rows,
        kind="regio",
        frequency=frequency,
        periods=[lst.period_text(p, frequency) for p in periods],
        method=method,
        setting=setting_text(method, control),
        scope=scope,
        series=int(signals[["region_code", "series"]].drop_duplicates().shape[0]),
        values=len(signals),
        computed=int(signals["upperbound"].notna().sum()),
        alarms=int(signals["alarm"].sum()),
        uncomputed=_reasons(signals),
        all_rows=all_rows,
        peildatum=peildatum,
        notes=notes,
    )


def _reasons(signals: pd.DataFrame) -> dict[str, int]:
    """How many values have no upper bound, per Dutch reason, most frequent first."""
    counts = signals.loc[signals["upperbound"].isna(), "reason"].dropna().value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def _region_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    regions = store.regions(con)
    return {
        c: n for c, n in zip(regions["code"], regions["name"], strict=True) if isinstance(n, str)
    }


def _add_period_columns(rows: pd.DataFrame, frequency: str) -> None:
    starts = [lst.period_start(p, frequency) for p in rows["period"]]
    rows["period_label"] = [lst.period_label(s, frequency) for s in starts]
    rows["period_text"] = [lst.period_text(s, frequency) for s in starts]


# ---------------------------------------------------------------- incidents on a grid


def incident_signals(
    incidents: pd.DataFrame,
    *,
    precision: str,
    name: str,
    cell_size: float | None = None,
    choice: lst.PeriodChoice | None = None,
    year: int | None = None,
    method: str = "farrington",
    settings: Mapping[str, Any] | None = None,
    moment: str = "midden",
    peildatum: dt.date | None = None,
    show_all: bool = False,
    noun: str | None = None,
) -> SignalList:
    """Signals on incidents counted per grid cell (``cell_size`` metres, default 1 km) and
    week or month. ``incidents``: the canonical incident frame (``sources.incidents``; x/y
    in metres); ``moment``: begin, midden or eind of a time window. The period reported: the
    one asked for, the complete ones of ``year``, or the last complete one (a period is
    complete when the data reach past its end, and it ended before ``peildatum``).
    """
    method = check_method(method)
    grid_cfg = config()["grid"]
    size = float(cell_size if cell_size is not None else grid_cfg["default_cell_size"])
    if not np.isfinite(size) or size < grid_cfg["min_cell_size"]:
        raise HicError(
            f"--raster {size:g}: cellen van minstens {grid_cfg['min_cell_size']} meter; kleinere "
            "cellen komen te dicht bij adressen (incidentdata wordt nooit gepubliceerd)"
        )
    frequency = choice.frequency if choice is not None else "week"
    if frequency == "year":
        raise HicError(
            "incidentdata geeft week- of maandreeksen (--periode week of maand); jaarsignalen "
            "komen uit de politiecijfers (hic signalen --jaar J)"
        )
    if frequency == "week" and precision == "maand":
        raise HicError(
            f"{name}: van elk incident is alleen de maand bekend (resolutie maand); weekreeksen "
            "zijn daarmee niet te maken. Gebruik --periode maand"
        )
    if moment not in MOMENTS:
        raise HicError(f"--tijdstip: onbekend {moment[:40]!r} (begin, midden of eind)")
    control = control_for(method, frequency, settings)
    if incidents.empty:
        raise HicError(f"{name}: geen incidenten")
    start = incidents["t_from"].to_numpy(dtype="datetime64[s]")
    end = incidents["t_to"].to_numpy(dtype="datetime64[s]")
    when = {"begin": start, "eind": end, "midden": start + (end - start) // 2}[moment]
    data_end = pd.Timestamp(end.max()).normalize() + pd.Timedelta(days=1)
    until = min(data_end, pd.Timestamp(peildatum)) if peildatum else data_end
    grid = lst.grid_counts(
        incidents["x"].to_numpy(),
        incidents["y"].to_numpy(),
        when,
        cell_size=size,
        frequency=frequency,
        until=until,
    )
    if grid.empty:
        raise HicError(f"{name}: geen incidenten vóór {until.date().isoformat()}")
    what = "incidenten" if frequency == "week" else "incidenten per maand"
    when_text = f" vóór {until.date().isoformat()}"
    periods = _choose_periods(
        grid["period"], frequency, choice, year, until.date(), what=what, when=when_text
    )
    grid = _up_to(grid, max(periods), ["cell"])
    signals = detect_signals(
        grid,
        method=method,
        control=control,
        frequency=frequency,
        keys=("cell",),
        period="period",
        count="count",
        periods=list(periods),
        source=name,
    )
    cells = signals["cell"].unique()
    names = {c: f"cel {c}" for c in cells}
    rows = lst.ranked(
        signals.assign(series="incident"),
        names=names,
        key="cell",
        frequency=frequency,
        alarms_only=not show_all,
        noun=noun or "incidenten",
    )
    _add_period_columns(rows, frequency)
    n_cells = grid["cell"].nunique()
    unit = f"{size / 1000:g} km" if size % 1000 == 0 else f"{size:g} m"
    return SignalList(
        rows=rows,
        kind="cel",
        frequency=frequency,
        periods=[lst.period_text(p, frequency) for p in periods],
        method=method,
        setting=setting_text(method, control),
        scope=f"{amount(n_cells, 'cel', 'cellen')} van {unit} met incidenten ({name})",
        series=int(signals["cell"].nunique()),
        values=len(signals),
        computed=int(signals["upperbound"].notna().sum()),
        alarms=int(signals["alarm"].sum()),
        uncomputed=_reasons(signals),
        all_rows=show_all,
        peildatum=peildatum,
    )


# ---------------------------------------------------------------- the municipality page


def by_region(
    con: duckdb.DuckDBPyConnection, *, today: dt.date | None = None
) -> dict[str, list[Signal]]:
    """The signals of every municipality, newest first per municipality: the alarms of the last
    complete year and, where monthly figures are loaded, of the last complete month, with the
    default method. One computation for all municipalities (the web computes it once per
    snapshot); a municipality without signals is absent."""
    out: dict[str, list[tuple[pd.Timestamp, float, Signal]]] = {}
    for frequency in ("month", "year"):
        try:
            result = police_signals(
                con, choice=lst.PeriodChoice(frequency), show_all=False, today=today
            )
        except HicError:
            continue
        for r in result.rows.itertuples():
            out.setdefault(str(r.region_code), []).append(
                (
                    lst.period_start(r.period, frequency),
                    -float(r.score),
                    Signal(
                        category=str(r.series),
                        label=str(r.label),
                        period=str(r.period_text),
                        text=str(r.text),
                        observed=int(r.observed),
                        expected=float(r.expected),
                        upperbound=float(r.upperbound),
                        score=float(r.score),
                        provisional=bool(getattr(r, "provisional", False) or False),
                    ),
                )
            )
    return {
        code: [s for _, _, s in sorted(items, key=lambda t: (-t[0].value, t[1]))]
        for code, items in out.items()
    }


def for_region(
    con: duckdb.DuckDBPyConnection, region: str, *, today: dt.date | None = None
) -> list[Signal]:
    """The signals of municipality ``region`` (a code), as :func:`by_region` gives them."""
    return by_region(con, today=today).get(region, [])


__all__ = [
    "NATIONAL",
    "Signal",
    "SignalList",
    "by_region",
    "for_region",
    "incident_signals",
    "parse_settings",
    "police_signals",
]
