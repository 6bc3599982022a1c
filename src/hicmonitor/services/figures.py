"""The HIC figures of a region (`hic cijfers`): per category per year, with rates per 1,000.

With a peildatum only the figures public on that day count: the years whose figures were
published by then, and (where monthly figures are in the store) the open year's months to
date, provisional, beside the same months a year earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from hicmonitor import store, taxonomy
from hicmonitor.analysis import trends
from hicmonitor.errors import HicError
from hicmonitor.format_nl import months_span
from hicmonitor.regions import NATIONAL
from hicmonitor.reports import figures
from hicmonitor.services.regions import resolve_region

ATM_CATEGORY = "ram_plofkraak"


@dataclass(frozen=True)
class RegionFigures:
    code: str
    name: str
    # category, label, region_code, year, count, provisional[, inhabitants, per_1000]
    table: pd.DataFrame
    # years x categories (counts), for a region without population (the national overview)
    wide: pd.DataFrame | None
    # ram- en plofkraken (their own national series), when asked for: year, counter, kind,
    # count, reference, available_from, covers_until
    atm: pd.DataFrame | None
    # the open year's months to date (trends.TO_DATE_COLUMNS + label, period), or empty
    to_date: pd.DataFrame
    peildatum: dt.date | None = None

    @property
    def with_population(self) -> bool:
        return "per_1000" in self.table.columns

    def export_frame(self) -> pd.DataFrame:
        """The table for csv/json/parquet/xlsx: the years (``maanden`` 12) and the open
        year's months to date (``maanden`` < 12, always provisional)."""
        out = self.table.copy()
        out.insert(out.columns.get_loc("year") + 1, "maanden", 12)
        if self.to_date.empty:
            return out
        extra = pd.DataFrame(
            {
                "category": self.to_date["category"],
                "label": self.to_date["label"],
                "region_code": self.to_date["region_code"],
                "year": self.to_date["year"],
                "maanden": self.to_date["months"],
                "count": self.to_date["count"],
                "provisional": True,
            }
        )
        return pd.concat([out, extra], ignore_index=True)


def to_date_rows(
    con: duckdb.DuckDBPyConnection,
    regions: list[str],
    yearly: pd.DataFrame,
    peildatum: dt.date | None,
    categories: list[str] | None = None,
) -> pd.DataFrame:
    """The open year's months to date per category (empty without monthly figures)."""
    monthly = store.category_counts(con, regions=regions, period_kind="maand", as_of=peildatum)
    if categories:
        monthly = monthly[monthly["category"].isin(categories)]
    rows = trends.year_to_date(monthly, yearly)
    labels = {c.id: c.label for c in taxonomy.categories()}
    rows["label"] = rows["category"].map(labels)
    rows["period"] = [
        months_span(int(y), int(m)) for y, m in zip(rows["year"], rows["last_month"], strict=True)
    ]
    return rows


def region_figures(
    con: duckdb.DuckDBPyConnection,
    region: str = NATIONAL,
    categories: list[str] | None = None,
    *,
    peildatum: dt.date | None = None,
) -> RegionFigures:
    """The HIC table of a region (code or name), for all or some categories, as public on
    ``peildatum`` (default: everything in the store)."""
    code, name = resolve_region(con, region)
    for c in categories or []:
        taxonomy.category(c)
    counts = store.category_counts(con, regions=[code], as_of=peildatum)
    pop = store.population(con, regions=[code], as_of=peildatum) if code != NATIONAL else None
    table = figures.hic_table(counts, pop, categories=categories or None)
    to_date = to_date_rows(con, [code], counts, peildatum, categories)
    if table.empty and to_date.empty:
        known = sorted(set(counts["category"]))
        when = f" die op {peildatum.isoformat()} openbaar waren" if peildatum else ""
        raise HicError(
            f"geen cijfers voor {name} ({code}){when}"
            + (
                f" in categorie {', '.join(categories)}; wel voor: {', '.join(known) or 'geen'}"
                if categories
                else ""
            )
        )
    wide = figures.wide(table) if "per_1000" not in table.columns and len(table) else None
    atm = None
    if code == NATIONAL and (not categories or ATM_CATEGORY in categories):
        atm = store.atm_attacks(con, as_of=peildatum)
    return RegionFigures(code, name, table, wide, atm, to_date, peildatum)


def change_text(row: pd.Series) -> str:
    """The change of a to-date row on the same months a year earlier, or its note."""
    from hicmonitor.format_nl import percent

    if isinstance(row["change_pct"], float) and np.isnan(row["change_pct"]):
        return row["note"]
    return percent(float(row["change_pct"]), 1, sign=True)


def covered_until(value: object) -> dt.date | None:
    """The end day of a partial-year count (a timestamp or NaT from the store) as a date."""
    if value is None or value != value or not hasattr(value, "year"):
        return None
    return dt.date(value.year, value.month, value.day)  # type: ignore[attr-defined]


def atm_year(row: object) -> str:
    """The year of a ram- en plofkraken row, with the day a partial-year count runs to:
    ``2023 (t/m 30 november)``."""
    from hicmonitor.format_nl import MONTHS

    end = covered_until(row.covers_until)  # type: ignore[attr-defined]
    year = str(row.year)  # type: ignore[attr-defined]
    return year if end is None else f"{year} (t/m {end.day} {MONTHS[end.month - 1]})"
