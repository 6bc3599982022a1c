"""The analytical store (DuckDB): open it, transactions, provenance, and its queries.

One DuckDB file holds the canonical tables of ``DESIGN.md``. The package:

- ``schema``    DDL per version, migrations, the version check;
- ``queries``   the read queries the services ask (counts, population, regions, sources);
- ``loading``   loading files, one transaction per file (fast and precise path, checks, revisions);
- ``incidents`` the non-public incident table for the near-repeat analysis.

This module opens the file and records provenance; the public names of ``schema`` and
``queries`` are re-exported here (``store.category_counts(con)``). Only DuckDB's built-in
features are used, nothing is downloaded at run time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from platformdirs import user_data_dir

from hicmonitor.errors import HicError, explain_os_error
from hicmonitor.store import engine
from hicmonitor.store.queries import (
    atm_attack_rows,
    atm_attacks,
    boundary_population,
    category_counts,
    counts_summary,
    crime_counts,
    embedded_loaded,
    has_counts,
    load_exceptions,
    national_count_sources,
    population,
    population_summary,
    present_crime_codes,
    region_changes,
    region_codes,
    region_names,
    region_rows,
    regions,
    signal_series,
    sources,
)
from hicmonitor.store.schema import MIGRATIONS, SCHEMA_V1, SCHEMA_VERSION, schema_version
from hicmonitor.store.schema import check_version as _check_version
from hicmonitor.store.schema import migrate as _migrate

__all__ = [
    "DB_ENV",
    "MIGRATIONS",
    "SCHEMA_V1",
    "SCHEMA_VERSION",
    "atm_attack_rows",
    "atm_attacks",
    "boundary_population",
    "category_counts",
    "connect",
    "counts_summary",
    "crime_counts",
    "default_db_path",
    "embedded_loaded",
    "file_sha256",
    "find_source",
    "has_counts",
    "load_exceptions",
    "national_count_sources",
    "population",
    "population_summary",
    "present_crime_codes",
    "record_source",
    "region_changes",
    "region_codes",
    "region_names",
    "region_rows",
    "regions",
    "schema_version",
    "signal_series",
    "sources",
    "transaction",
]

DB_ENV = "HICMONITOR_DB"


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(user_data_dir("hicmonitor", appauthor=False)) / "hicmonitor.duckdb"


def connect(
    path: str | Path | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open this very file directly (created and migrated as needed; read-only: checked).

    For tests, benchmarks and tools. Commands and the web do not write to the published
    file: they read through :func:`hicmonitor.services.database.open_reader` and write
    through :func:`hicmonitor.services.database.open_writer` (see docs/store.md).
    """
    path = Path(path) if path is not None else default_db_path()
    if read_only and not path.exists():
        raise HicError(f"{path}: database bestaat niet")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise explain_os_error(exc) or HicError(
                f"{path.parent}: kan de map niet maken"
            ) from None
    con = engine.connect(path, read_only=read_only)
    try:
        if read_only:
            _check_version(con, path)
        else:
            _migrate(con, path)
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_source(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    row = con.execute(
        "SELECT id FROM sources WHERE sha256 = ? ORDER BY id LIMIT 1", [sha256]
    ).fetchone()
    return row[0] if row else None


def record_source(
    con: duckdb.DuckDBPyConnection,
    *,
    file_name: str,
    sha256: str,
    kind: str,
    rows: int,
    revises: list[int] | None = None,
    available_from: dt.date | None = None,
) -> int:
    """Add a provenance row; returns the new source id (call inside the load's transaction).

    ``available_from``: the day the file's figures became public (default: today, the day
    they were loaded)."""
    row = con.execute(
        "INSERT INTO sources (file_name, sha256, kind, rows, revises, available_from) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [file_name, sha256, kind, rows, revises, available_from or dt.date.today()],
    ).fetchone()
    assert row is not None
    return int(row[0])
