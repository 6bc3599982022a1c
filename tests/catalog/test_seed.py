"""The seed content: it passes the checker, every item has sources, and nothing in it is
invented. The checks here read the YAML with plain PyYAML and compare against the public-facts
brief the content was written from (``reference_facts.md``) and the CBS boundary file, not
against hicmonitor's own code."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from hicmonitor.catalog import check_content
from tests.catalog.conftest import CONTENT, FACTS, KINDS
from tests.conftest import DATA

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def strings(value, path=()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, path + (i,))
    elif isinstance(value, str):
        yield path, value


def all_items(seed):
    for kind, items in seed.items():
        for item_id, item in items.items():
            yield kind, item_id, item


def test_seed_passes_the_checker_with_the_store(regions) -> None:
    result = check_content(CONTENT, regions=regions)
    assert result.problems == ()
    assert result.files == sum(len(list((CONTENT / k).glob("*.yaml"))) for k in KINDS)


def test_required_items_are_seeded(seed) -> None:
    names = " | ".join(m["naam"] for m in seed["maatregelen"].values())
    for required in [
        "Alleen Jij Bepaalt Wie Je Bent",
        "Kapot Sterk",
        "IPTA",
        "Re-integratieofficier",
        "Alcoholmeter",
        "Wet middelenonderzoek bij geweldplegers",
        "Digitaal Opkopersregister",
        "Digitaal Opkopersloket",
        "Wet gegevensverwerking door samenwerkingsverbanden",
        "Zorg- en Veiligheidshuizen",
        "Taskforce Overvallen",
        "Preventie met Gezag",
        "Keurmerk Veilig Ondernemen",
        "ram- en plofkraken",
        "Stop Heling",
        "Kwaliteitskader Effectieve Jeugdinterventies",
    ]:
        assert required in names, required
    titles = " | ".join(m["titel"].lower() for m in seed["moties"].values())
    for required in ["re-integratieofficier", "kwaliteitskader", "succesfactoren", "cybercrime"]:
        assert required in titles, required
    assert any("Mutluer" in s for m in seed["moties"].values() for s in m["indieners"])
    tracks = " | ".join(t["naam"].lower() for t in seed["wetgeving"].values())
    for required in [
        "middelenonderzoek",
        "alcoholmeter",
        "opkopersregister",
        "samenwerkingsverbanden",
    ]:
        assert required in tracks, required
    assert len(seed["wetgeving"]) == 5
    arts = {a for t in seed["wetgeving"].values() for a in t.get("artikelen", [])}
    assert {"437 Sr", "437ter Sr"} <= arts


def test_every_item_has_a_source_url(seed) -> None:
    for kind, item_id, item in all_items(seed):
        sources = item.get("bronnen")
        assert isinstance(sources, list) and sources, f"{kind}/{item_id}: geen bron"
        for url in sources:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https") and "." in parts.netloc, (kind, item_id, url)


PLACEHOLDERS = re.compile(
    r"\b(todo|tbd|fixme|xxx+|lorem|unknown|unverified|n\.?\s?n\.|nvt|n\.v\.t\.)\b|^\s*[?\-–]+\s*$",
    re.IGNORECASE,
)


def test_no_field_holds_a_placeholder(seed) -> None:
    for kind, item_id, item in all_items(seed):
        for path, text in strings(item):
            assert text.strip(), (kind, item_id, path)
            assert not PLACEHOLDERS.search(text), (kind, item_id, path, text)
            if text.strip().lower() == "onbekend":
                assert text == "onbekend", (kind, item_id, path, text)


def test_every_source_url_comes_from_the_facts(seed) -> None:
    facts = FACTS.read_text("utf-8")
    for kind, item_id, item in all_items(seed):
        urls = list(item["bronnen"]) + [
            s["bron"] for s in item.get("onderzoeken", []) if "bron" in s
        ]
        for url in urls:
            assert url in facts, (kind, item_id, url)


def _date_in_facts(value: str, facts: str) -> bool:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return str(parts[0]) in facts
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}" in facts or value in facts
    day = dt.date(*parts)
    return value in facts or f"{day.day} {MONTHS[day.month - 1]} {day.year}" in facts


def test_every_date_and_kamerstuk_comes_from_the_facts(seed) -> None:
    facts = FACTS.read_text("utf-8")
    for kind, item_id, item in all_items(seed):
        dates = [item.get("datum")] + [f.get("datum") for f in item.get("fases", [])]
        dates += [item.get("erkenning", {}).get("datum")]
        for value in dates:
            if value is None or value == "onbekend":
                continue
            assert _date_in_facts(str(value), facts), (kind, item_id, value)
        numbers = [item.get("kamerstuk")] + [a["kamerstuk"] for a in item.get("beantwoord_in", [])]
        for number in numbers:
            if number is None or number == "onbekend":
                continue
            dossier, _, nr = str(number).partition("-")
            assert str(number) in facts or (dossier == "28684" and f"nr: {nr}," in facts), (
                kind,
                item_id,
                number,
            )


def test_unverified_facts_stay_unknown(seed) -> None:
    mutluer = seed["moties"]["motie-mutluer-cybercrime-hic-aanpak"]
    assert (mutluer["kamerstuk"], mutluer["datum"], mutluer["status"]) == ("onbekend",) * 3
    # Adoption, Staatsblad and entry into force of bill 36036 were not found.
    dor = seed["wetgeving"]["wijziging-437-437ter-sr-dor-dol"]
    assert {f["fase"] for f in dor["fases"]} <= {"voorbereiding", "consultatie", "Tweede Kamer"}
    assert seed["wetgeving"]["ontwerpbesluit-dor-dol"]["fases"] == []
    alcohol = seed["wetgeving"]["wetsvoorstel-alcoholmeter"]
    assert [f["fase"] for f in alcohol["fases"]] == ["voorbereiding"]


def test_municipalities_match_the_boundary_file(seed) -> None:
    features = json.loads((DATA / "nl" / "gemeente_2025.geojson").read_text("utf-8"))["features"]
    names = {f["properties"]["statcode"]: f["properties"]["statnaam"] for f in features}
    count = 0
    for item_id, m in seed["maatregelen"].items():
        for gm in m.get("gemeenten", []):
            assert names.get(gm["code"]) == gm["naam"], (item_id, gm)
            count += 1
    assert count >= 40  # Preventie met Gezag alone names 43


def test_recognition_of_ajb_is_as_published(seed) -> None:
    facts = FACTS.read_text("utf-8")
    block = facts[facts.index("id: AJB") : facts.index("id: KAPOT_STERK")]
    rating = re.search(r'rating: "([^"]+)"', block).group(1)
    recognised = re.search(r"date_recognised: (\S+)", block).group(1)
    ev = seed["maatregelen"]["alleen-jij-bepaalt-wie-je-bent"]["erkenning"]
    assert ev["niveau"] == rating.lower()
    assert str(ev["datum"]) == recognised
