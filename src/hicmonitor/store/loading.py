"""Loading files into the store: detect the format, check every row, land it in one transaction.

A load lands whole or not at all. Loading a file whose sha256 is already recorded changes
nothing. A revised file (other bytes, same keys) replaces exactly the rows with those keys, and
its source row records which earlier sources it revised. Bad input raises ``InputError`` naming
file, line and field, and leaves the store exactly as it was.

Every load records when its figures became public (``beschikbaar_vanaf``), per period: the
date the file states per row (optional column), else the date given for its year (the embedded
data's release dates, ``data/nl/availability.csv``), else the date given for the whole file
(``hic laad --beschikbaar-vanaf``), else the day of the load. Rows a revision replaces are kept
in the ``*_history`` tables, so questions as of an earlier date still see them.

Every file, whatever its size, first takes the fast path: DuckDB's ``read_csv`` converts and
inserts the rows straight into their table inside the transaction (the reader's ``bulk_sql``),
and checks on the inserted rows find any row that is not valid, any duplicate key, and any
unknown code or region. If everything holds, the load continues (availability, revisions, the
plausibility checks) and commits. If anything does not, the transaction is rolled back and the
precise path runs: every record checked in Python, in file order, so the first bad line is
named exactly. The fast path's checks are strict (see ``hicmonitor.sources.sqlchecks``): what
they accept, the precise path accepts with the same values; what they refuse but the precise
path accepts (say a count written " 05") is then loaded by the precise path. So both paths store
the same rows and refuse the same files.

The plausibility checks (:mod:`hicmonitor.store.plausibility`) are the same SQL on both paths,
run on the stored rows before the commit; their findings name the line of each flagged row as
the precise reader numbers it (on the fast path by one more pass over the file, only when
something was found).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import astuple, dataclass, field
from pathlib import Path

import duckdb

from hicmonitor import plausibility as pl
from hicmonitor import regions as regionmod
from hicmonitor import store
from hicmonitor.errors import HicError, InputError
from hicmonitor.format_nl import amount, enumerate_nl
from hicmonitor.sources import Reader, Vocabulary, detect
from hicmonitor.sources import sqlchecks as sq
from hicmonitor.sources.base import (
    ATM_COLUMNS,
    AVAILABLE,
    AVAILABLE_NAMES,
    COUNT_COLUMNS,
    FIRST_YEAR,
    KEY_COLUMNS,
    POPULATION_COLUMNS,
    ROW_COLUMNS,
    DuplicateTracker,
    last_year,
    optional_column,
)
from hicmonitor.sources.csvfile import (
    FileScan,
    read_csv_sql,
    scan_file,
    text_traits,
    unnamed_columns,
)
from hicmonitor.store import engine
from hicmonitor.store import plausibility as checks

DATA_ENV = "HICMONITOR_DATA"
BULK_MEMORY_LIMIT = "1.5GB"
BULK_SETTINGS_BYTES = 16 * 1024 * 1024  # from this size on, loads switch to bulk settings
PRECISE_BATCH = 50_000  # rows per insert on the precise path (bounded memory)
PROGRESS_POLL_SECONDS = 0.2
CODELIST = "nl/SoortMisdrijf_codelist.csv"
# The population comes first: a load of counts is checked against the inhabitants.
EMBEDDED_FILES = (
    "nl/population_gemeente_yearly.csv",
    "nl/registered_crime_national_yearly.csv",
    "nl/registered_crime_gemeente_yearly.csv",
    "nl/published_atm_attacks.csv",
)
# When the embedded figures became public, per file and year, with the source of each date
# (data/SOURCES.md explains them). The ram- en plofkraken file has its dates per row.
EMBEDDED_AVAILABILITY = "nl/availability.csv"

TABLES = {"misdrijven": "counts", "bevolking": "population", "geldautomaten": "atm_attacks"}
COLUMNS = {
    "misdrijven": COUNT_COLUMNS,
    "bevolking": POPULATION_COLUMNS,
    "geldautomaten": ATM_COLUMNS,
}
ARROW_TYPES = {  # the precise path's batches (pyarrow type names), per ROW_COLUMNS
    "misdrijven": ["date32", "string", "string", "string", "int64", "bool_", "date32"],
    "bevolking": ["int32", "string", "int64", "date32"],
    "geldautomaten": ["int32", "string", "string", "int32", "string", "date32", "date32"],
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
# The period of a row as the availability table keys it: (period kind, period start).
PERIOD_SQL = {
    "misdrijven": ("period_kind", "period"),
    "bevolking": ("'jaar'", "make_date(year, 1, 1)"),
}

Progress = Callable[[int, int], None]  # (bytes done, bytes in total)


def data_dir() -> Path:
    """The embedded data set: ``HICMONITOR_DATA`` or the repository's ``data/`` folder."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[3] / "data"


@dataclass(frozen=True)
class Publication:
    """When a file's figures became public: one date for the file (None: the day of the
    load) and, where a year's figures were published on another day, a date per year. A date
    the file states per row wins over both."""

    default: dt.date | None = None
    by_year: Mapping[int, dt.date] = field(default_factory=dict)

    def on(self, year: int) -> dt.date:
        return self.by_year.get(year) or self.default or dt.date.today()


def _publication(published: Publication | dt.date | None) -> Publication:
    if isinstance(published, Publication):
        return published
    return Publication(default=published)


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
    exceptions: list[pl.Finding] = field(default_factory=list)  # accepted, recorded
    unnamed_columns: list[int] = field(default_factory=list)  # 1-based, empty: ignored
    route: str = "snel"  # snel (fast path) | precies (precise path)

    def summary(self) -> str:
        if self.status == "al geladen":
            return f"{self.file}: al geladen (bron {self.source_id}); niets gewijzigd"
        text = (
            f"{self.file}: {amount(self.rows, 'rij', 'rijen')} {self.kind} geladen "
            f"(bron {self.source_id})"
        )
        if self.replaced:
            sources = ", ".join(map(str, self.revises))
            text += f"; {amount(self.replaced, 'rij', 'rijen')} van bron {sources} herzien"
        if self.skipped_empty:
            text += (
                f"; {amount(self.skipped_empty, 'lege cel', 'lege cellen')} (geen cijfer) "
                "overgeslagen"
            )
        if self.unnamed_columns:
            cols = enumerate_nl([str(c) for c in self.unnamed_columns])
            text += (
                f"; {'kolom' if len(self.unnamed_columns) == 1 else 'kolommen'} {cols} zonder "
                "naam in de kopregel (leeg) genegeerd"
            )
        if self.exceptions:
            text += (
                f"; {amount(len(self.exceptions), 'afwijking', 'afwijkingen')} geaccepteerd en "
                "bij de bron vastgelegd (hic status)"
            )
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
    """Delete rows of other sources whose key is in ``new_keys``: (rows replaced, sources revised).

    The replaced rows move to the table's ``_history`` (with the source that superseded them),
    so they stay readable as of the dates they were public.
    """
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
        con.execute(
            f"INSERT INTO {table}_history SELECT t.*, ? FROM {table} t JOIN {new_keys} n "
            f"ON {on} WHERE t.source_id <> ?",
            [source_id, source_id],
        )
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


# --- when the figures became public, and whether they are plausible ---------------------


def _record_availability(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source_id: int,
    periods: list[tuple[str, dt.date, dt.date | None]],
    published: Publication,
) -> None:
    """One availability row per period of the load, given as (kind, period, stated date):
    the date stated in the file for that period (the latest of its rows), else the
    publication's date for its year. A figure cannot be public before its period began."""
    rows = []
    for kind, period, stated in sorted(periods):
        public = stated or published.on(period.year)
        if public < period:
            raise InputError(
                path,
                f"beschikbaar vanaf {public.isoformat()} ligt vóór het begin van periode "
                f"{period.isoformat()} ({kind}): een cijfer kan niet openbaar zijn voordat de "
                "periode begon",
                field="beschikbaar_vanaf",
            )
        rows.append((source_id, kind, period, public))
    if rows:
        con.execute(
            "INSERT INTO availability SELECT unnest(?), unnest(?), unnest(?), unnest(?)",
            [list(col) for col in zip(*rows, strict=True)],
        )


def _availability(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    source_id: int,
    published: Publication,
    table: str,
    where: str = "true",
    *,
    stated: bool = True,
) -> None:
    """Record when the load's figures became public (inside the transaction).

    ``table`` and ``where`` select the loaded rows; ``stated``: they have the column
    ``available_from`` (the date the file states per row, or NULL). Counts and population get
    one availability row per period; ram- en plofkraken rows carry their date themselves, the
    publication's date for their year where the file states none.
    """
    if kind == "geldautomaten":
        years = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT year FROM {table} WHERE {where} AND available_from IS NULL"
            ).fetchall()
        ]
        if years:
            con.execute(
                f"UPDATE {table} SET available_from = d.day "
                "FROM (SELECT unnest(?) AS y, unnest(?) AS day) d "
                f"WHERE {table}.year = d.y AND {where} AND {table}.available_from IS NULL",
                [years, [published.on(y) for y in years]],
            )
        return
    period_kind, period = PERIOD_SQL[kind]
    latest = f"max({AVAILABLE})" if stated else "NULL::DATE"
    periods = con.execute(
        f"SELECT {period_kind}, {period}, {latest} FROM {table} WHERE {where} GROUP BY ALL"
    ).fetchall()
    _record_availability(con, path, source_id, periods, published)


def _plausible(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    source_id: int,
    regions: list[str],
    accept: bool,
    locate: Callable[[list[pl.Finding]], list[pl.Finding]],
) -> list[pl.Finding]:
    """Run the plausibility checks on the rows of ``source_id`` (inside the load's
    transaction): refuse the load, or with ``accept`` record the exceptions. ``locate`` fills
    in the lines of the findings."""
    if reader.kind == "misdrijven":
        found = checks.check_counts(
            con, source_id, regions=regions, regional_file=reader.regional, fields=reader.fields
        )
    elif reader.kind == "bevolking":
        found = checks.check_population(con, source_id, fields=reader.fields)
    else:
        return []
    if not found:
        return []
    found = locate(found)
    if not accept:
        raise pl.PlausibilityError(path, found, pl.settings().max_listed)
    checks.record(con, source_id, found)
    return found


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


def _fast_source(path: Path, header: list[str], reader: Reader) -> str | None:
    """The ``read_csv`` expression the reader's ``bulk_sql`` reads, or None when the fast path
    cannot read this header (two columns of one name).

    Columns without a name get one; a value in any of them must make the row fail (as in
    ``iter_records``): the row's time column is then read as NULL, which every reader refuses.
    """
    unnamed = unnamed_columns(header)
    names = [f"_kolom_{i + 1}" if i in unnamed else name for i, name in enumerate(header)]
    if len(set(names)) != len(names):
        return None
    source = read_csv_sql(path, names)
    if not unnamed:
        return source
    time_column = sq.ident(reader.fields.get("period") or reader.fields["year"])
    filled = " OR ".join(f"NOT coalesce(trim({sq.ident(names[i])}) = '', false)" for i in unnamed)
    return (
        f"(SELECT * REPLACE (CASE WHEN {filled} THEN NULL ELSE {time_column} END "
        f"AS {time_column}) FROM {source})"
    )


def _load_fast(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    source: str,
    scan: Future[FileScan],
    report: _Report,
    published: Publication,
    accept: bool,
) -> LoadResult:
    """The fast path (see the module docstring); raises ``_NeedsPrecise`` to hand over."""
    kind, table = reader.kind, TABLES[reader.kind]
    columns = ", ".join(COLUMNS[kind])
    with sq.traits(text_traits(path)):
        select = reader.bulk_sql(source, header)  # type: ignore[misc]
    # rows that state their publication day go through a temporary table that keeps it
    stated = kind != "geldautomaten" and optional_column(header, AVAILABLE_NAMES) is not None
    try:
        with (
            _bulk_settings(con, report.callback is not None, report.total),
            store.transaction(con),
        ):
            source_id = store.record_source(
                con,
                file_name=path.name,
                sha256="",
                kind=kind,
                rows=0,
                available_from=published.default,
            )
            with _poll_progress(con, report):
                if stated:
                    con.execute(f"CREATE TEMP TABLE _fast_rows AS {select}")
                    select = "SELECT * FROM _fast_rows"
                con.execute(
                    f"INSERT INTO {table} ({columns}, source_id) "
                    f"SELECT {columns}, {int(source_id)} FROM ({select})"
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
            if stated:
                where = "count IS NOT NULL" if kind == "misdrijven" else "true"
                _availability(con, path, kind, source_id, published, "_fast_rows", where)
                con.execute("DROP TABLE _fast_rows")
            else:
                _availability(
                    con,
                    path,
                    kind,
                    source_id,
                    published,
                    table,
                    f"source_id = {int(source_id)}",
                    stated=kind == "geldautomaten",
                )
            replaced, revised = _finish(con, kind, source_id, rows, scanned.sha256, all_regions)
            exceptions = _plausible(
                con,
                path,
                reader,
                source_id,
                all_regions or [],
                accept,
                lambda found: checks.precise_lines(
                    found, reader.records(path, header, vocabulary(con)), kind
                ),
            )
    except duckdb.Error as exc:
        if engine.is_store_failure(exc) or isinstance(exc, duckdb.IOException):
            raise  # not about the file's contents
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
        exceptions=exceptions,
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
    names = ["line", *ROW_COLUMNS[kind]]
    types = [pa.int64(), *(getattr(pa, name)() for name in ARROW_TYPES[kind])]
    stated = "" if kind == "geldautomaten" else f", NULL::DATE AS {AVAILABLE}"
    con.execute(
        f"CREATE TEMP TABLE _staged AS SELECT 0::BIGINT AS line, {', '.join(COLUMNS[kind])}"
        f"{stated} FROM {TABLES[kind]} LIMIT 0"
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
    columns = ", ".join(ROW_COLUMNS[reader.kind])
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


def _staged_lines(
    con: duckdb.DuckDBPyConnection, kind: str, findings: list[pl.Finding]
) -> list[pl.Finding]:
    """The findings of a precise load with their lines, from the staged rows."""
    keys = sorted({f.key for f in findings if f.key}, key=repr)
    if not keys:
        return findings
    if kind == "misdrijven":
        wanted = [list(col) for col in zip(*keys, strict=True)]
    else:  # bevolking: (year, region)
        wanted = [[k[0].year for k in keys], [k[2] for k in keys]]
    names = KEY_COLUMNS[kind]
    on = " AND ".join(f"s.{name} = w.k{i}" for i, name in enumerate(names))
    unnest = ", ".join(f"unnest(?) AS k{i}" for i in range(len(names)))
    rows = con.execute(
        f"SELECT s.line, {', '.join('s.' + n for n in names)} FROM _staged s "
        f"JOIN (SELECT {unnest}) w ON {on}",
        wanted,
    ).fetchall()
    return checks.precise_lines(findings, [(r[0], tuple(r[1:])) for r in rows], kind)


def _load_precise(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    report: _Report,
    published: Publication,
    accept: bool,
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
            source_id = store.record_source(
                con,
                file_name=path.name,
                sha256=sha,
                kind=kind,
                rows=0,
                available_from=published.default,
            )
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
            regions: list[str] = []
            if "region_code" in KEY_COLUMNS[kind]:
                regions = [
                    r[0]
                    for r in con.execute(
                        "SELECT DISTINCT region_code FROM _staged ORDER BY 1"
                    ).fetchall()
                ]
            if kind == "misdrijven":
                _add_regions(con, regions)
            _availability(con, path, kind, source_id, published, "_staged")
            replaced, revised = _replace_keys(con, kind, "_staged", source_id)
            con.execute(
                f"INSERT INTO {table} ({columns}, source_id) SELECT {columns}, ? FROM _staged",
                [source_id],
            )
            con.execute(
                "UPDATE sources SET rows = ?, revises = ? WHERE id = ?",
                [rows, revised or None, source_id],
            )
            exceptions = _plausible(
                con,
                path,
                reader,
                source_id,
                regions,
                accept,
                lambda found: _staged_lines(con, kind, found),
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
        exceptions=exceptions,
        route="precies",
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    fast: bool | None = None,
    accept: bool = False,
    published: Publication | dt.date | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load one file (format detected from its header) in one transaction.

    ``fast=False`` skips the fast path (the precise path alone; same result, slower).
    ``progress``, if given, is called now and then with (bytes done, bytes in total).

    The plausibility checks (:mod:`hicmonitor.store.plausibility`) run on the new rows before
    the commit: a finding refuses the load (``PlausibilityError``, the store unchanged) unless
    ``accept``, which records the exceptions with the source.

    ``published``: when the file's figures became public (a date for the whole file, or a
    :class:`Publication` with dates per year); default the day of the load. A date the file
    states per row wins.

    The file's sha256 is computed in a thread while DuckDB loads (one read that also looks for
    what DuckDB and Python would read differently); the "already loaded" check then happens
    before the commit, and a file loaded before is rolled back and reported as such.
    """
    path = Path(path)
    publication = _publication(published)
    reader, header = detect(path)
    report = _Report(progress, path.stat().st_size)
    source = _fast_source(path, header, reader) if reader.bulk_sql is not None else None
    if fast is False or source is None:
        result = _load_precise(con, path, reader, header, report, publication, accept)
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(scan_file, path)
            try:
                result = _load_fast(
                    con, path, reader, header, source, scan, report, publication, accept
                )
                sha = None
            except _NeedsPrecise:
                sha = scan.result().sha256
        if sha is not None:
            report.done = 0
            result = _load_precise(con, path, reader, header, report, publication, accept, sha)
    if result.status != "al geladen":
        result.unnamed_columns = [i + 1 for i in unnamed_columns(header)]
    return result


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


def ensure_region_reference(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> None:
    """The table of municipal changes and the names people use, from the embedded data (once;
    also for a store made before they existed). Former municipalities get their names."""
    if con.execute("SELECT count(*) FROM region_changes").fetchone()[0]:
        return
    root = root or data_dir()
    folder = root / "nl"
    changes = regionmod.read_changes(folder)
    names = regionmod.read_names(folder)
    if not changes:
        return
    with store.transaction(con):
        columns = list(zip(*[astuple(c) for c in changes], strict=True))
        con.execute(
            "INSERT INTO region_changes SELECT unnest(?)::DATE, unnest(?), unnest(?), "
            "unnest(?), unnest(?), unnest(?), unnest(?)",
            [list(col) for col in columns],
        )
        if names:
            con.execute(
                "INSERT INTO region_names SELECT unnest(?), unnest(?), unnest(?), unnest(?)",
                [list(col) for col in zip(*[astuple(n) for n in names], strict=True)],
            )
        con.execute(
            "UPDATE regions SET name = c.old_name FROM "
            "(SELECT DISTINCT old_code, old_name FROM region_changes) c "
            "WHERE regions.code = c.old_code AND regions.name IS NULL"
        )
        for file_name, kind, rows in (
            (regionmod.CHANGES_FILE, "gemeentelijke indeling", len(changes)),
            (regionmod.NAMES_FILE, "regionamen", len(names)),
        ):
            if (folder / file_name).exists():
                store.record_source(
                    con,
                    file_name=file_name,
                    sha256=store.file_sha256(folder / file_name),
                    kind=kind,
                    rows=rows,
                )


def embedded_availability(root: Path | None = None) -> dict[str, dict[int, dt.date]]:
    """Per embedded file name, the day each year's figures became public."""
    path = (root or data_dir()) / EMBEDDED_AVAILABILITY
    out: dict[str, dict[int, dt.date]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["file"], {})[int(row["year"])] = dt.date.fromisoformat(
                row["available_from"]
            )
    return out


def _embedded_publication(name: str, dates: Mapping[str, Mapping[int, dt.date]]) -> Publication:
    return Publication(by_year=dict(dates.get(Path(name).name, {})))


def _refresh_embedded_availability(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """Bring the publication dates of a store loaded before they were kept (or before the
    dates file changed) up to date: the dates of the embedded sources, and the ram- en
    plofkraken file, whose dates are in the file itself (loaded again as a revision)."""
    marker = store.file_sha256(root / EMBEDDED_AVAILABILITY)
    row = con.execute("SELECT value FROM meta WHERE key = 'embedded_availability'").fetchone()
    if row and row[0] == marker:
        return
    dates = embedded_availability(root)
    with store.transaction(con):
        for name in EMBEDDED_FILES:
            path = root / name
            for year, day in dates.get(path.name, {}).items():
                con.execute(
                    "UPDATE availability SET available_from = ? WHERE year(period) = ? AND "
                    "source_id IN (SELECT id FROM sources WHERE file_name = ? AND sha256 = ?)",
                    [day, year, path.name, store.file_sha256(path)],
                )
        con.execute("DELETE FROM meta WHERE key = 'embedded_availability'")
        con.execute("INSERT INTO meta VALUES ('embedded_availability', ?)", [marker])
    for name in EMBEDDED_FILES:
        load_file(con, root / name, published=_embedded_publication(name, dates))


def embedded_current(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> bool:
    """Whether the store holds the embedded data set as :func:`ensure_embedded` would leave
    it (loaded, with the current publication dates and the municipal changes); read-only."""
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if "embedded" not in meta:
        return False
    dates = (root or Path(meta["embedded"])) / EMBEDDED_AVAILABILITY
    if dates.exists() and meta.get("embedded_availability") != store.file_sha256(dates):
        return False
    return bool(con.execute("SELECT count(*) FROM region_changes").fetchone()[0])


def ensure_embedded(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> list[LoadResult]:
    """Load the embedded data set if it is not loaded yet (idempotent), each year with the
    day its figures became public."""
    root = root or data_dir()
    done = con.execute("SELECT value FROM meta WHERE key = 'embedded'").fetchone()
    if done:
        ensure_region_reference(con, root)
        _refresh_embedded_availability(con, root)
        return []
    ensure_vocabulary(con, root)
    ensure_region_reference(con, root)
    dates = embedded_availability(root)
    results = [
        load_file(con, root / name, published=_embedded_publication(name, dates))
        for name in EMBEDDED_FILES
    ]
    con.execute("INSERT INTO meta VALUES ('embedded', ?)", [str(root)])
    con.execute(
        "INSERT INTO meta VALUES ('embedded_availability', ?)",
        [store.file_sha256(root / EMBEDDED_AVAILABILITY)],
    )
    return results
