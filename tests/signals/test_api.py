"""detect_signals on tidy frames: real data, R's numbers through the frame API, and the
bad input of the issue (short series, zeros, gaps, bad counts, population 0)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hicmonitor.analysis.signals import (
    FarringtonControl,
    default_control,
    detect_signals,
    ears_c,
    farrington_flexible,
    make_control,
    nb_cusum,
)
from hicmonitor.errors import InputError

from .rfixtures import farrington_control, series, table

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def yearly() -> pd.DataFrame:
    d = pd.read_csv(
        REPO / "data" / "nl" / "registered_crime_gemeente_yearly.csv", dtype={"crime_code": str}
    )
    return d.rename(columns={"crime_code": "category", "registered_crimes": "count"})


def _nl_frame(names: list[str]) -> pd.DataFrame:
    """The Dutch fixture series as a tidy frame (year, count, inhabitants)."""
    parts = []
    for name in names:
        s = series(name)
        _, gm, code = name.split("_")
        parts.append(
            pd.DataFrame(
                {
                    "region_code": gm,
                    "category": code,
                    "year": 2011 + s["t"].to_numpy(),
                    "count": s["observed"].to_numpy(),
                    "inhabitants": s["population"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("setting", ["yearly", "yearly_pop", "yearly_muan"])
def test_frame_api_gives_r_numbers(setting):
    """Through the frame API, the Dutch series give R's upper bounds and alarms wherever R
    reports them (limit54 met); elsewhere a Dutch reason."""
    far = table("farrington")
    runs = far[far["setting"] == setting]
    frame = _nl_frame(sorted(runs["series"].unique()))
    ctl = farrington_control(setting)
    out = detect_signals(frame, control=ctl, period="year")
    assert len(out) == len(frame)
    runs = runs.assign(
        region_code=runs["series"].str.split("_").str[1],
        category=runs["series"].str.split("_").str[2],
        period=2011 + runs["t"],
    )
    merged = out.merge(runs, on=["region_code", "category", "period"], suffixes=("", "_r"))
    assert len(merged) == len(runs)
    has_r = merged["upperbound_r"].notna()
    np.testing.assert_allclose(
        merged.loc[has_r, "upperbound"], merged.loc[has_r, "upperbound_r"], rtol=1e-6
    )
    np.testing.assert_array_equal(merged["alarm"], merged["alarm_r"])
    # where R has no upper bound: a Dutch reason and no bound either
    assert merged.loc[~has_r, "reason"].notna().all()
    assert merged.loc[~has_r, "upperbound"].isna().all()
    assert merged.loc[has_r, "reason"].isna().all()
    reasons = set(merged.loc[~has_r, "reason"])
    assert reasons <= {
        f"minder dan {ctl.limit54[0]} gevallen in "
        + ("deze periode" if ctl.limit54[1] == 1 else f"de laatste {ctl.limit54[1]} jaar")
        + " (te weinig voor een alarm)",
        "alleen nullen in deze reeks",
        "geen bovengrens te berekenen",
    }
    # years before the baseline is complete
    early = out[out["period"] < 2012 + ctl.b + ctl.w]
    short = early["reason"].eq(f"te kort voor een basislijn van {ctl.b} jaar")
    assert (short | early["reason"].eq("alleen nullen in deze reeks")).all()
    assert short.mean() > 0.9


def test_all_municipalities_yearly(yearly):
    out = detect_signals(yearly, period="year")
    assert len(out) == len(yearly)
    assert set(out.columns) >= {
        "region_code",
        "category",
        "period",
        "observed",
        "expected",
        "upperbound",
        "alarm",
        "score",
        "reason",
        "provisional",
    }
    ctl = default_control("farrington", "year")
    assert out.loc[out["period"] < 2012 + ctl.b, "reason"].notna().all()
    scored = out[out["reason"].isna()]
    assert len(scored) > 10_000 and scored["upperbound"].gt(scored["expected"]).all()
    alarms = out[out["alarm"]]
    assert len(alarms) > 0
    assert (alarms["observed"] > alarms["upperbound"]).all() and (alarms["score"] > 1).all()
    # the same numbers as the array function on one series
    one = yearly[(yearly.region_code == "GM0855") & (yearly.category == "1.1.1")]
    res = farrington_flexible(one["count"].to_numpy(float), freq=1, control=ctl)
    got = out[(out.region_code == "GM0855") & (out.category == "1.1.1")].iloc[ctl.b :]
    ok = res.enough_cases[:, 0]
    np.testing.assert_allclose(got["upperbound"].to_numpy()[ok], res.upperbound[ok, 0])
    np.testing.assert_array_equal(got["alarm"].to_numpy(), res.alarm[:, 0])


def test_weekly_dates_and_periods_filter():
    """Weekly series given as dates: the frequency is inferred and R's numbers come out
    (salmNewport, the Noufaily setting)."""
    s = series("newport")
    weeks = pd.date_range("2004-01-05", periods=len(s), freq="7D")
    frame = pd.DataFrame(
        {
            "region_code": "DE",
            "category": "newport",
            "period": weeks,
            "count": s["observed"].to_numpy(),
        }
    )
    r = table("farrington")
    r = r[(r.series == "newport") & (r.setting == "noufaily")]
    out = detect_signals(frame, control=farrington_control("noufaily"))
    got = out.iloc[r["t"].to_numpy() - 1]
    has = r["upperbound"].notna().to_numpy()
    np.testing.assert_allclose(
        got["upperbound"].to_numpy()[has], r["upperbound"].to_numpy()[has], rtol=1e-6
    )
    np.testing.assert_array_equal(got["alarm"].to_numpy(), r["alarm"].to_numpy())
    last = detect_signals(frame, control=farrington_control("noufaily"), periods=[weeks[-1]])
    assert len(last) == 1 and last["period"].iloc[0] == weeks[-1]


def test_monthly_text_periods():
    s = series("rota_0004")
    months = [f"{2002 + i // 12}-{i % 12 + 1:02d}" for i in range(len(s))]
    frame = pd.DataFrame(
        {
            "region_code": "BB",
            "category": "rota",
            "period": months,
            "count": s["observed"].to_numpy(),
        }
    )
    out = detect_signals(frame, control=farrington_control("muan"))
    ref = farrington_flexible(s["observed"].to_numpy(), freq=12, control=farrington_control("muan"))
    ok = ref.enough_cases[:, 0]
    np.testing.assert_allclose(out["upperbound"].to_numpy()[ref.index][ok], ref.upperbound[ok, 0])
    assert out["reason"].iloc[0] == "te kort voor een basislijn van 3 jaar"


def test_short_series_zeros_and_gap(yearly):
    b = default_control("farrington", "year").b
    one = yearly[(yearly.region_code == "GM0855") & (yearly.category == "1.1.1")]
    short = one[one.year > 2025 - b]
    out = detect_signals(short, period="year")
    assert out["reason"].eq(f"te kort voor een basislijn van {b} jaar").all()
    assert not out["alarm"].any()
    zeros = one.assign(count=0, region_code="GM9999")
    out = detect_signals(pd.concat([one, zeros]), period="year")
    z = out[out.region_code == "GM9999"]
    assert z["reason"].eq("alleen nullen in deze reeks").all()
    assert z["expected"].isna().all() and not z["alarm"].any()
    gap = one[one.year != 2019]
    out = detect_signals(gap, period="year")
    assert len(out) == len(one)  # the missing year comes back as a row
    row = out[out.period == 2019].iloc[0]
    assert np.isnan(row["observed"]) and row["reason"] == "geen cijfer voor deze periode"
    # 2019 lies in the baseline of 2020 .. 2019 + b, not in later ones
    inside = out.period.between(2020, 2019 + b)
    assert out.loc[inside, "note"].eq("basislijn zonder 2019 (geen cijfer)").all()
    assert out.loc[out.period > 2019 + b, "note"].isna().all()
    assert out.loc[out.period >= 2020, "expected"].notna().all()


@pytest.mark.parametrize(
    ("value", "words"),
    [(-3, "negatief aantal"), (2.5, "geen geheel aantal"), ("veel", "geen getal")],
)
def test_bad_counts_raise_dutch_errors(yearly, value, words):
    one = yearly[(yearly.region_code == "GM0855") & (yearly.category == "1.1.1")].copy()
    one["count"] = one["count"].astype(object)
    one.iloc[4, one.columns.get_loc("count")] = value
    with pytest.raises(InputError) as err:
        detect_signals(one, period="year", source="cijfers.csv")
    msg = str(err.value)
    assert msg.startswith("cijfers.csv, regel 6, veld 'count'") and words in msg and "GM0855" in msg


def test_duplicates_and_missing_columns(yearly):
    one = yearly[(yearly.region_code == "GM0855") & (yearly.category == "1.1.1")]
    with pytest.raises(InputError, match="staat twee keer"):
        detect_signals(pd.concat([one, one.iloc[[3]]]), period="year")
    with pytest.raises(InputError, match="kolom 'aantal' ontbreekt"):
        detect_signals(one, period="year", count="aantal")
    with pytest.raises(InputError, match="bevolkingscorrectie"):
        detect_signals(one, period="year", control={"population_offset": True})


def test_population_zero_with_offset():
    frame = _nl_frame(["nl_GM0855_1.1.1", "nl_GM0363_1.1.1"])
    frame.loc[(frame.region_code == "GM0855") & (frame.year == 2019), "inhabitants"] = 0
    out = detect_signals(
        frame, period="year", control={"population_offset": True, "limit54": [0, 1]}
    )
    tilburg = out[out.region_code == "GM0855"].set_index("period")
    b = default_control("farrington", "year").b
    # 2019 is the monitored year itself, or in the baseline of 2020 .. 2019 + b
    for year in (2019, 2020, 2019 + b):
        assert tilburg.loc[year, "reason"] == (
            "geen inwonertal voor 2019: met bevolkingscorrectie geen signaal"
        )
        assert np.isnan(tilburg.loc[year, "upperbound"])
    assert pd.isna(tilburg.loc[2020 + b, "reason"])
    assert out[out.region_code == "GM0363"]["reason"].iloc[b:].isna().all()


def test_ears_and_cusum_through_the_frame(yearly):
    one = yearly[(yearly.region_code == "GM0363") & (yearly.category == "1.4.5")]
    y = one["count"].to_numpy(float)
    out = detect_signals(one, period="year", method="ears_c1")
    ctl = default_control("ears_c1", "year")
    ref = ears_c(y, method="C1", baseline=ctl.baseline, alpha=ctl.alpha, min_sigma=ctl.min_sigma)
    np.testing.assert_allclose(out["upperbound"].to_numpy()[ref.index], ref.upperbound[:, 0])
    assert (
        out["reason"]
        .iloc[: ctl.baseline]
        .eq(f"te kort voor een basislijn van {ctl.baseline} jaar")
        .all()
    )
    out = detect_signals(one, period="year", method="cusum", control={"h": 2.0, "alpha": 0.0})
    mu0 = y[:5].mean()
    ref = nb_cusum(y[5:], mu0, theta=np.log(1.5), alpha=0.0, h=2.0)
    np.testing.assert_allclose(out["upperbound"].to_numpy()[5:], ref.upperbound[:, 0])
    np.testing.assert_array_equal(out["alarm"].to_numpy()[5:], ref.alarm[:, 0])


def test_controls():
    ctl = make_control("farrington", "jaar", {"noPeriods": 1, "alpha": 0.05})
    assert isinstance(ctl, FarringtonControl) and ctl.alpha == 0.05 and ctl.w == 0
    assert make_control("farrington", "week", None).no_periods == 10
    with pytest.raises(ValueError, match="unknown Farrington control option"):
        make_control("farrington", "year", {"bogus": 1})
    with pytest.raises(ValueError, match="onbekende methode"):
        make_control("shewhart", "year", None)


def test_empty_frame():
    empty = pd.DataFrame(columns=["region_code", "category", "year", "count"])
    out = detect_signals(empty, period="year")
    assert out.empty and "upperbound" in out.columns
