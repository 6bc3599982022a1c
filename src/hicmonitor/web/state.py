"""What the web keeps between requests: the current snapshot of the store and, per snapshot,
everything computed from it (the national table, profiles, maps, rendered JSON).

Reads never wait for loads: the store is read through ``services.database.open_reader`` (a
read-only connection to the current published snapshot) only to fill a cache; a request checks
``snapshot_id`` (one ``stat``) and is served from the cache of that snapshot. When a load
publishes a new snapshot, the next request starts loading it in a background thread and keeps
being served from the old one until the new one is ready. If the store cannot be opened (a
load holds it), the old snapshot keeps serving and the web tries again a second later.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hicmonitor.services import database, trends
from hicmonitor.services.disclosure import DisclosureRule

RETRY_SECONDS = 1.0


@dataclass
class Snapshot:
    """One published snapshot and the cache of everything computed from it."""

    id: str
    path: Path
    frames: trends.TrendFrames
    region_rows: list[tuple]
    _memo: dict[Any, Any] = field(default_factory=dict)
    _locks: dict[Any, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def reader(self) -> Iterator[database.Connection]:
        """A read-only connection for filling a cache; closed straight after."""
        con = database.open_reader(self.path)
        try:
            yield con
        finally:
            con.close()

    def cached(self, key: Any) -> Any:
        """The cached value of ``key`` or None (no computing)."""
        return self._memo.get(key)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The value of ``key`` in this snapshot, computed once (also under concurrency).

        Errors are not kept: keys come from checked parameters, so the cache stays bounded
        whatever a client sends.
        """
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
        with self._guard:
            self._locks.pop(key, None)
        return self._memo[key]

    @property
    def analysis(self) -> trends.TrendAnalysis:
        """Trends, peers and duiding of every region, computed once per snapshot."""
        return self.memo("analysis", lambda: trends.analyse(self.frames))


def load_snapshot(path: Path, snapshot_id: str) -> Snapshot:
    con = database.open_reader(path)
    try:
        from hicmonitor import store

        frames = trends.load_frames(con)
        rows = store.region_rows(con)
    finally:
        con.close()
    return Snapshot(snapshot_id, path, frames, rows)


class WebState:
    """The current snapshot of the store at ``path``, refreshed when a load publishes."""

    def __init__(
        self,
        path: Path,
        *,
        content: Path | None = None,
        cache_dir: Path,
        rule: DisclosureRule,
    ) -> None:
        self.path = path
        self.content = content
        self.cache_dir = cache_dir
        self.rule = rule
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._loading = False
        self._retry_at = 0.0
        self.last_error: str | None = None

    def snapshot(self) -> Snapshot:
        """The snapshot to serve from: the current one, or the previous while it loads."""
        sid = database.snapshot_id(self.path)
        snap = self._snapshot
        if snap is not None and snap.id == sid:
            return snap
        if snap is None:
            with self._lock:  # the first snapshot: wait for it
                if self._snapshot is None:
                    self._snapshot = load_snapshot(self.path, sid)
                return self._snapshot
        now = time.monotonic()
        with self._lock:
            if not self._loading and now >= self._retry_at:
                self._loading = True
                threading.Thread(target=self._refresh, args=(sid,), daemon=True).start()
        return snap

    def _refresh(self, sid: str) -> None:
        try:
            new = load_snapshot(self.path, sid)
            new.analysis  # noqa: B018 - computed before it serves
        except Exception as exc:  # noqa: BLE001 - the store is busy (a load holds it): retry later
            self.last_error = str(exc)
            self._retry_at = time.monotonic() + RETRY_SECONDS
        else:
            self._snapshot = new
            self.last_error = None
            settle()
        finally:
            self._loading = False

    def warm(self) -> None:
        """Load the snapshot and its analysis now (at start-up, not on the first request)."""
        self.snapshot().analysis  # noqa: B018
        settle()


def settle() -> None:
    """Collect once and move what survives out of the collector's way: the snapshot's frames
    and caches live long, and full collections over them would pause requests."""
    gc.collect()
    gc.freeze()
