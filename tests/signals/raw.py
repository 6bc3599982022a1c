"""The early warning computed on series read straight from the raw CSV of ``data/`` (not
through the store or the services), to check ``hic signalen``, the web and the letter."""

from __future__ import annotations

import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.analysis.signals import detect_signals
from tests.conftest import DATA


def raw_series(last_year: int | None = None) -> pd.DataFrame:
    """Per municipality (GM0000 left out) and year: woninginbraak, geweld (its codes summed,
    only where all are present) and each code of geweld, from the raw municipal CSV."""
    d = pd.read_csv(DATA / "nl" / "registered_crime_gemeente_yearly.csv", dtype={"crime_code": str})
    d = d[(d["region_code"] != "GM0000") & d["registered_crimes"].notna()]
    if last_year is not None:
        d = d[d["year"] <= last_year]
    parts = []
    for cat in ("woninginbraak", "geweld"):
        codes = taxonomy.category(cat).codes
        part = d[d["crime_code"].isin(codes)].groupby(["region_code", "year"], as_index=False)
        part = part.agg(
            count=("registered_crimes", "sum"),
            n=("crime_code", "nunique"),
            provisional=("provisional", "max"),
        )
        part = part[part["n"] == len(codes)].drop(columns="n")
        parts.append(part.assign(series=cat))
    for code in taxonomy.category("geweld").codes:
        part = d[d["crime_code"] == code].rename(columns={"registered_crimes": "count"})
        parts.append(part[["region_code", "year", "count", "provisional"]].assign(series=code))
    out = pd.concat(parts, ignore_index=True)
    out["count"] = out["count"].astype(int)
    out["provisional"] = out["provisional"].astype(bool)
    return out


def raw_signals(year: int, last_year: int | None = None) -> pd.DataFrame:
    data = raw_series(last_year)
    return detect_signals(data, keys=("region_code", "series"), period="year", periods=[year])
