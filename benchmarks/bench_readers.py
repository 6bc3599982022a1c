"""Readers during a load: load time with and without readers, reader queries per second.

A store with the embedded data set gets a 3-million-row open-data file (the fast path), four
ways, each on a fresh copy of the store:

- direct: ``store.connect`` + ``load_file`` on the file itself (the old way: no snapshot, and
  readers would have been locked out) — the baseline;
- snapshot: ``hic laad`` (copy, load, checkpoint, fsync, swap) with no readers;
- snapshot + readers: ``hic laad`` while N reader processes (tests/foundation/reader_worker.py)
  query a checksum over ``counts`` and ``sources`` in a loop, with ``--pauze`` seconds between
  two queries of a reader (0: as fast as they can).

Prints seconds, the ratio to the baseline, and the readers' queries per second during the
load. The machine may be shared: compare the ratios, not the seconds.

    .venv/bin/python benchmarks/bench_readers.py [--rijen 3000000] [--lezers 8] [--pauze 0.05]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.foundation.test_kill import big_cbs_file  # noqa: E402

from hicmonitor import store  # noqa: E402
from hicmonitor.services.database import connect_loaded  # noqa: E402
from hicmonitor.store import loading  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}


def hic_load(db: Path, data: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), "laad", str(data)],
        check=True,
        capture_output=True,
        env=ENV,
    )
    return time.perf_counter() - started


def with_readers(
    db: Path, data: Path, readers: int, pause: float, work: Path
) -> tuple[float, int, float]:
    stop = work / "stop"
    stop.unlink(missing_ok=True)
    outs = [work / f"lezer{i}.json" for i in range(readers)]
    for o in outs:
        o.unlink(missing_ok=True)
        o.with_suffix(".ready").unlink(missing_ok=True)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.foundation.reader_worker",
                str(db),
                str(stop),
                str(o),
                str(pause),
            ],
            env=ENV,
            cwd=ROOT,
        )
        for o in outs
    ]
    while not all(o.with_suffix(".ready").exists() for o in outs):
        time.sleep(0.05)
    seconds = hic_load(db, data)
    stop.touch()
    for p in procs:
        p.wait()
    results = [json.loads(o.read_text()) for o in outs]
    errors = sum(r["error_count"] for r in results)
    queries = sum(r["queries"] for r in results)
    span = max(r["seconds"] for r in results)
    return seconds, errors, queries / span


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rijen", type=int, default=3_000_000)
    parser.add_argument("--lezers", type=int, default=8)
    parser.add_argument("--pauze", type=float, default=0.05)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hic-bench-readers-") as tmp:
        work = Path(tmp)
        data = big_cbs_file(work / "groot.csv", args.rijen)
        template = work / "template.duckdb"
        connect_loaded(template).close()

        def fresh(name: str) -> Path:
            db = work / name / "hic.duckdb"
            db.parent.mkdir()
            shutil.copy(template, db)
            return db

        db = fresh("direct")
        started = time.perf_counter()
        con = store.connect(db)
        loading.load_file(con, data)
        con.close()
        direct = time.perf_counter() - started
        # the CLI's start-up (imports) is part of hic laad; measure it to compare fairly
        startup = hic_load(fresh("leeg"), ROOT / "data" / "nl" / "population_gemeente_yearly.csv")
        snap = hic_load(fresh("snapshot"), data)
        loaded, errors, qps = with_readers(fresh("lezers"), data, args.lezers, args.pauze, work)
        fast, errors0, qps0 = with_readers(fresh("lezers0"), data, args.lezers, 0.0, work)
    print(f"{args.rijen:,} rows (fast path); machine shared, compare ratios")
    print(f"  direct load_file (baseline)         {direct:6.1f} s   1.00")
    print(f"  hic laad start-up (already loaded)  {startup:6.1f} s")
    print(f"  hic laad, snapshot, no readers      {snap:6.1f} s   {snap / direct:.2f}")
    print(
        f"  hic laad, {args.lezers} readers, pause {args.pauze:g} s  {loaded:6.1f} s   "
        f"{loaded / direct:.2f}   {qps:,.0f} reader queries/s, {errors} errors"
    )
    print(
        f"  hic laad, {args.lezers} readers, no pause     {fast:6.1f} s   "
        f"{fast / direct:.2f}   {qps0:,.0f} reader queries/s, {errors0} errors"
    )


if __name__ == "__main__":
    main()
