"""Expected values read straight from the embedded CSV files with the csv module.

Independent of the code under test: no pandas, no hicmonitor.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

NL = Path(__file__).resolve().parents[2] / "data" / "nl"

# the categories as the taxonomy defines them (taxonomy.yaml), written out here on purpose
CODES = {
    "woninginbraak": ("1.1.1",),
    "straatroof": ("1.4.6",),
    "overval": ("1.4.7",),
    "geweld": ("1.4.2", "1.4.4", "1.4.5"),
}


@cache
def national() -> dict[str, dict[int, int]]:
    """category -> year -> national count."""
    out: dict[str, dict[int, int]] = {c: {} for c in CODES}
    with (NL / "registered_crime_national_yearly.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["incident_type_code"].split()[0]
            for cat, codes in CODES.items():
                if code in codes:
                    year = int(row["year"])
                    out[cat][year] = out[cat].get(year, 0) + int(row["incident_count"])
    return out


@cache
def municipal() -> dict[tuple[str, str], dict[int, int]]:
    """(category, GM code) -> year -> count, for woninginbraak and geweld."""
    out: dict[tuple[str, str], dict[int, int]] = {}
    with (NL / "registered_crime_gemeente_yearly.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for cat, codes in CODES.items():
                if row["crime_code"] in codes:
                    series = out.setdefault((cat, row["region_code"]), {})
                    year = int(row["year"])
                    series[year] = series.get(year, 0) + int(row["registered_crimes"])
    return out


@cache
def population() -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = {}
    with (NL / "population_gemeente_yearly.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["region_code"], {})[int(row["year"])] = int(row["inhabitants"])
    return out


@cache
def municipality_codes() -> tuple[str, ...]:
    """The 342 municipalities of the 2025 boundary file."""
    import json

    doc = json.loads((NL / "gemeente_2025.geojson").read_text("utf-8"))
    return tuple(sorted(f["properties"]["statcode"] for f in doc["features"]))


@cache
def published() -> dict[str, dict[int, int]]:
    cols = {
        "overvallen": "overval",
        "straatroof": "straatroof",
        "woninginbraak": "woninginbraak",
        "geweld": "geweld",
    }
    out: dict[str, dict[int, int]] = {c: {} for c in cols.values()}
    with (NL / "published_hic_national_2009_2019.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for col, cat in cols.items():
                out[cat][int(row["year"])] = int(row[col])
    return out
