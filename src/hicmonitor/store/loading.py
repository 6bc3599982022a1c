"""Loading files into the store: detect the format, check every row, land it in one transaction.

A load lands whole or not at all. Loading a file whose sha256 is already recorded changes
nothing. A revised file (other bytes, same keys) replaces exactly the rows with those keys, and
its source row records which earlier sources it revised. Bad input raises ``InputError`` naming
file, line and field, and leaves the store exactly as it was.

Small files take the precise path (every record checked in Python before anything is written).
Very large files in the open-data format take the fast path: DuckDB's ``read_csv`` inserts
straight into ``counts`` inside the transaction, bulk checks run on the inserted rows, and on any
violation the transaction is rolled back and the precise path runs to name the line.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from hicmonitor import regions as regionmod
from hicmonitor import store
from hicmonitor.errors import HicError, InputError
from hicmonitor.format_nl import number
from hicmonitor.sources import Reader, Vocabulary, detect
from hicmonitor.sources.base import (
    ATM_COLUMNS,
    COUNT_COLUMNS,
    FIRST_YEAR,
    KEY_COLUMNS,
    POPULATION_COLUMNS,
    last_year,
)
from hicmonitor.sources.csvfile import not_utf8_error
from hicmonitor.store import engine

DATA_ENV = "HICMONITOR_DATA"
FAST_PATH_BYTES = 64 * 1024 * 1024
BULK_MEMORY_LIMIT = "1.5GB"
CODELIST = "nl/SoortMisdrijf_codelist.csv"
EMBEDDED_FILES = (
    "nl/registered_crime_national_yearly.csv",
    "nl/registered_crime_gemeente_yearly.csv",
    "nl/population_gemeente_yearly.csv",
    "nl/published_atm_attacks.csv",
)

TABLES = {"misdrijven": "counts", "bevolking": "population", "geldautomaten": "atm_attacks"}
COLUMNS = {
    "misdrijven": COUNT_COLUMNS,
    "bevolking": POPULATION_COLUMNS,
    "geldautomaten": ATM_COLUMNS,
}


def data_dir() -> Path:
    """The embedded data set: ``HICMONITOR_DATA`` or the repository's ``data/`` folder."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[3] / "data"


@dataclass
class LoadResult:
    file: str
    kind: str
    status: str  # geladen | al geladen | herzien
    rows: int = 0
    replaced: int = 0
    skipped_empty: int = 0
    source_id: int | None = None
    revises: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if self.status == "al geladen":
            return f"{self.file}: al geladen (bron {self.source_id}); niets gewijzigd"
        text = f"{self.file}: {number(self.rows)} rijen {self.kind} geladen (bron {self.source_id})"
        if self.replaced:
            sources = ", ".join(map(str, self.revises))
            text += f"; {number(self.replaced)} rijen van bron {sources} herzien"
        if self.skipped_empty:
            text += f"; {number(self.skipped_empty)} lege cellen (geen cijfer) overgeslagen"
        return text


def vocabulary(con: duckdb.DuckDBPyConnection) -> Vocabulary:
    codes = frozenset(r[0] for r in con.execute("SELECT code FROM crime_types").fetchall())
    known = dict(con.execute("SELECT code, level FROM regions").fetchall())
    return Vocabulary(crime_codes=codes, regions=known)


def _add_regions(con: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    """Register region codes of levels without a vocabulary (wijk, buurt, politieregio, …)."""
    known = store.region_codes(con)
    new = [c for c in codes if c not in known]
    if new:
        con.execute(
            "INSERT INTO regions (code, name, level, parent) "
            "SELECT unnest(?), NULL, unnest(?), unnest(?)",
            [new, [regionmod.level_of(c) for c in new], [regionmod.parent_of(c) for c in new]],
        )


def _replace_keys(
    con: duckdb.DuckDBPyConnection, kind: str, new_keys: str, source_id: int
) -> tuple[int, list[int]]:
    """Delete rows of other sources whose key is in ``new_keys``: (rows replaced, sources revised)."""
    table, keys = TABLES[kind], KEY_COLUMNS[kind]
    on = " AND ".join(f"t.{k} = n.{k}" for k in keys)
    revised = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT t.source_id FROM {table} t JOIN {new_keys} n ON {on} "
            "WHERE t.source_id <> ? ORDER BY 1",
            [source_id],
        ).fetchall()
    ]
    replaced = 0
    if revised:
        replaced = con.execute(
            f"DELETE FROM {table} t USING {new_keys} n WHERE {on} AND t.source_id <> ?",
            [source_id],
        ).fetchone()[0]
    return replaced, revised


def _replace_and_insert(
    con: duckdb.DuckDBPyConnection, kind: str, new_table: str, source_id: int
) -> tuple[int, list[int]]:
    """Replace stored rows whose key is in ``new_table``, then insert the new rows."""
    replaced, revised = _replace_keys(con, kind, new_table, source_id)
    col_list = ", ".join(COLUMNS[kind])
    con.execute(
        f"INSERT INTO {TABLES[kind]} ({col_list}, source_id) SELECT {col_list}, ? FROM {new_table}",
        [source_id],
    )
    return replaced, revised


def _load_precise(
    con: duckdb.DuckDBPyConnection, path: Path, reader: Reader, header: list[str], sha: str
) -> LoadResult:
    vocab = vocabulary(con)
    rows = [row for _, row in reader.read(path, header, vocab)]
    skipped = 0
    if reader.kind == "misdrijven":
        kept = [r for r in rows if r[4] is not None]
        skipped = len(rows) - len(kept)
        rows = kept
    if not rows:
        raise InputError(
            path, "het bestand bevat geen gegevensregels (alleen een kopregel)", line=2
        )
    frame = pd.DataFrame(rows, columns=COLUMNS[reader.kind])
    with store.transaction(con):
        source_id = store.record_source(
            con, file_name=path.name, sha256=sha, kind=reader.kind, rows=len(frame)
        )
        if reader.kind == "misdrijven":
            _add_regions(con, sorted(frame["region_code"].unique()))
        con.register("_new_rows", frame)
        try:
            replaced, revised = _replace_and_insert(con, reader.kind, "_new_rows", source_id)
        finally:
            con.unregister("_new_rows")
        if revised:
            con.execute("UPDATE sources SET revises = ? WHERE id = ?", [revised, source_id])
    return LoadResult(
        file=path.name,
        kind=reader.kind,
        status="herzien" if revised else "geladen",
        rows=len(frame),
        replaced=replaced,
        skipped_empty=skipped,
        source_id=source_id,
        revises=revised,
    )


class _BulkCheckFailed(Exception):
    pass


def _reject_error(con: duckdb.DuckDBPyConnection, path: Path) -> InputError | None:
    row = con.execute(
        "SELECT line, column_name, error_type, error_message FROM reject_errors "
        "WHERE scan_id = (SELECT max(scan_id) FROM reject_errors) ORDER BY line LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    line, column, error_type, message = row
    if error_type == "INVALID ENCODING":
        return not_utf8_error(path, int(line))
    dutch = {
        "CAST": "waarde is geen geheel getal",
        "MISSING COLUMNS": "te weinig velden (regel afgebroken?)",
        "TOO MANY COLUMNS": "te veel velden",
        "UNQUOTED VALUE": "aanhalingstekens kloppen niet",
        "LINE SIZE OVER MAXIMUM": "regel is te lang",
    }.get(error_type, f"onleesbare regel ({error_type})")
    return InputError(path, f"{dutch}: {message}", line=int(line), field=column)


def _bulk_checks(
    con: duckdb.DuckDBPyConnection, source_id: int, vocab: Vocabulary
) -> tuple[int, int, list[str]]:
    """Check the inserted rows in one pass; returns (rows, empty cells, region codes).

    Raises ``_BulkCheckFailed`` on an invalid period, a negative count, a duplicate key, or an
    unknown crime code or region. Duplicate keys are found exactly and cheaply: per (region,
    crime code, period kind) the periods are marked in a bitstring (one bit per month since
    FIRST_YEAR); a group holds a duplicate exactly when it has more rows than set bits. That
    groups about one row in a hundred instead of every key. Only plain aggregates (count, min)
    are used: per-row CASE or FILTER expressions cost more than the grouping itself.
    """
    first, last = FIRST_YEAR, last_year()
    bad, lowest, duplicated, rows, empty, codes, regions = con.execute(
        f"""
        WITH g AS (
          SELECT region_code, crime_code, count(*) AS n, count(period) AS dated,
                 count(count) AS counted, min(count) AS lowest,
                 bit_count(bitstring_agg(
                   ((year(period) - {first}) * 12 + month(period) - 1)::INTEGER,
                   0, {(last - first + 1) * 12 - 1})) AS distinct_periods
          FROM counts WHERE source_id = ?
          GROUP BY region_code, crime_code, period_kind
        )
        SELECT sum(n - dated), min(lowest), count(*) FILTER (WHERE n <> distinct_periods),
               sum(n), sum(n - counted), list(DISTINCT crime_code), list(DISTINCT region_code)
        FROM g
        """,
        [source_id],
    ).fetchone()
    negative = lowest is not None and lowest < 0
    if bad or negative or duplicated or set(codes or []) - vocab.crime_codes:
        raise _BulkCheckFailed
    for code in regions or []:
        level = regionmod.level_of(code or "")
        if level is None or (level in {"land", "gemeente"} and code not in vocab.regions):
            raise _BulkCheckFailed
    return int(rows or 0) - int(empty or 0), int(empty or 0), list(regions or [])


@contextmanager
def _bulk_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Settings for a bulk load: no insertion order to keep, memory bounded (spills to disk)."""
    old = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() "
            "WHERE name IN ('preserve_insertion_order', 'memory_limit')"
        ).fetchall()
    )
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET memory_limit = '{BULK_MEMORY_LIMIT}'")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {old['preserve_insertion_order']}")
        con.execute(f"SET memory_limit = '{old['memory_limit']}'")


class _AlreadyLoaded(Exception):
    def __init__(self, source_id: int) -> None:
        self.source_id = source_id


def _load_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    sha: Future[str],
) -> LoadResult:
    vocab = vocabulary(con)
    literal = "'" + str(path).replace("'", "''") + "'"
    select = reader.fast_sql(literal)  # type: ignore[operator]
    try:
        with _bulk_settings(con), store.transaction(con):
            source_id = store.record_source(
                con, file_name=path.name, sha256="", kind=reader.kind, rows=0
            )
            con.execute(
                "INSERT INTO counts (period, period_kind, region_code, crime_code, count, provisional, source_id) "
                f"SELECT *, {int(source_id)} FROM ({select})"
            )
            rejected = _reject_error(con, path)
            if rejected:
                raise rejected
            rows, skipped, regions = _bulk_checks(con, source_id, vocab)
            if skipped:
                con.execute("DELETE FROM counts WHERE source_id = ? AND count IS NULL", [source_id])
            if rows == 0:
                raise InputError(path, "het bestand bevat geen cijfers", line=2)
            _add_regions(con, regions)
            con.execute(
                "CREATE TEMP TABLE _new_keys AS SELECT DISTINCT period, period_kind, region_code, crime_code "
                "FROM counts c WHERE source_id = ? AND EXISTS (SELECT 1 FROM counts o WHERE o.source_id <> ? "
                "AND o.period = c.period AND o.period_kind = c.period_kind AND o.region_code = c.region_code "
                "AND o.crime_code = c.crime_code)",
                [source_id, source_id],
            )
            replaced, revised = _replace_keys(con, "misdrijven", "_new_keys", source_id)
            con.execute("DROP TABLE _new_keys")
            digest = sha.result()
            existing = store.find_source(con, digest)
            if existing is not None:
                raise _AlreadyLoaded(existing)
            con.execute(
                "UPDATE sources SET sha256 = ?, rows = ?, revises = ? WHERE id = ?",
                [digest, rows, revised or None, source_id],
            )
    except _AlreadyLoaded as done:
        return LoadResult(
            file=path.name, kind=reader.kind, status="al geladen", source_id=done.source_id
        )
    except duckdb.Error as exc:
        if engine.is_store_failure(exc):  # a full disk, memory, Ctrl-C: not the file's fault
            raise
        raise InputError(path, f"onleesbaar bestand ({exc})") from None
    except _BulkCheckFailed:
        # Rolled back; name the first bad line with the precise path (which raises).
        for _ in reader.read(path, header, vocab):
            pass
        raise InputError(
            path, "het bestand bevat ongeldige rijen (controle op de hele tabel)"
        ) from None
    return LoadResult(
        file=path.name,
        kind=reader.kind,
        status="herzien" if revised else "geladen",
        rows=rows,
        replaced=replaced,
        skipped_empty=skipped,
        source_id=source_id,
        revises=revised,
    )


def load_file(
    con: duckdb.DuckDBPyConnection, path: str | Path, *, fast: bool | None = None
) -> LoadResult:
    """Load one file (format detected from its header) in one transaction.

    On the bulk path the file's sha256 is computed in a thread while DuckDB loads (hashing a
    3 GB file takes seconds); the "already loaded" check then happens before the commit, and a
    file loaded before is rolled back and reported as such.
    """
    path = Path(path)
    reader, header = detect(path)
    use_fast = reader.fast_sql is not None and (
        fast if fast is not None else path.stat().st_size > FAST_PATH_BYTES
    )
    if use_fast:
        with ThreadPoolExecutor(max_workers=1) as pool:
            sha = pool.submit(store.file_sha256, path)
            return _load_fast(con, path, reader, header, sha)
    sha_now = store.file_sha256(path)
    existing = store.find_source(con, sha_now)
    if existing is not None:
        return LoadResult(file=path.name, kind=reader.kind, status="al geladen", source_id=existing)
    return _load_precise(con, path, reader, header, sha_now)


def _codelist(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        out = []
        for row in csv.DictReader(fh):
            code = row["Key"].strip()
            label = row["Title"].strip()
            label = label[len(code) :].strip() if label.startswith(code) else label
            out.append((code, label))
    return out


def ensure_vocabulary(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> None:
    """Crime codes and regions, from the embedded codelist and boundary files (once)."""
    if con.execute("SELECT count(*) FROM regions").fetchone()[0]:
        return
    root = root or data_dir()
    codelist = root / CODELIST
    if not codelist.exists():
        raise HicError(f"{codelist}: ingebedde gegevens niet gevonden (zet {DATA_ENV})")
    regions = regionmod.build_regions(root / "nl")
    with store.transaction(con):
        con.executemany("INSERT INTO crime_types VALUES (?, ?)", _codelist(codelist))
        con.executemany(
            "INSERT INTO regions VALUES (?, ?, ?, ?, ?, ?)",
            [(r.code, r.name, r.level, r.parent, r.valid_from, r.valid_to) for r in regions],
        )
        store.record_source(
            con,
            file_name=codelist.name,
            sha256=store.file_sha256(codelist),
            kind="misdrijfcodes",
            rows=con.execute("SELECT count(*) FROM crime_types").fetchone()[0],
        )
        for _, boundary in sorted(regionmod.boundary_years(root / "nl").items()):
            store.record_source(
                con,
                file_name=boundary.name,
                sha256=store.file_sha256(boundary),
                kind="gemeentegrenzen",
                rows=len(json.loads(boundary.read_text("utf-8"))["features"]),
            )


def ensure_embedded(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> list[LoadResult]:
    """Load the embedded data set if it is not loaded yet (idempotent)."""
    done = con.execute("SELECT value FROM meta WHERE key = 'embedded'").fetchone()
    if done:
        return []
    root = root or data_dir()
    ensure_vocabulary(con, root)
    results = [load_file(con, root / name) for name in EMBEDDED_FILES]
    con.execute("INSERT INTO meta VALUES ('embedded', ?)", [str(root)])
    return results
