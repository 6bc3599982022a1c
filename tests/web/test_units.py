"""The pieces under the web: the disclosure rule, the SVG trend chart, the map geometry."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from hicmonitor.errors import HicError
from hicmonitor.reports.charts import trend_svg
from hicmonitor.services import disclosure, maps


@pytest.mark.parametrize("count", range(0, 12))
@pytest.mark.parametrize("threshold", [1, 5, 10])
def test_disclosure_rule(count, threshold) -> None:
    r = disclosure.rule(threshold)
    hidden = 0 < count < threshold
    assert disclosure.disclose(count, "WK034401", r) == (f"< {threshold}" if hidden else count)
    assert disclosure.disclose(count, "BU03440101", r) == (f"< {threshold}" if hidden else count)
    for code in ("GM0344", "NL01", "RE09"):
        assert disclosure.disclose(count, code, r) == count


def test_disclosure_threshold_from_the_environment(monkeypatch) -> None:
    assert disclosure.rule().threshold == 5
    monkeypatch.setenv(disclosure.THRESHOLD_ENV, "10")
    assert disclosure.rule().label == "< 10"
    monkeypatch.setenv(disclosure.THRESHOLD_ENV, "tien")
    with pytest.raises(HicError, match="geen geheel getal"):
        disclosure.rule()


def test_disclose_frame_withholds_derived_figures() -> None:
    frame = pd.DataFrame(
        {
            "region_code": ["WK034401", "WK034402", "GM0344", "BU03440101"],
            "count": [3, 7, 2, 0],
            "per_1000": [0.4, 1.3, 0.01, 0.0],
        }
    )
    out = disclosure.disclose_frame(frame, disclosure.rule(5))
    assert list(out["count"]) == ["< 5", 7, 2, 0]
    assert pd.isna(out["per_1000"].iloc[0]) and out["per_1000"].iloc[1] == 1.3
    assert list(frame["count"]) == [3, 7, 2, 0]  # the input is untouched


def series(values, provisional_last=True) -> pd.DataFrame:  # noqa: ANN001
    years = list(range(2012, 2012 + len(values)))
    return pd.DataFrame(
        {
            "year": years,
            "count": values,
            "rate_per_1000": [v / 100 for v in values],
            "provisional": [provisional_last and i == len(values) - 1 for i in range(len(values))],
        }
    )


@pytest.mark.parametrize("values", [[5, 9, 3, 0, 12, 40, 41, 38, 30, 22, 20, 25], [0, 0, 0], [7]])
def test_trend_svg_is_csp_safe_and_complete(values) -> None:
    svg = trend_svg(series(values), title="T & <x>", chart_id="g1")
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert svg.count('<circle class="punt') == len(values)
    assert 'role="img"' in svg and "T &amp; &lt;x&gt;" in svg
    assert svg.count('data-voorlopig="ja"') == 1
    ys = [float(v) for v in re.findall(r'<circle class="punt[^"]*" cx="[^"]+" cy="([^"]+)"', svg)]
    top = max(values)
    if top > 0:  # the highest value is drawn highest, zero on the axis
        assert min(ys) == ys[values.index(top)]


def test_map_boundaries_are_simplified_coverages() -> None:
    for year in maps.available_years():
        b = maps.boundaries(year)
        assert len(b.areas) >= 342
        assert all(a.path.startswith("M") and a.path.endswith("Z") for a in b.areas)
        xs = [float(v) for a in b.areas for v in re.findall(r"(-?[\d.]+),", a.path)]
        assert 0 <= min(xs) and max(xs) <= b.width + 0.1
        assert all(a.geometry.is_valid and not a.geometry.is_empty for a in b.areas)


def test_map_rejects_what_it_cannot_show(shared_con) -> None:
    from hicmonitor.services import trends

    frames = trends.load_frames(shared_con)
    with pytest.raises(HicError, match="alleen landelijk"):
        maps.choropleth(frames, "straatroof")
    with pytest.raises(HicError, match="geen cijfers"):
        maps.choropleth(frames, "woninginbraak", 1990)
    with pytest.raises(HicError, match="maat"):
        maps.choropleth(frames, "woninginbraak", None, "absoluut")
    c = maps.choropleth(frames, "geweld", 2019, "verandering")
    assert all(a.value == 0 or a.value is None for a in c.areas)  # 2019 against itself
