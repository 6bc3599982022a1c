"""Brute force over all pairs versus the fast Knox test, on random small inputs.

The brute force here is written independently: a double loop over all pairs with R ``cut``
semantics spelled out as comparisons (plus the point band ``0, 0``), distances in float64 or,
for the Near Repeat Calculator's arithmetic, in numpy float32 scalars, and the documented
permutation contract re-implemented in plain Python integers (keys from
``numpy.random.PCG64(seed).random_raw``, SplitMix64, Fisher-Yates with multiply-shift).
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import permutations as all_orders

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hicmonitor.analysis.nearrepeat import Bands, knox_test, nrc_bands, permutations
from hicmonitor.errors import HicError

MASK = 2**64 - 1


def splitmix_permutation(key: int, n: int) -> list[int]:
    """The documented permutation of one replicate, in plain Python."""
    perm = list(range(n))
    state = int(key)
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        j = (z * (i + 1)) >> 64
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def reference_permutations(seed: int, nrep: int, n: int) -> list[list[int]]:
    keys = np.random.PCG64(seed).random_raw(nrep)
    return [splitmix_permutation(int(k), n) for k in keys]


def cut_index(v: float, edges, closed: str, include_lowest: bool) -> int | None:
    if len(edges) > 2 and edges[0] == 0 and edges[1] == 0:  # the point band
        if v == 0:
            return 0
        rest = cut_index(v, edges[1:], closed, include_lowest)
        return None if rest is None else rest + 1
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


def pair_distance(xi, yi, xj, yj, metric: str, single: bool) -> float:
    if single:
        dx = np.float32(xi) - np.float32(xj)
        dy = np.float32(yi) - np.float32(yj)
        if metric == "manhattan":
            d = abs(dx) + abs(dy)
        else:
            d = np.sqrt(dx * dx + dy * dy)
        assert d.dtype == np.float32
        return float(d)
    dx, dy = xi - xj, yi - yj
    return abs(dx) + abs(dy) if metric == "manhattan" else math.sqrt(dx * dx + dy * dy)


def brute_table(x, y, t, sb: Bands, tb: Bands, metric: str, tpd: int, single=False):
    table = np.zeros((sb.n, tb.n), dtype=np.int64)
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            d = pair_distance(x[i], y[i], x[j], y[j], metric, single)
            g = abs(int(t[i]) - int(t[j])) / tpd
            s = cut_index(d, sb.edges, sb.closed, sb.include_lowest)
            u = cut_index(g, tb.edges, tb.closed, tb.include_lowest)
            if s is not None and u is not None:
                table[s, u] += 1
    return table


EDGE_POOL = [0.1, 0.5, 1.0, 50.0, 70.0, 100.0, 120.0, 150.0, 200.0, 300.0]
DAY_POOL = [0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0]


@st.composite
def band_sets(draw, pool):
    edges = sorted(draw(st.sets(st.sampled_from(pool), min_size=1, max_size=4)))
    first = draw(st.sampled_from(["zero", "point", "none"]))
    if first == "zero":
        edges = [0.0, *edges]
    elif first == "point":  # a band of exactly 0: same location / same moment
        edges = [0.0, 0.0, *edges]
    elif len(edges) < 2:
        edges = [0.0, *edges]
    if draw(st.booleans()):
        edges.append(math.inf)
    return Bands(
        tuple(edges),
        closed=draw(st.sampled_from(["left", "right"])),
        include_lowest=draw(st.booleans()),
    )


@st.composite
def inputs(draw):
    n = draw(st.integers(2, 16))
    # a coarse grid: ties, identical points and distances exactly on band edges; a large offset
    # with a fractional part, so that float32 rounding moves distances across edges; and
    # near-duplicates a few centimetres to half a metre apart (distance 0 versus tiny distances)
    step = draw(st.sampled_from([10.0, 25.0, 50.0, 0.1, 100.0 / 3]))
    gx = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    gy = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    jitter = draw(
        st.lists(st.sampled_from([0.0, 0.0, 0.0, 0.01, 0.02, 0.3, 0.56]), min_size=n, max_size=n)
    )
    ox = draw(st.sampled_from([155000.0, 348018.932322266, 351048.6]))
    oy = draw(st.sampled_from([463000.0, 585386.333409594, 575625.9]))
    tpd = draw(st.sampled_from([1, 86400]))
    scale = 1 if tpd == 1 else draw(st.sampled_from([3600, 43200, 86400]))
    tt = draw(st.lists(st.integers(0, 16), min_size=n, max_size=n))
    x = np.array(gx, dtype=float) * step + ox + np.array(jitter)
    y = np.array(gy, dtype=float) * step + oy
    t = np.array(tt, dtype=np.int64) * scale + 17000 * tpd
    assume(not (np.all(x == x[0]) and np.all(y == y[0])))
    assume(not np.all(t == t[0]))
    return x, y, t, tpd


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=inputs(),
    sb=band_sets(EDGE_POOL),
    tb=band_sets(DAY_POOL),
    metric=st.sampled_from(["manhattan", "euclidean"]),
    single=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_fast_equals_brute_force(data, sb, tb, metric, single, seed):
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
        single_precision=single,
    )
    np.testing.assert_array_equal(res.observed, brute_table(x, y, t, sb, tb, metric, tpd, single))
    for r, perm in enumerate(reference_permutations(seed, nrep, len(t))):
        tp = t[np.array(perm)]
        np.testing.assert_array_equal(
            res.simulations[r], brute_table(x, y, tp, sb, tb, metric, tpd, single)
        )
    sims = res.simulations
    np.testing.assert_allclose(res.p_values, ((sims >= res.observed).sum(axis=0) + 1) / 7)
    assert res.seed == seed and not res.seed_drawn


@settings(max_examples=60, deadline=None)
@given(
    w=st.sampled_from([1, 2, 50, 100, 150, 200]),
    ns=st.integers(1, 4),
    d=st.sampled_from([1, 2, 3, 7, 14]),
    nt=st.integers(1, 4),
    data=inputs(),
)
def test_nrc_rules_against_a_literal_reading(w, ns, d, nt, data):
    """The Near Repeat Calculator's rules, read literally: Same location iff the float32
    distance is 0; 'a to b' holds a-1 <= d < b; 'More than' holds the rest; days likewise."""
    x, y, t, _ = data
    t = t // 86400 if t.max() > 10**6 else t  # the NRC reads dates: whole days
    assume(not np.all(t == t[0]))
    space, time = nrc_bands(w, ns, d, nt)
    res = knox_test(x, y, t, space, time, nrep=1, seed=1, single_precision=True)
    table = np.zeros((ns + 2, nt + 1), dtype=np.int64)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dist = pair_distance(x[i], y[i], x[j], y[j], "manhattan", True)
            row = 0 if dist == 0 else min(int(dist // w) + 1, ns + 1)
            col = min(abs(int(t[i]) - int(t[j])) // d, nt)
            table[row, col] += 1
    np.testing.assert_array_equal(res.observed, table)
    assert res.observed.sum() == len(x) * (len(x) - 1) // 2


def test_permutations_follow_the_documented_contract():
    got = list(permutations(50, 4, 123))
    assert [p.tolist() for p in got] == reference_permutations(123, 4, 50)
    # replicate k does not depend on the number of replicates asked for
    assert [p.tolist() for p in permutations(50, 2, 123)] == [p.tolist() for p in got[:2]]


def test_permutations_are_uniform():
    """All 24 orders of 4 events appear about equally often (chi-square, 24,000 replicates)."""
    counts = Counter(tuple(p) for p in permutations(4, 24_000, 7))
    assert set(counts) == set(all_orders(range(4)))
    chi2 = sum((c - 1000) ** 2 / 1000 for c in counts.values())
    assert chi2 < 49.7  # the 0.999 quantile of chi-square with 23 degrees of freedom


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


@pytest.mark.parametrize(
    "edges",
    [(0,), (0, 0), (10, 5), (0, math.inf, 5), (-1, 3), (0, math.nan), (0, 5, 5), (0, 0, 0, 5)],
)
def test_bad_edges_are_refused(edges):
    with pytest.raises(HicError):
        Bands(tuple(float(e) for e in edges))


def test_point_band_labels_and_index():
    b = Bands((0.0, 0.0, 100.0, math.inf))
    assert b.interval_labels() == ("[0; 0]", "(0; 100)", "[100; ∞)")
    np.testing.assert_array_equal(b.index(np.array([0.0, 1e-9, 0.56, 100.0, 5e5])), [0, 1, 1, 2, 2])
    r = Bands((0.0, 0.0, 100.0), closed="right", include_lowest=True)
    assert r.interval_labels() == ("[0; 0]", "(0; 100]")
    np.testing.assert_array_equal(r.index(np.array([0.0, 100.0, 100.5])), [0, 1, -1])


def test_many_temporal_bands_against_brute_force():
    """More band boundaries than share one packed counter (three per 32-bit lane)."""
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 300, 60), rng.uniform(0, 300, 60)
    t = rng.integers(0, 40, 60)
    sb = Bands((0.0, 0.0, 50.0, 100.0, 200.0, math.inf))
    tb = Bands(tuple(float(d) for d in range(0, 23, 2)) + (math.inf,))
    res = knox_test(x, y, t, sb, tb, nrep=3, seed=9, keep_simulations=True)
    np.testing.assert_array_equal(res.observed, brute_table(x, y, t, sb, tb, "manhattan", 1))
    for r, perm in enumerate(reference_permutations(9, 3, len(t))):
        np.testing.assert_array_equal(
            res.simulations[r], brute_table(x, y, t[np.array(perm)], sb, tb, "manhattan", 1)
        )


def test_temporal_edges_of_years_in_seconds_need_no_table_of_all_gaps():
    """Edges of ten years with times in seconds: 3e8 possible gaps, none of them tabulated."""
    rng = np.random.default_rng(2)
    n = 40
    x, y = rng.uniform(0, 100, n), rng.uniform(0, 100, n)
    t = rng.integers(0, 20 * 365 * 86400, n)
    tb = Bands((0.0, 0.5, 365.0, 3650.0, math.inf))
    sb = Bands((0.0, 50.0, math.inf))
    res = knox_test(x, y, t, sb, tb, nrep=2, seed=1, ticks_per_day=86400, keep_simulations=True)
    np.testing.assert_array_equal(res.observed, brute_table(x, y, t, sb, tb, "manhattan", 86400))
    perm = np.array(reference_permutations(1, 1, n)[0])
    np.testing.assert_array_equal(
        res.simulations[0], brute_table(x, y, t[perm], sb, tb, "manhattan", 86400)
    )
