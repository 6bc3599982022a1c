"""The schema of the analytical store: DDL per version, migrations, the version check.

Each version's schema is kept so that migrations can be tested against real old files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from hicmonitor.errors import HicError

SCHEMA_VERSION = 4

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
    # v3: the table of municipal changes (mergers, splits, renames) and the names people use
    # for regions (both data, loaded with the vocabulary), and the plausibility exceptions a
    # load was accepted with (provenance: which source, which check, where in the file).
    3: """
CREATE TABLE region_changes (
    date DATE NOT NULL, old_code VARCHAR NOT NULL, old_name VARCHAR NOT NULL,
    new_code VARCHAR NOT NULL, new_name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    share DOUBLE NOT NULL
);
CREATE TABLE region_names (
    name VARCHAR NOT NULL, code VARCHAR NOT NULL, kind VARCHAR NOT NULL, source VARCHAR
);
CREATE TABLE load_exceptions (
    source_id INTEGER NOT NULL, check_id VARCHAR NOT NULL, line BIGINT, field VARCHAR,
    region_code VARCHAR, crime_code VARCHAR, period VARCHAR, value BIGINT,
    message VARCHAR NOT NULL
);
UPDATE meta SET value = '3' WHERE key = 'schema_version';
""",
    # v4: when figures became public (the peildatum of every as-of query). A source states a
    # date for the whole file; ``availability`` holds the date per source and period (one file
    # often holds many years, each public from the release that first contained it). Ram- en
    # plofkraken carry their own date per row (each count comes from its own publication) and
    # the day a partial-year count runs to. Rows a revision replaces move to ``*_history``
    # (with the source that superseded them), so a question as of an earlier date still sees
    # the figures public then.
    4: """
ALTER TABLE sources ADD COLUMN available_from DATE;
UPDATE sources SET available_from = CAST(loaded_at AS DATE);
CREATE TABLE availability (
    source_id INTEGER NOT NULL, period_kind VARCHAR NOT NULL, period DATE NOT NULL,
    available_from DATE NOT NULL, PRIMARY KEY (source_id, period_kind, period)
);
INSERT INTO availability
    SELECT DISTINCT c.source_id, c.period_kind, c.period, CAST(s.loaded_at AS DATE)
    FROM counts c JOIN sources s ON s.id = c.source_id;
INSERT INTO availability
    SELECT DISTINCT p.source_id, 'jaar', make_date(p.year, 1, 1), CAST(s.loaded_at AS DATE)
    FROM population p JOIN sources s ON s.id = p.source_id;
ALTER TABLE atm_attacks ADD COLUMN available_from DATE;
ALTER TABLE atm_attacks ADD COLUMN covers_until DATE;
UPDATE atm_attacks SET available_from =
    (SELECT CAST(s.loaded_at AS DATE) FROM sources s WHERE s.id = atm_attacks.source_id);
CREATE TABLE counts_history AS SELECT *, NULL::INTEGER AS superseded_by FROM counts WHERE false;
CREATE TABLE population_history AS
    SELECT *, NULL::INTEGER AS superseded_by FROM population WHERE false;
CREATE TABLE atm_attacks_history AS
    SELECT *, NULL::INTEGER AS superseded_by FROM atm_attacks WHERE false;
UPDATE meta SET value = '4' WHERE key = 'schema_version';
""",
}


REQUIRED_TABLES = (
    "meta",
    "sources",
    "crime_types",
    "regions",
    "counts",
    "population",
    "atm_attacks",
)
_NOT_OURS = "kies een ander bestand met --db, of een nieuw pad voor een lege database"


class NeedsMigration(HicError):
    """The file has an older schema: a writer must migrate it before it can be read."""


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the main schema (of the connection's default catalog)."""
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_catalog = current_database()"
        ).fetchall()
    }


def schema_version(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> int | None:
    """The schema version in ``meta`` (None: no ``meta`` table). A ``meta`` table of another
    shape or a version that is not a number is refused with a Dutch message."""
    if "meta" not in tables(con):
        return None
    where = f"{path}: " if path is not None else ""
    columns = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'meta' "
            "AND table_schema = 'main' AND table_catalog = current_database() "
            "ORDER BY ordinal_position"
        ).fetchall()
    ]
    if not {"key", "value"} <= set(columns):
        raise HicError(
            f"{where}dit is geen hicmonitor-database: de tabel meta heeft kolommen "
            f"({', '.join(columns)}) in plaats van (key, value); {_NOT_OURS}"
        )
    rows = con.execute(
        "SELECT CAST(value AS VARCHAR) FROM meta WHERE CAST(key AS VARCHAR) = 'schema_version'"
    ).fetchall()
    if not rows:
        return None
    text = rows[0][0]
    if text is None or not text.strip().isdigit():
        raise HicError(
            f"{where}de schemaversie {text!r} in de tabel meta is geen getal: het bestand is "
            f"beschadigd of van een ander programma; {_NOT_OURS}"
        )
    return int(text)


def check_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Every table of the schema is present (a file with only ``meta`` is not a store)."""
    missing = [t for t in REQUIRED_TABLES if t not in tables(con)]
    if missing:
        raise HicError(
            f"{path}: onvolledige hicmonitor-database: de tabellen {', '.join(missing)} "
            f"ontbreken; zet een reservekopie terug, of {_NOT_OURS}"
        )


def _check_not_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise HicError(
            f"{path}: schemaversie {version} is nieuwer dan deze hicmonitor kent "
            f"({SCHEMA_VERSION}); werk hicmonitor bij of gebruik een ander bestand"
        )


def migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the schema in an empty file, or bring an older one up to ``SCHEMA_VERSION``."""
    present = tables(con)
    version = schema_version(con, path)
    if version is None:
        if present:
            raise HicError(
                f"{path}: dit is geen hicmonitor-database (tabellen {', '.join(sorted(present))}, "
                f"geen schemaversie); {_NOT_OURS}"
            )
        con.execute("BEGIN")
        con.execute(SCHEMA_V1)
        con.execute("COMMIT")
        version = 1
    _check_not_newer(version, path)
    check_tables(con, path)
    while version < SCHEMA_VERSION:
        version += 1
        con.execute("BEGIN")
        con.execute(MIGRATIONS[version])
        con.execute("COMMIT")


def check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A file opened read-only must already have the current schema and all its tables."""
    version = schema_version(con, path)
    if version is None:
        present = tables(con)
        if present:
            raise HicError(
                f"{path}: dit is geen hicmonitor-database (tabellen "
                f"{', '.join(sorted(present))}, geen schemaversie); {_NOT_OURS}"
            )
        raise NeedsMigration(f"{path}: de database is leeg (nog geen schema)")
    _check_not_newer(version, path)
    check_tables(con, path)
    if version < SCHEMA_VERSION:
        raise NeedsMigration(
            f"{path}: schemaversie {version}, verwacht {SCHEMA_VERSION}; de database moet "
            "worden bijgewerkt (dat gebeurt bij de eerstvolgende opdracht die mag schrijven, "
            "zoals hic status zonder alleen-lezen rechten)"
        )
