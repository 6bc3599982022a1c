"""Benchmark of the Knox test (`hic nabijheid analyse`).

Run:  .venv/bin/python benchmarks/bench_nearrepeat.py [--herhalingen 3] [--baseline-perms 10]
      [--zonder-baseline]

All 45,319 Chicago burglaries 2014-2017 (data/incidents/chicago_burglary_2014_2017.csv), 999
permutations, the default bands of `hic nabijheid analyse` (0, 0.1, 200, 400, 600 m ×
0, 7, 14, 21 days), Manhattan:

1. The process: `python -m hicmonitor nabijheid analyse <file> --permutaties 999 --zaad 1` from
   a cold start (a new interpreter; numba's compile cache filled beforehand, as `make install`
   does): wall time, CPU time (user + sys: above the wall time means both cores worked) and
   peak memory; the best of ``--herhalingen`` runs. Target: <= 5 s.
2. The Knox part (``knox_test`` in a fresh interpreter, numba's start-up included) against a
   floor measured in the same run: a numba kernel that only gathers the permuted times of the
   enumerated pairs, 999 times, and sums their differences (nothing else: no bands, no counts,
   no permutations drawn - the permuted times are prepared beforehand and not timed). Two
   floors, both parallel over the two cores:
   * per replicate (the layout of the specification: for each of the 999 replicates, gather
     its permuted times at both ends of every pair);
   * blocked (the Knox kernel's own layout: 64 replicates side by side per event, so every
     pair is read once per block; the stricter floor).
   Target: Knox part <= 2 × floor.
3. Ratio at 10,000 incidents against a straightforward all-pairs implementation (scipy pdist of
   all pairs per permutation, as the R package NearRepeat does with dist()): the baseline runs
   ``--baseline-perms`` permutations and is extrapolated to 999; its tables are checked equal
   to the fast method's. Target: >= 100×.

The machine is shared with other work: the load average is printed, and the targets are
judged on ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
DATA = ROOT / "data" / "incidents" / "chicago_burglary_2014_2017.csv"
SPACE = [0, 0.1, 200, 400, 600]
DAYS = [0, 7, 14, 21]
NREP = 999

KNOX_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from hicmonitor.analysis.nearrepeat import bands, event_times, knox_test
from hicmonitor.sources.incidents import read_incidents
s = read_incidents(sys.argv[1])
n = int(sys.argv[2])
frame = s.frame.iloc[:n] if n > 0 else s.frame
t, tpd = event_times(frame, s.precision)
args = (frame.x.to_numpy(), frame.y.to_numpy(), t, bands(json.loads(sys.argv[4])),
        bands(json.loads(sys.argv[5])))
kw = dict(nrep=int(sys.argv[3]), seed=1, ticks_per_day=tpd)
t1, c1 = time.perf_counter(), time.process_time()
r = knox_test(*args, **kw)
t2, c2 = time.perf_counter(), time.process_time()
knox_test(*args, **kw)  # again, warm: without numba's start-up
t3, c3 = time.perf_counter(), time.process_time()
print(json.dumps({"n": len(frame), "start_read_s": t1 - t0, "knox_s": t2 - t1,
                  "knox_cpu_s": c2 - c1, "warm_s": t3 - t2, "warm_cpu_s": c3 - c2,
                  "pairs": r.n_pairs_enumerated, "observed": r.observed.tolist()}))
"""


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(SRC) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def run_process() -> dict:
    """The CLI from a cold start: wall, CPU (user + sys) and peak memory of the child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [sys.executable, "-m", "hicmonitor", "nabijheid", "analyse", str(DATA)]
    cmd += ["--permutaties", str(NREP), "--zaad", "1"]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"hic nabijheid analyse failed:\n{out.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "maxrss_mib": after.ru_maxrss / 1024}


def run_knox_child(n: int, nrep: int) -> dict:
    cmd = [sys.executable, "-c", KNOX_CHILD, str(DATA), str(n), str(nrep)]
    cmd += [json.dumps(SPACE), json.dumps(DAYS)]
    out = subprocess.run(cmd, env=env(), check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@numba.njit(parallel=True, cache=True)
def floor_per_replicate(pi, pj, tps):
    """For each replicate, gather its permuted times at both ends of every pair."""
    nrep = tps.shape[0]
    out = np.zeros(nrep, dtype=np.float64)
    for r in numba.prange(nrep):
        t = tps[r]
        acc = 0.0
        for k in range(pi.shape[0]):
            acc += t[pi[k]] - t[pj[k]]
        out[r] = acc
    return out


@numba.njit(parallel=True, cache=True)
def floor_blocked(pi, pj, tp):
    """One block: every pair read once, the permuted times of all replicates side by side."""
    nr = tp.shape[1]
    npairs = pi.shape[0]
    chunks = 64
    part = np.zeros((chunks, nr), dtype=tp.dtype)
    for c in numba.prange(chunks):
        lo = npairs * c // chunks
        hi = npairs * (c + 1) // chunks
        acc = part[c]
        for k in range(lo, hi):
            ra = tp[pi[k]]
            rb = tp[pj[k]]
            for r in range(nr):
                acc[r] += ra[r] - rb[r]
    return part.sum(axis=0)


def floors() -> dict:
    """Both floors on the pairs and permuted times of the benchmark's analysis."""
    from hicmonitor.analysis import nearrepeat as nr
    from hicmonitor.analysis import nearrepeat_kernels as kern
    from hicmonitor.sources.incidents import read_incidents

    s = read_incidents(DATA)
    t, _ = nr.event_times(s.frame, s.precision)
    x, y = s.frame.x.to_numpy(), s.frame.y.to_numpy()
    pairs, _ = nr._enumerate(x, y, nr.bands(SPACE), "manhattan", False, None)
    tval = (t - t.min()).astype(np.float32)
    n = len(t)
    keys = nr.replicate_keys(1, NREP)
    lanes = nr._lanes(n, 4)
    blocks = []
    scratch = np.empty((lanes, n), dtype=np.float32)
    for start in range(0, NREP, lanes):
        block = np.zeros((n, lanes), dtype=np.float32)
        kern.permuted_block(tval, keys[start : start + lanes], pairs.order, block, scratch)
        blocks.append(block)
    per_rep = np.ascontiguousarray(np.concatenate([b.T for b in blocks])[:NREP])
    floor_blocked(pairs.pi[:10], pairs.pj[:10], blocks[0])  # compile or load, not timed
    floor_per_replicate(pairs.pi[:10], pairs.pj[:10], per_rep[:2])
    t0, c0 = time.perf_counter(), time.process_time()
    for block in blocks:
        floor_blocked(pairs.pi, pairs.pj, block)
    t1, c1 = time.perf_counter(), time.process_time()
    floor_per_replicate(pairs.pi, pairs.pj, per_rep)
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "blocked_s": t1 - t0,
        "blocked_cpu_s": c1 - c0,
        "per_replicate_s": t2 - t1,
        "per_replicate_cpu_s": c2 - c1,
        "pairs": len(pairs.pi),
    }


def baseline(x, y, t, nrep: int, seed: int = 1):
    """All pairs, every permutation: pdist of the permuted dates, binned with the bands."""
    from scipy.spatial.distance import pdist

    from hicmonitor.analysis.nearrepeat import bands, permutations

    sb, tb = bands(SPACE), bands(DAYS)
    s_idx = sb.index(pdist(np.column_stack([x, y]), metric="cityblock"))
    tables = []
    for perm in permutations(len(x), nrep, seed):
        gaps = pdist(t[perm].astype(np.float64)[:, None], metric="cityblock")
        t_idx = tb.index(gaps)
        ok = (s_idx >= 0) & (t_idx >= 0)
        cell = s_idx[ok] * tb.n + t_idx[ok]
        tables.append(np.bincount(cell, minlength=sb.n * tb.n).reshape(sb.n, tb.n))
    return np.array(tables)


def versus_all_pairs(k: int) -> None:
    from hicmonitor.analysis.nearrepeat import bands, event_times, knox_test
    from hicmonitor.sources.incidents import read_incidents

    s = read_incidents(DATA)
    frame = s.frame.iloc[:10_000]
    t, _ = event_times(frame, s.precision)
    x, y = frame.x.to_numpy(), frame.y.to_numpy()
    knox_test(x[:500], y[:500], t[:500], bands(SPACE), bands(DAYS), nrep=40, seed=1)  # warm
    t0 = time.perf_counter()
    fast = knox_test(x, y, t, bands(SPACE), bands(DAYS), nrep=NREP, seed=1, keep_simulations=True)
    fast_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = baseline(x, y, t, k)
    base_s = time.perf_counter() - t0
    assert np.array_equal(base, fast.simulations[:k]), "baseline and fast tables differ"
    t0 = time.perf_counter()
    baseline(x, y, t, 0)
    setup_s = time.perf_counter() - t0
    per_perm = (base_s - setup_s) / k
    base_999 = setup_s + NREP * per_perm
    print(
        f"3. 10,000 incidents, {NREP} permutations: fast {fast_s:.2f} s; all-pairs baseline "
        f"{base_s:.1f} s for {k} permutations ({per_perm:.2f} s each + {setup_s:.1f} s once), "
        f"{'measured' if k == NREP else 'extrapolated'} {base_999:.0f} s for {NREP} "
        f"-> ratio {base_999 / fast_s:.0f}× (target >= 100×); tables identical for the "
        f"{k} shared permutations"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--herhalingen", type=int, default=3, help="process runs (best counts)")
    ap.add_argument("--baseline-perms", type=int, default=10)
    ap.add_argument("--zonder-baseline", action="store_true", help="skip part 3")
    args = ap.parse_args()

    print(
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        f"(shared machine: judge by the ratios)",
        flush=True,
    )
    subprocess.run(
        [sys.executable, "-m", "hicmonitor.analysis.nearrepeat_kernels"],
        env=env(),
        check=True,
        capture_output=True,
    )  # fill numba's compile cache, as `make install` does

    runs = [run_process() for _ in range(args.herhalingen)]
    best = min(runs, key=lambda r: r["wall_s"])
    walls = ", ".join(f"{r['wall_s']:.2f}" for r in runs)
    print(
        f"1. process `hic nabijheid analyse` (45,319 incidents, {NREP} permutations, cold "
        f"start): {best['wall_s']:.2f} s wall, {best['cpu_s']:.2f} s CPU "
        f"({best['cpu_s'] / best['wall_s']:.2f} cores busy on average), peak memory "
        f"{best['maxrss_mib']:.0f} MiB; all runs "
        f"{walls} s -> target 5 s: "
        f"{'OK' if best['wall_s'] <= 5 else 'NOT MET'}",
        flush=True,
    )

    knox = min(
        (run_knox_child(0, NREP) for _ in range(args.herhalingen)), key=lambda r: r["knox_s"]
    )
    fl = floors()
    ratio = {
        "wall blocked": knox["knox_s"] / fl["blocked_s"],
        "wall per replicate": knox["knox_s"] / fl["per_replicate_s"],
        "CPU blocked": knox["knox_cpu_s"] / fl["blocked_cpu_s"],
        "CPU per replicate": knox["knox_cpu_s"] / fl["per_replicate_cpu_s"],
    }
    print(
        f"2. Knox part {knox['knox_s']:.2f} s wall / {knox['knox_cpu_s']:.2f} s CPU (fresh "
        f"interpreter, numba start-up included; warm {knox['warm_s']:.2f} s / "
        f"{knox['warm_cpu_s']:.2f} s CPU; imports and reading {knox['start_read_s']:.2f} s "
        f"before it), {knox['pairs']:,} pairs.\n"
        f"   Floor (gather only, {NREP}×): per replicate {fl['per_replicate_s']:.2f} s wall / "
        f"{fl['per_replicate_cpu_s']:.2f} s CPU; blocked {fl['blocked_s']:.2f} s / "
        f"{fl['blocked_cpu_s']:.2f} s CPU.\n"
        "   Ratio Knox / floor (target <= 2): "
        + "; ".join(f"{k} {v:.2f}×" for k, v in ratio.items())
        + f" -> per-replicate floor {'OK' if ratio['wall per replicate'] <= 2 else 'NOT MET'}, "
        f"blocked floor {'OK' if ratio['wall blocked'] <= 2 else 'NOT MET'}",
        flush=True,
    )
    if not args.zonder_baseline:
        versus_all_pairs(args.baseline_perms)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
