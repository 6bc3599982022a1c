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
from hicmonitor.services.export import write_atomically


@dataclass(frozen=True)
class Listing:
    """Catalogue items found, as flat Dutch rows (tables, CSV, Excel) and as items (JSON)."""

    title: str
    columns: tuple[str, ...]  # the columns a table shows
    rows: list[tables.Row]
    items: list[BaseModel]
    extra: list[dict[str, Any]] | None = None  # per item, added to its JSON


def measures(
    *,
    category: str | None = None,
    approach: str | None = None,
    min_evidence: str | None = None,
    municipality: str | None = None,
    year: int | None = None,
    content: Path | None = None,
) -> Listing:
    """Measures and interventions, filtered (a national measure counts for every municipality)."""
    found = find_measures(
        load_catalog(content),
        category=category,
        approach=approach,
        min_evidence=min_evidence,
        municipality=municipality,
        year=year,
    )
    rows = [tables.measure_row(m) for m in found]
    return Listing("Maatregelen", tables.MEASURE_COLUMNS, rows, list(found))


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
    """Write a listing as json, csv or xlsx to ``path``; without a path the text is returned."""
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
