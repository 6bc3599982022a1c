"""The synthesis across the four categories: what they share and where they differ, each
clause backed by numbers recomputed here from the raw CSV (statsmodels for the trend)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from hicmonitor import store
from hicmonitor.analysis import duiding as dm
from tests.trends import raw
from tests.trends.test_duiding import NUMBER, TEMPLATE_NUMBERS, _renderings, approx, nl_int

LETTER = dt.date(2023, 12, 18)
CATS = ("woninginbraak", "straatroof", "overval", "geweld")
PLURAL = {
    "woninginbraak": "woninginbraken",
    "straatroof": "straatroven",
    "overval": "overvallen",
    "geweld": "geweldsdelicten",
}


def trend_pct(series: dict[int, int]) -> float:
    years = list(range(2012, 2020))
    x = sm.add_constant(np.array(years, float))
    y = np.array([series[y] for y in years], float)
    slope = sm.GLM(y, x, family=sm.families.Poisson()).fit().params[1]
    return (math.exp(slope) - 1) * 100


@pytest.fixture(scope="module")
def as_of_letter(shared_con) -> dm.Synthesis:
    frame = store.category_counts(shared_con, regions=["NL01"], as_of=LETTER)
    return dm.synthesis(frame)


def test_the_three_claims_of_the_memo_as_of_18_december_2023(as_of_letter) -> None:
    s = raw.national()
    total = {y: sum(s[c][y] for c in CATS) for y in range(2012, 2023)}
    syn = as_of_letter
    # 1. the Covid years fell faster than the pre-pandemic trend (the four together)
    covid = syn.sentences[syn.claims["covid"]]
    t_covid = ((total[2021] / total[2019]) ** 0.5 - 1) * 100
    t_trend = trend_pct(total)
    assert t_covid < t_trend - 1
    assert "sneller dan de trend van vóór de pandemie" in covid
    assert f"gemiddeld {approx(t_covid)} per jaar, tegen {approx(t_trend)} per jaar" in covid
    assert syn.findings["covid"] == "faster"
    # per category, honestly: three fell faster, geweld about as fast as its trend
    per_cat = syn.sentences[syn.claims["covid"] + 1]
    for c in ("woninginbraak", "straatroof", "overval"):
        cp = ((s[c][2021] / s[c][2019]) ** 0.5 - 1) * 100
        assert f"{PLURAL[c]} ({approx(cp)} per jaar, tegen {approx(trend_pct(s[c]))})" in per_cat
    g = ((s["geweld"][2021] / s["geweld"][2019]) ** 0.5 - 1) * 100
    assert (
        f"ongeveer even snel als hun trend daalden geweldsdelicten ({approx(g)} per jaar, "
        f"tegen {approx(trend_pct(s['geweld']))})"
    ) in per_cat
    # 2. since 2022 rising again
    after = syn.sentences[syn.claims["after"]]
    t22 = (total[2022] - total[2021]) / total[2021] * 100
    assert t22 > 2
    assert (
        after
        == f"In 2022 steeg het totale aantal weer, met {approx(t22)} tot {nl_int(total[2022])}."
    )
    groups = syn.sentences[syn.claims["after"] + 1]
    ups = [c for c in CATS if (s[c][2022] - s[c][2021]) / s[c][2021] * 100 >= 2]
    assert ups == ["woninginbraak", "straatroof", "geweld"]
    for c in ups:
        assert f"{PLURAL[c]} ({approx((s[c][2022] - s[c][2021]) / s[c][2021] * 100)})" in groups
    o = (s["overval"][2022] - s["overval"][2021]) / s["overval"][2021] * 100
    assert f"overvallen ({approx(o)} minder) bleven vrijwel gelijk" in groups
    # 3. not yet back at the 2019 level: none of the four
    level = syn.sentences[syn.claims["level"]]
    assert level.startswith("Geen van de vier categorieën is terug op het niveau van 2019")
    for c in CATS:
        below = (s[c][2022] / s[c][2019] - 1) * 100
        assert below < -2
        assert f"{PLURAL[c]} {approx(below)}" in level
    assert f"samen lag het aantal {approx((total[2022] / total[2019] - 1) * 100)} onder" in level
    # no figure that was not public on 18 December 2023
    assert "2023" not in syn.text


def test_every_number_in_the_synthesis_is_a_fact(as_of_letter, shared_con) -> None:
    full = dm.synthesis(store.category_counts(shared_con, regions=["NL01"]))
    checked = 0
    for syn in (as_of_letter, full):
        for sentence, uses in zip(syn.sentences, syn.sentence_facts, strict=True):
            allowed = set(TEMPLATE_NUMBERS)
            for name in uses:
                allowed |= _renderings(syn.facts[name].value)
            for token in NUMBER.findall(sentence):
                assert token in allowed, (sentence, token)
                checked += 1
    assert checked > 40


def _frame(series: dict[str, dict[int, int]]) -> pd.DataFrame:
    rows = [(c, "GM9999", y, n, False) for c, values in series.items() for y, n in values.items()]
    return pd.DataFrame(rows, columns=["category", "region_code", "year", "count", "provisional"])


def _falling(start: int, rate: float, covid: tuple[int, int], after: list[int]) -> dict[int, int]:
    vals = {y: int(start * rate ** (y - 2012)) for y in range(2012, 2020)}
    vals |= {2020: covid[0], 2021: covid[1]}
    vals |= {2022 + i: v for i, v in enumerate(after)}
    return vals


def test_all_four_alike_and_all_back() -> None:
    series = {
        c: _falling(1000 * (i + 1), 0.95, (450 * (i + 1), 400 * (i + 1)), [800 * (i + 1)])
        for i, c in enumerate(CATS)
    }
    syn = dm.synthesis(_frame(series), region_code="GM9999")
    assert syn.sentences[syn.claims["covid"] + 1].startswith(
        "Dat gold voor alle vier de categorieën"
    )
    assert syn.findings == {"covid": "faster", "after": "up", "level": "above"}
    assert syn.sentences[syn.claims["level"]].startswith(
        "Alle vier de categorieën zijn terug op of boven het niveau van 2019"
    )


def test_mixed_levels_and_months_to_date() -> None:
    series = {
        "woninginbraak": _falling(1000, 0.9, (400, 350), [500]),
        "straatroof": _falling(1000, 0.9, (400, 350), [300]),
        "overval": _falling(1000, 0.9, (400, 350), [400]),
        "geweld": _falling(1000, 0.9, (400, 350), [480]),
    }
    to_date = pd.DataFrame(
        [(c, "GM9999", 2023, 11, 11, 100, 110, np.nan, "") for c in CATS],
        columns=[
            "category",
            "region_code",
            "year",
            "months",
            "last_month",
            "count",
            "prev_count",
            "change_pct",
            "note",
        ],
    )
    syn = dm.synthesis(_frame(series), region_code="GM9999", to_date=to_date)
    level = syn.sentences[syn.claims["level"]]
    assert "lagen straatroven" in level and "onder het niveau van 2019" in level
    assert "erboven" in level
    assert syn.sentences[syn.claims["to_date"]] == (
        "In januari–november 2023 (voorlopige cijfers) registreerde de politie 400 high impact "
        "crimes, ruim 9% minder dan in dezelfde maanden van 2022 (440)."
    )
