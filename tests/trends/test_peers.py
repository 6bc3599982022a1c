"""Peer comparison: size classes, ranks and percentiles by brute force, exact intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from hicmonitor.analysis import peers
from tests.trends import raw


def test_size_classes_cover_all_sizes_without_gaps() -> None:
    classes = peers.size_classes()
    assert classes[0].min == 0 and classes[-1].max is None
    for a, b in zip(classes, classes[1:], strict=False):
        assert a.max == b.min
    for n in (0, 4999, 5000, 19999, 250000, 900000):
        assert sum(c.contains(n) for c in classes) == 1
    assert peers.size_class_of(924708).code == 8
    assert peers.size_class_of(4999).code == 1


def _expected_rr(a: int, e1: float, b: int, e2: float) -> tuple[float, float, float]:
    """Rate ratio with the exact conditional interval, via scipy's Clopper-Pearson."""
    ci = binomtest(a, a + b).proportion_ci(confidence_level=0.95, method="exact")
    lo = ci.low / (1 - ci.low) * e2 / e1
    hi = math.inf if ci.high >= 1 else ci.high / (1 - ci.high) * e2 / e1
    return (a / e1) / (b / e2) if b else math.inf, lo, hi


@pytest.mark.parametrize(
    "a,e1,b,e2",
    [
        (10, 1000, 100, 20000),
        (0, 1273, 9, 11522),
        (1781, 924708, 2521, 1602877),
        (3, 500, 0, 800),
        (1, 977, 8, 11818),
    ],
)
def test_rate_ratio_interval_matches_scipy(a, e1, b, e2) -> None:
    rr, lo, hi = peers.rate_ratio_ci(np.array([a]), np.array([e1]), np.array([b]), np.array([e2]))
    err, elo, ehi = _expected_rr(a, e1, b, e2)
    assert rr[0] == pytest.approx(err)
    assert lo[0] == pytest.approx(elo, rel=1e-6, abs=1e-12)
    assert hi[0] == pytest.approx(ehi, rel=1e-6)


def _rates(cat: str, year: int) -> dict[str, tuple[int, int]]:
    pop = raw.population()
    out = {}
    for code in raw.municipality_codes():
        out[code] = (raw.municipal()[(cat, code)][year], pop[code][year])
    return out


@pytest.mark.parametrize("cat", ["woninginbraak", "geweld"])
def test_peer_table_by_brute_force(full_analysis, cat: str) -> None:
    year = full_analysis.peer_year
    assert year == 2025  # the latest year with a population for every municipality
    data = _rates(cat, year)
    classes = peers.size_classes()

    def klass(n: int) -> int:
        return next(c.code for c in classes if n >= c.min and (c.max is None or n < c.max))

    table = full_analysis.peers[full_analysis.peers["category"] == cat].set_index("region_code")
    assert set(table.index) == set(raw.municipality_codes())
    rate = {c: a / e * 1000 for c, (a, e) in data.items()}
    for code in ["GM0363", "GM0796", "GM0088", "GM0518", "GM0014", "GM1680"]:
        r = table.loc[code]
        mine = rate[code]
        others = [rate[c] for c in data if c != code]
        assert r["rank_all"] == 1 + sum(x > mine for x in others)
        below = sum(x < mine for x in others) + 0.5 * sum(x == mine for x in others)
        assert r["percentile_all"] == pytest.approx(below / len(others) * 100)
        k = klass(data[code][1])
        assert r["size_class"] == k
        peers_k = [c for c in data if c != code and klass(data[c][1]) == k]
        assert r["n_class"] == len(peers_k) + 1
        b = sum(data[c][0] for c in peers_k)
        e2 = sum(data[c][1] for c in peers_k)
        err, elo, ehi = _expected_rr(data[code][0], data[code][1], b, e2)
        assert r["rr_class"] == pytest.approx(err)
        assert r["rr_class_lo"] == pytest.approx(elo, rel=1e-6, abs=1e-12)
        assert r["rr_class_hi"] == pytest.approx(ehi, rel=1e-6)
        expected_sig = "hoger" if elo > 1 else "lager" if ehi < 1 else "niet significant"
        assert r["sig_class"] == expected_sig


def test_significance_only_where_the_interval_says_so(full_analysis) -> None:
    t = full_analysis.peers
    higher = t["sig_class"] == "hoger"
    lower = t["sig_class"] == "lager"
    assert (t.loc[higher, "rr_class_lo"] > 1).all()
    assert (t.loc[lower, "rr_class_hi"] < 1).all()
    neither = ~(higher | lower)
    assert ((t.loc[neither, "rr_class_lo"] <= 1) & (t.loc[neither, "rr_class_hi"] >= 1)).all()
    assert higher.any() and lower.any() and neither.any()
