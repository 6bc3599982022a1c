"""Benchmark: early-warning signals (Farrington) at the scale of the issue, warm.

Run:  .venv/bin/python benchmarks/bench_signals.py [--repeat 3] [--sample 400]

Cases (each timed warm, median of ``--repeat`` runs, through ``detect_signals``):
  * yearly: all municipalities x every crime code x 14 years
    (data/nl/registered_crime_gemeente_yearly.csv; target < 5 s);
  * weekly: 2,000 grid cells x 208 weeks (Chicago residential burglaries 2014-2017,
    data/incidents/chicago_burglary_2014_2017.csv, the 2,000 busiest 400 m cells;
    target < 30 s);
  each with the default control and with ``limit54 = (0, 1)`` (every period fitted: by default
  R -- and detect_signals -- skip the fit where limit54 forbids an alarm).

Baseline, measured in the same run: fitting the same GLMs with statsmodels alone
(``GLM(family=Poisson(), var_weights=...).fit(scale="X2")``, the quasi-Poisson fit R's
``glm`` makes): a random ``--sample`` of the reference-data problems is fitted the way the
Farrington step does (a fit, a reweighted fit and, where the trend is dropped, both again
without it); the time per problem times the number of problems is the baseline. Prints the
times and the ratios (ours / statsmodels). The machine may be shared: compare ratios.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from hicmonitor.analysis.signals import detect_signals, make_control
from hicmonitor.analysis.signals.farrington import _design, reference_offsets

REPO = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def yearly_frame() -> pd.DataFrame:
    d = pd.read_csv(
        REPO / "data" / "nl" / "registered_crime_gemeente_yearly.csv", dtype={"crime_code": str}
    )
    return d.rename(columns={"crime_code": "category", "registered_crimes": "count"})


def weekly_frame(cells: int = 2000, size: float = 400.0, weeks: int = 208) -> pd.DataFrame:
    d = pd.read_csv(REPO / "data" / "incidents" / "chicago_burglary_2014_2017.csv")
    d["date"] = pd.to_datetime(d["date_single"], format="%d/%m/%Y")
    d["cell"] = (d.x // size).astype(int).astype(str) + "_" + (d.y // size).astype(int).astype(str)
    top = d["cell"].value_counts().index[:cells]
    d = d[d["cell"].isin(top)]
    d["week"] = d["date"].dt.to_period("W-SUN").dt.start_time
    grid = pd.date_range(d["week"].min(), periods=weeks, freq="7D")
    counts = d[d["week"].isin(grid)].groupby(["cell", "week"]).size()
    full = pd.MultiIndex.from_product([top, grid], names=["cell", "week"])
    out = counts.reindex(full, fill_value=0).rename("count").reset_index()
    out["category"] = "woninginbraak"
    return out


def statsmodels_time(
    frame, keys, period, frequency, control, out, sample, rng
) -> tuple[float, int]:
    """Seconds per Farrington problem with statsmodels alone, and the number of problems."""
    ctl = make_control("farrington", frequency, control)
    freq = {"year": 1, "week": 52}[frequency]
    offsets, levels = reference_offsets(freq, ctl)
    X = _design(offsets, levels, ctl.no_periods)
    fitted = out[out["expected"].notna()]
    wide = frame.pivot_table(index=period, columns=list(keys), values="count").sort_index()
    pos = {p: i for i, p in enumerate(wide.index)}
    colpos = {c: j for j, c in enumerate(wide.columns)}
    pick = fitted.sample(min(sample, len(fitted)), random_state=int(rng.integers(1e9)))
    Y = wide.to_numpy(float)
    problems = []
    for _, r in pick.iterrows():
        k = pos[r["period"]]
        j = colpos[tuple(r[list(keys)])]
        problems.append((Y[k + offsets, j], bool(r["trend"])))
    Xn = X[:, :2] if ctl.no_periods == 1 else X  # no dummy columns when there is no factor
    Xnt = np.delete(Xn, 1, axis=1)  # without the trend

    def pipeline(y, design):
        try:  # statsmodels cannot start from all-zero counts (R can): those are timed too
            sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")
            if ctl.reweight:
                w = np.ones_like(y)
                sm.GLM(y, design, family=sm.families.Poisson(), var_weights=w).fit(scale="X2")
        except ValueError:
            pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        for y, kept in problems:
            pipeline(y, Xn if ctl.trend else Xnt)
            if ctl.trend and not kept:
                pipeline(y, Xnt)
        per = (time.perf_counter() - t0) / len(problems)
    return per, len(fitted)


def run_case(name, frame, keys, period, frequency, control, repeat, sample, rng) -> None:
    def go():
        return detect_signals(frame, keys=keys, period=period, frequency=frequency, control=control)

    go()  # warm-up
    t, out = timed(go, repeat)
    per, problems = statsmodels_time(frame, keys, period, frequency, control, out, sample, rng)
    base = per * problems
    n_series = frame.groupby(list(keys)).ngroups
    print(
        f"{name:34s} {n_series:5d} series  {problems:7d} problems  ours {t:7.2f} s   "
        f"statsmodels {base:8.1f} s (from {min(sample, problems)} fitted)   "
        f"ratio {t / base:6.3f}   alarms {int(out['alarm'].sum())}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=400)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    yearly = yearly_frame()
    weekly = weekly_frame()
    print(
        f"yearly: {yearly.region_code.nunique()} regions x {yearly.category.nunique()} codes x "
        f"{yearly.year.nunique()} years; weekly: {weekly.cell.nunique()} cells x "
        f"{weekly.week.nunique()} weeks"
    )
    keys_y, keys_w = ("region_code", "category"), ("cell", "category")
    run_case("yearly, default", yearly, keys_y, "year", "year", None, args.repeat, args.sample, rng)
    run_case(
        "yearly, every period fitted",
        yearly,
        keys_y,
        "year",
        "year",
        {"limit54": [0, 1]},
        args.repeat,
        args.sample,
        rng,
    )
    run_case(
        "weekly grid, default", weekly, keys_w, "week", "week", None, args.repeat, args.sample, rng
    )
    run_case(
        "weekly grid, every period fitted",
        weekly,
        keys_w,
        "week",
        "week",
        {"limit54": [0, 1]},
        1,
        args.sample // 4,
        rng,
    )


if __name__ == "__main__":
    main()
