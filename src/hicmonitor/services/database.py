"""The store for the users' questions: one entry point for readers, one for writers.

- :func:`open_reader` — a read-only connection to the current snapshot. It never waits for a
  load and is cheap enough to call per request; :func:`snapshot_id` tells when a newer
  snapshot was published. The web calls exactly these two.
- :func:`open_writer` — a block in which loads run; they are published together when the
  block ends, or not at all (see :mod:`hicmonitor.store.snapshot` and docs/store.md).
- :func:`open_store` — what a read command uses: the reader, after preparing the store on
  first use (schema, embedded data set) through a writer.
- :func:`explain` — a Dutch :class:`HicError` for a failure met on the way (a full disk, a
  damaged file, a lock, too little memory, Ctrl-C), for the one error handler of the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from hicmonitor import store
from hicmonitor.errors import HicError, explain_os_error
from hicmonitor.store import engine, loading, snapshot
from hicmonitor.store.schema import NeedsMigration

Connection = duckdb.DuckDBPyConnection  # what the services take as ``con``
DEFAULT_WAIT = snapshot.DEFAULT_WAIT


def _path(path: str | Path | None) -> Path:
    return Path(path) if path is not None else store.default_db_path()


def open_reader(path: str | Path | None = None) -> Connection:
    """A read-only connection to the current snapshot (never blocked by a load)."""
    return snapshot.open_reader(_path(path))


def snapshot_id(path: str | Path | None = None) -> str:
    """An opaque id of the current snapshot; it changes when a load publishes a new one."""
    return snapshot.snapshot_id(_path(path))


@contextmanager
def open_writer(
    path: str | Path | None = None,
    *,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
    embedded: bool = True,
) -> Iterator[Connection]:
    """A read-write connection for loads; they are published together when the block ends.

    The store is created and migrated first, and given the embedded data set unless
    ``embedded`` is false (the incident store of ``hic nabijheid laad`` does not need it). A
    second writer waits up to ``wait`` seconds (``on_wait`` gets a Dutch message once).
    """
    with snapshot.writer(_path(path), wait=wait, on_wait=on_wait) as con:
        if embedded:
            loading.ensure_embedded(con)
        yield con


def open_store(
    path: str | Path | None = None,
    *,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> Connection:
    """The reader of a read command; on first use the store is prepared by a writer."""
    target = _path(path)
    if not target.exists():
        reason = "bestaat nog niet"
    else:
        try:
            con = open_reader(target)
        except NeedsMigration:
            reason = "heeft een ouder schema"
        else:
            if loading.embedded_current(con):
                return con
            con.close()
            reason = "bevat de (actuele) ingebedde gegevens nog niet"
    try:
        with open_writer(target, wait=wait, on_wait=on_wait):
            pass
    except HicError as exc:
        raise HicError(
            f"{target}: de database {reason} en moet eerst worden voorbereid, maar dat "
            f"lukte niet: {exc}"
        ) from None
    return open_reader(target)


def connect_loaded(path: str | Path | None = None) -> Connection:
    """Open this very file read-write with the embedded data (tests and tools, not commands)."""
    con = store.connect(path)
    loading.ensure_embedded(con)
    return con


def explain(exc: BaseException, path: str | Path | None = None) -> HicError | None:
    """A Dutch :class:`HicError` for a failure that is not a ``HicError`` yet, or None.

    ``path``: the store the command used (named in messages about the database).
    """
    return engine.explain(exc, _path(path)) or explain_os_error(exc)
