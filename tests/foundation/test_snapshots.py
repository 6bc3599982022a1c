"""Reads are never blocked by a load, and a load publishes whole or not at all.

The store is replaced by a new snapshot when a load ends (store/snapshot.py, docs/store.md):
readers in other processes keep answering during the whole load, each answer is either the
state before or the state after it, and a second load waits for the first.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hicmonitor import store
from hicmonitor.services import database
from hicmonitor.store import loading, snapshot
from tests.conftest import REPO, dump
from tests.foundation.reader_worker import CHECKSUM
from tests.foundation.test_kill import big_cbs_file

ENV = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", "COLUMNS": "200"}
READERS = 8
ROWS = 3_000_000
PAUSE = "0.05"  # seconds between two queries of a reader (a busy web server, not a spin loop)


def hic(db: Path, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        **kw,
    )


def checksum(db: Path) -> list[int]:
    con = store.connect(db, read_only=True)
    try:
        return [int(v) for v in con.execute(CHECKSUM).fetchone()]
    finally:
        con.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temp_copies(db: Path) -> list[Path]:
    return list(db.parent.glob(f".{db.name}.nieuw-*"))


def small_cbs_file(path: Path, value: int, month: int = 1) -> Path:
    path.write_text(
        "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1\n"
        f"0,1.1.1 ,GM0363,2024MM{month:02d},{value}\n",
        "utf-8",
    )
    return path


@pytest.mark.slow
def test_eight_readers_during_a_three_million_row_load(tmp_path: Path, loaded_db: Path) -> None:
    data = big_cbs_file(tmp_path / "groot.csv", ROWS)
    old = checksum(loaded_db)
    new = [old[0] + ROWS, old[1] + sum(i % 23 for i in range(ROWS)), old[2] + 1]
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader{i}.json" for i in range(READERS)]
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.foundation.reader_worker",
                str(loaded_db),
                str(stop),
                str(o),
                PAUSE,
            ],
            env=ENV,
            cwd=REPO,
        )
        for o in outs
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(o.with_suffix(".ready").exists() for o in outs):
            assert time.monotonic() < deadline, "the readers did not start"
            assert all(r.poll() is None for r in readers)
            time.sleep(0.05)
        started = time.monotonic()
        load = hic(loaded_db, "laad", str(data))
        out, err = load.communicate(timeout=300)
        load_seconds = time.monotonic() - started
        assert load.returncode == 0, err
        assert "3.000.000 rijen" in out
        time.sleep(1.0)  # every reader answers from the new snapshot a few times
    finally:
        stop.touch()
        for r in readers:
            r.wait(timeout=60)
    results = [json.loads(o.read_text()) for o in outs]
    total = 0
    for res in results:
        assert res["error_count"] == 0, res["errors"]
        assert res["answers"] == [old, new], res["answers"]  # old first, then new, nothing else
        assert res["sequence"] == [0, 1]  # once new, never old again
        total += res["queries"]
    assert checksum(loaded_db) == new
    assert not temp_copies(loaded_db)
    span = max(r["seconds"] for r in results)
    print(
        f"\n{READERS} readers, {PAUSE} s pause: load {load_seconds:.1f} s; "
        f"{total} queries in {span:.1f} s ({total / span:.0f}/s)"
    )


def test_reader_keeps_its_snapshot_and_sees_the_next(tmp_path: Path, loaded_db: Path) -> None:
    """In one process (as the web server): a connection opened before a load keeps reading
    the old snapshot; a reader opened after it sees the new one; the snapshot id changes."""
    before_id = database.snapshot_id(loaded_db)
    old_con = database.open_reader(loaded_db)
    old = [int(v) for v in old_con.execute(CHECKSUM).fetchone()]
    with database.open_writer(loaded_db) as con:
        loading.load_file(con, small_cbs_file(tmp_path / "een.csv", 7))
    after_id = database.snapshot_id(loaded_db)
    assert after_id != before_id
    new_con = database.open_reader(loaded_db)
    new = [int(v) for v in new_con.execute(CHECKSUM).fetchone()]
    assert new == [old[0] + 1, old[1] + 7, old[2] + 1]
    assert [int(v) for v in old_con.execute(CHECKSUM).fetchone()] == old
    old_con.close()
    new_con.close()
    assert database.snapshot_id(loaded_db) == after_id


def test_already_loaded_and_refused_loads_publish_nothing(tmp_path: Path, loaded_db: Path) -> None:
    digest, sid = sha(loaded_db), database.snapshot_id(loaded_db)
    with database.open_writer(loaded_db) as con:
        result = loading.load_file(con, REPO / "data" / "nl" / "population_gemeente_yearly.csv")
    assert result.status == "al geladen"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1\n0,1.1.1 ,GM0363,2024MM13,1\n",
        "utf-8",
    )
    proc = hic(loaded_db, "laad", str(bad))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "onmogelijke periode" in err
    assert sha(loaded_db) == digest and database.snapshot_id(loaded_db) == sid
    assert not temp_copies(loaded_db)


def test_second_load_waits_for_the_first(tmp_path: Path, loaded_db: Path) -> None:
    old = checksum(loaded_db)
    with database.open_writer(loaded_db) as con:  # the first load, still running
        loading.load_file(con, small_cbs_file(tmp_path / "eerste.csv", 3))
        second = hic(loaded_db, "laad", str(small_cbs_file(tmp_path / "tweede.csv", 5, 2)))
        ready, _, _ = select.select([second.stderr], [], [], 60)
        assert ready, "the second load did not say it waits"
        waiting = second.stderr.readline()
        assert "wordt al bijgewerkt door proces" in waiting and "wachten" in waiting
        time.sleep(1.0)
        assert second.poll() is None  # still waiting, not failed
        assert checksum(loaded_db) == old  # nothing published yet
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert "tweede.csv: 1 rij" in out
    # Both landed: the second loaded into the snapshot the first published.
    assert checksum(loaded_db) == [old[0] + 2, old[1] + 3 + 5, old[2] + 2]
    assert not temp_copies(loaded_db)


def test_second_load_gives_up_after_wacht(tmp_path: Path, loaded_db: Path) -> None:
    data = small_cbs_file(tmp_path / "tweede.csv", 5)
    con = store.connect(loaded_db, read_only=True)
    before = dump(con)
    con.close()
    digest = sha(loaded_db)
    with snapshot.writer(loaded_db):  # another load holds the lock
        started = time.monotonic()
        proc = hic(loaded_db, "laad", str(data), "--wacht", "1")
        _, err = proc.communicate(timeout=60)
        waited = time.monotonic() - started
    assert proc.returncode == 1
    assert "wordt al bijgewerkt door proces" in err
    assert "na 1 seconden wachten opgegeven" in err and "--wacht" in err
    assert "Traceback" not in err
    assert waited >= 1.0
    assert sha(loaded_db) == digest
    con = store.connect(loaded_db, read_only=True)
    assert dump(con) == before


def test_a_symlinked_store_stays_a_symlink(tmp_path: Path, loaded_db: Path) -> None:
    """The new snapshot replaces the file the link points to, in that file's folder."""
    link = tmp_path / "koppeling" / "hic.duckdb"
    link.parent.mkdir()
    link.symlink_to(loaded_db)
    old = checksum(loaded_db)
    with database.open_writer(link) as con:
        loading.load_file(con, small_cbs_file(tmp_path / "een.csv", 4))
    assert link.is_symlink() and link.resolve() == loaded_db.resolve()
    assert checksum(loaded_db) == [old[0] + 1, old[1] + 4, old[2] + 1]
    assert sorted(p.name for p in link.parent.iterdir()) == ["hic.duckdb"]


def test_first_use_prepares_the_store_then_reads_it(tmp_path: Path) -> None:
    """A read command on a path with no store yet: a writer creates it with the embedded
    data set and publishes it; the command then reads the published snapshot."""
    from typer.testing import CliRunner

    from hicmonitor.cli import app

    db = tmp_path / "nieuw" / "hic.duckdb"
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["--db", str(db), "status"])
    assert result.exit_code == 0, result.output
    assert "registered_crime_gemeente_yearly.csv" in result.output
    assert sorted(p.name for p in db.parent.iterdir()) == [".hic.duckdb.lock", "hic.duckdb"]
    con = store.connect(db, read_only=True)
    assert store.embedded_loaded(con)
    con.close()
