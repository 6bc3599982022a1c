"""Negative binomial CUSUM for a known shift: a port of R's ``surveillance::glrnb`` with a
fixed ``theta`` (the likelihood-ratio CUSUM of Höhle & Paul 2008, section 2.1).

Where Farrington needs years of history, a CUSUM needs only an in-control mean ``mu0`` (which
may vary over time) and a dispersion ``alpha`` of the negative binomial
``NB(mu, alpha)`` with ``Var = mu + alpha mu^2`` (``alpha = 0``: Poisson). It accumulates the
log-likelihood ratio of an out-of-control mean ``kappa * mu0`` (``theta = log kappa``)
against ``mu0``:

    z_t = theta * y_t + (y_t + 1/alpha) * log((1 + alpha mu0_t) / (1 + alpha mu0_t e^theta))
    (Poisson: z_t = theta * y_t + (1 - e^theta) mu0_t)
    S_t = max(0, S_{t-1} + z_t),   alarm when S_t > h   (R: ``c.ARL``)

and, as R does, restarts at ``S = 0`` after each alarm. A missing count (NaN) adds nothing
and raises no alarm. With ``ret = "cases"`` R reports as
upper bound the number of cases at ``t`` that would just reach ``h`` given ``S_{t-1}``:

    U_t = (h - S_{t-1} - log((1 + alpha mu0)/(1 + alpha mu0 e^theta)) / alpha)
          / (theta + log((1 + alpha mu0)/(1 + alpha mu0 e^theta)))
    (Poisson: U_t = (h - S_{t-1} + mu0 (e^theta - 1)) / theta)

floored at 0 (R's C code: ``lr_cusum_nb``/``lr_cusum`` in ``src/surveillance.c``, 1.20.3).
Counts are truncated to integers, as R's ``as.integer`` does.

Choosing ``h``: larger values give fewer false alarms and later detection; Höhle & Paul
(2008) and Hawkins & Olwell (1998) tabulate run lengths. :func:`nb_dispersion` gives the
method-of-moments estimate of ``alpha`` from a baseline.

References
----------
Höhle, M. & Paul, M. (2008). Count data regression charts for the monitoring of surveillance
time series. *Computational Statistics & Data Analysis* 52(9), 4357-4368.

Hawkins, D. M. & Olwell, D. H. (1998). *Cumulative Sum Charts and Charting for Quality
Improvement*. Springer.

Salmon, M., Schumacher, D. & Höhle, M. (2016). Monitoring count time series in R: aberration
detection in public health surveillance. *Journal of Statistical Software* 70(10), 1-35.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class CusumResult:
    """Per monitored period (rows) and series (columns)."""

    observed: np.ndarray
    expected: np.ndarray  # mu0
    statistic: np.ndarray  # S_t (after the reset rule)
    upperbound: np.ndarray  # cases needed at t for an alarm (R: ret = "cases")
    alarm: np.ndarray
    score: np.ndarray  # (observed - expected) / (upperbound - expected)


def nb_cusum(
    observed: Sequence[float] | np.ndarray,
    mu0: Sequence[float] | np.ndarray | float,
    *,
    theta: float = float(np.log(2.0)),
    alpha: float | Sequence[float] | np.ndarray = 0.0,
    h: float = 5.0,
) -> CusumResult:
    """The LR CUSUM on ``observed`` (``(n,)`` or ``(n, m)``) with in-control mean ``mu0``
    (broadcast to the same shape), log shift ``theta`` > 0, dispersion ``alpha`` >= 0 (a
    scalar or one per series) and threshold ``h``. Every row is monitored."""
    if not theta > 0:
        raise ValueError("theta must be > 0 (an increase)")
    obs = np.asarray(observed, dtype=float)
    single = obs.ndim == 1
    if single:
        obs = obs[:, None]
    n, m = obs.shape
    x = np.trunc(obs)
    mu = np.asarray(mu0, dtype=float)
    mu = np.broadcast_to(mu[:, None] if mu.ndim == 1 else mu, (n, m))
    a = np.broadcast_to(np.asarray(alpha, dtype=float), (m,))
    nb = a > 0
    ek = np.exp(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        safe_a = np.where(nb, a, 1.0)
        lg = np.log((1 + safe_a * mu) / (1 + safe_a * mu * ek))
        z = np.where(nb, theta * x + (x + 1 / safe_a) * lg, theta * x + (1 - ek) * mu)
    z = np.where(np.isnan(x), 0.0, z)  # a missing count adds no evidence
    stat = np.zeros((n, m))
    upper = np.zeros((n, m))
    alarm = np.zeros((n, m), dtype=bool)
    prev = np.zeros(m)
    for t in range(n):
        with np.errstate(divide="ignore", invalid="ignore"):
            u_nb = -(prev * safe_a + lg[t] - h * safe_a) / safe_a / (theta + lg[t])
            u_po = (h - prev + mu[t] * (ek - 1)) / theta
        upper[t] = np.where(nb, u_nb, u_po)
        s = np.maximum(0.0, prev + z[t])
        stat[t] = s
        fired = (s > h) & ~np.isnan(x[t])
        alarm[t] = fired
        prev = np.where(fired, 0.0, s)
    upper = np.where(np.isnan(upper) | (upper < 0), 0.0, upper)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (obs - mu) / (upper - mu)
    return CusumResult(
        observed=obs,
        expected=np.array(mu),
        statistic=stat,
        upperbound=upper,
        alarm=alarm,
        score=score,
    )


def nb_dispersion(baseline: np.ndarray) -> np.ndarray:
    """Method-of-moments NB dispersion per column: ``max(0, (var - mean) / mean^2)``
    (0, i.e. Poisson, when the baseline is not overdispersed or all zero)."""
    b = np.asarray(baseline, dtype=float)
    if b.ndim == 1:
        b = b[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(b, axis=0)
        var = np.nanvar(b, axis=0, ddof=1)
        alpha = (var - mean) / mean**2
    return np.where(np.isfinite(alpha) & (alpha > 0), alpha, 0.0)
