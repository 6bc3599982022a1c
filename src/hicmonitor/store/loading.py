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

Small files take the precise path (every record checked in Python before anything is written).
Very large files in the open-data format take the fast path: DuckDB's ``read_csv`` inserts
straight into ``counts`` inside the transaction, bulk checks run on the inserted rows, and on any
violation the transaction is rolled back and the precise path runs to name the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from hicmonitor import plausibility as pl
from hicmonitor import regions as regionmod
from hicmonitor import store
from hicmonitor.errors import HicError, InputError
from hicmonitor.format_nl import amount, enumerate_nl
from hicmonitor.sources import Reader, Vocabulary, detect
from hicmonitor.sources.base import (
    ATM_COLUMNS,
    AVAILABLE,
    COUNT_COLUMNS,
    FIRST_YEAR,
    KEY_COLUMNS,
    POPULATION_COLUMNS,
    last_year,
)
from hicmonitor.sources.csvfile import not_utf8_error, unnamed_columns
from hicmonitor.store import engine
from hicmonitor.store import plausibility as checks

DATA_ENV = "HICMONITOR_DATA"
FAST_PATH_BYTES = 64 * 1024 * 1024
BULK_MEMORY_LIMIT = "1.5GB"
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
        # the replaced rows stay readable as of the dates they were public
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


def _record_availability(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source_id: int,
    periods: Mapping[tuple[str, dt.date], dt.date | None],
    published: Publication,
) -> None:
    """One availability row per period of the load: the date stated in the file for that
    period (the latest of its rows), else the publication's date for its year. A figure
    cannot be public before its period began."""
    rows = []
    for (kind, period), stated in sorted(periods.items()):
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
        con.executemany("INSERT INTO availability VALUES (?, ?, ?, ?)", rows)


def _stated_dates(frame: pd.DataFrame, kind: str) -> dict[tuple[str, dt.date], dt.date | None]:
    """Per period of a loaded frame, the latest publication date its rows state (or None)."""
    if kind == "bevolking":
        periods = [("jaar", dt.date(int(y), 1, 1)) for y in frame["year"]]
    else:
        periods = [(k, p) for k, p in zip(frame["period_kind"], frame["period"], strict=True)]
    out: dict[tuple[str, dt.date], dt.date | None] = {}
    for key, stated in zip(periods, frame[AVAILABLE], strict=True):
        stated = stated if isinstance(stated, dt.date) else None
        have = out.get(key)
        out[key] = max(d for d in (have, stated) if d) if (have or stated) else None
    return out


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
    transaction): refuse the load, or with ``accept`` record the exceptions."""
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


def _load_precise(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    sha: str,
    published: Publication,
    accept: bool = False,
) -> LoadResult:
    vocab = vocabulary(con)
    numbered = list(reader.read(path, header, vocab))
    rows = [row for _, row in numbered]
    skipped = 0
    if reader.kind == "misdrijven":
        kept = [r for r in rows if r[4] is not None]
        skipped = len(rows) - len(kept)
        rows = kept
    if not rows:
        raise InputError(
            path, "het bestand bevat geen gegevensregels (alleen een kopregel)", line=2
        )
    columns = COLUMNS[reader.kind]
    if reader.kind == "geldautomaten":
        frame = pd.DataFrame(rows, columns=columns)
        frame[AVAILABLE] = [
            d if isinstance(d, dt.date) else published.on(int(y))
            for d, y in zip(frame[AVAILABLE], frame["year"], strict=True)
        ]
        stated = {}
    else:
        frame = pd.DataFrame(rows, columns=[*columns, AVAILABLE])
        stated = _stated_dates(frame, reader.kind)
        frame = frame[columns]
    with store.transaction(con):
        source_id = store.record_source(
            con,
            file_name=path.name,
            sha256=sha,
            kind=reader.kind,
            rows=len(frame),
            available_from=published.default,
        )
        _record_availability(con, path, source_id, stated, published)
        if reader.kind == "misdrijven":
            _add_regions(con, sorted(frame["region_code"].unique()))
        con.register("_new_rows", frame)
        try:
            replaced, revised = _replace_and_insert(con, reader.kind, "_new_rows", source_id)
        finally:
            con.unregister("_new_rows")
        if revised:
            con.execute("UPDATE sources SET revises = ? WHERE id = ?", [revised, source_id])
        regions = sorted(frame["region_code"].unique()) if "region_code" in frame else []
        exceptions = _plausible(
            con,
            path,
            reader,
            source_id,
            regions,
            accept,
            lambda found: checks.precise_lines(found, numbered, reader.kind),
        )
    return LoadResult(
        file=path.name,
        kind=reader.kind,
        status="herzien" if revised else "geladen",
        rows=len(frame),
        replaced=replaced,
        skipped_empty=skipped,
        source_id=source_id,
        revises=revised,
        exceptions=exceptions,
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
    published: Publication,
    accept: bool = False,
) -> LoadResult:
    vocab = vocabulary(con)
    literal = "'" + str(path).replace("'", "''") + "'"
    select = reader.fast_sql(literal)  # type: ignore[operator]
    try:
        with _bulk_settings(con), store.transaction(con):
            source_id = store.record_source(
                con,
                file_name=path.name,
                sha256="",
                kind=reader.kind,
                rows=0,
                available_from=published.default,
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
            periods = con.execute(
                "SELECT DISTINCT period_kind, period FROM counts WHERE source_id = ?",
                [source_id],
            ).fetchall()
            _record_availability(con, path, source_id, dict.fromkeys(periods), published)
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
            exceptions = _plausible(
                con,
                path,
                reader,
                source_id,
                regions,
                accept,
                lambda found: checks.bulk_lines(con, path, reader.fields, found),
            )
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
        exceptions=exceptions,
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    fast: bool | None = None,
    accept: bool = False,
    published: Publication | dt.date | None = None,
) -> LoadResult:
    """Load one file (format detected from its header) in one transaction.

    The plausibility checks (:mod:`hicmonitor.store.plausibility`) run on the new rows before
    the commit: a finding refuses the load (``PlausibilityError``, the store unchanged) unless
    ``accept``, which records the exceptions with the source.

    ``published``: when the file's figures became public (a date for the whole file, or a
    :class:`Publication` with dates per year); default the day of the load. A date the file
    states per row wins.

    On the bulk path the file's sha256 is computed in a thread while DuckDB loads (hashing a
    3 GB file takes seconds); the "already loaded" check then happens before the commit, and a
    file loaded before is rolled back and reported as such.
    """
    path = Path(path)
    publication = _publication(published)
    reader, header = detect(path)
    use_fast = reader.fast_sql is not None and (
        fast if fast is not None else path.stat().st_size > FAST_PATH_BYTES
    )
    unnamed = unnamed_columns(header)
    if use_fast:
        if unnamed:
            _check_unnamed_bulk(con, path, reader, header, unnamed)
        with ThreadPoolExecutor(max_workers=1) as pool:
            sha = pool.submit(store.file_sha256, path)
            result = _load_fast(con, path, reader, header, sha, publication, accept)
    else:
        sha_now = store.file_sha256(path)
        existing = store.find_source(con, sha_now)
        if existing is not None:
            return LoadResult(
                file=path.name, kind=reader.kind, status="al geladen", source_id=existing
            )
        result = _load_precise(con, path, reader, header, sha_now, publication, accept)
    if result.status != "al geladen":
        result.unnamed_columns = [i + 1 for i in unnamed]
    return result


def _check_unnamed_bulk(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    reader: Reader,
    header: list[str],
    unnamed: list[int],
) -> None:
    """Columns without a name must be empty (as on the precise path); with a value in one,
    the precise reader names its first line."""
    names = [name or f"_zonder_naam_{i}" for i, name in enumerate(header)]
    literal = "'" + str(path).replace("'", "''") + "'"
    cond = " OR ".join(f"trim(\"{names[i]}\") <> ''" for i in unnamed)
    try:
        found = con.execute(
            f"SELECT count(*) FROM read_csv({literal}, header = true, all_varchar = true, "
            f"names = ?, encoding = 'utf-8', ignore_errors = true) WHERE {cond}",
            [names],
        ).fetchone()[0]
    except duckdb.Error:
        found = 0  # the load itself reports what is wrong with the file
    if found:
        for _ in reader.read(path, header, vocabulary(con)):
            pass


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
