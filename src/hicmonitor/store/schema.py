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


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the main schema."""
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    if "meta" not in tables(con):
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the schema in an empty file, or bring an older one up to ``SCHEMA_VERSION``."""
    present = tables(con)
    version = schema_version(con)
    if version is None:
        if present:
            raise HicError(
                f"{path}: dit is geen hicmonitor-database (tabellen {', '.join(sorted(present))}, "
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


def check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A read-only file must already have the current schema."""
    version = schema_version(con)
    if version != SCHEMA_VERSION:
        raise HicError(f"{path}: schemaversie {version}, verwacht {SCHEMA_VERSION}")
