"""The query API against brute force over the raw YAML (read with plain PyYAML)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from hicmonitor import catalog
from hicmonitor.errors import HicError
from tests.catalog.conftest import CONTENT

# The recognition system's order, written out here independently of vocabulary.yaml.
LEVELS = {
    "niet beoordeeld": 0,
    "niet erkend": 0,
    "goed onderbouwd": 1,
    "effectief volgens eerste aanwijzingen": 2,
    "effectief volgens goede aanwijzingen": 3,
    "effectief volgens sterke aanwijzingen": 4,
}


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return catalog.load_catalog(CONTENT)


def status_in(raw: dict, year: int) -> str | None:
    years = [y for y in raw["status"] if y <= year]
    return raw["status"][max(years)] if years else None


def test_measures_for_year_grouped_by_approach(cat, seed) -> None:
    for year in (2016, 2019, 2023, 2025):
        got = catalog.measures_for_year(cat, year)
        assert list(got) == ["dadergericht", "slachtoffergericht", "situationeel"]
        for approach, measures in got.items():
            expected = sorted(
                i
                for i, m in seed["maatregelen"].items()
                if approach in m["aanpak"] and status_in(m, year) not in (None, "beëindigd")
            )
            assert [m.id for m in measures] == expected, (year, approach)
    # the report year 2023 has measures in every group
    assert all(catalog.measures_for_year(cat, 2023).values())


def test_motions_answered_in(cat, seed) -> None:
    for year in (2016, 2023, 2024, 2030):
        got = catalog.motions_answered_in(cat, year)
        expected = {
            i: a["wijze"]
            for i, m in seed["moties"].items()
            for a in m.get("beantwoord_in", [])
            if a["jaar"] == year
        }
        assert {am.motion.id: am.answer.how for am in got} == expected
    assert len(catalog.motions_answered_in(cat, 2023)) == 4


def test_legislation_latest_stage(cat, seed) -> None:
    got = {ts.track.id: ts.latest for ts in catalog.legislation_latest_stage(cat)}
    assert set(got) == set(seed["wetgeving"])
    for track_id, raw in seed["wetgeving"].items():
        if raw["fases"]:
            last = raw["fases"][-1]
            assert (got[track_id].stage, got[track_id].date) == (last["fase"], str(last["datum"]))
        else:
            assert got[track_id] is None
    # at the end of 2023 the WGS had passed the Tweede Kamer only (Eerste Kamer: 18 June 2024)
    in_2023 = {ts.track.id: ts.latest for ts in catalog.legislation_latest_stage(cat, 2023)}
    assert (in_2023["wgs-en-besluit"].stage, in_2023["wgs-en-besluit"].date) == (
        "Tweede Kamer",
        "2020-12-17",
    )


def test_find_measures_matches_brute_force(cat, seed) -> None:
    categories = [None, "woninginbraak", "straatroof", "overval", "geweld", "ram_plofkraak"]
    approaches = [
        None,
        "dadergericht",
        "slachtoffergericht",
        "situationeel",
        "preventief",
        "repressief",
    ]
    levels = [None, *LEVELS]
    for cat_id, approach, level in itertools.product(categories, approaches, levels):
        got = [
            m.id
            for m in catalog.find_measures(
                cat, category=cat_id, approach=approach, min_evidence=level
            )
        ]
        expected = sorted(
            i
            for i, m in seed["maatregelen"].items()
            if (cat_id is None or cat_id in m["categorieen"])
            and (approach is None or approach in m["aanpak"] + m["karakter"])
            and (level is None or LEVELS[m["erkenning"]["niveau"]] >= LEVELS[level])
        )
        assert got == expected, (cat_id, approach, level)


def test_straatroof_with_first_indications_is_ajb(cat) -> None:
    found = catalog.find_measures(
        cat, category="straatroof", min_evidence="effectief volgens eerste aanwijzingen"
    )
    assert [m.name for m in found] == ["Alleen Jij Bepaalt Wie Je Bent"]
    assert found[0].evidence.date == "2019-03-13"


def test_find_measures_by_municipality(cat, seed) -> None:
    by_code = {m.id for m in catalog.find_measures(cat, municipality="GM0606")}
    by_name = {m.id for m in catalog.find_measures(cat, municipality="schiedam")}
    national = {
        i for i, m in seed["maatregelen"].items() if m["status"][max(m["status"])] == "landelijk"
    }
    listed = {
        i
        for i, m in seed["maatregelen"].items()
        if any(g["code"] == "GM0606" for g in m.get("gemeenten", []))
    }
    assert by_code == by_name == listed | national
    assert {"ipta", "preventie-met-gezag"} <= by_code
    # in 2018 IPTA did not yet run in Schiedam (from 2019), Preventie met Gezag not at all
    in_2018 = {m.id for m in catalog.find_measures(cat, municipality="GM0606", year=2018)}
    assert "ipta" not in in_2018 and "preventie-met-gezag" not in in_2018


@pytest.mark.parametrize(
    "kwargs, option",
    [
        ({"category": "inbraak"}, "--categorie"),
        ({"approach": "gebiedsgericht"}, "--aanpak"),
        ({"min_evidence": "bewezen"}, "--erkenning-minimaal"),
    ],
)
def test_bad_filter_values_are_user_errors(cat, kwargs, option) -> None:
    with pytest.raises(HicError, match=option):
        catalog.find_measures(cat, **kwargs)


def test_ended_measures_drop_out_of_later_years(content_copy: Path) -> None:
    path = content_copy / "maatregelen" / "ipta.yaml"
    path.write_text(
        path.read_text("utf-8").replace("  2021: uitrol\n", "  2021: uitrol\n  2023: beëindigd\n"),
        "utf-8",
    )
    cat = catalog.load_catalog(content_copy)
    assert "ipta" in {m.id for m in catalog.measures_for_year(cat, 2022)["dadergericht"]}
    assert "ipta" not in {m.id for m in catalog.measures_for_year(cat, 2023)["dadergericht"]}


def test_content_dir_from_environment(monkeypatch, content_copy: Path) -> None:
    (content_copy / "partners" / "vng.yaml").unlink()  # now dangling references
    monkeypatch.setenv("HICMONITOR_CONTENT", str(content_copy))
    assert catalog.default_content_dir() == content_copy
    with pytest.raises(HicError, match="onbekende partner 'vng'"):
        catalog.load_catalog()
