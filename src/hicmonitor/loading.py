"""Loading files into the store: detect the format, check every row, land it in one transaction.

A load lands whole or not at all. Loading a file whose sha256 is already recorded changes
nothing. A revised file (other bytes, same keys) replaces exactly the rows with those keys, and
its source row records which earlier sources it revised. Bad input raises ``InputError`` naming
file, line and field, and leaves the store exactly as it was.

Every file, whatever its size, first takes the fast path: DuckDB's ``read_csv`` converts and
inserts the rows straight into their table inside the transaction (the reader's ``bulk_sql``),
and checks on the inserted rows find any row that is not valid, any duplicate key, and any
unknown code or region. If everything holds, the load commits. If anything does not, the
transaction is rolled back and the precise path runs: every record checked in Python, in file
order, so the first bad line is named exactly as before. The fast path's checks are strict
(see ``hicmonitor.sources.sqlchecks``): what they accept, the precise path accepts with the same
values; what they refuse but the precise path accepts (say a count written " 05") is then
loaded by the precise path. So both paths store the same rows and refuse the same files.
"""

from __future__ import annotations

import csv
import json
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hicmonitor import regions as regionmod
from hicmonitor import store
from hicmonitor.errors import HicError, InputError
from hicmonitor.format_nl import number
from hicmonitor.sources import Reader, Vocabulary, detect
from hicmonitor.sources import sqlchecks as sq
from hicmonitor.sources.base import (
    ATM_COLUMNS,
    COUNT_COLUMNS,
    FIRST_YEAR,
    KEY_COLUMNS,
    POPULATION_COLUMNS,
    DuplicateTracker,
    last_year,
)
from hicmonitor.sources.csvfile import FileScan, read_csv_sql, scan_file

DATA_ENV = "HICMONITOR_DATA"
BULK_MEMORY_LIMIT = "1.5GB"
BULK_SETTINGS_BYTES = 16 * 1024 * 1024  # from this size on, loads switch to bulk settings
PRECISE_BATCH = 50_000  # rows per insert on the precise path (bounded memory)
PROGRESS_POLL_SECONDS = 0.2
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
ARROW_TYPES = {  # the precise path's batches (pyarrow type names)
    "misdrijven": ["date32", "string", "string", "string", "int64", "bool_"],
    "bevolking": ["int32", "string", "int64"],
    "geldautomaten": ["int32", "string", "string", "int32", "string"],
}
# The fast path's duplicate check: per group (the key without its time column) one bit per
# time step since FIRST_YEAR; a group holds a duplicate exactly when it has more rows than bits
# set. (time column, bit index, steps per year, group columns)
DUPLICATE_BITS = {
    "misdrijven": (
        "period",
        f"(year(period) - {FIRST_YEAR}) * 12 + month(period) - 1",
        12,
        ("region_code", "crime_code", "period_kind"),
    ),
    "bevolking": ("year", f"year - {FIRST_YEAR}", 1, ("region_code",)),
    "geldautomaten": ("year", f"year - {FIRST_YEAR}", 1, ("counter", "kind")),
}

Progress = Callable[[int, int], None]  # (bytes done, bytes in total)


def data_dir() -> Path:
    """The embedded data set: ``HICMONITOR_DATA`` or the repository's ``data/`` folder."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[2] / "data"


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
    route: str = "snel"  # snel (fast path) | precies (precise path)

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


def _add_regions(con: duckdb.DuckDBPyConnection, codes: list[str], *, new: bool = False) -> None:
    """Register region codes of levels without a vocabulary (wijk, buurt, politieregio, …).

    ``new``: the codes are known to be absent from the table already.
    """
    if not new:
        known = store.region_codes(con)
        codes = [c for c in codes if c not in known]
    if codes:
        con.execute(
            "INSERT INTO regions (code, name, level, parent) "
            "SELECT unnest(?), NULL, unnest(?), unnest(?)",
            [
                codes,
                [regionmod.level_of(c) for c in codes],
                [regionmod.parent_of(c) for c in codes],
            ],
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


def _finish(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    source_id: int,
    rows: int,
    sha: str,
    regions: list[str] | None = None,
) -> tuple[int, list[int]]:
    """Replace the keys this load revises and complete its source row (inside the transaction).

    ``regions``, if given, are all region codes of the load: when no other source has rows for
    any of them, nothing can be revised. Otherwise one query finds out whether any new key is
    stored by another source (the hash table is built on the other sources' rows); only then
    are the revised keys collected and replaced.
    """
    table, keys = TABLES[kind], KEY_COLUMNS[kind]
    key_list = ", ".join(keys)
    same = " AND ".join(f"o.{k} = c.{k}" for k in keys)
    revising = (
        f"FROM {table} c WHERE source_id = ? AND EXISTS (SELECT 1 FROM {table} o "
        f"WHERE o.source_id <> ? AND {same})"
    )
    replaced, revised = 0, []
    if (
        regions is not None
        and not con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE source_id <> ? "
            "AND region_code IN (SELECT unnest(?)) LIMIT 1)",
            [source_id, regions],
        ).fetchone()[0]
    ):
        pass  # no other source has these regions
    elif con.execute(f"SELECT count(*) {revising}", [source_id, source_id]).fetchone()[0]:
        con.execute(
            f"CREATE TEMP TABLE _new_keys AS SELECT DISTINCT {key_list} {revising}",
            [source_id, source_id],
        )
        try:
            replaced, revised = _replace_keys(con, kind, "_new_keys", source_id)
        finally:
            con.execute("DROP TABLE _new_keys")
    con.execute(
        "UPDATE sources SET sha256 = ?, rows = ?, revises = ? WHERE id = ?",
        [sha, rows, revised or None, source_id],
    )
    return replaced, revised


class _Report:
    """Progress in bytes for an optional callback (never decreasing)."""

    def __init__(self, callback: Progress | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0

    def __call__(self, done: int) -> None:
        if self.callback is not None and done >= self.done:
            self.done = min(done, self.total)
            self.callback(self.done, self.total)


# --- the fast path ------------------------------------------------------------------------


class _NeedsPrecise(Exception):
    """The fast path cannot vouch for this file; the precise path decides."""


class _AlreadyLoaded(Exception):
    def __init__(self, source_id: int) -> None:
        self.source_id = source_id


@contextmanager
def _bulk_settings(con: duckdb.DuckDBPyConnection, progress: bool, size: int) -> Iterator[None]:
    """No insertion order to keep, memory bounded (spills to disk), progress tracked if wanted.

    DuckDB never prints its own progress bar here (the caller shows progress, if anything).
    A small file is loaded with the settings as they are (switching costs more than it saves).
    """
    if size < BULK_SETTINGS_BYTES and not progress:
        yield
        return
    wanted = {
        "preserve_insertion_order": "false",
        "memory_limit": BULK_MEMORY_LIMIT,
        "enable_progress_bar": "true" if progress else "false",
        "enable_progress_bar_print": "false",
    }
    names = list(wanted)
    old = con.execute(
        "SELECT " + ", ".join(f"current_setting('{name}')" for name in names)
    ).fetchone()
    con.execute("; ".join(f"SET {name} = '{value}'" for name, value in wanted.items()))
    try:
        yield
    finally:
        con.execute(
            "; ".join(f"SET {name} = '{value}'" for name, value in zip(names, old, strict=True))
        )


@contextmanager
def _poll_progress(con: duckdb.DuckDBPyConnection, report: _Report) -> Iterator[None]:
    """While the statement runs, turn DuckDB's query progress into bytes of the file."""
    if report.callback is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(PROGRESS_POLL_SECONDS):
            with suppress(duckdb.Error):
                percent = con.query_progress()
                if percent > 0:
                    report(int(report.total * min(percent, 100.0) / 100))

    thread = threading.Thread(target=poll, name="hic-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _bulk_checks(
    con: duckdb.DuckDBPyConnection, reader: Reader, source_id: int
) -> tuple[int, int, list[str], list[str] | None]:
    """Check the inserted rows in one pass.

    Returns (rows, empty cells, regions not yet known, every region of the load or None).

    Raises ``_NeedsPrecise`` on a row that failed a check (NULL in the first column), a
    duplicate key, an unknown crime code, or a region code the precise path would refuse or
    store otherwise. Duplicate keys are found exactly and cheaply: per group (the key without
    its time column) the years or months are marked in a bitstring; a group holds a duplicate
    exactly when it has more rows than set bits. Codes and regions are checked on their
    distinct values (from the groups): crime codes must be in ``crime_types``; regions must
    have a known shape, and those not in ``regions`` yet must be of a level that needs no
    vocabulary (as ``check_region``).
    """
    kind = reader.kind
    table = TABLES[kind]
    time_column, bit, per_year, groups = DUPLICATE_BITS[kind]
    bits = (last_year() - FIRST_YEAR + 1) * per_year - 1
    group_list = ", ".join(groups)
    counted = "count(count)" if kind == "misdrijven" else "count(*)"
    flagged = "count(provisional)" if kind == "misdrijven" else "count(*)"
    lists = [f"list(DISTINCT {c})" if c in groups else "[]" for c in ("crime_code", "region_code")]
    bad, flags, duplicated, rows, empty, codes, regions = con.execute(
        f"""
        SELECT sum(n - valid), sum(n - flagged), count(*) FILTER (WHERE n <> distinct_times),
               sum(n), sum(n - counted), {lists[0]}, {lists[1]}
        FROM (
          SELECT {group_list}, count(*) AS n, count({time_column}) AS valid,
                 {counted} AS counted, {flagged} AS flagged,
                 bit_count(bitstring_agg(({bit})::INTEGER, 0, {bits})) AS distinct_times
          FROM {table} WHERE source_id = ?
          GROUP BY {group_list}
        ) g
        """,
        [source_id],
    ).fetchone()
    if bad or flags or duplicated or not rows or rows == empty:
        raise _NeedsPrecise
    if codes:
        known_codes = {r[0] for r in con.execute("SELECT code FROM crime_types").fetchall()}
        if not known_codes.issuperset(codes):
            raise _NeedsPrecise
    new_regions = []
    if regions:
        if not all(code is not None and sq.region_shape_ok(code) for code in regions):
            raise _NeedsPrecise
        # Counts register their new regions (all of them are needed); other kinds only need
        # the countries and municipalities, which must be known.
        asked = regions if kind == "misdrijven" else [c for c in regions if not sq.may_be_new(c)]
        known = {
            r[0]
            for r in con.execute(
                "SELECT code FROM regions WHERE code IN (SELECT unnest(?))", [asked]
            ).fetchall()
        }
        new_regions = [code for code in asked if code not in known]
        if not all(sq.may_be_new(code) for code in new_regions):
            raise _NeedsPrecise  # a country or municipality that the vocabulary does not know
    every_region = list(regions or []) if "region_code" in groups else None
    return int(rows) - int(empty or 0), int(empty or 0), new_regions, every_region


def _load_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    scan: Future[FileScan],
    report: _Report,
) -> LoadResult:
    """The fast path (see the module docstring); raises ``_NeedsPrecise`` to hand over."""
    kind, table = reader.kind, TABLES[reader.kind]
    columns = ", ".join(COLUMNS[kind])
    select = reader.bulk_sql(read_csv_sql(path, header))  # type: ignore[misc]
    try:
        with (
            _bulk_settings(con, report.callback is not None, report.total),
            store.transaction(con),
        ):
            source_id = store.record_source(con, file_name=path.name, sha256="", kind=kind, rows=0)
            with _poll_progress(con, report):
                con.execute(
                    f"INSERT INTO {table} ({columns}, source_id) "
                    f"SELECT *, {int(source_id)} FROM ({select})"
                )
            rows, skipped, regions, all_regions = _bulk_checks(con, reader, source_id)
            if skipped:
                con.execute("DELETE FROM counts WHERE source_id = ? AND count IS NULL", [source_id])
            if kind == "misdrijven":  # as on the precise path: counts register their regions
                _add_regions(con, regions, new=True)
            scanned = scan.result()
            if not scanned.same_parse:
                raise _NeedsPrecise
            existing = store.find_source(con, scanned.sha256)
            if existing is not None:
                raise _AlreadyLoaded(existing)
            replaced, revised = _finish(con, kind, source_id, rows, scanned.sha256, all_regions)
    except (duckdb.IOException, duckdb.OutOfMemoryException, duckdb.InterruptException):
        raise  # not about the file's contents
    except duckdb.Error:
        raise _NeedsPrecise from None  # DuckDB could not read or convert a row
    except _AlreadyLoaded as done:
        return LoadResult(file=path.name, kind=kind, status="al geladen", source_id=done.source_id)
    report(report.total)
    return LoadResult(
        file=path.name,
        kind=kind,
        status="herzien" if revised else "geladen",
        rows=rows,
        replaced=replaced,
        skipped_empty=skipped,
        source_id=source_id,
        revises=revised,
    )


# --- the precise path ---------------------------------------------------------------------


def _stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    vocab: Vocabulary,
    report: _Report,
) -> InputError | None:
    """Check every record in file order into the temporary table ``_staged`` (with its line).

    Stops at the first record that fails a check and returns that error (the records before it
    are staged); memory stays bounded by the batch size.
    """
    import pyarrow as pa  # only the precise path needs it

    kind = reader.kind
    names = ["line", *COLUMNS[kind]]
    types = [pa.int64(), *(getattr(pa, name)() for name in ARROW_TYPES[kind])]
    con.execute(
        f"CREATE TEMP TABLE _staged AS SELECT 0::BIGINT AS line, {', '.join(COLUMNS[kind])} "
        f"FROM {TABLES[kind]} LIMIT 0"
    )
    batch: list[tuple] = []

    def flush() -> None:
        if not batch:
            return
        columns = list(zip(*batch, strict=True))
        arrow = pa.table(
            [pa.array(col, type=t) for col, t in zip(columns, types, strict=True)], names=names
        )
        con.register("_batch", arrow)
        try:
            con.execute("INSERT INTO _staged SELECT * FROM _batch")
        finally:
            con.unregister("_batch")
        batch.clear()

    failure = None
    try:
        for line, row in reader.records(path, header, vocab, progress=report):
            batch.append((line, *row))
            if len(batch) >= PRECISE_BATCH:
                flush()
    except InputError as exc:
        failure = exc
    flush()
    return failure


def _first_duplicate(
    con: duckdb.DuckDBPyConnection, path: Path, reader: Reader
) -> InputError | None:
    """The error for the first line whose key occurred before, as the precise reader words it."""
    keys = ", ".join(KEY_COLUMNS[reader.kind])
    if not con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM _staged GROUP BY {keys} HAVING count(*) > 1)"
    ).fetchone()[0]:
        return None
    columns = ", ".join(COLUMNS[reader.kind])
    found = con.execute(
        f"""
        SELECT line, first_line, {columns} FROM (
          SELECT *, min(line) OVER (PARTITION BY {keys}) AS first_line,
                 row_number() OVER (PARTITION BY {keys} ORDER BY line) AS nth
          FROM _staged
        ) WHERE nth = 2 ORDER BY line LIMIT 1
        """
    ).fetchone()
    line, first, *row = found
    tracker = DuplicateTracker(path, reader.duplicate_field)
    key = reader.key(tuple(row))
    tracker.add(key, first)
    try:
        tracker.add(key, line)
    except InputError as exc:
        return exc
    return None  # pragma: no cover - the query found two lines with this key


def _load_precise(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    report: _Report,
    sha: str | None = None,
) -> LoadResult:
    """Every record checked in Python in file order; the first bad line is named."""
    sha = sha or store.file_sha256(path)
    existing = store.find_source(con, sha)
    if existing is not None:
        return LoadResult(file=path.name, kind=reader.kind, status="al geladen", source_id=existing)
    vocab = vocabulary(con)
    kind, table = reader.kind, TABLES[reader.kind]
    columns = ", ".join(COLUMNS[kind])
    try:
        with (
            _bulk_settings(con, report.callback is not None, report.total),
            store.transaction(con),
        ):
            source_id = store.record_source(con, file_name=path.name, sha256=sha, kind=kind, rows=0)
            failure = _stage(con, path, reader, header, vocab, report)
            duplicate = _first_duplicate(con, path, reader)
            if duplicate is not None:
                raise duplicate
            if failure is not None:
                raise failure
            skipped = 0
            if kind == "misdrijven":
                skipped = con.execute("DELETE FROM _staged WHERE count IS NULL").fetchone()[0]
            rows = con.execute("SELECT count(*) FROM _staged").fetchone()[0]
            if not rows:
                raise InputError(
                    path, "het bestand bevat geen gegevensregels (alleen een kopregel)", line=2
                )
            if kind == "misdrijven":
                regions = [
                    r[0]
                    for r in con.execute(
                        "SELECT DISTINCT region_code FROM _staged ORDER BY 1"
                    ).fetchall()
                ]
                _add_regions(con, regions)
            replaced, revised = _replace_keys(con, kind, "_staged", source_id)
            con.execute(
                f"INSERT INTO {table} ({columns}, source_id) SELECT {columns}, ? FROM _staged",
                [source_id],
            )
            con.execute(
                "UPDATE sources SET rows = ?, revises = ? WHERE id = ?",
                [rows, revised or None, source_id],
            )
    finally:
        with suppress(duckdb.Error):
            con.execute("DROP TABLE IF EXISTS _staged")
    report(report.total)
    return LoadResult(
        file=path.name,
        kind=kind,
        status="herzien" if revised else "geladen",
        rows=rows,
        replaced=replaced,
        skipped_empty=skipped,
        source_id=source_id,
        revises=revised,
        route="precies",
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    fast: bool | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load one file (format detected from its header) in one transaction.

    ``fast=False`` skips the fast path (the precise path alone; same result, slower).
    ``progress``, if given, is called now and then with (bytes done, bytes in total).

    The file's sha256 is computed in a thread while DuckDB loads (one read that also looks for
    what DuckDB and Python would read differently); the "already loaded" check then happens
    before the commit, and a file loaded before is rolled back and reported as such.
    """
    path = Path(path)
    reader, header = detect(path)
    report = _Report(progress, path.stat().st_size)
    bulk_ok = reader.bulk_sql is not None and len(set(header)) == len(header)
    if fast is False or not bulk_ok:
        return _load_precise(con, path, reader, header, report)
    with ThreadPoolExecutor(max_workers=1) as pool:
        scan = pool.submit(scan_file, path)
        try:
            return _load_fast(con, path, reader, header, scan, report)
        except _NeedsPrecise:
            pass
        sha = scan.result().sha256
    report.done = 0
    return _load_precise(con, path, reader, header, report, sha)


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
