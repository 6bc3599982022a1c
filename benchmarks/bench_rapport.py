"""Benchmark of `hic rapport`: one year, all three formats, each run a cold process.

Run: ``.venv/bin/python benchmarks/bench_rapport.py [--jaar 2023] [--herhaal 3]``

The store is loaded once beforehand (not timed: that is `hic laad`'s job). Each measured run
starts a fresh Python process, as a user would. The baseline, measured in the same run, is
a cold ``hic status`` on the same database (interpreter start, imports and opening the
store), so the ratio shows what the report itself costs on this machine. The target is
< 15 s for all three formats on the 2-core reference machine.

Two settings are measured. "pyc": Python's bytecode cache in use (a normal installation;
the cache goes to a temporary folder via PYTHONPYCACHEPREFIX and is filled by one untimed
warm-up run). "no pyc": PYTHONDONTWRITEBYTECODE=1 with no cache, so every process compiles
every module it imports from source (about 3 s more here): the worst case.
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
    base_env = dict(os.environ, HICMONITOR_DB=str(work / "hic.duckdb"))
    pyc = {k: v for k, v in base_env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    pyc["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    nopyc = dict(base_env, PYTHONDONTWRITEBYTECODE="1")
    nopyc.pop("PYTHONPYCACHEPREFIX", None)
    year = str(opts.jaar)

    def report(env: dict[str, str], fmt: str) -> float:
        out = work / f"out-{fmt.replace(',', '-')}"
        return timed(["rapport", "--jaar", year, "--uit", str(out), "--formaat", fmt], env)

    try:
        load = timed(["status"], pyc)  # first use loads the embedded data
        report(pyc, "docx,pdf,html")  # warm-up: fills the bytecode cache
        cases: dict[str, tuple[dict[str, str], str | None]] = {
            "pyc: baseline (status)": (pyc, None),
            "pyc: html": (pyc, "html"),
            "pyc: docx": (pyc, "docx"),
            "pyc: pdf": (pyc, "pdf"),
            "pyc: docx,pdf,html": (pyc, "docx,pdf,html"),
            "no pyc: baseline": (nopyc, None),
            "no pyc: docx,pdf,html": (nopyc, "docx,pdf,html"),
        }
        runs: dict[str, list[float]] = {case: [] for case in cases}
        for _ in range(opts.herhaal):
            for case, (env, fmt) in cases.items():
                runs[case].append(timed(["status"], env) if fmt is None else report(env, fmt))
        print(f"store loaded once in {load:.2f} s (not part of the runs); {os.cpu_count()} CPUs")
        print(f"{'case':<26}{'median s':>10}{'min s':>9}{'ratio':>8}")
        for case, times in runs.items():
            base = statistics.median(
                runs[
                    case.split(":")[0]
                    + (": baseline (status)" if case.startswith("pyc") else ": baseline")
                ]
            )
            med = statistics.median(times)
            print(f"{case:<26}{med:>10.2f}{min(times):>9.2f}{med / base:>8.2f}")
        for label in ("pyc: docx,pdf,html", "no pyc: docx,pdf,html"):
            full = statistics.median(runs[label])
            verdict = "within" if full < TARGET_S else "OVER"
            print(f"{label}, cold process: {full:.2f} s — {verdict} the {TARGET_S:.0f} s target")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
