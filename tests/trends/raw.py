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


@cache
def changes() -> tuple[dict[str, str], ...]:
    """The table of municipal changes (data/nl/municipal_changes.csv), as read."""
    with (NL / "municipal_changes.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@cache
def split_shares() -> dict[tuple[str, str], float]:
    """(split municipality, receiving municipality) -> share of its inhabitants, by the
    documented estimate: the receiver's gain over the year of the split beyond national growth."""
    pop = population()
    totals: dict[int, int] = {}
    for code, series in pop.items():
        if code != "GM0000":
            for year, n in series.items():
                totals[year] = totals.get(year, 0) + n
    out: dict[tuple[str, str], float] = {}
    for old in {r["old_code"] for r in changes() if r["kind"] == "split"}:
        parts = [r for r in changes() if r["old_code"] == old]
        year = int(parts[0]["date"][:4])
        growth = totals[year] / totals[year - 1]
        gains = {}
        for r in parts:
            new = r["new_code"]
            whole = [
                q["old_code"]
                for q in changes()
                if q["new_code"] == new and q["kind"] != "split" and int(q["date"][:4]) == year
            ]
            before = sum(pop.get(c, {}).get(year - 1, 0) for c in [new, *whole])
            gains[new] = max(0.0, pop[new][year] - before * growth)
        total = sum(gains.values())
        for new, gain in gains.items():
            out[(old, new)] = gain / total
    return out


@cache
def population_today() -> dict[str, dict[int, int]]:
    """Inhabitants of every current municipality per year on today's boundaries: its own plus
    those of the municipalities that went into it (a split one for its share), rounded."""
    shares = split_shares()

    def today(code: str, weight: float) -> list[tuple[str, float]]:
        steps = [r for r in changes() if r["old_code"] == code]
        if not steps:
            return [(code, weight)]
        out = []
        for r in steps:
            out += today(r["new_code"], weight * shares.get((code, r["new_code"]), 1.0))
        return out

    sums: dict[str, dict[int, float]] = {}
    for code, series in population().items():
        for target, weight in today(code, 1.0):
            for year, n in series.items():
                per = sums.setdefault(target, {})
                per[year] = per.get(year, 0.0) + n * weight
    return {c: {y: round(v) for y, v in s.items()} for c, s in sums.items()}
