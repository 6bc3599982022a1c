"""The HIC figures of a region (`hic cijfers`): per category per year, with rates per 1,000.

Rates use the inhabitants on today's boundaries (:func:`services.regions.region_population`);
nationally, the sum of all municipalities. Ram- en plofkraken are a national series of their
own, per counter (NVB, politie): shown beside the table, never added.

With a peildatum only the figures public on that day count: the years whose figures were
published by then, and (where monthly figures are in the store) the open year's months to
date, provisional, beside the same months a year earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from hicmonitor import store, taxonomy
from hicmonitor.analysis import trends
from hicmonitor.errors import HicError
from hicmonitor.format_nl import months_span
from hicmonitor.regions import NATIONAL
from hicmonitor.reports import figures
from hicmonitor.services.regions import region_population, resolve_region

ATM_CATEGORY = "ram_plofkraak"
ATM_NOTE = (
    "ram- en plofkraken zijn een eigen landelijke reeks (NVB en politie apart, niet optellen)"
)


@dataclass(frozen=True)
class RegionFigures:
    code: str
    name: str
    # category, label, region_code, year, count, provisional, inhabitants, per_1000
    table: pd.DataFrame
    # ram- en plofkraken (their own national series), when asked for: year, counter, kind,
    # count, reference, available_from, covers_until
    atm: pd.DataFrame | None
    # the open year's months to date (trends.TO_DATE_COLUMNS + label, period), or empty
    to_date: pd.DataFrame = field(default_factory=pd.DataFrame)
    peildatum: dt.date | None = None
    note: str | None = None  # the region is not what was typed literally (a former municipality)
    population_note: str | None = None  # how the inhabitants were counted

    @property
    def with_population(self) -> bool:
        return "per_1000" in self.table.columns and self.table["per_1000"].notna().any()

    @property
    def national(self) -> bool:
        return self.code == NATIONAL

    def wide(self, value: str = "count") -> pd.DataFrame:
        """Years as rows, categories as columns (``count`` or ``per_1000``)."""
        return figures.wide(self.table, value)

    def export_frame(self) -> pd.DataFrame:
        """One table for a file: the police categories per year (``maanden`` 12), the open
        year's months to date (``maanden`` < 12, always provisional), then ram- en plofkraken
        with their counter (NVB or politie: two series that must never be added)."""
        out = self.table.copy()
        out.insert(out.columns.get_loc("year") + 1, "maanden", 12)
        if not self.to_date.empty:
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
            out = pd.concat([out, extra], ignore_index=True)
        if self.atm is None or self.atm.empty:
            return out
        out = out.assign(counter=pd.NA, kind=pd.NA, reference=pd.NA)
        atm = self.atm.assign(
            category=ATM_CATEGORY,
            label=taxonomy.category(ATM_CATEGORY).label,
            region_code=NATIONAL,
            maanden=[
                months_covered(v) for v in self.atm.get("covers_until", [None] * len(self.atm))
            ],
            provisional=False,
            inhabitants=pd.NA,
            per_1000=float("nan"),
        )
        out = pd.concat([out, atm[[c for c in out.columns if c in atm.columns]]], ignore_index=True)
        for col in ("year", "maanden", "count", "inhabitants"):
            if col in out:
                out[col] = out[col].astype("Int64")
        return out


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
    match = resolve_region(con, region)
    code, name = match.code, match.name
    asked = [taxonomy.category(c).id for c in categories or []]
    police = [c for c in asked if c != ATM_CATEGORY]
    want_atm = not asked or ATM_CATEGORY in asked
    counts = store.category_counts(con, regions=[code], as_of=peildatum)
    basis = region_population(con, code, as_of=peildatum)
    table = figures.hic_table(counts, basis.frame, categories=police or None)
    if asked and not police:
        table = table.iloc[0:0]
    to_date = to_date_rows(con, [code], counts, peildatum, police or None)
    if asked and not police:
        to_date = to_date.iloc[0:0]
    atm = store.atm_attacks(con, as_of=peildatum) if code == NATIONAL and want_atm else None
    if table.empty and to_date.empty and (atm is None or atm.empty):
        known = sorted(set(counts["category"]))
        when = f" die op {peildatum.isoformat()} openbaar waren" if peildatum else ""
        if asked == [ATM_CATEGORY]:
            raise HicError(f"geen cijfers voor {name} ({code}){when}: {ATM_NOTE}; vraag NL01")
        raise HicError(
            f"geen cijfers voor {name} ({code}){when}"
            + (
                f" in categorie {', '.join(asked)}; wel voor: {', '.join(known) or 'geen'}"
                if asked
                else ""
            )
        )
    return RegionFigures(
        code,
        name,
        table,
        atm,
        to_date,
        peildatum,
        note=match.note,
        population_note=basis.note if not table.empty else None,
    )


def subregion_figures(
    con: duckdb.DuckDBPyConnection,
    municipality: str,
    rule=None,  # noqa: ANN001
) -> pd.DataFrame:
    """The HIC table of the wijken and buurten of a municipality (code), with the disclosure
    rule applied (counts 1–4 as "< 5", their rates withheld). Empty when the store has none.

    Columns: category, label, region_code, name, level, year, count, provisional[,
    inhabitants, per_1000].
    """
    from hicmonitor.services.disclosure import disclose_frame

    regions = store.regions(con)
    wijken = regions[(regions["level"] == "wijk") & (regions["parent"] == municipality)]
    buurten = regions[(regions["level"] == "buurt") & regions["parent"].isin(set(wijken["code"]))]
    codes = list(wijken["code"]) + list(buurten["code"])
    if not codes:
        return pd.DataFrame()
    counts = store.category_counts(con, regions=codes)
    if counts.empty:
        return pd.DataFrame()
    table = figures.hic_table(counts, store.population(con, regions=codes))
    info = regions.set_index("code")
    table.insert(3, "name", table["region_code"].map(info["name"]))
    table.insert(4, "level", table["region_code"].map(info["level"]))
    return disclose_frame(table, rule)


def published_figures(figs: RegionFigures, rule=None) -> pd.DataFrame:  # noqa: ANN001
    """The table of :func:`region_figures` as it may be published (the disclosure rule)."""
    from hicmonitor.services.disclosure import disclose_frame

    return disclose_frame(figs.table, rule)


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


def months_covered(covers_until: object) -> int:
    """The whole months of its year a ram- en plofkraken count covers: 12 for a full year,
    11 for a count to 30 November (or to any day in December)."""
    end = covered_until(covers_until)
    if end is None:
        return 12
    last_day = (end + dt.timedelta(days=1)).month != end.month
    return end.month if last_day else end.month - 1


def atm_year(row: object) -> str:
    """The year of a ram- en plofkraken row, with the day a partial-year count runs to:
    ``2023 (t/m 30 november)``."""
    from hicmonitor.format_nl import MONTHS

    end = covered_until(row.covers_until)  # type: ignore[attr-defined]
    year = str(row.year)  # type: ignore[attr-defined]
    return year if end is None else f"{year} (t/m {end.day} {MONTHS[end.month - 1]})"
