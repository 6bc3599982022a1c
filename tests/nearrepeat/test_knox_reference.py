"""The Knox test against published reference output.

* NearRepeat vignette (Steenbeek 2019) on ``chicago_be_month1.csv``: bands (0, 0.1, 200, 400,
  600) m × (0, 7, 14, 21) days, Manhattan, 999 permutations.
* Near Repeat Calculator 1.3 verbose output on the same file (shipped in NearRepeat's
  ``inst/extdata``): bandwidth 100 m × 3 bands, 7 days × 3 bands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hicmonitor.analysis.nearrepeat import bands, knox_test, nrc_bands

VIGNETTE_OBSERVED = np.array([[28, 5, 5], [141, 69, 27], [186, 140, 100], [237, 192, 128]])
VIGNETTE_RATIO = np.array(
    [[1.80, 0.40, 0.61], [1.41, 0.86, 0.52], [1.01, 0.95, 1.05], [0.98, 0.98, 1.01]]
)
NRC_OBSERVED = np.array(
    [
        [28, 5, 5, 2],
        [44, 13, 8, 4],
        [97, 56, 19, 16],
        [77, 67, 45, 20],
        [182194, 146149, 95237, 45879],
    ]
)


@pytest.fixture(scope="module")
def month1(incidents_dir):
    df = pd.read_csv(incidents_dir / "chicago_be_month1.csv", header=None, names=["x", "y", "d"])
    days = (pd.to_datetime(df["d"]) - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    return df["x"].to_numpy(), df["y"].to_numpy(), days


@pytest.fixture(scope="module")
def vignette(month1):
    x, y, t = month1
    return knox_test(
        x,
        y,
        t,
        bands([0, 0.1, 200, 400, 600]),
        bands([0, 7, 14, 21]),
        metric="manhattan",
        nrep=999,
        seed=1,  # any fixed seed; P(sim >= 28) is about 4e-5 per replicate
        keep_simulations=True,
    )


def test_vignette_observed_exact(vignette):
    np.testing.assert_array_equal(vignette.observed, VIGNETTE_OBSERVED)


def test_vignette_ratios_within_monte_carlo_error(vignette):
    sims = vignette.simulations
    mean = sims.mean(axis=0)
    se_mean = sims.std(axis=0, ddof=1) / np.sqrt(sims.shape[0])
    # both our ratio and the published one carry Monte Carlo error of the same size, plus the
    # published rounding to two decimals
    se_ratio = vignette.observed / mean**2 * se_mean * np.sqrt(2)
    diff = np.abs(vignette.knox_ratio - VIGNETTE_RATIO)
    assert np.all(diff <= 4 * se_ratio + 0.005), diff


def test_vignette_p_values(vignette):
    assert vignette.p_values[0, 0] == pytest.approx(0.001)
    assert vignette.p_values[1, 0] == pytest.approx(0.001)
    p = ((vignette.simulations >= vignette.observed).sum(axis=0) + 1) / 1000
    np.testing.assert_allclose(vignette.p_values, p)


def test_near_repeat_calculator_tables(month1):
    x, y, t = month1
    space, time = nrc_bands(100, 3, 7, 3)
    res = knox_test(x, y, t, space, time, nrep=19, seed=3)
    np.testing.assert_array_equal(res.observed, NRC_OBSERVED)
    assert space.display_labels() == (
        "Same location",
        "1 to 100",
        "101 to 200",
        "201 to 300",
        "More than 300",
    )
    assert time.display_labels() == ("0 to 7", "8 to 14", "15 to 21", "More than 21")
    # the open bands hold every remaining pair: the table sums to n(n-1)/2
    assert res.observed.sum() == len(x) * (len(x) - 1) // 2


def test_same_seed_same_result(month1):
    x, y, t = month1
    args = (x, y, t, bands([0, 100, 200, np.inf]), bands([0, 7, 14, np.inf]))
    a = knox_test(*args, nrep=49, seed=7, keep_simulations=True)
    b = knox_test(*args, nrep=49, seed=7, keep_simulations=True)
    c = knox_test(*args, nrep=49, seed=8, keep_simulations=True)
    np.testing.assert_array_equal(a.simulations, b.simulations)
    assert not np.array_equal(a.simulations, c.simulations)


def test_parallel_kernel_equals_serial(month1, monkeypatch):
    from hicmonitor.analysis import nearrepeat

    x, y, t = month1
    args = (x, y, t, bands([0, 1, 100, 300, np.inf]), bands([0, 3, 7, 14, np.inf]))
    monkeypatch.setattr(nearrepeat, "PARALLEL_MIN_WORK", 10**18)
    serial = knox_test(*args, nrep=70, seed=11, keep_simulations=True)
    monkeypatch.setattr(nearrepeat, "PARALLEL_MIN_WORK", 0)
    parallel = knox_test(*args, nrep=70, seed=11, keep_simulations=True)
    np.testing.assert_array_equal(serial.simulations, parallel.simulations)
    np.testing.assert_array_equal(serial.observed, parallel.observed)
