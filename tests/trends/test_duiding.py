"""The duiding: facts computed independently from the raw CSV, correct Dutch, traceable numbers."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from hicmonitor.analysis import duiding as dm
from tests.trends import raw


def nl_int(n: float) -> str:
    return f"{round(n):,}".replace(",", ".")


def approx(p: float) -> str:
    """The rounding rule written out independently: whole %, "ruim"/"bijna" beyond 0.05."""
    p = abs(p)
    r = math.floor(p + 0.5)
    word = "ruim " if p - r > 0.05 else "bijna " if r - p > 0.05 else ""
    return f"{word}{r}%"


def test_national_woninginbraak_states_the_facts(full_analysis) -> None:
    s = raw.national()["woninginbraak"]
    d = full_analysis.duidingen[("woninginbraak", "NL01")]
    text = d.text
    # 2012-2019: the decline, with the log-linear trend checked against statsmodels
    years = list(range(2012, 2020))
    x = sm.add_constant(np.array(years, float))
    slope = (
        sm.GLM(np.array([s[y] for y in years], float), x, family=sm.families.Poisson())
        .fit()
        .params[1]
    )
    trend_pct = (math.exp(slope) - 1) * 100
    assert trend_pct < -2
    assert (
        f"Van 2012 tot en met 2019 daalde het aantal geregistreerde woninginbraken in Nederland "
        f"van {nl_int(s[2012])} naar {nl_int(s[2019])}: volgens de trend gemiddeld {approx(trend_pct)} per jaar."
    ) in text
    assert d.facts["trend_annual_change_pct"].value == pytest.approx(trend_pct, rel=1e-6)
    # the Covid years fell faster than that trend
    covid_pct = ((s[2021] / s[2019]) ** 0.5 - 1) * 100
    assert covid_pct < trend_pct - 1
    assert d.facts["covid_annual_change_pct"].value == pytest.approx(covid_pct)
    assert "In de coronajaren 2020 en 2021 daalde het aantal sneller dan de trend" in text
    assert (
        f"gemiddeld {approx(covid_pct)} per jaar, tegen {approx(trend_pct)} per jaar daarvoor"
        in text
    )
    # 2022 and 2023, each against the year before
    c22 = (s[2022] - s[2021]) / s[2021] * 100
    c23 = (s[2023] - s[2022]) / s[2022] * 100
    assert c22 > 2 and c23 < -2  # up, then down: a mixed picture
    assert f"in 2022 steeg het met {approx(c22)} tot {nl_int(s[2022])}" in text
    assert f"in 2023 daalde het met {approx(c23)} tot {nl_int(s[2023])}" in text
    # the level against 2019
    level = (s[2023] / s[2019] - 1) * 100
    assert (
        f"In 2023 lag het aantal ({nl_int(s[2023])}) {approx(level)} onder het niveau van 2019 "
        f"({nl_int(s[2019])})"
    ) in text
    # the lowest year
    low_year = min(s, key=s.get)
    assert low_year == 2023
    assert (
        f"Met {nl_int(s[2023])} woninginbraken is 2023 het laagste jaar van de reeks 2012–2023."
        in text
    )


def test_national_geweld_about_as_fast_and_above_the_trend(full_analysis) -> None:
    s = raw.national()["geweld"]
    d = full_analysis.duidingen[("geweld", "NL01")]
    covid_pct = ((s[2021] / s[2019]) ** 0.5 - 1) * 100
    trend = d.facts["trend_annual_change_pct"].value
    # geweld fell a little faster than its trend, but within the margin: "about as fast",
    # never "not faster" right after a fall that was in fact (slightly) faster
    assert trend - 1.0 < covid_pct < trend
    assert "ongeveer even snel" in d.text and "niet sneller" not in d.text
    assert f"gemiddeld {approx(covid_pct)} per jaar, tegen {approx(trend)} per jaar" in d.text
    # and 2021 lay above the extrapolated trend: said, not left out
    expected = d.facts["trend_expected_2021"].value
    assert s[2021] > expected
    dev = (s[2021] - expected) / expected * 100
    assert (
        f"In 2021 lag het met {nl_int(s[2021])} nog {approx(dev)} boven wat die trend liet "
        f"verwachten ({nl_int(expected)})"
    ) in d.text


def test_covid_years_slower_than_a_falling_trend() -> None:
    vals = {y: int(1000 * 0.85 ** (y - 2012)) for y in range(2012, 2020)}
    vals |= {2020: 300, 2021: 290, 2022: 300}
    d = dm.duiding(_series(vals), "woninginbraak", "GM9999")
    assert "daalde het aantal langzamer dan de trend" in d.text
    assert "boven wat die trend liet verwachten" in d.text


def test_covid_years_falling_against_a_rising_trend() -> None:
    vals = {y: int(500 * 1.05 ** (y - 2012)) for y in range(2012, 2020)}
    vals |= {2020: 600, 2021: 560, 2022: 650}
    d = dm.duiding(_series(vals, "geweld"), "geweld", "GM9999")
    assert "daalde het aantal met gemiddeld" in d.text
    assert "terwijl het vóór de pandemie volgens de trend met gemiddeld" in d.text
    assert "per jaar steeg" in d.text


def test_provisional_lowest_year_is_marked() -> None:
    vals = {y: 1000 - 20 * (y - 2012) for y in range(2012, 2025)}
    d = dm.duiding(_series(vals), "woninginbraak", "GM9999")
    assert "is 2024 (voorlopig cijfer) het laagste jaar" in d.text


def test_categories_open_with_different_sentences(full_analysis) -> None:
    openings = [
        " ".join(full_analysis.duidingen[(c, "NL01")].sentences[0].split()[:4])
        for c in ("woninginbraak", "straatroof", "overval", "geweld")
    ]
    assert len(set(openings)) == 4, openings
    afters = [
        full_analysis.duidingen[(c, "NL01")].sentences[3].split(":")[0]
        for c in ("woninginbraak", "straatroof", "overval", "geweld")
    ]
    assert len(set(afters)) == 4, afters


def test_months_to_date_sentence() -> None:
    vals = {y: 1000 - 20 * (y - 2012) for y in range(2012, 2023)}
    d = dm.duiding(_series(vals), "woninginbraak", "GM9999")
    dm.add_to_date(
        d, {"year": 2023, "last_month": 11, "count": 700, "prev_count": 800, "change_pct": -12.5}
    )
    assert d.sentences[-1] == (
        "In januari–november 2023 (voorlopige cijfers) registreerde de politie in GM9999 700 "
        "woninginbraken: bijna 13% minder dan in dezelfde maanden van 2022 (800)."
    )
    assert set(d.sentence_facts[-1]) >= {"to_date_count", "to_date_change_pct"}


def test_every_national_category_has_a_duiding(full_analysis) -> None:
    for cat in ("woninginbraak", "straatroof", "overval", "geweld"):
        d = full_analysis.duidingen[(cat, "NL01")]
        assert len(d.sentences) >= 4
        assert d.region_name == "Nederland"


@pytest.mark.parametrize(
    "value,text",
    [
        (42.4, "ruim 42%"),
        (41.7, "bijna 42%"),
        (42.0, "42%"),
        (42.04, "42%"),
        (-7.0, "-7%"),
        (0.3, "minder dan 1%"),
        (0.0, "0%"),
        (99.5, "bijna 100%"),
        (99.44, "ruim 99%"),
        (1234.6, "bijna 1.235%"),
    ],
)
def test_approx_percent(value: float, text: str) -> None:
    assert dm.approx_percent(value) == text


def _series(values: dict[int, int], cat: str = "woninginbraak") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": cat,
            "region_code": "GM9999",
            "year": list(values),
            "count": list(values.values()),
            "provisional": [y >= 2024 for y in values],
        }
    )


def test_rising_since_2022_and_not_back_at_2019() -> None:
    vals = {y: int(1000 * 0.9 ** (y - 2012)) for y in range(2012, 2020)}
    vals |= {2020: 300, 2021: 250, 2022: 300, 2023: 340, 2024: 380}
    d = dm.duiding(_series(vals), "woninginbraak", "GM9999", region_name="Testdorp")
    assert "Sinds 2022 stijgt het aantal weer" in d.text
    assert "in 2024 (voorlopig cijfer) steeg het" in d.text
    assert "ondanks de stijging is het niveau van vóór de pandemie nog niet terug" in d.text
    assert "in Testdorp" in d.text


def test_stable_threshold_is_configuration() -> None:
    vals = {y: 1000 - 5 * (y - 2012) for y in range(2012, 2024)}
    d = dm.duiding(_series(vals), "woninginbraak", "GM9999")
    assert "bleef het aantal geregistreerde woninginbraken in GM9999 vrijwel gelijk" in d.text
    strict = dataclasses.replace(dm.load_config(), stable_pct=0.1)
    d2 = dm.duiding(_series(vals), "woninginbraak", "GM9999", config=strict)
    assert "daalde het aantal geregistreerde woninginbraken" in d2.text


def test_small_series_gives_counts_and_plural_forms() -> None:
    vals = {y: 0 for y in range(2012, 2024)} | {2015: 1, 2020: 2}
    d = dm.duiding(_series(vals, "overval"), "overval", "GM9999")
    assert "is klein" in d.text and "%" not in d.text
    assert "werden in GM9999 geen overvallen geregistreerd" in d.text
    vals2 = {y: 30 for y in range(2012, 2024)} | {2019: 1}
    d2 = dm.duiding(_series(vals2, "geweld"), "geweld", "GM9999")
    assert "was 1 geweldsdelict, in 2019" in d2.text
    assert not re.search(
        r"\b1 (woninginbraken|geweldsdelicten|overvallen|straatroven)\b", d.text + d2.text
    )


def test_zero_baseline_is_explained_not_divided() -> None:
    vals = {y: 40 for y in range(2012, 2024)} | {2019: 0}
    d = dm.duiding(_series(vals), "woninginbraak", "GM9999")
    assert "In 2019 waren er in GM9999 geen woninginbraken" in d.text
    assert "inf" not in d.text and "nan" not in d.text.lower()


def test_baseline_mean_in_words() -> None:
    vals = {y: 100 + y - 2012 for y in range(2012, 2024)}
    d = dm.duiding(_series(vals), "woninginbraak", "GM9999", baseline="2017-2019")
    assert "het gemiddelde van 2017–2019" in d.text
    assert d.facts["baseline_count"].value == pytest.approx((105 + 106 + 107) / 3)


NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
TEMPLATE_NUMBERS = {"1.000", "95", "1"}  # "per 1.000 inwoners", "95%-interval", "(1 = hoogste ...)"


def _renderings(value) -> set[str]:
    if isinstance(value, (list, tuple)):
        return set().union(*(_renderings(v) for v in value)) if value else set()
    if isinstance(value, str):
        return set(NUMBER.findall(value))
    out = set()
    v = float(value)
    if not math.isfinite(v):
        return out
    for dec in (0, 1, 2):
        out.add(f"{v:,.{dec}f}".replace(",", "_").replace(".", ",").replace("_", "."))
    r = math.floor(abs(v) + 0.5)
    out.add(f"{r:,}".replace(",", "."))
    if v == int(v):
        out.add(str(int(v)))  # years are written without a separator
    return out


def test_every_number_in_every_sentence_is_a_fact(full_analysis) -> None:
    checked = 0
    for d in full_analysis.duidingen.values():
        for sentence, uses in zip(d.sentences, d.sentence_facts, strict=True):
            allowed = set(TEMPLATE_NUMBERS)
            for name in uses:
                allowed |= _renderings(d.facts[name].value)
            for token in NUMBER.findall(sentence):
                assert token in allowed, (d.region_code, d.category, sentence, token)
                checked += 1
    assert checked > 10000
