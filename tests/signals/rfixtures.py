"""Reading the fixtures made by R (tests/signals/r/make_fixtures.R)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from hicmonitor.analysis.signals import FarringtonControl

FIXTURES = Path(__file__).parent / "fixtures"


@cache
def table(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / f"{name}.csv")


def series(name: str) -> pd.DataFrame:
    s = table("series")
    return s[s["series"] == name].sort_values("t")


def farrington_control(setting: str) -> FarringtonControl:
    """The R control of a setting (farrington_settings.csv) as a FarringtonControl."""
    row = table("farrington_settings").set_index("setting").loc[setting]
    pwni = row["pastWeeksNotIncluded"]
    return FarringtonControl(
        b=int(row["b"]),
        w=int(row["w"]),
        reweight=bool(row["reweight"]),
        weights_threshold=float(row["weightsThreshold"]),
        alpha=float(row["alpha"]),
        trend=bool(row["trend"]),
        p_threshold_trend=float(row["pThresholdTrend"]),
        limit54=(int(row["limit54_cases"]), int(row["limit54_periods"])),
        powertrans=str(row["powertrans"]),
        population_offset=bool(row["populationOffset"]),
        no_periods=int(row["noPeriods"]),
        past_periods_excluded=None if pd.isna(pwni) else int(pwni),
        threshold_method=str(row["thresholdMethod"]),
    )


def max_rel_diff(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Largest relative difference where both are numbers (0 when none)."""
    both = ~np.isnan(ours) & ~np.isnan(theirs)
    if not both.any():
        return 0.0
    return float(
        np.max(np.abs(ours[both] - theirs[both]) / np.maximum(np.abs(theirs[both]), 1e-300))
    )
