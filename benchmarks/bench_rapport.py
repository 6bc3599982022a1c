"""Benchmark of `hic rapport`: one year, all three formats, each run a cold process.

Run: ``.venv/bin/python benchmarks/bench_rapport.py [--jaar 2023] [--herhaal 3]``

The store is loaded once beforehand (not timed: that is `hic laad`'s job). Each measured run
starts a fresh Python process, as a user would. The baseline, measured in the same run, is
a cold ``hic status`` on the same database (interpreter start, imports and opening the
store), so the ratio shows what the report itself costs on this machine. The target is
< 15 s for all three formats on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HIC = [sys.executable, "-c", "from hicmonitor.cli import main; main()"]
TARGET_S = 15.0


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(HIC + args, check=True, env=env, cwd=REPO, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jaar", type=int, default=2023)
    ap.add_argument("--herhaal", type=int, default=3)
    opts = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-rapport-"))
    env = dict(os.environ, HICMONITOR_DB=str(work / "hic.duckdb"))
    try:
        load = timed(["status"], env)  # first use loads the embedded data
        runs: dict[str, list[float]] = {"baseline (hic status)": []}
        cases = {
            "html": "html",
            "docx": "docx",
            "pdf": "pdf",
            "docx,pdf,html": "docx,pdf,html",
        }
        for case in cases:
            runs[case] = []
        for _ in range(opts.herhaal):
            runs["baseline (hic status)"].append(timed(["status"], env))
            for case, fmt in cases.items():
                out = work / f"out-{fmt.replace(',', '-')}"
                runs[case].append(
                    timed(
                        ["rapport", "--jaar", str(opts.jaar), "--uit", str(out), "--formaat", fmt],
                        env,
                    )
                )
        base = statistics.median(runs["baseline (hic status)"])
        print(f"store loaded once in {load:.2f} s (not part of the runs)")
        print(f"{'case':<24}{'median s':>10}{'min s':>9}{'ratio':>8}")
        for case, times in runs.items():
            med = statistics.median(times)
            print(f"{case:<24}{med:>10.2f}{min(times):>9.2f}{med / base:>8.2f}")
        full = statistics.median(runs["docx,pdf,html"])
        verdict = "within" if full < TARGET_S else "OVER"
        print(
            f"all three formats, cold: {full:.2f} s — {verdict} the {TARGET_S:.0f} s target "
            f"({os.cpu_count()} CPUs)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
