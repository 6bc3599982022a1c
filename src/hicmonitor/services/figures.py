"""The HIC figures of a region (`hic cijfers`): per category per year, with rates per 1,000.

Rates use the inhabitants on today's boundaries (:func:`services.regions.region_population`);
nationally, the sum of all municipalities. Ram- en plofkraken are a national series of their
own, per counter (NVB, politie): shown beside the table, never added.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from hicmonitor import store, taxonomy
from hicmonitor.errors import HicError
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
    # ram- en plofkraken (their own national series), when asked for: year, counter, kind, count
    atm: pd.DataFrame | None
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
        """One table for a file: the police categories, then ram- en plofkraken with their
        counter (NVB or politie: two series that must never be added)."""
        table = self.table.assign(counter=pd.NA, kind=pd.NA, reference=pd.NA)
        if self.atm is None or self.atm.empty:
            return table.drop(columns=["counter", "kind", "reference"])
        atm = self.atm.assign(
            category=ATM_CATEGORY,
            label=taxonomy.category(ATM_CATEGORY).label,
            region_code=NATIONAL,
            provisional=False,
            inhabitants=pd.NA,
            per_1000=float("nan"),
        )
        out = pd.concat([table, atm[table.columns]], ignore_index=True)
        for col in ("year", "count", "inhabitants"):
            out[col] = out[col].astype("Int64")
        return out


def region_figures(
    con: duckdb.DuckDBPyConnection,
    region: str = NATIONAL,
    categories: list[str] | None = None,
) -> RegionFigures:
    """The HIC table of a region (code or name), for all or some categories."""
    match = resolve_region(con, region)
    code, name = match.code, match.name
    asked = [taxonomy.category(c).id for c in categories or []]
    police = [c for c in asked if c != ATM_CATEGORY]
    want_atm = not asked or ATM_CATEGORY in asked
    counts = store.category_counts(con, regions=[code])
    basis = region_population(con, code)
    table = figures.hic_table(counts, basis.frame, categories=police or None)
    if asked and not police:
        table = table.iloc[0:0]
    atm = store.atm_attacks(con) if code == NATIONAL and want_atm else None
    if table.empty and (atm is None or atm.empty):
        known = sorted(set(counts["category"]))
        if asked == [ATM_CATEGORY]:
            raise HicError(f"geen cijfers voor {name} ({code}): {ATM_NOTE}; vraag NL01")
        raise HicError(
            f"geen cijfers voor {name} ({code})"
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
