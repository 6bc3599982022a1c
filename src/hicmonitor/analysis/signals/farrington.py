"""The (improved) Farrington method: a port of R's ``surveillance::farringtonFlexible``.

For each monitored period ``t0`` a quasi-Poisson GLM with log link is fitted to reference
values from the same season in the ``b`` previous years (windows of ``2w + 1`` periods
around ``t0 - freq``, ``t0 - 2 freq``, ...; with ``no_periods > 1`` also the rest of those
years, grouped into a seasonal factor), optionally with a linear time trend and with past
outbreaks down-weighted. The prediction for ``t0`` gives the expected count; an upper bound
of a one-sided ``(1 - alpha)`` prediction interval follows from the fitted model; the period
raises an alarm when its count lies above that bound.

This module follows ``farringtonFlexible`` of surveillance 1.20.3 (R/farringtonFlexible.R),
line by line, with every control option of that function that changes the result:

==========================  ==============================  =====================================
Python (``FarringtonControl``)  R (``control``)              meaning
==========================  ==============================  =====================================
``b``                       ``b``                           years back for the reference values
``w``                       ``w``                           half-width of the reference windows
``no_periods``              ``noPeriods``                   levels of the seasonal factor (1: none)
``past_periods_excluded``   ``pastWeeksNotIncluded``        last periods before ``t0`` left out
                                                            (``None``: ``w``, R's default)
``reweight``                ``reweight``                    down-weight past outbreaks
``weights_threshold``       ``weightsThreshold``            Anscombe residual above which to
``trend``                   ``trend``                       try a linear time trend
``p_threshold_trend``       ``pThresholdTrend``             p-value for keeping the trend
``alpha``                   ``alpha``                       one-sided level of the upper bound
``limit54``                 ``limit54``                     (cases, periods): no alarm unless at
                                                            least ``cases`` in the last ``periods``
``powertrans``              ``powertrans``                  ``"2/3"``, ``"1/2"``, ``"none"``
``population_offset``       ``populationOffset``            ``log(population)`` offset
``threshold_method``        ``thresholdMethod``             ``"delta"``, ``"nbPlugin"``, ``"muan"``
``fit_fun``                 ``fitFun``                      ``"quasipoisson"`` (R has just one)
==========================  ==============================  =====================================

The steps, for each ``t0`` (Farrington et al. 1996; Noufaily et al. 2013):

1. *Reference data*: the reference time points ``t0 - i * freq`` (``i = 1..b``), each with a
   window of ``w`` periods either side, and the current window ``t0 - w .. t0``; with
   ``no_periods > 1`` the periods between the windows are cut into ``no_periods - 1`` blocks of
   (nearly) equal length, which become the levels of a factor; the windows are level
   ``no_periods``. The last ``past_periods_excluded`` periods before ``t0`` (and ``t0``) are
   dropped. Missing counts are dropped.
2. *Fit*: ``log mu = a + beta * t (+ seasonal factor) (+ log population)``, quasi-Poisson,
   ``phi = max(dispersion, 1)``. If the fit does not converge, again without the trend.
3. *Reweighting* (``reweight``): Anscombe residuals
   ``s = 3/2 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h))``; weights ``gamma * s^-2`` for
   ``s > weights_threshold`` and ``gamma`` otherwise, ``gamma`` making the weights sum to
   ``n``; refit with these prior weights.
4. *Trend*: kept only when ``b >= 3``, its p-value is below ``p_threshold_trend`` and the
   prediction for ``t0`` does not exceed the largest reference count ("no extrapolation");
   otherwise the model (2-3) is refitted without it.
5. *Threshold*: ``delta``: the ``1 - alpha`` quantile of a normal approximation on the
   power-transformed scale, ``U = (mu0^e + z sd)^(1/e)`` with ``tau = phi + se(mu0)^2 / mu0``
   and ``sd = sqrt(mu0 tau)`` (``e = 1``), ``sqrt(tau / 4)`` (``e = 1/2``) or
   ``sqrt(4/9 mu0^(1/3) tau)`` (``e = 2/3``); ``nbPlugin``: the ``1 - alpha`` quantile of a
   negative binomial with mean ``mu0`` and variance ``phi mu0`` (Poisson when ``phi = 1``);
   ``muan``: the same with ``mu0`` replaced by the ``1 - alpha`` quantile of its asymptotic
   normal distribution on the log scale.
6. *Alarm*: ``observed > U``, but only when there were at least ``limit54[0]`` cases in the
   last ``limit54[1]`` periods (``t0`` included) and ``observed > 0``.

R's quirks, kept because they change results:

* the standard error of the prediction uses the model's own (unclamped) dispersion, not
  ``phi = max(dispersion, 1)``: R passes ``dispersion`` inside ``newdata``, where
  ``predict.glm`` ignores it; ``phi`` enters the threshold only through ``tau``/the NB size;
* after the trend is dropped the model is refitted, reweighting included;
* the Anscombe residuals use the hat values of the unweighted fit with ``phi`` of that fit;
* R's score for ``nbPlugin``/``muan`` is ``(y - eta0) / (U - eta0)`` with ``eta0`` the
  prediction on the *log* scale; it decides the alarm (``score > 1``) and is reported as
  ``score_r``; ``score`` here is always on the count scale, ``(y - mu0) / (U - mu0)``;
* when ``limit54`` is not met R reports no upper bound and no expected value; the result
  here keeps both (``enough_cases`` says whether R would show them) and raises no alarm;
* ``range`` defaults to ``freq * b + w`` onwards (0-based), R's ``freq*b + w + 1``.

Reference points are found by index (``t0 - freq * i``), as R does for a series without
dates (``epochAsDate = FALSE``); R's date arithmetic for dated weekly series (closest same
weekday a calendar year back) is not ported.

References
----------
Farrington, C. P., Andrews, N. J., Beale, A. D. & Catchpole, M. A. (1996). A statistical
algorithm for the early detection of outbreaks of infectious disease. *Journal of the Royal
Statistical Society, Series A* 159(3), 547-563.

Noufaily, A., Enki, D. G., Farrington, P., Garthwaite, P., Andrews, N. & Charlett, A.
(2013). An improved algorithm for outbreak detection in multiple surveillance systems.
*Statistics in Medicine* 32(7), 1206-1222.

Salmon, M., Schumacher, D. & Höhle, M. (2016). Monitoring count time series in R: aberration
detection in public health surveillance. *Journal of Statistical Software* 70(10), 1-35.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

import numpy as np
from scipy import stats

from hicmonitor.analysis.signals.glm import BatchFit, fit_quasipoisson

ThresholdMethod = Literal["delta", "nbPlugin", "muan"]
PowerTrans = Literal["2/3", "1/2", "none"]

# R's argument names -> ours (for controls written the R way, e.g. in YAML or fixtures)
R_NAMES = {
    "noPeriods": "no_periods",
    "pastWeeksNotIncluded": "past_periods_excluded",
    "weightsThreshold": "weights_threshold",
    "pThresholdTrend": "p_threshold_trend",
    "populationOffset": "population_offset",
    "thresholdMethod": "threshold_method",
    "fitFun": "fit_fun",
}


@dataclass(frozen=True)
class FarringtonControl:
    """The control options of ``farringtonFlexible`` (R's defaults)."""

    b: int = 5
    w: int = 3
    reweight: bool = True
    weights_threshold: float = 2.58
    alpha: float = 0.05
    trend: bool = True
    p_threshold_trend: float = 0.05
    limit54: tuple[int, int] = (5, 4)
    powertrans: PowerTrans = "2/3"
    fit_fun: Literal["quasipoisson"] = "quasipoisson"
    population_offset: bool = False
    no_periods: int = 1
    past_periods_excluded: int | None = None
    threshold_method: ThresholdMethod = "delta"

    def __post_init__(self) -> None:
        if self.b < 1 or self.w < 0:
            raise ValueError(f"b must be >= 1 and w >= 0 (b={self.b}, w={self.w})")
        if self.no_periods < 1:
            raise ValueError(f"no_periods must be >= 1 (got {self.no_periods})")
        if not 0 < self.alpha < 0.5:
            raise ValueError(f"alpha must lie between 0 and 0.5 (got {self.alpha})")
        cases, periods = self.limit54
        if not (cases >= 0 and periods > 0):
            raise ValueError("limit54 out of bounds: cases >= 0 and periods > 0")
        if self.powertrans not in ("2/3", "1/2", "none"):
            raise ValueError(f"powertrans must be '2/3', '1/2' or 'none' (got {self.powertrans!r})")
        if self.threshold_method not in ("delta", "nbPlugin", "muan"):
            raise ValueError(
                f"threshold_method must be 'delta', 'nbPlugin' or 'muan' "
                f"(got {self.threshold_method!r})"
            )
        if self.fit_fun != "quasipoisson":
            raise ValueError(f"fit_fun must be 'quasipoisson' (got {self.fit_fun!r})")
        if self.past_periods_excluded is not None and self.past_periods_excluded < 0:
            raise ValueError("past_periods_excluded must be >= 0")

    @property
    def excluded(self) -> int:
        """``past_periods_excluded``, with R's default ``w``."""
        return self.w if self.past_periods_excluded is None else self.past_periods_excluded

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> FarringtonControl:
        """Build from a mapping with our names or R's (``noPeriods``, ``pastWeeksNotIncluded``)."""
        if values is None:
            return cls()
        known = {f.name for f in fields(cls)}
        kw: dict[str, Any] = {}
        for key, value in values.items():
            name = R_NAMES.get(key, key)
            if name not in known:
                raise ValueError(f"unknown Farrington control option {key!r}")
            if name == "limit54":
                value = tuple(int(v) for v in value)
            kw[name] = value
        return cls(**kw)

    def with_(self, **changes: Any) -> FarringtonControl:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FarringtonResult:
    """Per monitored period (rows, ``index``) and series (columns): the method's output.

    ``expected``/``upperbound`` are NaN only when no model could be fitted; R would also
    blank them when ``enough_cases`` is False (``limit54``). ``alarm`` is R's alarm.
    """

    index: np.ndarray  # (T,) 0-based positions of the monitored periods
    observed: np.ndarray  # (T, m)
    expected: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray  # bool
    score: np.ndarray  # (observed - expected) / (upperbound - expected)
    score_r: np.ndarray  # R's lu$score (see module notes)
    pvalue: np.ndarray  # P(Y >= observed) under the predictive distribution (R's pvalue)
    trend: np.ndarray  # bool: the time trend was kept
    phi: np.ndarray  # overdispersion max(dispersion, 1)
    enough_cases: np.ndarray  # bool: limit54 met
    fitted: np.ndarray  # bool: a model could be fitted

    def r_upperbound(self) -> np.ndarray:
        """The upper bound as R reports it (NaN when ``limit54`` is not met)."""
        return np.where(self.enough_cases, self.upperbound, np.nan)

    def r_expected(self) -> np.ndarray:
        """The expected value as R reports it (NaN when ``limit54`` is not met)."""
        return np.where(self.enough_cases & ~np.isnan(self.upperbound), self.expected, np.nan)


# ---------------------------------------------------------------- reference data


def _colon(a: int, b: int) -> np.ndarray:
    """R's ``a:b`` (descending when ``b < a``)."""
    return np.arange(a, b + 1) if b >= a else np.arange(a, b - 1, -1)


def reference_blocks(k: int, n: int, freq: int, control: FarringtonControl) -> np.ndarray:
    """R's ``blocks()`` for monitored period ``k`` (0-based) in a series of length ``n``:
    the factor level of every period (NaN = not a reference value) before excluding the
    recent past. Level ``no_periods`` marks the windows around the reference points."""
    b, w, p = control.b, control.w, control.no_periods
    k1 = k + 1  # R is 1-based
    refs = [k1 - i * freq for i in range(b + 1)]  # k, k - freq, ..., k - b freq (descending)
    if refs[-1] - w < 1:
        raise ValueError(
            f"period {k} has too little history for b={b}, w={w}, freq={freq}: "
            f"needs index >= {freq * b + w}"
        )
    factors = np.full(n + 1, np.nan)  # position 0 unused (R's index 0 is ignored)
    factors[_colon(k1 - w, k1)] = p
    for i in range(1, b + 1):
        ref = refs[i]
        factors[_colon(ref - w, ref + w)] = p
        if p != 1:
            period = refs[i - 1] - 2 * w - 1 - ref
            if period < p - (2 * w + 1):
                raise ValueError("Number of factors too big! (no_periods too large for freq, w)")
            length, rest = divmod(period, p - 1)
            lengths = np.full(p - 1, length)
            lengths[:rest] += 1
            cum = np.concatenate([[0], np.cumsum(lengths)])
            for j in range(1, p):
                factors[_colon(ref + w + 1 + cum[j - 1], ref + w + 1 + cum[j] - 1)] = j
    return factors[1:]


def reference_data(
    k: int, n: int, freq: int, control: FarringtonControl
) -> tuple[np.ndarray, np.ndarray]:
    """Positions (0-based, ascending) and factor levels of the reference values for ``k``."""
    blocks = reference_blocks(k, n, freq, control)
    ids = blocks.copy()
    ids[_colon(k - control.excluded, k)] = np.nan
    pos = np.flatnonzero(~np.isnan(ids))
    return pos, blocks[pos].astype(int)


def reference_offsets(freq: int, control: FarringtonControl) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (relative to the monitored period, ascending, all negative) and factor
    levels of the reference values. R's construction depends on the monitored period only
    through these offsets, so one design serves every period."""
    k = freq * control.b + control.w
    pos, levels = reference_data(k, k + 1, freq, control)
    return pos - k, levels


def _design(offsets: np.ndarray, levels: np.ndarray, p: int) -> np.ndarray:
    """Columns: intercept, time (relative to the monitored period), one dummy per level other
    than ``p``. Level ``p`` (the windows, where the monitored period lies) is the reference
    level, so the prediction is at ``x0 = (1, 0, 0, ...)``; fitted values equal those of R's
    treatment coding."""
    present = set(levels.tolist())
    others = [lv for lv in range(1, p) if lv in present]
    X = np.zeros((offsets.size, 2 + len(others)))
    X[:, 0] = 1.0
    X[:, 1] = offsets
    for j, lv in enumerate(others):
        X[:, 2 + j] = levels == lv
    return X


# ---------------------------------------------------------------- model


def _anscombe_weights(fit: BatchFit, y, mask, phi, threshold) -> np.ndarray:
    """R's ``anscombe.residuals`` + ``algo.farrington.assign.weights``."""
    h = fit.hat_values()
    with np.errstate(divide="ignore", invalid="ignore"):
        a = 1.5 * (np.power(y, 2 / 3) * np.power(fit.mu, -1 / 6) - np.sqrt(fit.mu))
        s = a / np.sqrt(phi[:, None] * (1 - h))
        big = s > threshold
        contrib = np.where(big, s**-2.0, 1.0)
        n_obs = mask.sum(axis=1)
        gamma = n_obs / np.sum(np.where(mask, contrib, 0.0), axis=1)
        omega = np.where(big, gamma[:, None] * s**-2.0, gamma[:, None])
    return np.where(mask, omega, 0.0)


@dataclass
class _Model:
    fit: BatchFit
    phi: np.ndarray
    trend: np.ndarray  # bool: the model has the time column
    ok: np.ndarray  # bool: converged (R returns NULL otherwise)
    # the dispersion R's summary.glm/predict.glm see: after reweighting R overwrites
    # model$weights (the working weights) with the prior weights omega, so it becomes
    # sum(omega * r^2) / df with r the working residuals (a quirk kept on purpose)
    disp_r: np.ndarray


def _fit_flexible(X, y, mask, offset, columns, control: FarringtonControl) -> _Model:
    """R's ``algo.farrington.fitGLM.flexible`` for a batch."""
    fit = fit_quasipoisson(X, y, prior_weights=mask, offset=offset, columns=columns)
    trend = columns[:, 1].copy()
    retry = ~fit.converged & trend
    if retry.any():
        cols2 = columns[retry].copy()
        cols2[:, 1] = False
        sub = fit_quasipoisson(
            X,
            y[retry],
            prior_weights=mask[retry],
            offset=None if offset is None else offset[retry],
            columns=cols2,
        )
        _assign(fit, retry, sub)
        columns = columns.copy()
        columns[retry] = cols2
        trend[retry] = False
    ok = fit.converged.copy()
    phi = np.where(np.isnan(fit.dispersion), np.nan, np.fmax(fit.dispersion, 1.0))
    disp_r = fit.dispersion
    if control.reweight:
        omega = _anscombe_weights(fit, y, mask, phi, control.weights_threshold)
        fit = fit_quasipoisson(X, y, prior_weights=omega, offset=offset, columns=columns)
        phi = np.where(np.isnan(fit.dispersion), np.nan, np.fmax(fit.dispersion, 1.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            rss = np.sum(np.where(omega > 0, omega * fit.residuals**2, 0.0), axis=1)
            disp_r = np.where(fit.df_residual > 0, rss / fit.df_residual, np.nan)
    return _Model(fit=fit, phi=phi, trend=trend, ok=ok, disp_r=disp_r)


def _assign(target: BatchFit, rows: np.ndarray, source: BatchFit) -> None:
    for f in fields(BatchFit):
        if f.name != "X":
            getattr(target, f.name)[rows] = getattr(source, f.name)


def _assign_model(target: _Model, rows: np.ndarray, source: _Model) -> None:
    _assign(target.fit, rows, source.fit)
    target.phi[rows] = source.phi
    target.trend[rows] = source.trend
    target.ok[rows] = source.ok
    target.disp_r[rows] = source.disp_r


# ---------------------------------------------------------------- thresholds


def _threshold_delta(mu0, se_resp, phi, y, control: FarringtonControl):
    """R's ``algo.farrington.threshold.farrington``: upper bound and p-value."""
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = phi + se_resp**2 / mu0
        if control.powertrans == "none":
            sd, e = np.sqrt(mu0 * tau), 1.0
        elif control.powertrans == "1/2":
            sd, e = np.sqrt(0.25 * tau), 0.5
        else:
            sd, e = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau), 2 / 3
        z = stats.norm.ppf(1 - control.alpha)
        a = (mu0**e - z * sd) ** (1 / e)
        b = (mu0**e + z * sd) ** (1 / e)
        # R: sort(c(a, b), na.last = FALSE)[2]: the larger one, or the one that is not NaN
        upper = np.where(np.isnan(a), b, np.where(np.isnan(b), a, np.fmax(a, b)))
        pvalue = stats.norm.sf(y**e, loc=mu0**e, scale=sd)
    return upper, pvalue


def _threshold_noufaily(eta0, se_link, phi, y, control: FarringtonControl):
    """R's ``algo.farrington.threshold.noufaily`` (``nbPlugin`` and ``muan``)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if control.threshold_method == "nbPlugin":
            mu_q = np.exp(eta0)
        else:
            mu_q = np.exp(stats.norm.ppf(1 - control.alpha, loc=eta0, scale=se_link))
        nb = phi > 1
        size = np.where(nb, mu_q / (phi - 1), 1.0)
        prob = 1 / phi
        upper = np.where(
            nb,
            stats.nbinom.ppf(1 - control.alpha, size, prob),
            stats.poisson.ppf(1 - control.alpha, mu_q),
        )
        pvalue = np.where(
            phi != 1, stats.nbinom.sf(y - 1, size, prob), stats.poisson.sf(y - 1, mu_q)
        )
        bad = ~np.isfinite(mu_q)
        upper = np.where(bad, np.nan, upper)
        pvalue = np.where(bad, np.nan, pvalue)
    return upper, pvalue


# ---------------------------------------------------------------- main

# values (problems x reference values) per batch: keeps the working arrays in the CPU cache
CHUNK_VALUES = 500_000


def default_range(n: int, freq: int, control: FarringtonControl) -> np.ndarray:
    """R's default ``range``: every period with enough history (0-based)."""
    return np.arange(freq * control.b + control.w, n)


def _evaluate(X, y, mask, offset, offset0, y0, enough, ctl: FarringtonControl) -> dict:
    """Steps 2-6 for a batch of problems (flat arrays; ``offset`` None: no offset)."""
    K, p = y.shape[0], X.shape[1]
    columns = np.ones((K, p), dtype=bool)
    columns[:, 1] = ctl.trend
    model = _fit_flexible(X, y, mask, offset, columns, ctl)
    x0 = np.zeros(p)
    x0[0] = 1.0
    if ctl.trend:
        has = model.trend & model.ok
        eta_t, _ = model.fit.predict_link(x0, offset0)
        pred = np.maximum(np.exp(eta_t), np.finfo(float).eps)
        pval = model.fit.t_pvalue(1, model.disp_r)
        significant = np.where(np.isnan(pval), False, pval < ctl.p_threshold_trend)
        ymax = np.max(np.where(mask, y, -np.inf), axis=1)
        keep = has & (ctl.b >= 3) & significant & (pred <= ymax)
        refit = has & ~keep
        if refit.any():
            cols2 = columns[refit].copy()
            cols2[:, 1] = False
            sub_off = None if offset is None else offset[refit]
            sub = _fit_flexible(X, y[refit], mask[refit], sub_off, cols2, ctl)
            _assign_model(model, refit, sub)
        model.trend = keep
    ok = model.ok & mask.any(axis=1)
    eta0, se_link = model.fit.predict_link(x0, offset0, model.disp_r)
    phi = model.phi
    if ctl.threshold_method == "delta":
        mu0 = np.maximum(np.exp(eta0), np.finfo(float).eps)
        upper, pvalue = _threshold_delta(mu0, se_link * mu0, phi, y0, ctl)
        center = mu0
    else:
        upper, pvalue = _threshold_noufaily(eta0, se_link, phi, y0, ctl)
        mu0 = np.exp(eta0)
        center = eta0
    with np.errstate(divide="ignore", invalid="ignore"):
        score_r = np.where(np.isnan(upper), np.nan, (y0 - center) / (upper - center))
        score = (y0 - mu0) / (upper - mu0)
    alarm = enough & ~np.isnan(score_r) & (score_r > 1) & (y0 != 0) & ok
    nan = np.nan
    return {
        "expected": np.where(ok, mu0, nan),
        "upperbound": np.where(ok, upper, nan),
        "score": np.where(ok, score, nan),
        "score_r": np.where(ok, score_r, nan),
        "pvalue": np.where(ok, pvalue, nan),
        "phi": np.where(ok, phi, nan),
        "alarm": alarm,
        "trend": model.trend & ok,
        "fitted": ok,
    }


def farrington_flexible(
    observed: Sequence[float] | np.ndarray,
    *,
    freq: int,
    control: FarringtonControl | Mapping[str, Any] | None = None,
    range: Sequence[int] | np.ndarray | None = None,  # noqa: A002 - R's name
    population: Sequence[float] | np.ndarray | None = None,
    only_enough_cases: bool = False,
    where: np.ndarray | None = None,
) -> FarringtonResult:
    """Run the Farrington method on one or more series sharing a time axis.

    ``observed``: shape ``(n,)`` or ``(n, m)`` (``m`` series), counts with NaN for missing
    periods. ``freq``: periods per year (1 yearly, 12 monthly, 52 weekly). ``range``: the
    0-based positions to monitor (default: all with enough history, see
    :func:`default_range`; R's ``range`` minus 1). ``population``: same shape as
    ``observed``, needed with ``population_offset`` (a period without a positive population
    is left out of the fit, and a monitored period without one gets no result).

    ``only_enough_cases``: fit only where ``limit54`` is met -- the periods for which R reports
    an upper bound; elsewhere everything is NaN and ``fitted`` is False (much faster on
    sparse series). ``where``: a ``(len(range), m)`` bool mask of the periods and series to
    fit at all (the others are left unfitted in the same way).

    All series and periods are fitted together in batches: R's reference construction makes
    the design the same for every monitored period.
    """
    ctl = (
        control
        if isinstance(control, FarringtonControl)
        else FarringtonControl.from_mapping(control)
    )
    obs = np.asarray(observed, dtype=float)
    if obs.ndim == 1:
        obs = obs[:, None]
    n, m = obs.shape
    pop = None
    if ctl.population_offset:
        if population is None:
            raise ValueError("population_offset needs a population")
        pop = np.asarray(population, dtype=float).reshape(obs.shape)
    idx = default_range(n, freq, ctl) if range is None else np.asarray(range, dtype=int)
    if idx.size and (idx.min() < freq * ctl.b + ctl.w or idx.max() >= n):
        raise ValueError(
            f"range must lie in [{freq * ctl.b + ctl.w}, {n - 1}] for b={ctl.b}, w={ctl.w}, "
            f"freq={freq} (0-based)"
        )
    T = idx.size
    offsets, levels = reference_offsets(freq, ctl)
    X = _design(offsets, levels, ctl.no_periods)

    # limit54: cases in the last `periods` periods (the monitored one included); NaN -> not met
    cases, periods = ctl.limit54
    csum = np.vstack([np.zeros((1, m)), np.cumsum(np.nan_to_num(obs), axis=0)])
    cnan = np.vstack([np.zeros((1, m)), np.cumsum(np.isnan(obs), axis=0)])
    lo = np.maximum(idx - periods + 1, 0)
    recent = csum[idx + 1] - csum[lo]
    enough = (recent >= cases) & ((cnan[idx + 1] - cnan[lo]) == 0)

    # the problems: (monitored period, series) pairs, fitted in batches
    todo = enough.copy() if only_enough_cases else np.ones((T, m), dtype=bool)
    if where is not None:
        todo &= np.asarray(where, dtype=bool).reshape(T, m)
    rows_t, cols_j = np.nonzero(todo)
    out = {
        key: np.full((T, m), np.nan)
        for key in ("expected", "upperbound", "score", "score_r", "pvalue", "phi")
    }
    out |= {key: np.zeros((T, m), dtype=bool) for key in ("alarm", "trend", "fitted")}
    step = max(1, CHUNK_VALUES // max(offsets.size, 1))
    for start in np.arange(0, rows_t.size, step):
        t_ = rows_t[start : start + step]
        j_ = cols_j[start : start + step]
        k_ = idx[t_]
        ref = k_[:, None] + offsets[None, :]
        y = obs[ref, j_[:, None]]
        mask = ~np.isnan(y)
        if pop is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                off = np.log(pop[ref, j_[:, None]])
                off0 = np.log(pop[k_, j_])
            mask &= np.isfinite(off)
            off = np.where(mask, off, 0.0)
        else:
            off = None
            off0 = np.zeros(k_.size)
        y = np.where(mask, y, 0.0)
        part = _evaluate(X, y, mask, off, off0, obs[k_, j_], enough[t_, j_], ctl)
        for key, value in part.items():
            out[key][t_, j_] = value
    return FarringtonResult(index=idx, observed=obs[idx], enough_cases=enough, **out)
