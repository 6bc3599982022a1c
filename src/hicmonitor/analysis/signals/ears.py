"""EARS C1, C2 and C3: a port of R's ``surveillance::earsC``.

The Early Aberration Reporting System of the US CDC compares a count with the mean and the
standard deviation of a short moving baseline; it needs no years of history, so it suits
short series (Hutwagner et al. 2003; Fricker, Hegler & Dunfee 2008).

* **C1**: baseline ``t - baseline .. t - 1``; upper bound ``mean + z * max(sd, min_sigma)``.
* **C2**: the same with a gap of two periods, baseline ``t - baseline - 2 .. t - 3``.
* **C3**: built on C2 of ``t`` and the two periods before. R (surveillance 1.20.3,
  ``R/earsC.R``) computes the upper bound as
  ``observed(t) + max(sd2, min_sigma) * (z - max(0, C2(t-2) - 1) - max(0, C2(t-1) - 1))``,
  floored at 0, so the alarm (``observed > bound``) fires when the two *previous* C2 excesses
  sum to more than ``z`` -- its help page writes ``mean2`` instead of ``observed(t)``. The
  port keeps R's formula (``c3_bound="r"``, the default, validated against R); with
  ``c3_bound="documented"`` the help page's formula is used, whose alarm is
  ``C2(t) + max(0, C2(t-1) - 1) + max(0, C2(t-2) - 1) > z``.

``z`` is the ``1 - alpha`` normal quantile; ``alpha`` defaults to 0.001 for C1 and C2 and
0.025 for C3, the CDC's choices; ``sd`` is the sample standard deviation (``n - 1``).

References
----------
Hutwagner, L., Thompson, W., Seeman, G. M. & Treadwell, T. (2003). The bioterrorism
preparedness and response Early Aberration Reporting System (EARS). *Journal of Urban
Health* 80(2 Suppl 1), i89-i96.

Fricker, R. D., Hegler, B. L. & Dunfee, D. A. (2008). Comparing syndromic surveillance
detection methods: EARS' versus a CUSUM-based methodology. *Statistics in Medicine* 27(17),
3407-3429.

Salmon, M., Schumacher, D. & Höhle, M. (2016). Monitoring count time series in R: aberration
detection in public health surveillance. *Journal of Statistical Software* 70(10), 1-35.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

Method = Literal["C1", "C2", "C3"]

DEFAULT_ALPHA = {"C1": 0.001, "C2": 0.001, "C3": 0.025}
LAG = {"C1": 0, "C2": 2, "C3": 4}  # history needed beyond ``baseline``


@dataclass
class EarsResult:
    """Per monitored period (rows, ``index``) and series (columns)."""

    index: np.ndarray
    observed: np.ndarray
    expected: np.ndarray  # the baseline mean (of the C2 baseline for C3)
    upperbound: np.ndarray
    alarm: np.ndarray  # observed > upperbound (False where the bound is NaN)
    score: np.ndarray  # (observed - expected) / (upperbound - expected)


def default_range(n: int, method: Method, baseline: int) -> np.ndarray:
    """R's default range (0-based): every period with enough history."""
    return np.arange(baseline + LAG[method], n)


def _baseline_stats(obs: np.ndarray, t: np.ndarray, baseline: int, gap: int):
    """Mean and sample sd of ``obs[t - baseline - gap .. t - 1 - gap]`` per ``t`` (rows)."""
    windows = sliding_window_view(obs, baseline, axis=0)  # (n - baseline + 1, m, baseline)
    start = t - baseline - gap
    ref = windows[start]
    with np.errstate(invalid="ignore", divide="ignore"):
        return ref.mean(axis=-1), ref.std(axis=-1, ddof=1)


def ears_c(
    observed: Sequence[float] | np.ndarray,
    *,
    method: Method = "C1",
    baseline: int = 7,
    alpha: float | None = None,
    min_sigma: float = 0.0,
    range: Sequence[int] | np.ndarray | None = None,  # noqa: A002 - R's name
    c3_bound: Literal["r", "documented"] = "r",
) -> EarsResult:
    """EARS C1/C2/C3 on one series ``(n,)`` or several ``(n, m)`` sharing a time axis.

    ``range``: 0-based positions to monitor (default: all with enough history)."""
    if method not in LAG:
        raise ValueError(f"method must be C1, C2 or C3 (got {method!r})")
    if baseline < 3:
        raise ValueError("Minimum baseline to use is 3.")
    if min_sigma < 0:
        raise ValueError("min_sigma must be >= 0")
    obs = np.asarray(observed, dtype=float)
    single = obs.ndim == 1
    if single:
        obs = obs[:, None]
    n = obs.shape[0]
    idx = default_range(n, method, baseline) if range is None else np.sort(np.asarray(range, int))
    if idx.size and idx[0] - baseline - LAG[method] < 0:
        raise ValueError("The vector of observed is too short!")
    a = DEFAULT_ALPHA[method] if alpha is None else alpha
    z = stats.norm.ppf(1 - a)
    y = obs[idx]
    if method in ("C1", "C2"):
        mean, sd = _baseline_stats(obs, idx, baseline, LAG[method])
        upper = mean + z * np.fmax(sd, min_sigma)
        upper = np.where(np.isnan(sd), np.nan, upper)
    else:
        ext = np.arange(idx[0] - 2, idx[-1] + 1) if idx.size else idx
        mean2, sd2 = _baseline_stats(obs, ext, baseline, 2)
        sig2 = np.where(np.isnan(sd2), np.nan, np.fmax(sd2, min_sigma))
        with np.errstate(invalid="ignore", divide="ignore"):
            c2 = (obs[ext] - mean2) / sig2
        pos = idx - ext[0]  # rows of ``ext`` for the monitored periods
        lag2 = np.maximum(0.0, c2[pos - 2] - 1)
        lag1 = np.maximum(0.0, c2[pos - 1] - 1)
        base = y if c3_bound == "r" else mean2[pos]
        upper = np.maximum(0.0, base + sig2[pos] * (z - (lag2 + lag1)))
        mean = mean2[pos]
    with np.errstate(invalid="ignore", divide="ignore"):
        alarm = np.where(np.isnan(upper) | np.isnan(y), False, y > upper)
        score = (y - mean) / (upper - mean)
    return EarsResult(
        index=idx, observed=y, expected=mean, upperbound=upper, alarm=alarm, score=score
    )
