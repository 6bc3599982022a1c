"""The trend table against values computed directly from the raw CSV files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from hicmonitor.analysis import trends
from hicmonitor.errors import HicError
from tests.trends import raw


def _rows(table: pd.DataFrame, cat: str, region: str) -> dict[int, pd.Series]:
    part = table[(table["category"] == cat) & (table["region_code"] == region)]
    return {int(r["year"]): r for _, r in part.iterrows()}


@pytest.mark.parametrize("cat", ["woninginbraak", "straatroof", "overval", "geweld"])
def test_national_counts_changes_and_index(full_analysis, cat: str) -> None:
    expected = raw.national()[cat]
    rows = _rows(full_analysis.table, cat, "NL01")
    assert sorted(rows) == sorted(expected)
    for year, count in expected.items():
        r = rows[year]
        assert r["count"] == count
        assert r["index"] == pytest.approx(count / expected[2019] * 100)
        assert bool(r["covid"]) == (year in (2020, 2021))
        if year - 1 in expected:
            prev = expected[year - 1]
            assert r["change_abs"] == count - prev
            assert r["change_pct"] == pytest.approx((count - prev) / prev * 100)
        else:
            assert math.isnan(r["change_pct"]) and r["change_note"]


def test_municipal_rate_per_1000(full_analysis) -> None:
    pop = raw.population_today()["GM0363"]  # with Weesp before the merger of 2022
    series = raw.municipal()[("woninginbraak", "GM0363")]
    rows = _rows(full_analysis.table, "woninginbraak", "GM0363")
    for year, count in series.items():
        assert rows[year]["rate_per_1000"] == pytest.approx(count / pop[year] * 1000)


def test_national_rate_uses_sum_of_municipalities(full_analysis) -> None:
    total = sum(p[2019] for code, p in raw.population().items() if 2019 in p)
    r = _rows(full_analysis.table, "woninginbraak", "NL01")[2019]
    assert r["rate_per_1000"] == pytest.approx(raw.national()["woninginbraak"][2019] / total * 1000)


def test_baseline_mean_of_years(frames) -> None:
    sub = frames.counts[frames.counts["region_code"] == "NL01"]
    t = trends.yearly_trends(sub, baseline="2017-2019")
    s = raw.national()["overval"]
    base = (s[2017] + s[2018] + s[2019]) / 3
    r = _rows(t, "overval", "NL01")[2023]
    assert r["baseline_count"] == pytest.approx(base)
    assert r["index"] == pytest.approx(s[2023] / base * 100)


def _glm(years: list[int], counts: list[int]) -> tuple[float, float]:
    x = sm.add_constant(np.array(years, dtype=float) - 2015.5)
    fit = sm.GLM(np.array(counts, dtype=float), x, family=sm.families.Poisson()).fit()
    return float(fit.params[0]), float(fit.params[1])


@pytest.mark.parametrize(
    "cat,region",
    [
        ("woninginbraak", "NL01"),
        ("geweld", "NL01"),
        ("overval", "NL01"),
        ("woninginbraak", "GM0363"),
        ("geweld", "GM0088"),  # small counts, including zeros
        ("woninginbraak", "GM0096"),
    ],
)
def test_prepandemic_fit_matches_statsmodels_glm(frames, cat: str, region: str) -> None:
    series = raw.national()[cat] if region == "NL01" else raw.municipal()[(cat, region)]
    years = [y for y in sorted(series) if 2012 <= y <= 2019]
    a, b = _glm(years, [series[y] for y in years])
    sub = frames.counts[
        (frames.counts["region_code"] == region) & (frames.counts["category"] == cat)
    ]
    fit = trends.prepandemic_fits(sub).iloc[0]
    assert fit["intercept"] == pytest.approx(a, rel=1e-7, abs=1e-8)
    assert fit["slope"] == pytest.approx(b, rel=1e-7, abs=1e-8)
    t = trends.yearly_trends(sub)
    r2021 = _rows(t, cat, region)[2021]
    expected = math.exp(a + b * (2021 - 2015.5))
    assert r2021["trend_expected"] == pytest.approx(expected, rel=1e-6)
    assert r2021["trend_deviation_pct"] == pytest.approx((series[2021] - expected) / expected * 100)


def _frame(values: dict[int, int], region: str = "GM9999") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": "woninginbraak",
            "region_code": region,
            "year": list(values),
            "count": list(values.values()),
            "provisional": False,
        }
    )


def test_zeros_and_missing_population_never_divide_by_zero() -> None:
    counts = _frame({2018: 0, 2019: 0, 2020: 3, 2021: 0})
    pop = pd.DataFrame({"region_code": "GM9999", "year": [2019, 2020], "inhabitants": [0, 1000]})
    t = trends.yearly_trends(counts, pop)
    by = {int(r["year"]): r for _, r in t.iterrows()}
    assert (
        math.isnan(by[2020]["change_pct"]) and by[2020]["change_note"] == trends.NOTE_PREVIOUS_ZERO
    )
    assert by[2021]["change_pct"] == -100.0
    assert math.isnan(by[2020]["index"]) and by[2020]["index_note"] == trends.NOTE_BASELINE_ZERO
    assert (
        math.isnan(by[2019]["rate_per_1000"])
        and by[2019]["rate_note"] == trends.NOTE_ZERO_POPULATION
    )
    assert by[2020]["rate_per_1000"] == pytest.approx(3.0)
    assert (
        math.isnan(by[2018]["rate_per_1000"]) and by[2018]["rate_note"] == trends.NOTE_NO_POPULATION
    )
    fits = trends.prepandemic_fits(counts)
    assert math.isnan(fits["slope"].iloc[0]) and fits["note"].iloc[0]
    assert np.isfinite(t["trend_deviation_pct"]).sum() == 0


def test_gap_year_gives_no_change() -> None:
    t = trends.yearly_trends(_frame({2017: 10, 2019: 20}))
    r = t[t["year"] == 2019].iloc[0]
    assert math.isnan(r["change_abs"]) and r["change_note"] == trends.NOTE_NO_PREVIOUS


def test_monthly_change_on_same_month_a_year_earlier() -> None:
    periods = pd.date_range("2022-01-01", "2023-12-01", freq="MS")
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 30, len(periods))
    frame = pd.DataFrame(
        {"category": "straatroof", "region_code": "NL01", "period": periods, "count": counts}
    )
    m = trends.monthly_trends(frame)
    by = {(p.year, p.month): c for p, c in zip(periods, counts, strict=True)}
    for r in m.itertuples():
        if r.year == 2022:
            assert math.isnan(r.change_abs)
        else:
            prev = by[(r.year - 1, r.month)]
            assert r.change_abs == by[(r.year, r.month)] - prev
            if prev:
                assert r.change_pct == pytest.approx((by[(r.year, r.month)] - prev) / prev * 100)


@pytest.mark.parametrize(
    "spec,years",
    [
        (None, (2019,)),
        (2018, (2018,)),
        ("2019", (2019,)),
        ("2017-2019", (2017, 2018, 2019)),
        ("2017 – 2019", (2017, 2018, 2019)),
        ([2019, 2017], (2017, 2019)),
    ],
)
def test_parse_baseline(spec, years) -> None:
    assert trends.parse_baseline(spec).years == years


@pytest.mark.parametrize("spec", ["vorig jaar", "2019-2017", "19"])
def test_parse_baseline_rejects(spec) -> None:
    with pytest.raises(HicError, match="basisjaar"):
        trends.parse_baseline(spec)


def test_check_year_names_the_years_that_exist(frames) -> None:
    nl = frames.counts[frames.counts["region_code"] == "NL01"]
    with pytest.raises(HicError, match="2012–2023"):
        trends.check_year(nl, 2030)
