"""Repeat victimisation: how often a location is hit again, and how soon.

A location is the location id of an incident where the file has one, otherwise its exact
coordinates. Per location the incidents are ordered in time; the *time to repeat* is the gap
between consecutive incidents at the same location. A location is "hit again within W days"
when at least one of its gaps is at most W days (``gap <= W``, so a repeat exactly 7 days later
counts for W = 7). Incidents near the end of the data have had less time to be repeated: the
shares are those of the observed period, not corrected for censoring.

Reference: Farrell, G. & Pease, K. (1993). *Once bitten, twice bitten: repeat victimisation
and its implications for crime prevention.* Home Office Police Research Group, paper 46.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hicmonitor.analysis.nearrepeat import Bands
from hicmonitor.errors import HicError

WINDOWS = (7, 28, 365)
#: Bins of the time to repeat in days: [0; 1], (1; 7], (7; 14], ... (365; ∞).
GAP_BINS = Bands((0, 1, 7, 14, 28, 90, 180, 365, float("inf")), closed="right", include_lowest=True)


@dataclass
class RepeatResult:
    key: str  # "locatie-id" or "coördinaten"
    n_incidents: int
    n_locations: int
    n_repeat_locations: int  # locations with two or more incidents
    windows: dict[int, float]  # W -> share of locations hit again within W days
    windows_incidents: dict[int, float]  # W -> share of incidents followed within W days
    gaps_days: np.ndarray  # every time to repeat, in days
    distribution: pd.DataFrame  # interval, count, share

    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "binnen_dagen": list(self.windows),
                "aandeel_locaties": list(self.windows.values()),
                "aandeel_incidenten": list(self.windows_incidents.values()),
            }
        )


def location_keys(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The location of every incident: its location id if all have one, else exact x/y."""
    loc = frame["location_id"]
    if loc.notna().all() and len(loc):
        return loc.astype(str).to_numpy(), "locatie-id"
    xy = frame[["x", "y"]].to_numpy(dtype=np.float64)
    _, keys = np.unique(xy, axis=0, return_inverse=True)
    return keys.ravel(), "coördinaten"


def repeat_victimisation(
    keys: np.ndarray,
    t: np.ndarray,
    ticks_per_day: int = 1,
    windows: Sequence[int] = WINDOWS,
    *,
    key: str = "locatie",
) -> RepeatResult:
    """Repeat victimisation per location (see the module docstring for the definitions)."""
    n = len(keys)
    if n == 0:
        raise HicError("geen incidenten: herhaald slachtofferschap is niet te berekenen")
    if len(t) != n:
        raise HicError("locaties en tijden hebben niet dezelfde lengte")
    _, codes = np.unique(np.asarray(keys), return_inverse=True)
    codes = codes.ravel()
    order = np.lexsort((np.asarray(t), codes))
    c, ts = codes[order], np.asarray(t, dtype=np.int64)[order]
    same = c[1:] == c[:-1]
    gaps = (ts[1:] - ts[:-1])[same] / ticks_per_day  # consecutive, same location
    gap_loc = c[1:][same]
    n_loc = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=n_loc)
    win, win_inc = {}, {}
    for w in windows:
        hit = np.zeros(n_loc, dtype=bool)
        hit[gap_loc[gaps <= w]] = True
        win[int(w)] = float(hit.sum() / n_loc)
        win_inc[int(w)] = float((gaps <= w).sum() / n)
    idx = GAP_BINS.index(gaps)
    hist = np.bincount(idx[idx >= 0], minlength=GAP_BINS.n)
    dist = pd.DataFrame(
        {
            "dagen_tot_herhaling": GAP_BINS.interval_labels(),
            "aantal": hist,
            "aandeel": hist / len(gaps) if len(gaps) else np.zeros(GAP_BINS.n),
        }
    )
    return RepeatResult(
        key=key,
        n_incidents=n,
        n_locations=n_loc,
        n_repeat_locations=int((counts >= 2).sum()),
        windows=win,
        windows_incidents=win_inc,
        gaps_days=gaps,
        distribution=dist,
    )
