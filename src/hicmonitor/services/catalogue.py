"""The catalogue of the approach: measures, motions, legislation (`hic maatregelen` …), and
its check against the municipalities in the store (`hic catalogus controleer`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel

from hicmonitor import store
from hicmonitor.catalog import (
    Catalog,
    CheckResult,
    RegionInfo,
    check_content,
    find_measures,
    find_motions,
    legislation_latest_stage,
    load_catalog,
    tables,
)
from hicmonitor.catalog.check import regions_from_frame
from hicmonitor.errors import HicError
from hicmonitor.services.export import write_atomically
from hicmonitor.services.regions import resolve_municipality


@dataclass(frozen=True)
class Listing:
    """Catalogue items found, as flat Dutch rows (tables, CSV, Excel) and as items (JSON)."""

    title: str
    columns: tuple[str, ...]  # the columns a table shows
    rows: list[tables.Row]
    items: list[BaseModel]
    extra: list[dict[str, Any]] | None = None  # per item, added to its JSON
    note: str | None = None  # e.g. the municipality meant, when not what was typed


def load(content: Path | None = None) -> Catalog:
    """The checked catalogue (to reuse across several questions)."""
    return load_catalog(content)


def measures(
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    category: str | None = None,
    approach: str | None = None,
    min_evidence: str | None = None,
    municipality: str | None = None,
    year: int | None = None,
    content: Path | None = None,
) -> Listing:
    """Measures and interventions, filtered (a national measure counts for every municipality).

    ``municipality`` (code or name, as everywhere: "gm0855", "Den Haag", "Heerhugowaard") is
    resolved against the store's regions (``con``); an unknown one is an error with the
    closest matches, never an empty or a national-only list.
    """
    note = None
    if municipality is not None:
        if con is None:
            raise HicError("--gemeente: de database is nodig om de gemeente op te zoeken")
        match = resolve_municipality(con, municipality)
        note = match.note
        if note is None and match.code != municipality.strip().upper():
            note = f"Gemeente: {match.name} ({match.code})."
        municipality = match.code
    found = find_measures(
        load_catalog(content),
        category=category,
        approach=approach,
        min_evidence=min_evidence,
        municipality=municipality,
        year=year,
    )
    rows = [tables.measure_row(m) for m in found]
    return Listing("Maatregelen", tables.MEASURE_COLUMNS, rows, list(found), note=note)


def motions(
    *, status: str | None = None, year: int | None = None, content: Path | None = None
) -> Listing:
    """Motions and commitments, with their status and how they were answered."""
    found = find_motions(load_catalog(content), status=status, year=year)
    rows = [tables.motion_row(m, year) for m in found]
    return Listing("Moties en toezeggingen", tables.MOTION_COLUMNS, rows, list(found))


def legislation(*, year: int | None = None, content: Path | None = None) -> Listing:
    """Legislative tracks with their latest stage (at the end of ``year``)."""
    found = legislation_latest_stage(load_catalog(content), year)
    rows = [tables.track_row(ts) for ts in found]
    extra = [
        {
            "laatste_fase": ts.latest.model_dump(by_alias=True, exclude_none=True)
            if ts.latest
            else None
        }
        for ts in found
    ]
    return Listing(
        "Wetgevingstrajecten",
        tables.TRACK_COLUMNS,
        rows,
        [ts.track for ts in found],
        extra,
    )


def export(listing: Listing, fmt: str, path: Path | None) -> str | None:
    """Write a listing as json, csv, parquet or xlsx to ``path`` (atomically: a full disk
    leaves no half-written file); without a path the text is returned (json, csv)."""
    if fmt == "parquet":
        import pandas as pd

        from hicmonitor.services.export import write_frame

        if path is None:
            raise HicError("--formaat parquet: geef met --uit het pad van het bestand")
        frame = pd.DataFrame(listing.rows, columns=list(listing.rows[0]) if listing.rows else [])
        write_frame(frame, path, "parquet")
        return None
    if path is None:
        return tables.export(
            fmt, listing.rows, listing.items, None, sheet=listing.title, extra=listing.extra
        )
    return write_atomically(
        Path(path),
        lambda tmp: tables.export(
            fmt, listing.rows, listing.items, tmp, sheet=listing.title, extra=listing.extra
        ),
    )


def store_regions(con: duckdb.DuckDBPyConnection) -> dict[str, RegionInfo]:
    """The municipalities of the store, for checking municipality codes in the content."""
    return regions_from_frame(store.regions(con))


def check(con: duckdb.DuckDBPyConnection, content: Path | None = None) -> CheckResult:
    """Check all catalogue content: schema, municipality codes, references, stages, sources."""
    return check_content(content, regions=store_regions(con))


# --- the measures of a municipality (the web's municipality page) ---------------------------

EVIDENCE_FOR_PROBLEM = "goed onderbouwd"  # the lowest recognised level


@dataclass(frozen=True)
class MunicipalityMeasures:
    running: list[Any]  # measures that run there (local ones first, then national ones)
    problem_categories: list[str]  # the categories that make its problem (taxonomy ids)
    with_evidence: list[Any]  # recognised measures for those categories, strongest first
    min_evidence: str


def municipality_measures(
    code: str,
    problem_categories: list[str],
    *,
    min_evidence: str = EVIDENCE_FOR_PROBLEM,
    content: Path | None = None,
    catalog: Catalog | None = None,
) -> MunicipalityMeasures:
    """What runs in municipality ``code``, and which recognised measures (at least
    ``min_evidence``) exist for its problem categories, strongest evidence first.
    ``catalog``: loaded once by the caller (:func:`load`), else read from ``content``."""
    catalog = catalog if catalog is not None else load_catalog(content)
    running = find_measures(catalog, municipality=code)
    local = [m for m in running if any(g.code == code for g in m.municipalities)]
    running = local + [m for m in running if m not in local]
    seen: dict[str, Any] = {}
    for cat in problem_categories:
        for m in find_measures(catalog, category=cat, min_evidence=min_evidence):
            seen.setdefault(m.id, m)
    ranked = sorted(seen.values(), key=lambda m: (-m.evidence.rank, m.name))
    return MunicipalityMeasures(running, list(problem_categories), ranked, min_evidence)
