"""Regions: the country, municipalities (with the years in which they exist), other levels.

Municipality names come from the CBS boundary files (``gemeente_YYYY.geojson``); the years in
which a municipality exists come from those files and from the population series. A code that
occurs in the population data but no longer in the newest boundary file is a former
municipality (merged away): it is kept, with ``valid_to`` set to its last year, and named from
the table of municipal changes.

Two more tables are data (``data/nl``, sources in ``data/SOURCES.md``):

- ``municipal_changes.csv``: every change of the municipal division since the first year of the
  population series (CBS, "Gemeentelijke indelingswijzigingen"): date, old code and name, new
  code and name, and the kind (``merger``, ``split``, ``rename``). A municipality split over
  several others has one line per receiving municipality; the share of its inhabitants each
  received is estimated from the population series (:func:`split_shares`).
- ``region_names.csv``: names people use that are not the official CBS name ("Den Haag",
  "Den Bosch", Dutch and Frisian names, seats of municipalities).

``find_region(text, rows, names=..., changes=...)`` finds a region by code or by name (official,
common or former): case, accents, quotes, hyphens and a qualifier such as "(NH.)" ignored. A
former municipality resolves to the municipality it became part of, with a note naming the
change and its date. An unknown or ambiguous name raises a Dutch error listing the closest names.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from hicmonitor.errors import HicError
from hicmonitor.format_nl import date as date_nl
from hicmonitor.format_nl import enumerate_nl

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


CHANGES_FILE = "municipal_changes.csv"
NAMES_FILE = "region_names.csv"
POPULATION_FILE = "population_gemeente_yearly.csv"
CHANGE_KINDS = ("merger", "split", "rename")


@dataclass(frozen=True)
class Change:
    """One line of the table of municipal changes: ``old_code`` went (wholly, or for ``share``
    of its inhabitants) to ``new_code`` on ``date``."""

    date: str  # ISO date on which the change took effect
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    kind: str  # merger | split | rename
    share: float = 1.0

    @property
    def year(self) -> int:
        return int(self.date[:4])


@dataclass(frozen=True)
class RegionName:
    """A name people use for a region that is not its official CBS name."""

    name: str
    code: str
    kind: str
    source: str


def read_population(data_dir: Path) -> dict[tuple[str, int], int]:
    """(code, year) -> inhabitants from the embedded population series (empty if absent)."""
    path = data_dir / POPULATION_FILE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            (r["region_code"], int(r["year"])): int(r["inhabitants"]) for r in csv.DictReader(fh)
        }


def split_shares(
    changes: list[Change], population: dict[tuple[str, int], int]
) -> dict[tuple[str, str], float]:
    """The share of a split municipality's inhabitants each receiving municipality got.

    Estimated from the population series: a receiving municipality's gain over the year of the
    split, beyond what its own inhabitants and those of the municipalities merged into it
    wholly would give at the national growth rate. Gains are clipped at 0 and scaled to sum to
    1; without usable figures the inhabitants are divided equally.
    """
    totals: dict[int, int] = {}
    for (code, year), n in population.items():
        if code.startswith("GM") and code != UNKNOWN_MUNICIPALITY:
            totals[year] = totals.get(year, 0) + n
    out: dict[tuple[str, str], float] = {}
    by_old: dict[str, list[Change]] = {}
    for ch in changes:
        if ch.kind == "split":
            by_old.setdefault(ch.old_code, []).append(ch)
    for old, parts in by_old.items():
        year = parts[0].year
        growth = totals.get(year, 0) / totals[year - 1] if totals.get(year - 1) else 1.0
        gains = {}
        for part in parts:
            whole = [
                c.old_code
                for c in changes
                if c.new_code == part.new_code and c.kind != "split" and c.year == year
            ]
            before = sum(population.get((c, year - 1), 0) for c in [part.new_code, *whole])
            after = population.get((part.new_code, year))
            gains[part.new_code] = max(0.0, after - before * growth) if after is not None else 0.0
        total = sum(gains.values())
        for part in parts:
            share = gains[part.new_code] / total if total > 0 else 1.0 / len(parts)
            out[(old, part.new_code)] = share
    return out


def read_changes(data_dir: Path) -> list[Change]:
    """The table of municipal changes, with the shares of split municipalities estimated."""
    path = data_dir / CHANGES_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [
            Change(r["date"], r["old_code"], r["old_name"], r["new_code"], r["new_name"], r["kind"])
            for r in csv.DictReader(fh)
        ]
    for r in rows:
        if r.kind not in CHANGE_KINDS:
            raise HicError(f"{path}: onbekende soort wijziging {r.kind!r} bij {r.old_code}")
    shares = split_shares(rows, read_population(data_dir))
    return [
        Change(r.date, r.old_code, r.old_name, r.new_code, r.new_name, r.kind, shares[key])
        if (key := (r.old_code, r.new_code)) in shares
        else r
        for r in rows
    ]


def read_names(data_dir: Path) -> list[RegionName]:
    """The names people use (``region_names.csv``)."""
    path = data_dir / NAMES_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            RegionName(r["name"], r["code"], r["kind"], r["source"]) for r in csv.DictReader(fh)
        ]


def current_weights(code: str, changes: Iterable[Change]) -> dict[str, float]:
    """Where the area of ``code`` lies today: {current code: share of its inhabitants}.

    A code without changes is its own today; a chain (Millingen aan de Rijn -> Groesbeek ->
    Berg en Dal) is followed to its end.
    """
    by_old: dict[str, list[Change]] = {}
    for ch in changes:
        by_old.setdefault(ch.old_code, []).append(ch)

    def walk(c: str, weight: float, out: dict[str, float], depth: int = 0) -> None:
        if c not in by_old or depth > 20:
            out[c] = out.get(c, 0.0) + weight
            return
        for ch in by_old[c]:
            walk(ch.new_code, weight * ch.share, out, depth + 1)

    result: dict[str, float] = {}
    walk(code, 1.0, result)
    return result


def change_chain(code: str, changes: Iterable[Change]) -> list[Change]:
    """The changes a former municipality went through, in order (one line per step; for a
    split, the first line of the split ends the chain)."""
    by_old: dict[str, list[Change]] = {}
    for ch in changes:
        by_old.setdefault(ch.old_code, []).append(ch)
    chain: list[Change] = []
    c = code
    while c in by_old and len(chain) < 20:
        steps = by_old[c]
        chain.append(steps[0])
        if len(steps) > 1:
            break
        c = steps[0].new_code
    return chain


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
    for ch in read_changes(data_dir):
        names.setdefault(ch.old_code, ch.old_name)
    latest = max(years) if years else None
    pop_years: dict[str, set[int]] = {}
    for code, year in read_population(data_dir):
        pop_years.setdefault(code, set()).add(year)
    all_years = [y for ys in pop_years.values() for y in ys] + list(years)
    first_year = min(all_years) if all_years else None

    regions = [Region(NATIONAL, "Nederland", "land", None, first_year, None)]
    regions.append(
        Region(UNKNOWN_MUNICIPALITY, "Gemeente onbekend", "gemeente", NATIONAL, first_year, None)
    )
    for code in sorted(set(seen_in) | set(pop_years)):
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


_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*")
_VERBS = {"merger": "opgegaan in", "split": "verdeeld over", "rename": "hernoemd tot"}

Row = tuple[str, "str | None", str, "int | None"]  # code, name, level, valid_to


class RegionMatch(NamedTuple):
    """The region a user meant: its code and name, and a note when it is not what was typed
    literally (a former municipality shown as the one it became part of)."""

    code: str
    name: str
    note: str | None = None


def chain_text(chain: list[Change], changes: Iterable[Change]) -> str:
    """Dutch: what became of a former municipality, without its name ("per 1 januari 2022
    opgegaan in Dijk en Waard (GM1980)")."""
    parts = []
    for i, step in enumerate(chain):
        if step.kind == "split":
            targets = sorted(
                (c.new_name, c.new_code) for c in changes if c.old_code == step.old_code
            )
            into = enumerate_nl([f"{n} ({c})" for n, c in targets])
        else:
            into = step.new_name + (f" ({step.new_code})" if i == len(chain) - 1 else "")
        parts.append(f"per {date_nl(step.date)} {_VERBS[step.kind]} {into}")
    return ", daarna ".join(parts)


def describe_chain(code: str, name: str, chain: list[Change], changes: Iterable[Change]) -> str:
    """Dutch: what became of a former municipality ("Heerhugowaard (GM0398) is per 1 januari
    2022 opgegaan in Dijk en Waard (GM1980)")."""
    return f"{name} ({code}) is {chain_text(chain, changes)}"


def find_region(
    text: str,
    rows: Iterable[Row],
    *,
    names: Iterable[RegionName] = (),
    changes: Iterable[Change] = (),
    has_data: Callable[[str], bool] | None = None,
) -> RegionMatch:
    """The region meant by ``text`` (a code, or an official, common or former name).

    ``rows`` are the store's regions as (code, name, level, valid_to). A former municipality
    (one that ``changes`` lists as changed) resolves to the municipality it became part of,
    with a note, unless ``has_data(code)`` says the store holds figures of its own; one split
    over several municipalities is an error naming them.
    """
    rows = list(rows)
    names = list(names)
    changes = list(changes)
    query = text.strip()
    if not query:
        raise HicError("geen regio opgegeven; geef een code (GM0363) of een naam (Amsterdam)")
    by_code = {code: (name, valid_to) for code, name, _, valid_to in rows}
    code = query.upper()
    if code not in by_code:
        if level_of(code):
            raise HicError(f"regiocode {query!r} komt niet voor in de database")
        code = _by_name(query, rows, names, changes)
    name, valid_to = by_code.get(code, (None, None))
    name = name or next((c.old_name for c in changes if c.old_code == code), None) or code
    chain = change_chain(code, changes)
    if not chain:
        if valid_to is not None and name == code:
            name = f"{code} (opgeheven in {valid_to + 1})"
        return RegionMatch(code, name)
    story = describe_chain(code, name, chain, changes)
    if has_data is not None and has_data(code):
        return RegionMatch(code, name, f"{story}; dit zijn de cijfers van {name} zelf")
    if chain[-1].kind == "split":
        raise HicError(f"{story}; kies een van die gemeenten")
    new = chain[-1].new_code
    new_name = by_code.get(new, (None, None))[0] or chain[-1].new_name
    return RegionMatch(new, new_name, f"{story}; getoond: {new_name}")


def _keys(name: str) -> list[str]:
    """A name's folded forms: whole, and without a qualifier such as "(NH.)"."""
    whole = fold(name)
    bare = fold(_QUALIFIER.sub(" ", name))
    return [whole] if bare == whole else [whole, bare]


def _by_name(query: str, rows: list[Row], names: list[RegionName], changes: list[Change]) -> str:
    """The code of a region by name: official names first, then common names, then former
    names, then official names without their qualifier; ambiguity and unknown names raise."""
    key = fold(query)
    official = [(c, n) for c, n, _, _ in rows if n]
    current = {c for c, _, _, valid_to in rows if valid_to is None}
    tiers: list[list[tuple[str, str]]] = [
        [(c, n) for c, n in official if fold(n) == key and c in current],
        [
            (a.code, f"{a.name} = {_official(a.code, official)}")
            for a in names
            if fold(a.name) == key
        ],
        [(c, n) for c, n in official if fold(n) == key and c not in current]
        + [(ch.old_code, ch.old_name) for ch in changes if fold(ch.old_name) == key],
        [(c, n) for c, n in official if key in _keys(n)[1:]],
    ]
    for tier in tiers:
        found = dict(tier)
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            raise HicError(
                f"regio {query!r} is niet eenduidig: "
                + ", ".join(f"{n} ({c})" for c, n in sorted(found.items()))
                + "; geef de code"
            )
    candidates: dict[str, tuple[str, str]] = {}
    for c, n in official:
        for k in _keys(n):
            candidates.setdefault(k, (c, n if c in current else f"{n}, voormalige gemeente"))
    for a in names:
        candidates.setdefault(fold(a.name), (a.code, f"{a.name} = {_official(a.code, official)}"))
    for ch in changes:
        candidates.setdefault(
            fold(ch.old_name), (ch.old_code, f"{ch.old_name}, voormalige gemeente")
        )
    close = difflib.get_close_matches(key, list(candidates), n=5, cutoff=0.6)
    options = [candidates[k] for k in close]
    for k, option in candidates.items():
        if len(options) >= 5:
            break
        if key and len(key) >= 3 and key in k and option not in options:
            options.append(option)
    hint = (
        "; bedoelde u: " + ", ".join(f"{n} ({c})" for c, n in options)
        if options
        else "; geef een code (GM0363) of een gemeentenaam"
    )
    raise HicError(f"onbekende regio {query!r}{hint}")


def _official(code: str, official: list[tuple[str, str]]) -> str:
    return next((n for c, n in official if c == code), code)
