"""The HIC figure tables: per category per year, for the CLI, the web and the reports.

``hic_table`` and ``wide`` are pure functions on the frames the store returns
(``store.category_counts``, ``store.population``): the table per category per year with
inhabitants and rate per 1,000. ``report_figures`` gathers the figures of a report as public on
its peildatum: national HIC counts up to the last complete year known then, the open year's
months to date (where monthly figures are in the store) and ATM attacks. Every number a report
prints comes from here, and this module only asks the store (no figure is typed into a
template). Ram- en plofkraken come from their own series, per counter (NVB, politie); the two
counters are never added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from hicmonitor import store, taxonomy
from hicmonitor.analysis.trends import year_to_date
from hicmonitor.errors import HicError
from hicmonitor.regions import NATIONAL

YEARS_SHOWN = 5


def hic_table(
    counts: pd.DataFrame,
    population: pd.DataFrame | None = None,
    *,
    categories: list[str] | None = None,
) -> pd.DataFrame:
    """Long table: category, label, region_code, year, count, provisional[, inhabitants, per_1000].

    ``per_1000`` is missing (NaN) where the population is unknown or zero; it is never
    divided by zero, and never rounded (rounding is for display). ``count`` and
    ``inhabitants`` stay integers (nullable where unknown).
    """
    frame = counts.copy()
    if categories:
        frame = frame[frame["category"].isin(categories)]
    labels = {c.id: c.label for c in taxonomy.categories()}
    order = {c.id: i for i, c in enumerate(taxonomy.categories())}
    frame["label"] = frame["category"].map(labels)
    frame = frame.sort_values(
        ["region_code", "category", "year"],
        key=lambda s: s.map(order) if s.name == "category" else s,
    )
    cols = ["category", "label", "region_code", "year", "count", "provisional"]
    frame = frame[cols]
    if population is not None and not population.empty:
        population = population[["region_code", "year", "inhabitants"]]
        frame = frame.merge(population, on=["region_code", "year"], how="left")
        frame["inhabitants"] = frame["inhabitants"].astype("Int64")
        inh = frame["inhabitants"].astype("float64")
        frame["per_1000"] = frame["count"] / inh.where(inh > 0) * 1000
    return frame.reset_index(drop=True)


def wide(table: pd.DataFrame, value: str = "count") -> pd.DataFrame:
    """Years as rows, categories as columns (for the national overview): ``count`` or
    ``per_1000``."""
    order = [c.id for c in taxonomy.categories() if c.id in set(table["category"])]
    out = table.groupby(["year", "category"])[value].sum(min_count=1).unstack("category")
    out = out[order]
    return out.astype("Int64") if value == "count" else out.astype("float64")


@dataclass(frozen=True)
class CategoryRow:
    category: str  # taxonomy id
    label: str
    counts: dict[int, int]  # year -> count, only years in the store
    provisional: dict[int, bool]


@dataclass(frozen=True)
class AtmRow:
    counter: str  # "NVB" | "politie"
    kind: str
    counts: dict[int, int]
    references: dict[int, str]
    # a count that covers its year only partly: year -> the last day it covers
    partial: dict[int, dt.date] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportFigures:
    year: int  # the last complete year of figures public on the peildatum
    base_year: int
    columns: list[int]  # base year first, then the last five years
    categories: list[CategoryRow]
    atm: list[AtmRow]
    counts: pd.DataFrame  # the national category counts (all years) for the analysis
    as_of: dt.date | None = None  # the peildatum
    # the open year's months to date (analysis.trends.TO_DATE_COLUMNS), possibly empty
    to_date: pd.DataFrame = field(default_factory=pd.DataFrame)

    def value(self, category: str, year: int) -> int | None:
        for row in self.categories:
            if row.category == category:
                return row.counts.get(year)
        return None


def national_counts(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> pd.DataFrame:
    """The yearly national counts per HIC category (store frame), as public on ``as_of``."""
    return store.category_counts(con, regions=[NATIONAL], period_kind="jaar", as_of=as_of)


def complete_years(counts: pd.DataFrame) -> list[int]:
    """Years with a final (not provisional) national figure for every police category."""
    cats = {c.id for c in taxonomy.police_categories()}
    final = counts[~counts["provisional"].astype(bool)]
    years = []
    for year, group in final.groupby("year"):
        if cats <= set(group["category"]):
            years.append(int(year))
    return sorted(years)


def latest_complete_year(con: duckdb.DuckDBPyConnection) -> int:
    years = complete_years(national_counts(con))
    if not years:
        raise HicError("de database bevat geen landelijke HIC-cijfers; laad eerst gegevens")
    return years[-1]


def check_year(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """Raise a Dutch ``HicError`` naming the years that exist when ``year`` has no full data."""
    years = complete_years(national_counts(con))
    if year not in years:
        raise HicError(
            f"geen volledige landelijke HIC-cijfers voor {year}; wel voor de jaren {_span(years)}"
        )


def _span(years: list[int]) -> str:
    if not years:
        return "geen"
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def figures_year(con: duckdb.DuckDBPyConnection, report_year: int, as_of: dt.date) -> int:
    """The year whose figures a report of ``report_year`` dated ``as_of`` presents: the last
    complete year public on that day. It must be the report year or the year before (a
    letter does not present figures of years ago as the latest); else a Dutch ``HicError``
    names what was public then."""
    years = complete_years(national_counts(con, as_of))
    if not years:
        raise HicError(
            f"geen landelijke HIC-cijfers die op {as_of.isoformat()} openbaar waren; "
            "laad eerst gegevens (met --beschikbaar-vanaf)"
        )
    if years[-1] < report_year - 1:
        raise HicError(
            f"op de peildatum {as_of.isoformat()} waren de landelijke HIC-cijfers over "
            f"{report_year - 1} nog niet openbaar; wel over {_span(years)}. Kies een latere "
            "datum of peildatum, of laad de cijfers met hun datum van publicatie"
        )
    return years[-1]


def report_figures(
    con: duckdb.DuckDBPyConnection,
    year: int,
    base_year: int | None = None,
    *,
    as_of: dt.date | None = None,
) -> ReportFigures:
    """The figures of a report: the last five years up to ``year`` plus the base year, as
    public on ``as_of`` (and the open year's months to date), and the ram- en plofkraken.

    ``base_year`` defaults to the first year the store has for every category. A year
    without complete national figures raises a Dutch ``HicError`` naming the years that exist.
    """
    counts = national_counts(con, as_of)
    years = complete_years(counts)
    if year not in years:
        raise HicError(
            f"geen volledige landelijke HIC-cijfers voor {year}; wel voor de jaren {_span(years)}"
        )
    counts = counts[counts["year"] <= year].reset_index(drop=True)
    if base_year is None:
        base_year = years[0]
    if base_year not in years or base_year > year:
        raise HicError(
            f"basisjaar {base_year}: kies een jaar met cijfers tot en met {year} "
            f"(beschikbaar: {_span(years)})"
        )
    recent = [y for y in range(year - YEARS_SHOWN + 1, year + 1)]
    columns = ([base_year] if base_year not in recent else []) + recent

    rows = []
    for cat in taxonomy.police_categories():
        sub = counts[counts["category"] == cat.id]
        rows.append(
            CategoryRow(
                category=cat.id,
                label=cat.label,
                counts={int(y): int(c) for y, c in zip(sub["year"], sub["count"], strict=True)},
                provisional={
                    int(y): bool(p) for y, p in zip(sub["year"], sub["provisional"], strict=True)
                },
            )
        )

    atm_frame = store.atm_attacks(con, as_of=as_of)
    atm = []
    for (counter, kind), sub in atm_frame.groupby(["counter", "kind"], sort=True):
        atm.append(
            AtmRow(
                counter=str(counter),
                kind=str(kind),
                counts={int(y): int(c) for y, c in zip(sub["year"], sub["count"], strict=True)},
                references={
                    int(y): str(r)
                    for y, r in zip(sub["year"], sub["reference"], strict=True)
                    if isinstance(r, str) and r
                },
                partial={
                    int(y): e.date()
                    for y, e in zip(sub["year"], sub["covers_until"], strict=True)
                    if isinstance(e, pd.Timestamp)
                },
            )
        )
    monthly = store.category_counts(con, regions=[NATIONAL], period_kind="maand", as_of=as_of)
    to_date = year_to_date(monthly, counts)
    to_date = to_date[to_date["year"] > year].reset_index(drop=True)
    return ReportFigures(year, base_year, columns, rows, atm, counts, as_of, to_date)
