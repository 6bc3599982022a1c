"""Brute force over all pairs versus the fast Knox test, on random small inputs.

The brute force here is written independently: a double loop over all pairs with R ``cut``
semantics spelled out as comparisons, and the documented permutation contract (replicate k is
the k-th ``numpy.random.default_rng(seed).permutation(n)``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hicmonitor.analysis.nearrepeat import Bands, knox_test
from hicmonitor.errors import HicError


def cut_index(v: float, edges, closed: str, include_lowest: bool) -> int | None:
    k = len(edges) - 1
    for i in range(k):
        a, b = edges[i], edges[i + 1]
        if closed == "left":
            inside = a <= v < b or (include_lowest and i == k - 1 and v == b)
        else:
            inside = a < v <= b or (include_lowest and i == 0 and v == a)
        if inside:
            return i
    return None


def brute_table(x, y, t, sb: Bands, tb: Bands, metric: str, tpd: int) -> np.ndarray:
    table = np.zeros((sb.n, tb.n), dtype=np.int64)
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            d = abs(dx) + abs(dy) if metric == "manhattan" else math.sqrt(dx * dx + dy * dy)
            g = abs(int(t[i]) - int(t[j])) / tpd
            s = cut_index(d, sb.edges, sb.closed, sb.include_lowest)
            u = cut_index(g, tb.edges, tb.closed, tb.include_lowest)
            if s is not None and u is not None:
                table[s, u] += 1
    return table


EDGE_POOL = [0.0, 0.1, 1.0, 50.0, 70.0, 100.0, 120.0, 150.0, 200.0, 300.0]
DAY_POOL = [0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0]


@st.composite
def band_sets(draw, pool):
    edges = sorted(draw(st.sets(st.sampled_from(pool), min_size=2, max_size=5)))
    if draw(st.booleans()):
        edges.append(math.inf)
    return Bands(
        tuple(edges),
        closed=draw(st.sampled_from(["left", "right"])),
        include_lowest=draw(st.booleans()),
    )


@st.composite
def inputs(draw):
    n = draw(st.integers(2, 18))
    # a coarse grid: ties, identical points and distances exactly on band edges
    step = draw(st.sampled_from([10.0, 25.0, 50.0, 0.1]))
    gx = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    gy = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    tpd = draw(st.sampled_from([1, 86400]))
    scale = 1 if tpd == 1 else draw(st.sampled_from([3600, 43200, 86400]))
    tt = draw(st.lists(st.integers(0, 16), min_size=n, max_size=n))
    x = np.array(gx, dtype=float) * step + 155000.0
    y = np.array(gy, dtype=float) * step + 463000.0
    t = np.array(tt, dtype=np.int64) * scale + 17000 * tpd
    assume(not (np.all(x == x[0]) and np.all(y == y[0])))
    assume(not np.all(t == t[0]))
    return x, y, t, tpd


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=inputs(),
    sb=band_sets(EDGE_POOL),
    tb=band_sets(DAY_POOL),
    metric=st.sampled_from(["manhattan", "euclidean"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_fast_equals_brute_force(data, sb, tb, metric, seed):
    x, y, t, tpd = data
    nrep = 6
    res = knox_test(
        x,
        y,
        t,
        sb,
        tb,
        metric=metric,
        nrep=nrep,
        seed=seed,
        ticks_per_day=tpd,
        keep_simulations=True,
    )
    np.testing.assert_array_equal(res.observed, brute_table(x, y, t, sb, tb, metric, tpd))
    rng = np.random.default_rng(seed)
    for r in range(nrep):
        tp = t[rng.permutation(len(t))]
        np.testing.assert_array_equal(
            res.simulations[r], brute_table(x, y, tp, sb, tb, metric, tpd)
        )
    sims = res.simulations
    np.testing.assert_allclose(res.p_values, ((sims >= res.observed).sum(axis=0) + 1) / 7)


def test_single_incident_is_refused():
    with pytest.raises(HicError, match="minstens twee"):
        knox_test(np.array([1.0]), np.array([2.0]), np.array([3]), Bands((0, 1)), Bands((0, 1)))


def test_identical_points_are_refused():
    x = np.full(5, 100.0)
    with pytest.raises(HicError, match="hetzelfde punt"):
        knox_test(x, x, np.arange(5), Bands((0, 1, 100)), Bands((0, 7)))


def test_identical_times_are_refused():
    x = np.arange(5, dtype=float)
    with pytest.raises(HicError, match="hetzelfde tijdstip"):
        knox_test(x, x, np.zeros(5, dtype=int), Bands((0, 1, 100)), Bands((0, 7)))


@pytest.mark.parametrize("edges", [(0,), (0, 0), (10, 5), (0, math.inf, 5), (-1, 3), (0, math.nan)])
def test_bad_edges_are_refused(edges):
    with pytest.raises(HicError):
        Bands(tuple(float(e) for e in edges))
