"""Benchmark of `hic signalen` from a cold process: what a user waits for.

Run: ``.venv/bin/python benchmarks/bench_signalen_cli.py [--herhaal 5]``

The store is loaded once beforehand (not timed). Each measured run starts a fresh Python
process with the bytecode cache in use (a normal installation; filled by an untimed warm-up
run). The baseline, measured in the same run, is a cold ``hic status`` on the same database
(interpreter start, imports of the CLI and opening the store), so the ratio shows what the
signals themselves cost on this machine. Cases:

* ``signalen --jaar 2024``: all 342 municipalities x 5 series, the default method (table);
* the same as CSV, and with ``--alle`` (every series with its sentence);
* ``signalen --peildatum 2023-12-18``: as public on the letter's date (the as-of queries);
* ``signalen --periode maand``: monthly police figures, 342 municipalities x 5 series x 72
  months (2019-2024, simulated around each municipality's yearly level and loaded into a copy
  of the store beforehand, not timed): the last month, and ``--jaar 2024``: its 12 months;
* ``signalen --incidenten chicago --periode week``: 45,319 Chicago burglaries 2014-2017 on
  1 km cells, the last week; and ``--jaar 2017``: every week of 2017.

The target of the issue: a few seconds at most for ``hic signalen --jaar 2024``.
"""

from __future__ import annotations

import argparse
import io
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
CHICAGO = str(REPO / "data" / "incidents" / "chicago_burglary_2014_2017.csv")
MONTHLY = "<maanden>"  # marks a case run on the store with monthly figures
CBS_HEADER = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1"

CASES: dict[str, list[str]] = {
    "baseline: status": ["status"],
    "signalen --jaar 2024": ["signalen", "--jaar", "2024"],
    "signalen --jaar 2024 --formaat csv": ["signalen", "--jaar", "2024", "--formaat", "csv"],
    "signalen --jaar 2024 --alle": ["signalen", "--jaar", "2024", "--alle"],
    "signalen --peildatum 2023-12-18": ["signalen", "--peildatum", "2023-12-18"],
    "monthly, last month": ["signalen", "--periode", "maand", MONTHLY],
    "monthly, every month of 2024": ["signalen", "--periode", "maand", "--jaar", "2024", MONTHLY],
    "chicago, 1 km, last week": ["signalen", "--incidenten", CHICAGO, "--periode", "week"],
    "chicago, 1 km, every week of 2017": [
        "signalen",
        "--incidenten",
        CHICAGO,
        "--periode",
        "week",
        "--jaar",
        "2017",
    ],
}


def timed(args: list[str], env: dict[str, str], monthly_db: Path | None = None) -> float:
    if MONTHLY in args:
        args = [a for a in args if a != MONTHLY]
        env = env | {"HICMONITOR_DB": str(monthly_db)}
    start = time.perf_counter()
    subprocess.run(HIC + args, check=True, env=env, cwd=REPO, capture_output=True)
    return time.perf_counter() - start


def monthly_store(env: dict[str, str], work: Path) -> Path:
    """A copy of the store with monthly figures 2019-2024 for every municipality and the
    crime codes of the signals, each month a Poisson draw around a twelfth of the 2018 count
    of the yearly figures (the municipalities and levels from ``hic signalen --alle``)."""
    import numpy as np
    import pandas as pd

    out = subprocess.run(
        [*HIC, "signalen", "--jaar", "2018", "--alle", "--formaat", "csv"],
        check=True,
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout
    yearly = pd.read_csv(io.StringIO(out), dtype={"series": str})
    yearly = yearly[yearly["series"].isin(["woninginbraak", "1.4.2", "1.4.4", "1.4.5"])]
    rng = np.random.default_rng(2018)
    rows = []
    for r in yearly.itertuples():
        code = "1.1.1" if r.series == "woninginbraak" else r.series
        for year in range(2019, 2025):
            for month in range(1, 13):
                value = int(rng.poisson(max(np.nan_to_num(r.observed), 1) / 12))
                rows.append(f"{len(rows)},{code} ,{r.region_code},{year}MM{month:02d},{value}")
    path = work / "maanden.csv"
    path.write_text("\n".join([CBS_HEADER, *rows]) + "\n", encoding="utf-8")
    db = work / "hic-maanden.duckdb"
    shutil.copy(env["HICMONITOR_DB"], db)
    load = env | {"HICMONITOR_DB": str(db)}
    subprocess.run(
        [*HIC, "laad", str(path), "--accepteer-afwijkingen"],
        check=True,
        env=load,
        cwd=REPO,
        capture_output=True,
    )
    print(
        f"monthly store: {yearly['region_code'].nunique()} municipalities, {len(rows):,} monthly "
        "figures loaded (not timed)"
    )
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--herhaal", type=int, default=5)
    opts = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-signalen-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {
        "HICMONITOR_DB": str(work / "hic.duckdb"),
        "PYTHONPYCACHEPREFIX": str(work / "pycache"),
        "COLUMNS": "150",
    }
    try:
        load = timed(["status"], env)  # first use loads the embedded data
        monthly_db = monthly_store(env, work)
        for args in CASES.values():  # warm-up: fills the bytecode cache
            timed(args, env, monthly_db)
        runs: dict[str, list[float]] = {case: [] for case in CASES}
        for _ in range(opts.herhaal):
            for case, args in CASES.items():
                runs[case].append(timed(args, env, monthly_db))
    finally:
        shutil.rmtree(work, ignore_errors=True)  # two stores of ~25 MB and the bytecode
    base = statistics.median(runs["baseline: status"])
    print(f"store loaded once in {load:.2f} s (not part of the runs); {os.cpu_count()} CPUs;")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}; {opts.herhaal} runs per case;")
    print("the machine may be shared: compare the ratios, measured in the same run.")
    print("| case | median s | min s | ratio to `hic status` |\n|---|---|---|---|")
    for case, times in runs.items():
        med = statistics.median(times)
        print(f"| {case} | {med:.2f} | {min(times):.2f} | {med / base:.2f} |")


if __name__ == "__main__":
    main()
