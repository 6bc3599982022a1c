"""The DuckDB store: schema, migrations, transactions, provenance and the queries others use.

One DuckDB file holds the canonical tables of ``DESIGN.md``. Loads happen in one
transaction each (see :mod:`hicmonitor.loading`); only DuckDB's built-in features are used,
nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
from platformdirs import user_data_dir

from hicmonitor import taxonomy
from hicmonitor.errors import HicError

DB_ENV = "HICMONITOR_DB"
SCHEMA_VERSION = 2

# The schema of each version, kept so that migrations can be tested against real old files.
SCHEMA_V1 = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE SEQUENCE source_ids START 1;
CREATE TABLE sources (
    id INTEGER PRIMARY KEY DEFAULT nextval('source_ids'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
CREATE TABLE crime_types (code VARCHAR PRIMARY KEY, label VARCHAR NOT NULL);
CREATE TABLE regions (
    code VARCHAR PRIMARY KEY, name VARCHAR, level VARCHAR NOT NULL, parent VARCHAR,
    valid_from INTEGER, valid_to INTEGER
);
CREATE TABLE counts (
    period DATE, period_kind VARCHAR, region_code VARCHAR, crime_code VARCHAR,
    count BIGINT, source_id INTEGER NOT NULL
);
CREATE TABLE population (
    year INTEGER NOT NULL, region_code VARCHAR NOT NULL, inhabitants BIGINT NOT NULL,
    source_id INTEGER NOT NULL
);
CREATE TABLE atm_attacks (
    year INTEGER NOT NULL, counter VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    count INTEGER NOT NULL, reference VARCHAR, source_id INTEGER NOT NULL
);
INSERT INTO meta VALUES ('schema_version', '1');
"""

# v2: provisional figures are marked (CBS "voorlopig"), and a source records which earlier
# sources it revised.
MIGRATIONS: dict[int, str] = {
    2: """
ALTER TABLE counts ADD COLUMN provisional BOOLEAN DEFAULT false;
ALTER TABLE sources ADD COLUMN revises INTEGER[];
UPDATE meta SET value = '2' WHERE key = 'schema_version';
""",
}


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(user_data_dir("hicmonitor", appauthor=False)) / "hicmonitor.duckdb"


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    if "meta" not in _tables(con):
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def _migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    tables = _tables(con)
    version = schema_version(con)
    if version is None:
        if tables:
            raise HicError(
                f"{path}: dit is geen hicmonitor-database (tabellen {', '.join(sorted(tables))}, "
                "geen schemaversie); kies een ander bestand met --db"
            )
        con.execute("BEGIN")
        con.execute(SCHEMA_V1)
        con.execute("COMMIT")
        version = 1
    if version > SCHEMA_VERSION:
        raise HicError(
            f"{path}: schemaversie {version} is nieuwer dan deze hicmonitor kent "
            f"({SCHEMA_VERSION}); werk hicmonitor bij of gebruik een ander bestand"
        )
    while version < SCHEMA_VERSION:
        version += 1
        con.execute("BEGIN")
        con.execute(MIGRATIONS[version])
        con.execute("COMMIT")


def connect(
    path: str | Path | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store (created and migrated as needed)."""
    path = Path(path) if path is not None else default_db_path()
    if read_only and not path.exists():
        raise HicError(f"{path}: database bestaat niet")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise HicError(f"{path}: kan de database niet openen ({exc})") from exc
    except duckdb.Error as exc:
        raise HicError(f"{path}: geen geldig DuckDB-bestand ({exc})") from exc
    if read_only:
        version = schema_version(con)
        if version != SCHEMA_VERSION:
            raise HicError(f"{path}: schemaversie {version}, verwacht {SCHEMA_VERSION}")
    else:
        _migrate(con, path)
    return con


def connect_loaded(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store and load the embedded data set on first use."""
    from hicmonitor import loading  # loading builds on the store, not the other way round

    con = connect(path)
    loading.ensure_embedded(con)
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
) -> int:
    """Add a provenance row; returns the new source id (call inside the load's transaction)."""
    row = con.execute(
        "INSERT INTO sources (file_name, sha256, kind, rows, revises) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id",
        [file_name, sha256, kind, rows, revises],
    ).fetchone()
    assert row is not None
    return int(row[0])


def region_codes(con: duckdb.DuckDBPyConnection, level: str | None = None) -> set[str]:
    if level is None:
        rows = con.execute("SELECT code FROM regions").fetchall()
    else:
        rows = con.execute("SELECT code FROM regions WHERE level = ?", [level]).fetchall()
    return {r[0] for r in rows}


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT code, name, level, parent, valid_from, valid_to FROM regions ORDER BY code"
    ).df()


def _region_filter(regions: list[str] | None) -> tuple[str, list]:
    if not regions:
        return "", []
    return " AND c.region_code IN (SELECT unnest(?))", [list(regions)]


def crime_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    regions: list[str] | None = None,
    period_kind: str = "jaar",
    crime_codes: list[str] | None = None,
) -> pd.DataFrame:
    """Counts per crime code: crime_code, region_code, period, year, count, provisional."""
    where, params = _region_filter(regions)
    if crime_codes:
        where += " AND c.crime_code IN (SELECT unnest(?))"
        params.append(list(crime_codes))
    return con.execute(
        f"""
        SELECT c.crime_code, c.region_code, c.period, year(c.period)::INTEGER AS year,
               c.count, c.provisional
        FROM counts c WHERE c.period_kind = ?{where}
        ORDER BY c.crime_code, c.region_code, c.period
        """,
        [period_kind, *params],
    ).df()


def category_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    regions: list[str] | None = None,
    period_kind: str = "jaar",
) -> pd.DataFrame:
    """Counts summed per HIC category (police-code categories of the taxonomy).

    A category total for a region and period is only given when every one of its crime codes
    is present there (a partial sum would understate it); ``provisional`` is true if any part is.
    """
    mapping = [(code, cat.id) for cat in taxonomy.police_categories() for code in cat.codes]
    needed = {cat.id: len(cat.codes) for cat in taxonomy.police_categories()}
    where, params = _region_filter(regions)
    frame = con.execute(
        f"""
        WITH map AS (SELECT * FROM (VALUES {", ".join("(?, ?)" for _ in mapping)}) m(code, category))
        SELECT m.category, c.region_code, c.period, year(c.period)::INTEGER AS year,
               sum(c.count)::BIGINT AS count, bool_or(c.provisional) AS provisional,
               count(DISTINCT c.crime_code)::INTEGER AS parts
        FROM counts c JOIN map m ON c.crime_code = m.code
        WHERE c.period_kind = ?{where}
        GROUP BY ALL ORDER BY m.category, c.region_code, c.period
        """,
        [v for pair in mapping for v in pair] + [period_kind, *params],
    ).df()
    complete = frame["parts"] == frame["category"].map(needed)
    return frame.loc[complete].drop(columns="parts").reset_index(drop=True)


def population(con: duckdb.DuckDBPyConnection, regions: list[str] | None = None) -> pd.DataFrame:
    where, params = ("", [])
    if regions:
        where, params = " WHERE region_code IN (SELECT unnest(?))", [list(regions)]
    return con.execute(
        f"SELECT region_code, year, inhabitants FROM population{where} ORDER BY region_code, year",
        params,
    ).df()


def atm_attacks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Ram- en plofkraken per year and counter. NVB and politie count differently: never add."""
    return con.execute(
        "SELECT year, counter, kind, count, reference FROM atm_attacks ORDER BY counter, kind, year"
    ).df()


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT id, file_name, sha256, kind, rows, loaded_at, revises FROM sources ORDER BY id"
    ).df()
