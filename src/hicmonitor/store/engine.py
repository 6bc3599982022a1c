"""Opening DuckDB: the one place that calls ``duckdb.connect``, and Dutch words for its failures.

Every connection is made with :data:`CONFIG`: DuckDB never loads or installs an extension by
itself, so it never reaches the network (a SQLite file, for example, would otherwise make it
fetch the ``sqlite`` extension). Before a file is opened its first bytes are checked, so a
file that is not a DuckDB database gets a message that says what it is.

:func:`explain` turns DuckDB's (English) exceptions into a :class:`HicError` a user can act on:
a lock held by another process, a full disk, a damaged file, too little memory.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from hicmonitor.errors import HicError, Interrupted, disk_full_message, no_access_message

CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}
READER_ALIAS = "hic"  # the catalog name a reader's snapshot is attached as

HEADER_BYTES = 3 * 4096  # DuckDB's main header and its two database headers
_DUCKDB_MAGIC = b"DUCK"  # at offset 8
_FOREIGN_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"SQLite format 3\x00", "een SQLite-database"),
    (b"PAR1", "een Parquet-bestand"),
    (b"PK\x03\x04", "een zip-archief (bijvoorbeeld een Excel-werkmap)"),
    (b"\x1f\x8b", "een gzip-bestand"),
    (b"%PDF", "een PDF-document"),
)
_REMEDY = "kies het juiste bestand met --db, of een nieuw pad om een lege database te maken"


def check_file(path: Path) -> None:
    """Refuse, in Dutch, a path that is not a DuckDB database file (a missing file is fine)."""
    if path.is_dir():
        raise HicError(f"{path}: dit is een map, geen databasebestand; {_REMEDY}")
    if not path.exists():
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise HicError(f"{path}: kan de database niet lezen ({exc.strerror})") from None
    if head[8:12] == _DUCKDB_MAGIC:
        return
    for magic, what in _FOREIGN_MAGIC:
        if head.startswith(magic):
            raise HicError(f"{path}: dit is {what}, geen DuckDB-database; {_REMEDY}")
    if not head:
        raise HicError(f"{path}: het bestand is leeg, geen DuckDB-database; {_REMEDY}")
    raise HicError(
        f"{path}: geen DuckDB-database (het bestand begint niet als een DuckDB-bestand; "
        f"beschadigd of van een ander programma); {_REMEDY}"
    )


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open one database file directly (errors in Dutch)."""
    check_file(path)
    try:
        return duckdb.connect(str(path), read_only=read_only, config=CONFIG)
    except duckdb.Error as exc:
        raise explain(exc, path) or HicError(f"{path}: kan de database niet openen") from None


def memory() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB (its own instance), with the same safe settings."""
    return duckdb.connect(":memory:", config=CONFIG)


def attach_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A new in-memory instance with ``path`` attached read-only as :data:`READER_ALIAS`.

    A new instance per snapshot, not ``duckdb.connect(path)``: DuckDB caches one instance per
    path in a process, so a long-running reader would keep seeing the file it opened first.
    The returned connection has the snapshot as its default catalog; its cursors must run
    ``USE hic`` themselves (:func:`reader_cursor`).
    """
    check_file(path)
    con = memory()
    literal = "'" + str(path).replace("'", "''") + "'"
    try:
        con.execute(f"ATTACH {literal} AS {READER_ALIAS} (READ_ONLY)")
        con.execute(f"USE {READER_ALIAS}")
    except duckdb.Error as exc:
        con.close()
        raise explain(exc, path) or HicError(f"{path}: kan de database niet openen") from None
    return con


def reader_cursor(root: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new connection to ``root``'s instance, reading the attached snapshot."""
    cursor = root.cursor()
    cursor.execute(f"USE {READER_ALIAS}")
    return cursor


def read_header(path: Path) -> bytes:
    """DuckDB's file headers: they change exactly when a checkpoint wrote something."""
    with path.open("rb") as fh:
        return fh.read(HEADER_BYTES)


_QUOTED_PATH = re.compile(r'\\?"([^"\\]*/[^"\\]*)\\?"')  # a quoted path, quotes maybe escaped
_PRIVATE_COPY = re.compile(r"(^|/)\.([^/\"]+?)\.nieuw-\d+-[0-9a-f]+(\.wal|\.tmp)?")


def private_copy(path: Path, pid: int, token: str) -> Path:
    """The name of a writer's private copy of the store ``path`` (see snapshot.py)."""
    return path.with_name(f".{path.name}.nieuw-{pid}-{token}")


def private_copies(path: Path) -> list[Path]:
    """Every private copy of ``path`` (and its WAL and spill folder) in its folder."""
    return sorted(path.parent.glob(f".{path.name}.nieuw-*"))


def _public(text: str) -> str:
    """DuckDB's message with a writer's private copy named as the store it copies."""
    return _PRIVATE_COPY.sub(r"\1\2", text)


def _named_file(message: str, fallback: Path | None) -> str:
    found = _QUOTED_PATH.search(message)
    if found:
        return found.group(1)
    return str(fallback) if fallback is not None else "de database"


_DISK_FULL = ("no space left", "disk full", "file too large", "disk quota")
_DAMAGED = (
    "corrupt",
    "checksum",
    "could not read enough bytes",
    "not a valid duckdb database",
    "invalid database",
    "failed to load metadata",
)


def is_store_failure(exc: BaseException) -> bool:
    """A failure of the machine or the store (memory, disk, lock, damage, Ctrl-C), never of
    an input file: the loader must not blame the file for it."""
    if isinstance(exc, (duckdb.OutOfMemoryException, duckdb.InterruptException)):
        return True
    if isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower():
        return True
    lower = str(exc).lower()
    return any(w in lower for w in (*_DISK_FULL, *_DAMAGED, "could not set lock", "out of memory"))


def explain(exc: BaseException, path: Path | None = None) -> HicError | None:
    """A Dutch :class:`HicError` for a DuckDB exception, or None if it is not one we know.

    ``path`` is the database file the exception concerns (for the message).
    """
    if isinstance(exc, duckdb.InterruptException) or (
        isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()
    ):
        return Interrupted()
    if not isinstance(exc, duckdb.Error):
        return None
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, duckdb.TransactionException) and cause is not None:
        # "Current transaction is aborted": raised by clean-up after the real failure
        return explain(cause, path)
    text = _public(str(exc))
    lower = text.lower()
    where = str(path) if path is not None else "de database"
    if isinstance(exc, duckdb.OutOfMemoryException) or "out of memory" in lower:
        return HicError(
            "onvoldoende geheugen: DuckDB kon niet genoeg werkgeheugen krijgen; sluit andere "
            "programma's of laad het bestand in delen. Er is niets gewijzigd"
        )
    if "could not set lock" in lower or "conflicting lock" in lower:
        pid = re.search(r"PID (\d+)", text)
        holder = f" (proces {pid.group(1)})" if pid else ""
        return HicError(
            f"{where}: de database is in gebruik door een ander programma{holder} dat hem "
            "voor schrijven open heeft; wacht tot dat klaar is of sluit het, en probeer opnieuw"
        )
    if any(word in lower for word in _DISK_FULL):
        # the file DuckDB names (a writer's private copy named as the store), else the store
        return HicError(disk_full_message(_named_file(text, path)))
    if "permission denied" in lower or "read-only file system" in lower:
        read_only_disk = "read-only file system" in lower
        return HicError(no_access_message(_named_file(text, path), read_only_disk=read_only_disk))
    if "extension" in lower and ("not found" in lower or "autoload" in lower):
        return HicError(
            f"{where}: DuckDB zou hiervoor een extensie moeten laden ({text.splitlines()[0]}); "
            "hicmonitor laadt nooit extensies. Is dit wel een hicmonitor-database?"
        )
    if any(word in lower for word in _DAMAGED) or isinstance(exc, duckdb.SerializationException):
        return HicError(
            f"{where}: de database is beschadigd ({text.splitlines()[0]}); zet een "
            "reservekopie terug, of maak een nieuwe database met --db en laad de bestanden "
            "opnieuw"
        )
    if isinstance(exc, duckdb.IOException):
        return HicError(f"{where}: lezen of schrijven mislukt ({text.splitlines()[0]})")
    return None
