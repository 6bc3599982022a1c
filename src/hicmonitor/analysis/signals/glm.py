"""A batched quasi-Poisson GLM (log link), fitted the way R's ``glm.fit`` fits it.

The Farrington methods fit small GLMs by the hundred thousand (one or more per series and
period). ``statsmodels.GLM`` costs a few milliseconds per fit, so this module fits a whole
*batch* of independent problems at once with numpy: ``K`` problems that share one design
matrix ``X`` (``n`` observations, ``p`` columns) and differ in their counts ``y`` (``K x n``),
prior weights, offsets and the columns they use. The tests check every quantity against
``statsmodels`` (the reference implementation) and, through the Farrington fixtures,
against R.

The algorithm is iteratively reweighted least squares (McCullagh & Nelder, *Generalized
Linear Models*, 2nd ed., 1989, sec. 2.5), step for step as in R's ``stats::glm.fit``
(R 4.x), because R's stopping rule shapes the results at the 1e-6 level the port is held to:

* start at ``mu = y + 0.1`` (``quasipoisson()$initialize``), ``eta = log(mu)``;
* each iteration solves the weighted least squares problem with working weights
  ``w = prior * mu`` and working response ``z = eta - offset + (y - mu) / mu``;
* stop when ``|dev - dev_old| / (|dev| + 0.1) < epsilon`` (``epsilon = 1e-8``, at most
  ``maxit = 25`` iterations); each problem stops on its own.

What R stores, and this module too: the coefficients of the *last* step, but the working
weights and the ``(X'WX)^-1`` of the weighted least squares problem *solved* in that step
(weights from the previous ``mu``). R's ``summary.glm`` dispersion (Pearson statistic over
the residual degrees of freedom), ``hatvalues`` and ``predict(se.fit = TRUE)`` are built from
those, and so are the ones here.

Columns that are switched off for a problem (``columns`` is False) or that are zero on every
observation with weight (a factor level without data) are *aliased*, as R calls it: their
coefficient is 0 and they do not count in the rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

EPS = np.finfo(float).eps  # R's .Machine$double.eps: the floor of mu = exp(eta)
LOG_EPS = float(np.log(EPS))


@dataclass
class BatchFit:
    """The fitted GLMs of one batch (``K`` problems, ``n`` observations, ``p`` columns)."""

    X: np.ndarray  # (n, p) the shared design
    coef: np.ndarray  # (K, p), 0 for aliased columns
    mu: np.ndarray  # (K, n) fitted means (R: fitted.values)
    eta: np.ndarray  # (K, n) linear predictor, offset included
    work_weights: np.ndarray  # (K, n) R: model$weights (from the last solved step)
    xtwx_inv: np.ndarray  # (K, p, p) R: the unscaled covariance (0 for aliased columns)
    columns: np.ndarray  # (K, p) bool: column estimated (not aliased)
    converged: np.ndarray  # (K,) bool
    iterations: np.ndarray  # (K,) int
    df_residual: np.ndarray  # (K,) int: observations with weight > 0 minus the rank
    dispersion: np.ndarray  # (K,) R's summary.glm dispersion (NaN when df_residual = 0)
    residuals: np.ndarray  # (K, n) working residuals (y - mu) / mu (R: model$residuals)

    def hat_values(self) -> np.ndarray:
        """The diagonal of the hat matrix (R: ``hatvalues``), shape ``(K, n)``."""
        K, p = self.coef.shape
        XX = (self.X[:, :, None] * self.X[:, None, :]).reshape(len(self.X), p * p)
        q = self.xtwx_inv.reshape(K, p * p) @ XX.T
        return self.work_weights * q

    def t_pvalue(self, j: int, dispersion: np.ndarray | None = None) -> np.ndarray:
        """Two-sided p-value of the t test of coefficient ``j`` (R: ``summary.glm``);
        ``dispersion`` replaces the model's own."""
        disp = self.dispersion if dispersion is None else dispersion
        with np.errstate(divide="ignore", invalid="ignore"):
            t = self.coef[:, j] / np.sqrt(disp * self.xtwx_inv[:, j, j])
            p = 2 * stats.t.sf(np.abs(t), self.df_residual)
        return np.where(self.columns[:, j] & (self.df_residual > 0), p, np.nan)

    def predict_link(
        self,
        x0: np.ndarray,
        offset0: np.ndarray | float = 0.0,
        dispersion: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Linear predictor at ``x0`` (``(p,)`` or ``(K, p)``) and its standard error (R's
        ``predict.glm(se.fit = TRUE, type = "link")``, by default with the model's own
        dispersion; aliased columns count as 0, as in R)."""
        disp = self.dispersion if dispersion is None else dispersion
        x0 = np.broadcast_to(np.asarray(x0, dtype=float), self.coef.shape) * self.columns
        eta0 = np.einsum("kp,kp->k", x0, self.coef) + offset0
        var = np.einsum("kp,kpq,kq->k", x0, self.xtwx_inv, x0) * disp
        return eta0, np.sqrt(var)


def _inverse(a: np.ndarray) -> np.ndarray:
    """Inverses of a stack of symmetric positive definite matrices; closed form for 1x1 and
    2x2 (the yearly models), where LAPACK's per-matrix overhead dominates."""
    p = a.shape[-1]
    if p == 1:
        return 1.0 / a
    if p == 2:
        det = a[:, 0, 0] * a[:, 1, 1] - a[:, 0, 1] * a[:, 1, 0]
        det = np.where(det == 0, np.nan, det)  # singular (e.g. one observation): no fit
        out = np.empty_like(a)
        out[:, 0, 0] = a[:, 1, 1] / det
        out[:, 1, 1] = a[:, 0, 0] / det
        out[:, 0, 1] = -a[:, 0, 1] / det
        out[:, 1, 0] = -a[:, 1, 0] / det
        return out
    return np.linalg.inv(a)


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``a x = b`` for a stack (``(K, p, p)``, ``(K, p)``)."""
    if a.shape[-1] <= 2:
        return np.einsum("kpq,kq->kp", _inverse(a), b)
    return np.linalg.solve(a, b[..., None])[..., 0]


class _Gram:
    """``X' W X`` for many weight vectors ``W``, using only the distinct non-zero column
    products of ``X`` (a seasonal factor's dummies are disjoint, so most products are 0)."""

    def __init__(self, X: np.ndarray) -> None:
        n, p = X.shape
        iu = np.triu_indices(p)
        prods = X[:, iu[0]] * X[:, iu[1]]  # (n, p (p + 1) / 2)
        nonzero = np.flatnonzero(np.any(prods != 0, axis=0))
        uniq, inverse = np.unique(prods[:, nonzero], axis=1, return_inverse=True)
        self.p = p
        self.basis = uniq  # (n, u)
        self.rows, self.cols = iu[0][nonzero], iu[1][nonzero]
        self.which = inverse.reshape(-1)

    def __call__(self, w: np.ndarray) -> np.ndarray:
        s = w @ self.basis  # (K, u)
        out = np.zeros((w.shape[0], self.p, self.p))
        vals = s[:, self.which]
        out[:, self.rows, self.cols] = vals
        out[:, self.cols, self.rows] = vals
        return out


def fit_quasipoisson(
    X: np.ndarray,
    y: np.ndarray,
    *,
    prior_weights: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    columns: np.ndarray | None = None,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> BatchFit:
    """Fit ``K`` quasi-Poisson GLMs with log link at once.

    ``X``: ``(n, p)``, the design shared by all problems; ``y``: ``(K, n)`` counts; an
    observation with ``prior_weights == 0`` (or a NaN ``y``) takes no part in that fit, like a
    row R drops. ``offset``: ``(K, n)`` added to the linear predictor (``log(population)``).
    ``columns``: ``(K, p)`` bool, False to leave a column out of that problem's model.

    Exact rewritings of R's formulas keep the work per iteration small: from the second
    iteration on ``eta - offset = X beta``, so the least squares right-hand side is
    ``X'Wz = (X'WX) beta + X'(w y) - X'(w mu)`` and the deviance is
    ``2 sum w (y log y - y) + 2 sum w mu - 2 (X'(w y)) beta - 2 sum w y offset``; and without
    an offset, observations with the same row of ``X`` share ``mu``, so the iterations run on
    the distinct rows (e.g. the levels of a seasonal factor when there is no trend) with the
    prior weights summed.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    K, n = y.shape
    p = X.shape[1]
    pw = np.ones((K, n)) if prior_weights is None else np.asarray(prior_weights, dtype=float)
    pw = np.where(np.isnan(y) | ~np.isfinite(pw), 0.0, pw)
    y = np.where(pw > 0, np.nan_to_num(y), 0.0)
    off = None if offset is None else np.where(pw > 0, offset, 0.0)
    cols = np.ones((K, p), dtype=bool) if columns is None else np.asarray(columns, dtype=bool)
    # a column without any weighted observation is aliased (R: NA coefficient)
    cols = cols & (((pw > 0).astype(float) @ (X * X)) > 0)
    cf = cols.astype(float)
    pair = cf[:, :, None] * cf[:, None, :]
    fixed = (1 - cf)[:, :, None] * np.eye(p)  # 1 on the diagonal of aliased columns
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(y > 0, y * np.log(y), 0.0)
    wy = pw * y
    wyX = wy @ X  # (K, p)
    dev_const = np.sum(pw * ylogy, axis=1) - wy.sum(axis=1)
    wy_off = np.zeros(K) if off is None else np.sum(wy * off, axis=1)

    # columns no problem uses are dropped from X (they stay aliased), so that e.g. a model
    # without the trend column collapses to its factor levels below
    X = X * cols.any(axis=0)
    # the rows the iterations after the first run on: distinct rows of X (no offset) or all
    if off is None:
        Xg, group = np.unique(X, axis=0, return_inverse=True)
        group = group.reshape(-1)
        onehot = np.zeros((n, Xg.shape[0]))
        onehot[np.arange(n), group] = 1.0
        pwg, wyg = pw @ onehot, wy @ onehot
    else:
        Xg, group, pwg, wyg = X, np.arange(n), pw, wy
    gram_obs, gram = _Gram(X), _Gram(Xg)
    intercept = bool(np.all(X[:, 0] == 1.0))

    # R's starting values mu = y + 0.1, and the first least squares problem (per observation)
    eta0 = np.log(y + 0.1)
    mu0 = np.maximum(np.exp(eta0), EPS)
    dev_old = 2 * np.sum(pw * (ylogy - y * np.maximum(eta0, LOG_EPS) - y + mu0), axis=1)
    w2_0 = pw * mu0
    z = (eta0 if off is None else eta0 - off) + (y - mu0) / mu0
    A = gram_obs(w2_0)
    b = (w2_0 * z) @ X
    del z, eta0

    G = Xg.shape[0]
    coef = np.zeros((K, p))
    xtwx = np.zeros((K, p, p))
    eta_g = np.zeros((K, G))
    mu_g = np.zeros((K, G))
    mu_prev_g = np.zeros((K, G))  # the means the last step's weights came from
    first_w = {}  # problems that stop at iteration 1: their weights per observation
    converged = np.zeros(K, dtype=bool)
    iterations = np.zeros(K, dtype=int)
    ids = np.arange(K)  # the working set: problems still iterating
    coef_a = np.zeros((K, p))
    mu_a = None  # per group, of the working set (None before the first step)
    for it in range(1, maxit + 1):
        beta = _solve(A * pair[ids] + fixed[ids], b * cf[ids])
        lin = beta @ Xg.T
        new_eta = lin if off is None else lin + off[ids]
        new_mu = np.maximum(np.exp(new_eta), EPS)
        new_w2 = pwg[ids] * new_mu
        dev = 2 * (
            dev_const[ids]
            + new_w2.sum(axis=1)
            - np.einsum("kp,kp->k", wyX[ids], beta)
            - wy_off[ids]
        )
        # where mu was floored at eps (log mu != eta) or overflowed: R's formula itself
        odd = (np.min(new_eta, axis=1) < LOG_EPS) | ~np.isfinite(dev)
        if odd.any():

            def direct(rows, eta_, mu_):
                log_mu = np.maximum(eta_, LOG_EPS)
                return 2 * (
                    dev_const[rows]
                    + np.sum(pwg[rows] * mu_, axis=1)
                    - np.sum(wyg[rows] * log_mu, axis=1)
                )

            dev[odd] = direct(ids[odd], new_eta[odd], new_mu[odd])
            # R halves the step while the deviance is not finite
            bad = ~np.isfinite(dev)
            inner = 0
            while bad.any() and inner < maxit:
                inner += 1
                beta[bad] = (beta[bad] + coef_a[bad]) / 2
                lin[bad] = beta[bad] @ Xg.T
                new_eta[bad] = lin[bad] if off is None else lin[bad] + off[ids[bad]]
                new_mu[bad] = np.maximum(np.exp(new_eta[bad]), EPS)
                dev[bad] = direct(ids[bad], new_eta[bad], new_mu[bad])
                bad = ~np.isfinite(dev)
            new_w2 = pwg[ids] * new_mu
        done = np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < epsilon
        last = done | (it == maxit)
        if last.any():
            out = ids[last]
            coef[out], eta_g[out], mu_g[out] = beta[last], new_eta[last], new_mu[last]
            xtwx[out] = A[last] * pair[out] + fixed[out]
            if mu_a is None:
                for k in out:
                    first_w[int(k)] = w2_0[k]
            else:
                mu_prev_g[out] = mu_a[last]
            iterations[out] = it
            converged[ids[done]] = True
        keep = ~last
        if not keep.any():
            break
        ids = ids[keep]
        beta, new_mu, new_w2 = beta[keep], new_mu[keep], new_w2[keep]
        # the next step: X'WX with the new weights, X'Wz = (X'WX) beta + X'(w y) - X'(w mu)
        A = gram(new_w2)
        wX = A[:, 0, :] if intercept else new_w2 @ Xg
        b = np.einsum("kpq,kq->kp", A, beta) + wyX[ids] - wX
        dev_old, coef_a, mu_a = dev[keep], beta, new_mu

    # back to observations
    eta = eta_g[:, group]
    mu = mu_g[:, group]
    work_w = pw * mu_prev_g[:, group]
    for k, w in first_w.items():
        work_w[k] = w
    # R's unscaled covariance: the inverse of the last step's X'WX (0 for aliased columns)
    xtwx_inv = _inverse(xtwx) * pair
    rank = cols.sum(axis=1)
    df = (pw > 0).sum(axis=1) - rank
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = (y - mu) / np.maximum(np.exp(eta), EPS)
        pearson = np.sum(np.where(work_w > 0, work_w * resid**2, 0.0), axis=1)
        dispersion = np.where(df > 0, pearson / df, np.nan)
    resid = np.where(pw > 0, resid, 0.0)
    return BatchFit(
        X=X,
        coef=coef,
        mu=mu,
        eta=eta,
        work_weights=work_w,
        xtwx_inv=xtwx_inv,
        columns=cols,
        converged=converged,
        iterations=iterations,
        df_residual=df,
        dispersion=dispersion,
        residuals=resid,
    )
