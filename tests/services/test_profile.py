"""The municipality profile (the web's municipality page) against the raw CSV files."""

from __future__ import annotations

import math

import pytest

from hicmonitor.errors import HicError
from hicmonitor.services import peers, trends
from hicmonitor.services.profile import municipality_profile
from tests.trends import raw


@pytest.mark.parametrize("query,code", [("Amsterdam", "GM0363"), ("GM0796", "GM0796")])
def test_profile_figures_and_rates_match_the_raw_files(shared_con, query, code) -> None:
    profile = municipality_profile(shared_con, query)
    assert profile.code == code
    by_cat = {c.category: c for c in profile.categories}
    # the police publish woninginbraak and geweld per municipality, the rest nationally only
    assert set(by_cat) == {"woninginbraak", "geweld"}
    assert set(profile.national_only) == {"straatroof", "overval", "ram_plofkraak"}
    pop = raw.population_today()[code]  # on today's boundaries (Amsterdam with Weesp, …)
    for cat, part in by_cat.items():
        expected = raw.municipal()[(cat, code)]
        assert dict(zip(part.figures["year"], part.figures["count"], strict=True)) == expected
        for row in part.figures.itertuples():
            if row.year in pop:
                assert row.inhabitants == pop[row.year]
                assert math.isclose(row.per_1000, expected[row.year] / pop[row.year] * 1000)
            else:
                assert math.isnan(row.per_1000)
        assert list(part.trend["year"]) == sorted(expected)
        assert part.duiding.region_name == profile.name and part.duiding.text


def test_profile_agrees_with_trend_and_vergelijk(shared_con) -> None:
    frames = trends.load_frames(shared_con)
    profile = municipality_profile(shared_con, "GM0363", frames=frames)
    trend = trends.region_trend(shared_con, "GM0363", frames=frames)
    comparison = peers.compare(shared_con, "GM0363", frames=frames)
    assert profile.peer_year == comparison.year
    for mine, theirs, peer in zip(
        profile.categories, trend.categories, comparison.categories, strict=True
    ):
        assert mine.category == theirs.category == peer.category
        assert mine.duiding.text == theirs.duiding.text
        assert mine.peers == peer.scopes
        assert [s.scope for s in mine.peers] == ["class", "all"]


@pytest.mark.parametrize("query,needle", [("NL01", "geen gemeente"), ("Amsterdm", "Amsterdam")])
def test_profile_refuses_what_is_no_municipality(shared_con, query, needle) -> None:
    with pytest.raises(HicError, match=needle):
        municipality_profile(shared_con, query)
