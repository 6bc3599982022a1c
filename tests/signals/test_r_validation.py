"""The ports against R's surveillance 1.20.3 itself (fixtures from r/make_fixtures.R).

Upper bounds agree to 1e-6 relative, alarms are identical, for every control setting and
series R was run on (farringtonFlexible: 11 settings covering every control option, on
salmonella.agona, salmNewport, campyDE, shadar, rotaBB and 64 Dutch yearly series; earsC
C1/C2/C3; glrnb with a fixed shift).
"""

from __future__ import annotations

import numpy as np
import pytest

from hicmonitor.analysis.signals import ears_c, farrington_flexible, nb_cusum

from .rfixtures import farrington_control, max_rel_diff, series, table

REL = 1e-6
SETTINGS = table("farrington_settings")["setting"].tolist()


def test_fixtures_cover_every_option():
    s = table("farrington_settings")
    assert len(s) >= 6
    assert (s["noPeriods"] > 1).any() and (s["noPeriods"] == 1).any()
    assert set(s["reweight"]) == {True, False} and set(s["trend"]) == {True, False}
    assert set(s["powertrans"]) == {"2/3", "1/2", "none"}
    assert set(s["thresholdMethod"]) == {"delta", "nbPlugin", "muan"}
    assert s["populationOffset"].any() and s["pastWeeksNotIncluded"].notna().any()
    assert (s["limit54_cases"] != 5).any() or (s["limit54_periods"] != 4).any()
    far = table("farrington")
    assert far["series"].str.startswith("nl_").any()  # yearly
    assert {"agona", "newport", "campy", "rota_0004"} <= set(far["series"])
    # every setting raises alarms and leaves periods without alarm somewhere
    assert far.groupby("setting")["alarm"].agg(["any", "all"]).eq([True, False]).all().all()


@pytest.mark.parametrize("setting", SETTINGS)
def test_farrington_flexible_matches_r(setting):
    far = table("farrington")
    runs = far[far["setting"] == setting]
    ctl = farrington_control(setting)
    for name, r in runs.groupby("series"):
        x = series(name)
        res = farrington_flexible(
            x["observed"].to_numpy(),
            freq=int(x["freq"].iloc[0]),
            control=ctl,
            range=r["t"].to_numpy() - 1,
            population=x["population"].to_numpy(),
        )
        ub = res.r_upperbound()[:, 0]
        r_ub = r["upperbound"].to_numpy()
        np.testing.assert_array_equal(np.isnan(ub), np.isnan(r_ub), err_msg=f"{name}: NA pattern")
        assert max_rel_diff(ub, r_ub) < REL, name
        np.testing.assert_array_equal(res.alarm[:, 0], r["alarm"].to_numpy(), err_msg=name)
        assert max_rel_diff(res.r_expected()[:, 0], r["expected"].to_numpy()) < REL, name
        # R's score and p-value; near zero a relative difference means little
        for ours, theirs in ((res.score_r[:, 0], r["score"]), (res.pvalue[:, 0], r["pvalue"])):
            theirs = theirs.to_numpy()
            both = ~np.isnan(ours) & ~np.isnan(theirs)
            assert np.allclose(ours[both], theirs[both], rtol=REL, atol=1e-9), name
        np.testing.assert_array_equal(res.trend[:, 0], r["trend"].to_numpy() == 1, err_msg=name)


def test_shared_reference_control1():
    """R's output for the help page's control1 on weeks 282-312 of salmonella.agona (the
    reference of the issue, copied to fixtures/control1_expected.csv)."""
    ref = table("control1_expected")
    x = series("agona")
    res = farrington_flexible(
        x["observed"].to_numpy(),
        freq=52,
        control=farrington_control("control1"),
        range=ref["week"] - 1,
    )
    assert max_rel_diff(res.r_upperbound()[:, 0], ref["upperbound"].to_numpy()) < REL
    np.testing.assert_array_equal(res.alarm[:, 0], ref["alarm"].to_numpy())


@pytest.mark.parametrize("setting", table("ears_settings")["setting"].tolist())
def test_ears_matches_r(setting):
    ctl = table("ears_settings").set_index("setting").loc[setting]
    e = table("ears")
    for name, r in e[e["setting"] == setting].groupby("series"):
        x = series(name)["observed"].to_numpy()
        res = ears_c(
            x,
            method=ctl["method"],
            baseline=int(ctl["baseline"]),
            alpha=None if np.isnan(ctl["alpha"]) else float(ctl["alpha"]),
            min_sigma=float(ctl["minSigma"]),
            range=r["t"].to_numpy() - 1,
        )
        ub, r_ub = res.upperbound[:, 0], r["upperbound"].to_numpy()
        np.testing.assert_array_equal(np.isnan(ub), np.isnan(r_ub))
        assert max_rel_diff(ub, r_ub) < REL, name
        known = r["alarm"].notna().to_numpy()
        np.testing.assert_array_equal(
            res.alarm[known, 0], r["alarm"].to_numpy()[known].astype(bool)
        )


def test_cusum_matches_r():
    c = table("cusum")
    alarms = 0
    for (setting, name), r in c.groupby(["setting", "series"]):
        first = r.iloc[0]
        x = series(name).set_index("t").loc[r["t"], "observed"].to_numpy()
        res = nb_cusum(
            x, r["mu0"].to_numpy(), theta=first["theta"], alpha=first["alpha"], h=first["c_ARL"]
        )
        assert max_rel_diff(res.upperbound[:, 0], r["upperbound"].to_numpy()) < REL, (setting, name)
        np.testing.assert_array_equal(
            res.alarm[:, 0], r["alarm"].to_numpy(), err_msg=f"{setting} {name}"
        )
        alarms += int(r["alarm"].sum())
    assert alarms >= 10  # the restart after an alarm is exercised
