"""Snapshots: readers never wait for a load, and a load lands whole or not at all.

The store is one DuckDB file, ``<store>``. It is only ever *replaced*, never written in place:

- **Readers** open ``<store>`` read-only (:func:`open_reader`). Each snapshot is attached in an
  in-memory DuckDB instance of its own, cached per process and per snapshot, so a
  long-running process (the web server) sees a new snapshot as soon as one is published,
  while connections it handed out earlier keep reading the old one to the end.
- **A writer** (:func:`writer`) takes the writer lock (``.<store>.lock``, ``flock``; a second
  writer waits up to ``wait`` seconds), copies ``<store>`` to ``.<store>.nieuw-<pid>-<random>``
  in the same folder, and hands out a read-write connection to that copy. The loads run in it,
  each in its own transaction. When the block ends normally the copy is checkpointed, fsynced
  and moved over ``<store>`` with ``os.replace`` (atomic); the folder is fsynced. Readers that
  have the old file open keep its inode; new readers get the new file. On any exception
  (refused file, Ctrl-C, full disk) the copy is deleted and ``<store>`` was never touched; a
  writer killed with SIGKILL leaves only a stale copy that the next writer removes.
- A block that changed nothing (a file already loaded) publishes nothing: DuckDB's file
  headers change exactly when a checkpoint wrote something, so they are compared.

:func:`snapshot_id` is cheap (one ``stat``) and changes with every publication.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import duckdb

from hicmonitor.errors import HicError, explain_os_error
from hicmonitor.store import engine, schema

DEFAULT_WAIT = 3600.0  # seconds a second writer waits for the first
_POLL = 0.1
_FICLONE = 0x40049409  # Linux ioctl: copy-on-write clone where the filesystem offers it


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def snapshot_id(path: str | Path) -> str:
    """An opaque id of the published snapshot; it changes with every publication."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise HicError(f"{path}: database bestaat niet") from None
    return f"{st.st_dev:x}-{st.st_ino:x}-{st.st_mtime_ns:x}-{st.st_size:x}"


# --- readers -------------------------------------------------------------------------------

_readers: dict[str, tuple[str, duckdb.DuckDBPyConnection]] = {}
_readers_lock = threading.Lock()


def open_reader(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current snapshot of ``path`` (never waits for a writer).

    Cheap: a ``stat`` and a new cursor on the cached instance of this snapshot. Each call
    returns a new connection, safe to use in its own thread; close it when done.
    """
    path = Path(path).absolute()
    if not path.exists():
        raise HicError(
            f"{path}: database bestaat niet; laad eerst gegevens (hic laad) of laat --db weg"
        )
    sid = snapshot_id(path)
    with _readers_lock:
        cached = _readers.get(str(path))
        if cached is None or cached[0] != sid:
            root = engine.attach_read_only(path)
            try:
                schema.check_version(root, path)
            except BaseException:
                root.close()
                raise
            # The previous instance is not closed here: connections handed out earlier may
            # still be reading it; it goes when the last of them is closed.
            cached = (sid, root)
            _readers[str(path)] = cached
        return engine.reader_cursor(cached[1])


def forget_readers() -> None:
    """Drop the cached reader instances of this process (tests; releases old snapshots)."""
    with _readers_lock:
        _readers.clear()


# --- the writer lock -----------------------------------------------------------------------


def _holder(fh: IO[str]) -> str:
    with suppress(OSError):
        fh.seek(0)
        text = fh.read().strip()
        if text:
            return text
    return "een ander proces"


def _acquire(path: Path, wait: float, on_wait: Callable[[str], None] | None) -> IO[str]:
    lock = lock_path(path)
    try:
        fh = open(lock, "a+", encoding="utf-8")  # noqa: SIM115 (held until _release)
    except OSError as exc:
        raise HicError(
            f"{path}: kan de database niet bijwerken: in de map {path.parent} mag niet "
            f"geschreven worden ({exc.strerror}); lezen kan wel"
        ) from None
    deadline = time.monotonic() + max(wait, 0.0)
    told = False
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = _holder(fh)
            if time.monotonic() >= deadline:
                fh.close()
                raise HicError(
                    f"{path}: de database wordt al bijgewerkt door {holder}; na "
                    f"{wait:g} seconden wachten opgegeven. Probeer het later opnieuw, of wacht "
                    "langer met --wacht SECONDEN"
                ) from None
            if not told and on_wait is not None:
                on_wait(
                    f"{path}: de database wordt al bijgewerkt door {holder}; wachten tot die "
                    f"lading klaar is (hooguit {wait:g} seconden, zie --wacht)…"
                )
                told = True
            time.sleep(_POLL)
    with suppress(OSError):
        fh.seek(0)
        fh.truncate()
        fh.write(f"proces {os.getpid()} (sinds {dt.datetime.now():%H:%M:%S})")
        fh.flush()
    return fh


def _release(fh: IO[str]) -> None:
    with suppress(OSError):
        fh.seek(0)
        fh.truncate()
    fh.close()  # closing releases the flock


# --- the writer ----------------------------------------------------------------------------


def _remove_temp(tmp: Path) -> None:
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        with suppress(FileNotFoundError):
            p.unlink()
    shutil.rmtree(tmp.with_name(tmp.name + ".tmp"), ignore_errors=True)


def _remove_stale(path: Path) -> None:
    """Copies left by writers that were killed (we hold the lock, so none is in use)."""
    for stale in engine.private_copies(path):
        if stale.is_dir():  # DuckDB's spill folder of a copy
            shutil.rmtree(stale, ignore_errors=True)
        else:
            with suppress(OSError):
                stale.unlink()


def _clone(src: Path, dst: Path) -> None:
    with src.open("rb") as fin, dst.open("xb") as fout:
        try:
            fcntl.ioctl(fout.fileno(), _FICLONE, fin.fileno())
            return
        except OSError:
            pass
        _copy_range(fin, fout)


def _copy_range(fin: IO[bytes], fout: IO[bytes]) -> None:
    """Copy in the kernel (``sendfile``), falling back to reads and writes."""
    size = os.fstat(fin.fileno()).st_size
    offset = 0
    try:
        while offset < size:
            sent = os.sendfile(fout.fileno(), fin.fileno(), offset, size - offset)
            if sent == 0:
                break
            offset += sent
    except OSError as exc:
        if offset or exc.errno not in {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP}:
            raise
        fin.seek(0)
        shutil.copyfileobj(fin, fout, 16 << 20)


@contextmanager
def _no_foreign_writer(path: Path) -> Iterator[None]:
    """Hold a shared lock on the published file while it is copied.

    DuckDB locks a file it opens for writing (``fcntl``); a program that writes the file in
    place (an older hicmonitor, the DuckDB command line) would make a torn copy, so it is
    refused while it has the file open, and kept out while the copy is made.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise HicError(
                f"{path}: de database is in gebruik door een ander programma dat hem voor "
                "schrijven open heeft; wacht tot dat klaar is of sluit het, en probeer opnieuw"
            ) from None
        yield
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; some filesystems cannot fsync a folder (then it is skipped)."""
    with suppress(OSError):
        _fsync(folder)


def _absorb_wal(path: Path) -> None:
    """A WAL beside the published file (left by an older hicmonitor killed mid-load) holds
    committed transactions: let DuckDB replay and checkpoint it into the file first."""
    if path.with_name(path.name + ".wal").exists():
        engine.connect(path, read_only=False).close()


def _os_failure(exc: OSError, path: Path) -> HicError:
    exc.filename = str(path)
    return explain_os_error(exc) or HicError(f"{path}: schrijven mislukt ({exc})")


@contextmanager
def writer(
    path: str | Path,
    *,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the store, published when the block ends.

    The schema is created or migrated first. See the module docstring for the steps.
    ``on_wait`` is called once, with a Dutch message, when another writer holds the lock.
    """
    path = Path(path).absolute()
    if path.is_symlink():  # replace the file the link points to, in its own folder
        path = path.resolve()
    if path.exists() and not path.is_dir() and not os.access(path, os.W_OK):
        raise HicError(
            f"{path}: het databasebestand is alleen-lezen; lezen kan, laden niet. Maak het "
            "schrijfbaar (chmod u+w) of kies een ander bestand met --db"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_failure(exc, path.parent) from None
    lock = _acquire(path, wait, on_wait)
    tmp: Path | None = None
    try:
        _remove_stale(path)
        existed = path.exists()
        if existed:
            engine.check_file(path)
            _absorb_wal(path)
        tmp = engine.private_copy(path, os.getpid(), secrets.token_hex(4))
        before: bytes | None = None
        try:
            if existed:
                with _no_foreign_writer(path):
                    _clone(path, tmp)
                before = engine.read_header(tmp)
        except OSError as exc:
            raise _os_failure(exc, path) from None
        con = engine.connect(tmp, read_only=False)
        try:
            schema.migrate(con, path)
            yield con
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            raise (engine.explain(exc, path) or exc) from None
        finally:
            con.close()
        try:
            if before is None or engine.read_header(tmp) != before:
                if existed:
                    shutil.copymode(path, tmp)
                _fsync(tmp)
                os.replace(tmp, path)
                tmp = None
                _fsync_folder(path.parent)
        except OSError as exc:
            raise _os_failure(exc, path) from None
    finally:
        if tmp is not None:
            _remove_temp(tmp)
        _release(lock)
