"""Repeat victimisation against a brute-force count."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hicmonitor.analysis.nearrepeat import event_times
from hicmonitor.analysis.repeat import location_keys, repeat_victimisation
from hicmonitor.errors import HicError
from hicmonitor.sources.incidents import read_incidents


def brute(keys, days, w):
    by = defaultdict(list)
    for k, d in zip(keys, days, strict=True):
        by[k].append(d)
    hit_locations = 0
    followed = 0
    for ds in by.values():
        ds = sorted(ds)
        gaps = [b - a for a, b in zip(ds, ds[1:], strict=False)]
        hit_locations += any(g <= w for g in gaps)
        followed += sum(g <= w for g in gaps)
    return hit_locations / len(by), followed / len(keys), len(by)


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(0, 5), min_size=1, max_size=40),
    data=st.data(),
)
def test_shares_match_brute_force(keys, data):
    days = data.draw(st.lists(st.integers(0, 400), min_size=len(keys), max_size=len(keys)))
    res = repeat_victimisation(np.array(keys), np.array(days))
    for w in (7, 28, 365):
        loc, inc, nloc = brute(keys, days, w)
        assert res.windows[w] == pytest.approx(loc)
        assert res.windows_incidents[w] == pytest.approx(inc)
        assert res.n_locations == nloc
    assert res.distribution["aantal"].sum() == len(keys) - res.n_locations


def test_exact_window_edge_counts(tmp_path):
    # a repeat exactly 7 days later counts for "within 7 days"; 8 days later does not
    res = repeat_victimisation(np.array(["a", "a", "b", "b"]), np.array([0, 7, 0, 8]))
    assert res.windows[7] == 0.5 and res.windows[28] == 1.0
    assert res.n_repeat_locations == 2


def test_on_chicago_month_identical_coordinates(incidents_dir):
    s = read_incidents(incidents_dir / "chicago_be_month1.csv")
    keys, kind = location_keys(s.frame)
    assert kind == "coördinaten"
    t, tpd = event_times(s.frame, s.precision)
    res = repeat_victimisation(keys, t, tpd)
    raw = pd.read_csv(incidents_dir / "chicago_be_month1.csv", header=None)
    days = (pd.to_datetime(raw[2]) - pd.Timestamp("2015-12-31")).dt.days
    loc, inc, nloc = brute(list(zip(raw[0], raw[1], strict=True)), list(days), 7)
    assert res.n_locations == nloc
    assert res.windows[7] == pytest.approx(loc)


def test_empty_is_refused():
    with pytest.raises(HicError):
        repeat_victimisation(np.array([]), np.array([]))
