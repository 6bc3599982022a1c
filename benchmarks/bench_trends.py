"""Benchmark: the whole trend analysis of 342 municipalities x all categories, warm.

Run:  .venv/bin/python benchmarks/bench_trends.py [--db PATH] [--repeat 5]

Measures, in one run and on the same machine:
  * baseline: reading the frames from the store (category counts, population, regions);
  * analysis: trend table + peer table + duiding of every (category, region), warm;
  * per-region path: the same duiding one call at a time (``duiding()``), on 40 regions,
    extrapolated to all — what the batch path saves.
Prints the medians and the ratios against the baseline; the target is < 2 s for the analysis.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from hicmonitor.analysis import duiding as dm
from hicmonitor.services import trends as trend_service
from hicmonitor.services.database import connect_loaded


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "bench.duckdb"
    con = connect_loaded(db)

    t_load, frames = timed(lambda: trend_service.load_frames(con), args.repeat)
    trend_service.analyse(frames)  # warm-up (templates compiled, imports done)
    t_all, result = timed(lambda: trend_service.analyse(frames), args.repeat)
    n_pairs = len(result.duidingen)
    n_gm = len({code for _, code in result.duidingen if code.startswith("GM") and code != "GM0000"})

    pairs = list(result.duidingen)[:40]

    def one_by_one() -> None:
        for cat, code in pairs:
            dm.duiding(result.table, cat, code, peers=result.peers)

    t_one, _ = timed(one_by_one, max(1, args.repeat // 2))
    t_one_all = t_one / len(pairs) * n_pairs

    print(f"regions: {n_gm} municipalities (+ NL01, GM0000); duidingen: {n_pairs}")
    print(f"baseline  load frames from store   {t_load * 1000:8.1f} ms   1.0x")
    print(
        f"analysis  trends+peers+duiding     {t_all * 1000:8.1f} ms   {t_all / t_load:5.1f}x baseline"
    )
    print(
        f"per-region duiding() (extrapolated) {t_one_all * 1000:7.1f} ms   "
        f"{t_one_all / t_load:5.1f}x baseline ({t_one_all / t_all:.1f}x the batch path)"
    )
    print(f"target < 2 s warm: {'OK' if t_all < 2.0 else 'NOT MET'} ({t_all:.2f} s)")


if __name__ == "__main__":
    main()
