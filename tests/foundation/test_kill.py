"""A load killed with SIGKILL in the middle leaves the store exactly as it was before that load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from hicmonitor import store
from tests.conftest import dump


def big_cbs_file(path: Path, rows: int) -> Path:
    """An open-data file of ``rows`` monthly neighbourhood counts (valid, so the load would land)."""
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          SELECT i AS ID, '1.1.1 ' AS SoortMisdrijf,
                 'BU' || lpad(CAST(i // 120 AS VARCHAR), 8, '0') AS RegioS,
                 CAST(2010 + (i // 12) % 10 AS VARCHAR) || 'MM' || lpad(CAST(i % 12 + 1 AS VARCHAR), 2, '0') AS Perioden,
                 i % 23 AS GeregistreerdeMisdrijven_1
          FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )
    return path


def test_sigkill_mid_load_leaves_store_unchanged(tmp_path: Path, loaded_db: Path) -> None:
    data = big_cbs_file(tmp_path / "groot.csv", 4_000_000)
    con = store.connect(loaded_db)
    before = dump(con)
    con.close()
    size0 = loaded_db.stat().st_size
    proc = subprocess.Popen(
        [sys.executable, "-m", "hicmonitor", "--db", str(loaded_db), "laad", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    # Wait until the load is writing: its private copy of the store (or that copy's WAL) has
    # grown. The published file itself is never written in place.
    while time.monotonic() < deadline:
        grown = any(
            p.stat().st_size > size0 + (1 << 20)
            for p in loaded_db.parent.glob(f".{loaded_db.name}.nieuw-*")
            if p.is_file()
        )
        if grown or proc.poll() is not None:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the load finished before it could be killed; use a bigger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert loaded_db.stat().st_size == size0
    assert list(loaded_db.parent.glob(f".{loaded_db.name}.nieuw-*"))  # the killed copy
    con = store.connect(loaded_db)
    assert dump(con) == before
    con.close()
    # The next writer removes the killed load's copy; the store is unchanged.
    from hicmonitor.services.database import open_writer

    with open_writer(loaded_db):
        pass
    assert not list(loaded_db.parent.glob(f".{loaded_db.name}.nieuw-*"))
    con = store.connect(loaded_db)
    assert dump(con) == before
    # And the store still works: the same file now loads completely.
    from hicmonitor.store import loading

    assert loading.load_file(con, data).rows == 4_000_000
