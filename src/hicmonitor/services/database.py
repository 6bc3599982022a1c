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


def open_reader(path: str | Path | None = None) -> Connection:
    """A read-only connection to the current published snapshot of the store.

    Minimal form until the snapshot store lands: the store file itself, opened read-only
    (cheap: about 10 ms). Readers never write; the web opens one per snapshot it caches.
    """
    return store.connect(path if path is not None else store.default_db_path(), read_only=True)


def snapshot_id(path: str | Path | None = None) -> str:
    """An id of the current published snapshot; it changes when a load publishes a new one.

    Minimal form: inode, size and modification time of the store file and of its
    write-ahead log (a committed load may sit in the log until DuckDB checkpoints).
    """
    p = Path(path) if path is not None else store.default_db_path()
    parts = []
    for f in (p, p.with_name(p.name + ".wal")):
        try:
            st = f.stat()
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_ino}.{st.st_size}.{st.st_mtime_ns}")
    return "/".join(parts)
