"""The HIC figures of a region (`hic cijfers`): per category per year, with rates per 1,000."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from hicmonitor import store, taxonomy
from hicmonitor.errors import HicError
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
    # ram- en plofkraken (their own national series), when asked for: year, counter, kind, count
    atm: pd.DataFrame | None

    @property
    def with_population(self) -> bool:
        return "per_1000" in self.table.columns


def region_figures(
    con: duckdb.DuckDBPyConnection,
    region: str = NATIONAL,
    categories: list[str] | None = None,
) -> RegionFigures:
    """The HIC table of a region (code or name), for all or some categories."""
    code, name = resolve_region(con, region)
    for c in categories or []:
        taxonomy.category(c)
    counts = store.category_counts(con, regions=[code])
    pop = store.population(con, regions=[code]) if code != NATIONAL else None
    table = figures.hic_table(counts, pop, categories=categories or None)
    if table.empty:
        known = sorted(set(counts["category"]))
        raise HicError(
            f"geen cijfers voor {name} ({code})"
            + (
                f" in categorie {', '.join(categories)}; wel voor: {', '.join(known) or 'geen'}"
                if categories
                else ""
            )
        )
    wide = figures.wide(table) if "per_1000" not in table.columns else None
    atm = None
    if code == NATIONAL and (not categories or ATM_CATEGORY in categories):
        atm = store.atm_attacks(con)
    return RegionFigures(code, name, table, wide, atm)


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
