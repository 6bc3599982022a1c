"""The batched quasi-Poisson GLM against statsmodels (the reference implementation).

Coefficients and fitted means agree to 1e-6. Quantities built from the working weights
(dispersion, standard errors, hat values) agree to 2e-4: like R, the port keeps the weights of
the last *solved* step, which R's stopping rule (relative deviance change < 1e-8) leaves up to
~1e-5 from the fixed point statsmodels iterates to (tol=1e-12 here); the R fixtures check
those quantities exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from hicmonitor.analysis.signals import fit_quasipoisson
from hicmonitor.analysis.signals.farrington import FarringtonControl, _design, reference_offsets

WEIGHTS_RTOL = 2e-4


def _problems(rng, K, n, X, scale):
    eta = np.log(scale) + X @ rng.normal(0, 0.05, X.shape[1])
    return rng.negative_binomial(3, 3 / (3 + np.exp(eta)), size=(K, n)).astype(float)


@pytest.mark.parametrize(
    ("design", "scale", "weighted", "offset"),
    [
        ("trend", 40.0, False, False),
        ("trend", 3.0, True, False),
        ("seasonal", 8.0, False, True),
        ("seasonal", 1.5, True, True),
    ],
)
def test_fit_matches_statsmodels(design, scale, weighted, offset):
    rng = np.random.default_rng(7)
    if design == "trend":
        n = 12
        X = np.column_stack([np.ones(n), np.arange(n) - n])
    else:
        ctl = FarringtonControl(b=2, w=2, no_periods=4, past_periods_excluded=6)
        offs, levels = reference_offsets(12, ctl)
        X = _design(offs, levels, ctl.no_periods)
        n = X.shape[0]
    K = 6
    y = _problems(rng, K, n, X, scale)
    pw = rng.uniform(0.3, 2.0, size=(K, n)) if weighted else None
    off = np.log(rng.uniform(5e4, 2e5, size=(K, n))) - 11 if offset else None
    fit = fit_quasipoisson(X, y, prior_weights=pw, offset=off)
    assert fit.converged.all()
    for k in range(K):
        model = sm.GLM(
            y[k],
            X,
            family=sm.families.Poisson(),
            var_weights=None if pw is None else pw[k],
            offset=None if off is None else off[k],
        )
        ref = model.fit(scale="X2", tol=1e-12, use_t=True)  # R: t test for quasi families
        # a factor level with only zeros has coefficient -> -inf: each fit stops somewhere
        finite = ~((X[:, 2:] > 0) & (y[k][:, None] > 0)).any(axis=0)
        finite = np.concatenate([[True, True], ~finite])
        np.testing.assert_allclose(fit.coef[k][finite], ref.params[finite], rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(fit.mu[k], ref.fittedvalues, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(fit.dispersion[k], ref.scale, rtol=WEIGHTS_RTOL)
        np.testing.assert_allclose(
            np.sqrt(np.diag(fit.xtwx_inv[k]) * fit.dispersion[k])[finite],
            ref.bse[finite],
            rtol=WEIGHTS_RTOL,
        )
        np.testing.assert_allclose(
            fit.hat_values()[k],
            ref.get_influence().hat_matrix_diag,
            rtol=WEIGHTS_RTOL,
            atol=1e-10,
        )
        x0 = X[-1]
        eta0, se0 = fit.predict_link(x0[None, :].repeat(K, 0), 0.0)
        pred = ref.get_prediction(x0[None, :], offset=np.zeros(1), which="linear")
        np.testing.assert_allclose(eta0[k], pred.predicted[0], rtol=1e-6)
        np.testing.assert_allclose(se0[k], pred.se[0], rtol=WEIGHTS_RTOL)
        np.testing.assert_allclose(fit.t_pvalue(1)[k], ref.pvalues[1], rtol=1e-3, atol=1e-12)


def test_aliased_and_missing():
    """A column switched off, a factor level without data and missing counts: the fit equals
    statsmodels' fit of the reduced model on the remaining rows."""
    X = np.column_stack([np.ones(10), np.arange(10.0), (np.arange(10) >= 7).astype(float)])
    y = np.array(
        [[3, 5, 4, 6, 2, np.nan, 5, 7, 8, 6], [1, 0, 2, 1, 3, 2, 1, np.nan, np.nan, np.nan]]
    )
    fit = fit_quasipoisson(X, y, columns=np.array([[True, False, True], [True, True, True]]))
    # problem 0: no trend; problem 1: the third column has no data left -> aliased
    assert fit.columns.tolist() == [[True, False, True], [True, True, False]]
    for k, cols in enumerate(([0, 2], [0, 1])):
        keep = ~np.isnan(y[k])
        ref = sm.GLM(y[k][keep], X[keep][:, cols], family=sm.families.Poisson()).fit(scale="X2")
        np.testing.assert_allclose(fit.coef[k, cols], ref.params, rtol=1e-6)
        assert fit.df_residual[k] == keep.sum() - 2
        np.testing.assert_allclose(fit.dispersion[k], ref.scale, rtol=WEIGHTS_RTOL)
    assert fit.coef[0, 1] == 0 and fit.coef[1, 2] == 0


def test_all_zero_counts_follow_r():
    """All zeros: R's glm.fit walks eta down by 1 per iteration; with 5 observations it
    stops at iteration 22 (|dev - dev_old| / (|dev| + 0.1) < 1e-8)."""
    X = np.column_stack([np.ones(5), np.arange(5.0)])
    fit = fit_quasipoisson(X, np.zeros((1, 5)))
    assert fit.converged[0] and fit.iterations[0] == 22
    np.testing.assert_allclose(fit.mu[0], 0.1 * np.exp(-22), rtol=1e-9)
