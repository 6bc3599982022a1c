"""Figures read straight from the raw files of ``data/`` and ``content/`` (not through the
store or the services), to check what the web serves against."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import yaml

from tests.conftest import DATA, REPO


def municipal_counts(category_codes: tuple[str, ...]) -> dict[tuple[str, int], int]:
    """(region, year) -> the sum of the crime codes, from the municipal CSV."""
    out: dict[tuple[str, int], int] = defaultdict(int)
    seen: dict[tuple[str, int], set[str]] = defaultdict(set)
    with (DATA / "nl" / "registered_crime_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["crime_code"] in category_codes and row["registered_crimes"]:
                key = (row["region_code"], int(row["year"]))
                out[key] += int(row["registered_crimes"])
                seen[key].add(row["crime_code"])
    return {k: v for k, v in out.items() if len(seen[k]) == len(category_codes)}


def population() -> dict[tuple[str, int], int]:
    with (DATA / "nl" / "population_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        return {
            (r["region_code"], int(r["year"])): int(r["inhabitants"]) for r in csv.DictReader(fh)
        }


def boundary_codes(year: int) -> dict[str, str]:
    data = json.loads((DATA / "nl" / f"gemeente_{year}.geojson").read_text("utf-8"))
    return {f["properties"]["statcode"]: f["properties"]["statnaam"] for f in data["features"]}


def boundary_vertices(year: int) -> int:
    data = json.loads((DATA / "nl" / f"gemeente_{year}.geojson").read_text("utf-8"))

    def count(c) -> int:  # noqa: ANN001
        return 1 if isinstance(c[0], float | int) else sum(count(x) for x in c)

    return sum(count(f["geometry"]["coordinates"]) for f in data["features"])


def atm_rows() -> list[dict[str, str]]:
    with (DATA / "nl" / "published_atm_attacks.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def measures_in(code: str) -> set[str]:
    """Ids of the measures whose content file names municipality ``code``."""
    out = set()
    for path in (REPO / "content" / "maatregelen").glob("*.yaml"):
        item = yaml.safe_load(path.read_text("utf-8"))
        if any(g.get("code") == code for g in item.get("gemeenten") or []):
            out.add(item["id"])
    return out
