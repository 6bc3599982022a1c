"""Regions: the country, municipalities (with the years in which they exist), other levels.

Municipality names come from the CBS boundary files (``gemeente_YYYY.geojson``); the years in
which a municipality exists come from those files and from the population series. A code that
occurs in the population data but no longer in the newest boundary file is a former
municipality (merged away): it is kept, with ``valid_to`` set to its last year.

``find_region(text, rows)`` finds a region by code or by name: case, accents, quotes and
hyphens ignored ("Amsterdam", "amsterdam", "GM0363", "s-Hertogenbosch" and "'s-Hertogenbosch"
all work). An unknown or ambiguous name raises a Dutch error listing the closest names.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hicmonitor.errors import HicError

NATIONAL = "NL01"
UNKNOWN_MUNICIPALITY = "GM0000"

# CBS region code shapes -> level. Order matters only for readability.
LEVEL_PATTERNS: dict[str, re.Pattern[str]] = {
    "land": re.compile(r"^NL\d{2}$"),
    "landsdeel": re.compile(r"^LD\d{2}$"),
    "provincie": re.compile(r"^PV\d{2}$"),
    "politieregio": re.compile(r"^RE\d{2}$"),
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{6}$"),
    "buurt": re.compile(r"^BU\d{8}$"),
}


def level_of(code: str) -> str | None:
    """The level of a CBS region code, or None if the code has no known shape."""
    for level, pattern in LEVEL_PATTERNS.items():
        if pattern.match(code):
            return level
    return None


def parent_of(code: str) -> str | None:
    """The parent code that can be read off the code itself (buurt -> wijk -> gemeente)."""
    level = level_of(code)
    if level == "buurt":
        return "WK" + code[2:8]
    if level == "wijk":
        return "GM" + code[2:6]
    if level in {"gemeente", "provincie", "politieregio", "landsdeel"} and code != NATIONAL:
        return NATIONAL
    return None


@dataclass(frozen=True)
class Region:
    code: str
    name: str | None
    level: str
    parent: str | None
    valid_from: int | None
    valid_to: int | None  # None: still exists


def boundary_years(data_dir: Path) -> dict[int, Path]:
    return {
        int(p.stem.rsplit("_", 1)[1]): p
        for p in sorted(data_dir.glob("gemeente_*.geojson"))
        if p.stem.rsplit("_", 1)[1].isdigit()
    }


def build_regions(data_dir: Path) -> list[Region]:
    """Regions from the boundary files and the population series in ``data_dir``."""
    names: dict[str, str] = {}
    seen_in: dict[str, set[int]] = {}
    years = boundary_years(data_dir)
    for year, path in sorted(years.items()):
        for feature in json.loads(path.read_text("utf-8"))["features"]:
            props = feature["properties"]
            names[props["statcode"]] = props["statnaam"]
            seen_in.setdefault(props["statcode"], set()).add(year)
    latest = max(years) if years else None
    pop_years: dict[str, set[int]] = {}
    pop_file = data_dir / "population_gemeente_yearly.csv"
    if pop_file.exists():
        with pop_file.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                pop_years.setdefault(row["region_code"], set()).add(int(row["year"]))
    all_years = [y for ys in pop_years.values() for y in ys] + list(years)
    first_year = min(all_years) if all_years else None

    regions = [Region(NATIONAL, "Nederland", "land", None, first_year, None)]
    regions.append(
        Region(UNKNOWN_MUNICIPALITY, "Gemeente onbekend", "gemeente", NATIONAL, first_year, None)
    )
    for code in sorted(set(names) | set(pop_years)):
        years_present = seen_in.get(code, set()) | pop_years.get(code, set())
        current = latest is not None and latest in seen_in.get(code, set())
        regions.append(
            Region(
                code=code,
                name=names.get(code),
                level="gemeente",
                parent=NATIONAL,
                valid_from=min(years_present),
                valid_to=None if current else max(years_present),
            )
        )
    return regions


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, quotes and hyphens ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s'’`\-.]+", "", text.casefold())


def find_region(
    text: str, rows: Iterable[tuple[str, str | None, str, int | None]]
) -> tuple[str, str]:
    """(code, name) for a region code or name, among ``rows`` of (code, name, level, valid_to)."""
    rows = list(rows)
    query = text.strip()
    by_code = {code: (name, valid_to) for code, name, _, valid_to in rows}
    if query.upper() in by_code:
        code = query.upper()
        name, valid_to = by_code[code]
        return code, name or (f"{code} (opgeheven in {valid_to + 1})" if valid_to else code)
    if level_of(query.upper()):
        raise HicError(f"regiocode {query!r} komt niet voor in de database")
    named = [(code, name) for code, name, _, valid_to in rows if name]
    key = fold(query)
    exact = [(c, n) for c, n in named if fold(n) == key]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise HicError(
            f"regio {query!r} is niet eenduidig: "
            + ", ".join(f"{n} ({c})" for c, n in exact)
            + "; geef de code"
        )
    folded = {fold(n): (c, n) for c, n in named}
    close = difflib.get_close_matches(key, list(folded), n=5, cutoff=0.6)
    partial = [
        folded[k]
        for k in folded
        if key and key in k and folded[k] not in [folded[c] for c in close]
    ]
    options = [folded[k] for k in close] + partial[: max(0, 5 - len(close))]
    hint = "; bedoelde u: " + ", ".join(f"{n} ({c})" for c, n in options) if options else ""
    raise HicError(f"onbekende regio {query!r}{hint}")
