"""Benchmark: performance by simulation, Python port against R on the same series.

Run:  .venv/bin/python benchmarks/bench_signals_simulation.py [--rep 10] [--scenarios all]
                          [--settings farrington,noufaily] [--dir DIR]

Simulates with R (tests/signals/r/simulate.R: the Noufaily et al. 2013 design, 8 scenarios x
5 outbreak sizes x ``--rep`` replicates, 49 monitored weeks each; needs Rscript with the surveillance package), which
also runs R's farringtonFlexible on every series; or reads an earlier run from ``--dir``. Then
runs the Python port on the same series and prints, per setting, the probability of detection
(POD) and the false positive rate (FPR) of R and of Python with their Monte Carlo standard
errors, the alarm agreement, and per scenario and outbreak size the POD of both. Times: R's
(simulation + detection, when run here) and Python's detection.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from hicmonitor.analysis.signals.evaluation import control_from_r, farrington_alarms, performance

REPO = Path(__file__).resolve().parents[1]
MONITORED = range(576, 625)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rep", type=int, default=10)
    ap.add_argument("--scenarios", default="all")
    ap.add_argument("--settings", default="farrington,noufaily")
    ap.add_argument("--seed", default="20130401")
    ap.add_argument("--dir", type=Path, default=None, help="read an earlier simulate.R run")
    args = ap.parse_args()
    d = args.dir
    if d is None:
        if shutil.which("Rscript") is None:
            raise SystemExit(
                "Rscript not found: install r-base-core r-cran-surveillance or pass --dir"
            )
        d = Path(tempfile.mkdtemp(prefix="signals_sim_"))
        t0 = time.perf_counter()
        subprocess.run(
            [
                "Rscript",
                str(REPO / "tests/signals/r/simulate.R"),
                str(d),
                str(args.rep),
                args.scenarios,
            ],
            check=True,
        )
        print(f"R: simulation + farringtonFlexible {time.perf_counter() - t0:.0f} s ({d})")
    series = pd.read_csv(d / "sim_series.csv")
    outbreaks = pd.read_csv(d / "sim_outbreaks.csv")
    r_alarms = pd.read_csv(d / "sim_alarms.csv")
    settings = pd.read_csv(d / "sim_settings.csv").set_index("setting")
    meta = series.groupby("id")[["scenario", "size"]].first()
    print(
        f"{series['id'].nunique()} series ({meta['scenario'].nunique()} scenarios x "
        f"{meta['size'].nunique()} outbreak sizes), {len(MONITORED)} monitored weeks each\n"
    )
    print(
        "| setting | POD R | POD Python | FPR R | FPR Python | MC se POD / FPR | "
        "alarms identical | max rel. diff upper bound | Python s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    per_size = []
    for name, row in settings.iterrows():
        t0 = time.perf_counter()
        py = farrington_alarms(series, outbreaks, control_from_r(row), MONITORED)
        t_py = time.perf_counter() - t0
        r = r_alarms[r_alarms["setting"] == name]
        m = r.merge(py, on=["id", "version", "t"], suffixes=("_r", "_py"))
        same = (m["alarm_r"] == m["alarm_py"]).mean()
        both = m["upperbound_r"].notna() & m["upperbound_py"].notna()
        ratio = (m.loc[both, "upperbound_py"] / m.loc[both, "upperbound_r"]).to_numpy()
        rel = float(np.max(np.abs(ratio - 1), initial=0.0))
        pr, pp = performance(r), performance(py)
        print(
            f"| {name} | {pr.pod:.3f} | {pp.pod:.3f} | {pr.fpr:.4f} | {pp.fpr:.4f} | "
            f"{pr.pod_se:.3f} / {pr.fpr_se:.4f} | {same:.4%} ({len(m)}) | {rel:.1e} | {t_py:.1f} |"
        )
        for (scen, size), ids in meta.groupby(["scenario", "size"]).groups.items():
            sub_r, sub_p = r[r["id"].isin(ids)], py[py["id"].isin(ids)]
            per_size.append(
                {
                    "setting": name,
                    "scenario": scen,
                    "size": size,
                    "POD R": performance(sub_r).pod,
                    "POD Python": performance(sub_p).pod,
                    "FPR R": performance(sub_r).fpr,
                    "FPR Python": performance(sub_p).fpr,
                }
            )
    table = pd.DataFrame(per_size)
    print("\nPOD by outbreak size (k x sd), all scenarios:\n")
    by = table.groupby(["setting", "size"])[["POD R", "POD Python"]].mean().unstack("size")
    print(by.round(3).to_string())
    print("\nFPR by scenario:\n")
    by = table.groupby(["setting", "scenario"])[["FPR R", "FPR Python"]].mean().unstack("setting")
    print(by.round(4).to_string())


if __name__ == "__main__":
    main()
