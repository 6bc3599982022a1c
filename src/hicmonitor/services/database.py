"""Opening the store for a user's question: created, migrated and holding the embedded data."""

from __future__ import annotations

from pathlib import Path

import duckdb

from hicmonitor import store
from hicmonitor.store import loading

Connection = duckdb.DuckDBPyConnection  # what the services take as ``con``


def connect_loaded(path: str | Path | None = None) -> Connection:
    """Open the store and load the embedded data set on first use."""
    con = store.connect(path)
    loading.ensure_embedded(con)
    return con
