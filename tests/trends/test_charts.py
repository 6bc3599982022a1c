"""Charts: SVG, PNG and Vega-Lite, Dutch number format, Covid years and baseline marked."""

from __future__ import annotations

import json
import re

import pytest
from PIL import Image

from hicmonitor.errors import HicError
from hicmonitor.reports import charts
from hicmonitor.services import trends as trend_service
from tests.trends import raw

SAMPLE = ["GM0363", "GM0088", "GM0096", "GM0518", "GM0796", "GM1680"]


@pytest.mark.parametrize("code", SAMPLE)
def test_svg_and_png_for_geweld(full_analysis, tmp_path, code) -> None:
    svg = trend_service.write_chart(full_analysis.table, "geweld", code, code, tmp_path / "g.svg")
    png = trend_service.write_chart(full_analysis.table, "geweld", code, code, tmp_path / "g.png")
    assert "</svg>" in svg.read_text("utf-8")
    with Image.open(png) as im:
        assert im.size == (700, 360)


def test_national_chart_has_dutch_numbers_covid_band_and_baseline(full_analysis, tmp_path) -> None:
    s = raw.national()["woninginbraak"]
    path = trend_service.write_chart(
        full_analysis.table, "woninginbraak", "NL01", "Nederland", tmp_path / "nl.svg"
    )
    text = path.read_text("utf-8")
    base = f"{s[2019]:,}".replace(",", ".")
    assert f"niveau 2019 ({base})" in text
    assert "coronajaren" in text
    ticks = set(re.findall(r">(\d{1,3}(?:\.\d{3})+)<", text))
    assert "20.000" in ticks and "80.000" in ticks  # thousands with a dot
    assert not re.search(r">\d{1,3},\d{3}<", text)  # no English separators


def test_vega_lite_spec(full_analysis) -> None:
    part = full_analysis.table[
        (full_analysis.table["category"] == "woninginbraak")
        & (full_analysis.table["region_code"] == "GM0363")
    ]
    spec = charts.vega_lite(part, title="Woninginbraak — Amsterdam", baseline="2017-2019")
    json.dumps(spec)  # JSON-ready
    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert spec["config"]["locale"]["number"]["thousands"] == "."
    series = raw.municipal()[("woninginbraak", "GM0363")]
    values = {v["jaar"]: v for v in spec["data"]["values"]}
    assert {y: v["waarde"] for y, v in values.items()} == series
    assert values[2025]["status"] == "voorlopig" and values[2023]["status"] == "definitief"
    rect, rule = spec["layer"][0], spec["layer"][-1]
    assert rect["data"]["values"] == [{"van": 2019.5, "tot": 2021.5}]
    expected = (series[2017] + series[2018] + series[2019]) / 3
    assert rule["data"]["values"][0]["niveau"] == pytest.approx(expected)


def test_rate_chart_and_bad_suffix(full_analysis, tmp_path) -> None:
    part = full_analysis.table[
        (full_analysis.table["category"] == "geweld")
        & (full_analysis.table["region_code"] == "GM0363")
    ]
    fig = charts.trend_figure(part, title="Geweld per 1.000", value="rate_per_1000")
    out = charts.save_figure(fig, tmp_path / "r.svg")
    assert "per 1.000 inwoners" in out.read_text("utf-8")
    with pytest.raises(HicError, match=".svg of .png"):
        charts.save_figure(fig, tmp_path / "r.gif")


def test_chart_targets(tmp_path) -> None:
    one = trend_service.chart_targets(tmp_path / "a.png", ["geweld"])
    assert one == [("geweld", tmp_path / "a.png")]
    two = trend_service.chart_targets(tmp_path / "a.svg", ["woninginbraak", "geweld"])
    assert [p.name for _, p in two] == ["a-woninginbraak.svg", "a-geweld.svg"]
    folder = trend_service.chart_targets(tmp_path / "map", ["geweld"])
    assert sorted(p.name for _, p in folder) == ["geweld.json", "geweld.png", "geweld.svg"]
    with pytest.raises(HicError):
        trend_service.chart_targets(tmp_path / "a.gif", ["geweld"])
