"""The ``incidents`` table: incident-level data for near-repeat analysis. Never published.

Incident data with locations is personal data (addresses of victims): it is kept in the store
only for analysis, is not part of any export, report or Woo publication, and is not served by
the web app. ``PUBLIC = False`` marks that for the publication code.

A load is one transaction with a ``sources`` row (kind ``incidenten``); loading the same file
(same sha256) again changes nothing and returns the existing source id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from hicmonitor import store
from hicmonitor.errors import HicError
from hicmonitor.sources.incidents import FRAME_COLUMNS, IncidentSet
from hicmonitor.store.schema import tables

PUBLIC = False
KIND = "incidenten"

SCHEMA = """
CREATE TABLE IF NOT EXISTS incident_sets (
    source_id INTEGER PRIMARY KEY,
    crs VARCHAR NOT NULL,
    precision VARCHAR NOT NULL,
    layout VARCHAR,
    rows_read BIGINT NOT NULL,
    skipped_lines BIGINT NOT NULL,
    duplicates BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS incidents (
    source_id INTEGER NOT NULL,
    id VARCHAR NOT NULL,
    x DOUBLE NOT NULL,
    y DOUBLE NOT NULL,
    t_from TIMESTAMP NOT NULL,
    t_to TIMESTAMP NOT NULL,
    location_id VARCHAR,
    crime_code VARCHAR,
    line BIGINT
);
"""


@dataclass(frozen=True)
class Loaded:
    source_id: int
    new: bool
    rows: int


@dataclass(frozen=True)
class StoredIncidents:
    """Incidents of one source as read back from the store."""

    source_id: int
    file_name: str
    crs: str
    precision: str
    frame: pd.DataFrame  # FRAME_COLUMNS


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def _present(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the incident tables exist (a reader never creates them)."""
    return {"incident_sets", "incidents"} <= tables(con)


def load(
    con: duckdb.DuckDBPyConnection, incidents: IncidentSet, *, crime_code: str | None = None
) -> Loaded:
    """Store one read incident file in one transaction (idempotent on the file's sha256).

    ``crime_code`` fills the crime code of rows that have none (e.g. ``1.1.1`` for a file of
    burglaries).
    """
    ensure_schema(con)
    sha = store.file_sha256(incidents.path)
    row = con.execute(
        "SELECT s.id FROM sources s JOIN incident_sets m ON m.source_id = s.id "
        "WHERE s.sha256 = ? ORDER BY s.id LIMIT 1",
        [sha],
    ).fetchone()
    if row is not None:
        n = con.execute("SELECT count(*) FROM incidents WHERE source_id = ?", [row[0]]).fetchone()
        return Loaded(int(row[0]), False, int(n[0]) if n else 0)
    frame = incidents.frame.copy()
    if crime_code is not None:
        frame["crime_code"] = frame["crime_code"].fillna(crime_code)
    with store.transaction(con):
        sid = store.record_source(
            con, file_name=incidents.path.name, sha256=sha, kind=KIND, rows=len(frame)
        )
        con.execute(
            "INSERT INTO incident_sets VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                sid,
                incidents.crs,
                incidents.precision,
                incidents.layout,
                incidents.rows_read,
                len(incidents.skipped_lines),
                incidents.duplicates,
            ],
        )
        con.register("_incidents_in", frame[FRAME_COLUMNS])
        try:
            con.execute(
                "INSERT INTO incidents SELECT ?, id, x, y, t_from, t_to, location_id, "
                "crime_code, line FROM _incidents_in",
                [sid],
            )
        finally:
            con.unregister("_incidents_in")
    return Loaded(sid, True, len(frame))


def sets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loaded incident files: source id, file name, rows, CRS, precision, loaded at."""
    if not _present(con):
        return pd.DataFrame(
            columns=[
                "bron",
                "bestand",
                "incidenten",
                "crs",
                "resolutie",
                "overgeslagen",
                "dubbel",
                "geladen",
            ]
        )
    return con.execute(
        "SELECT s.id AS bron, s.file_name AS bestand, s.rows AS incidenten, m.crs, "
        "m.precision AS resolutie, m.skipped_lines AS overgeslagen, "
        "m.duplicates AS dubbel, s.loaded_at AS geladen "
        "FROM sources s JOIN incident_sets m ON m.source_id = s.id ORDER BY s.id"
    ).df()


def read(con: duckdb.DuckDBPyConnection, source_id: int) -> StoredIncidents:
    """The incidents of one source, in file order."""
    if not _present(con):
        raise HicError(
            f"geen incidentenbestand met bron {source_id}: er zijn nog geen incidenten geladen "
            "(hic nabijheid laad BESTAND)"
        )
    meta = con.execute(
        "SELECT s.file_name, m.crs, m.precision FROM sources s "
        "JOIN incident_sets m ON m.source_id = s.id WHERE s.id = ?",
        [source_id],
    ).fetchone()
    if meta is None:
        known = ", ".join(str(v) for v in sets(con)["bron"]) or "geen"
        raise HicError(f"geen incidentenbestand met bron {source_id} (geladen: {known})")
    frame = con.execute(
        "SELECT id, x, y, t_from, t_to, location_id, crime_code, line FROM incidents "
        "WHERE source_id = ? ORDER BY line, id",
        [source_id],
    ).df()
    for c in ("id", "location_id", "crime_code"):
        frame[c] = frame[c].astype("string")
    return StoredIncidents(source_id, meta[0], meta[1], meta[2], frame)


def connect(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """This very store file, read-write, with the incident tables (tests and tools; commands
    load through :func:`hicmonitor.services.database.open_writer`)."""
    con = store.connect(path)
    ensure_schema(con)
    return con
