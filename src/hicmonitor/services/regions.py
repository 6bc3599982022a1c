"""Finding the region a user means: by code or by name, against the regions in the store."""

from __future__ import annotations

import duckdb

from hicmonitor import store
from hicmonitor.regions import find_region


def resolve_region(con: duckdb.DuckDBPyConnection, text: str) -> tuple[str, str]:
    """(code, name) for a region code or name (see :func:`hicmonitor.regions.find_region`)."""
    return find_region(text, store.region_rows(con))
