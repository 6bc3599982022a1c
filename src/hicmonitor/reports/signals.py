"""The early-warning signals a letter names: only those the spec accepts (``signalen:``).

The policy team reads ``hic signalen`` and lists in the report spec the signals the letter
should name (municipality, category, year). Each one is checked against the early warning
computed on the figures public on the letter's peildatum, with the default method
(:mod:`hicmonitor.analysis.signals`): an unknown municipality or category, a year whose
figures were not public yet, a series without a signal in that year, or the same signal
twice is an :class:`~hicmonitor.errors.InputError` naming the spec file, the line and the
field. Signals the spec does not list never reach the letter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from hicmonitor import store, taxonomy
from hicmonitor.analysis.signals import detect_signals, signal_sentence
from hicmonitor.analysis.signals import listing as lst
from hicmonitor.errors import HicError, InputError
from hicmonitor.regions import NATIONAL, find_region, level_of
from hicmonitor.reports.spec import ReportSpec


@dataclass(frozen=True)
class AcceptedSignal:
    """A signal the spec accepts, as computed on the figures public on the peildatum."""

    index: int  # its place in the spec's list (``signalen[index]``)
    region_code: str
    region_name: str
    series: str  # a category id or a crime code of geweld
    category: str  # the taxonomy category whose duiding names it
    year: int
    observed: int
    expected: float
    upperbound: float
    score: float
    provisional: bool
    text: str  # the Dutch sentence
    note: str | None = None  # the spec's own words beside it (``toelichting``)


def _category_of(series: str) -> str:
    for cat in taxonomy.police_categories():
        if series == cat.id or series in cat.codes:
            return cat.id
    return series


def accepted_signals(
    con: duckdb.DuckDBPyConnection,
    spec: ReportSpec,
    *,
    lines: dict[str, int] | None = None,
) -> list[AcceptedSignal]:
    """The signals ``spec.signalen`` accepts, checked and computed as of the peildatum."""
    if not spec.signalen:
        return []
    lines = lines or {}
    file: str | Path = spec.bron or "rapportspecificatie"
    as_of = spec.as_of

    def fail(i: int, field: str | None, message: str) -> InputError:
        path = f"signalen[{i}]" + (f".{field}" if field else "")
        line = lines.get(path) or lines.get(f"signalen[{i}]")
        return InputError(file, message, line=line, field=path)

    rows = store.region_rows(con)
    names = store.region_names(con)
    changes = store.region_changes(con)
    wanted: list[tuple[int, str, str, str, int | None]] = []
    for i, item in enumerate(spec.signalen):
        try:
            match = find_region(
                item.regio,
                rows,
                names=names,
                changes=changes,
                has_data=lambda c: store.has_counts(con, c),
            )
        except HicError as exc:
            raise fail(i, "regio", str(exc)) from None
        if level_of(match.code) != "gemeente" and match.code != NATIONAL:
            raise fail(i, "regio", f"{match.name} ({match.code}) is geen gemeente")
        try:
            series = lst.find_series(item.categorie)
        except HicError as exc:
            raise fail(i, "categorie", str(exc)) from None
        reason = lst.national_only(series)
        if reason and (match.code != NATIONAL or series == "ram_plofkraak"):
            hint = "" if series == "ram_plofkraak" else " (de landelijke reeks: regio NL01)"
            raise fail(i, "categorie", f"{lst.series_label(series)}: {reason}{hint}")
        wanted.append((i, match.code, match.name, series, item.jaar))

    codes = sorted({code for _, code, _, _, _ in wanted})
    frame = store.signal_series(con, regions=codes, as_of=as_of)
    years = sorted(set(frame["year"]))
    last = max((y for y in years if dt.date(y + 1, 1, 1) <= as_of), default=None)
    data = frame[["region_code", "series", "year", "count", "provisional", "inhabitants"]].copy()
    data["inhabitants"] = data["inhabitants"].astype("float64")
    signals = detect_signals(
        data, keys=("region_code", "series"), period="year", source="database"
    ).set_index(["region_code", "series", "period"])

    out: list[AcceptedSignal] = []
    seen: dict[tuple[str, str, int], int] = {}
    for i, code, name, series, year in wanted:
        year = year if year is not None else last
        label = lst.series_label(series).lower()
        if year is None or year not in years or (last is not None and year > last):
            public = f"{years[0]}–{last}" if years and last is not None else "geen"
            field = "jaar" if spec.signalen[i].jaar is not None else None
            raise fail(
                i,
                field,
                f"geen cijfers over {year or 'een afgelopen jaar'} voor {label} in {name} die op "
                f"de peildatum {as_of.isoformat()} openbaar waren (wel over {public})",
            )
        key = (code, series, year)
        if key in seen:
            raise fail(i, None, f"dit signaal staat al in signalen[{seen[key]}]")
        seen[key] = i
        try:
            row = signals.loc[key]
        except KeyError:
            raise fail(
                i, None, f"geen cijfer voor {label} in {name} over {year} in de database"
            ) from None
        sentence = signal_sentence(
            {**row.to_dict(), "period": year}, region_name=name, noun=lst.series_noun(series)
        )
        if not bool(row["alarm"]):
            raise fail(
                i,
                None,
                f"geen signaal voor {label} in {name} in {year} (zoals openbaar op "
                f"{as_of.isoformat()}): {sentence} Alleen een signaal van hic signalen kan in "
                "de brief",
            )
        out.append(
            AcceptedSignal(
                index=i,
                region_code=code,
                region_name=name,
                series=series,
                category=_category_of(series),
                year=int(year),
                observed=int(row["observed"]),
                expected=float(row["expected"]),
                upperbound=float(row["upperbound"]),
                score=float(row["score"]),
                provisional=bool(row.get("provisional", False) == True),  # noqa: E712 - object column
                text=sentence,
                note=spec.signalen[i].toelichting,
            )
        )
    return out


def as_frame(signals: list[AcceptedSignal]) -> pd.DataFrame:
    """The accepted signals as a table (for checks and exports)."""
    return pd.DataFrame([s.__dict__ for s in signals])
