"""Every one of the 342 municipalities gets a duiding and a chart without error."""

from __future__ import annotations

import json
from functools import cache

import pytest

from hicmonitor.services import trends as trend_service
from tests.trends import raw

CATEGORIES = ("woninginbraak", "geweld")


@cache
def names() -> dict[str, str]:
    doc = json.loads((raw.NL / "gemeente_2025.geojson").read_text("utf-8"))
    return {f["properties"]["statcode"]: f["properties"]["statnaam"] for f in doc["features"]}


def test_there_are_342() -> None:
    assert len(raw.municipality_codes()) == 342


@pytest.mark.parametrize("code", raw.municipality_codes())
def test_duiding_and_chart(code: str, full_analysis, tmp_path) -> None:
    name = names()[code]
    for cat in CATEGORIES:
        d = full_analysis.duidingen[(cat, code)]
        assert d.region_name == name
        assert len(d.sentences) >= 4
        text = d.text
        for bad in ("nan", "inf", "None", "–%", "{{", "}}", "  "):
            assert bad not in text, (bad, text)
        assert all(s[0].isupper() and s.endswith(".") for s in d.sentences), d.sentences
        assert f"Met {d.facts['rate_per_1000'].value:.1f}".replace(".", ",") in text
        assert all(name in d.facts for names_ in d.sentence_facts for name in names_)

        series = raw.municipal()[(cat, code)]
        if cat == "woninginbraak":  # one matplotlib chart per municipality keeps this fast
            svg = trend_service.write_chart(
                full_analysis.table, cat, code, name, tmp_path / f"{cat}.svg"
            )
            content = svg.read_text("utf-8")
            assert content.lstrip().startswith("<?xml") and "</svg>" in content
            assert name.replace("'", "&#39;") in content or name in content
        spec_path = trend_service.write_chart(
            full_analysis.table, cat, code, name, tmp_path / f"{cat}.json"
        )
        spec = json.loads(spec_path.read_text("utf-8"))
        assert {v["jaar"]: v["waarde"] for v in spec["data"]["values"]} == series
