"""The report spec: valid example, and every kind of bad input named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from hicmonitor.errors import InputError
from hicmonitor.reports.spec import load_spec, parse_spec

from .conftest import EXAMPLE_SPEC

TEXT = EXAMPLE_SPEC.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line that starts with ``needle`` (after indentation)."""
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(needle):
            return i
    raise AssertionError(f"{needle!r} not in text")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "spec.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_example_spec_is_valid_and_marked_as_example(spec):
    assert spec.jaar == 2023
    assert spec.voorbeeld is True
    assert spec.kenmerk in EXAMPLE_SPEC.read_text()


def test_unknown_field_names_line_and_field(tmp_path):
    text = TEXT.replace("afzender:\n", "afzender:\n  telefoon: 070-0000000\n", 1)
    with pytest.raises(InputError) as exc:
        load_spec(write(tmp_path, text))
    err = exc.value
    assert err.file == str(tmp_path / "spec.yaml")
    assert err.field == "afzender.telefoon"
    assert err.line == line_of(text, "telefoon:")
    assert "onbekend veld" in str(err)


def test_wrong_type_names_line(tmp_path):
    text = TEXT.replace("jaar: 2023", "jaar: twintig", 1)
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.field == "jaar"
    assert exc.value.line == line_of(text, "jaar: twintig")
    assert "geheel getal" in str(exc.value)


def test_list_where_text_expected(tmp_path):
    text = TEXT.replace("  website: www.rijksoverheid.nl/jenv", "  website: [a, b]", 1)
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.field == "afzender.website"
    assert exc.value.line == line_of(text, "website: [a, b]")


def test_missing_year(tmp_path):
    text = "\n".join(x for x in TEXT.splitlines() if not x.startswith("jaar:"))
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.field == "jaar"
    assert "ontbreekt" in str(exc.value)


@pytest.mark.parametrize("kenmerk", ["AB/12", "a b", "../etc", "-start", "x" * 65, "ké"])
def test_kenmerk_with_odd_characters(kenmerk):
    text = TEXT.replace("kenmerk: VOORBEELD-2023-001", f"kenmerk: '{kenmerk}'", 1)
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.field == "kenmerk"
    assert exc.value.line == line_of(text, "kenmerk: '")


@pytest.mark.parametrize("placeholder", ["TODO", "nog invullen", "Lorem ipsum dolor"])
def test_placeholder_text_is_refused(placeholder):
    text = TEXT.replace(
        "  communicatie: >-\n", f"  ontwikkelingen_hiervoor: {placeholder}\n  communicatie: >-\n", 1
    )
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.field == "beslisnota.ontwikkelingen_hiervoor"
    assert exc.value.line == line_of(text, "ontwikkelingen_hiervoor:")


def test_bad_date():
    text = TEXT.replace("datum: 2023-12-18", "datum: 18 december", 1)
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.field == "datum"
    assert exc.value.line == line_of(text, "datum: 18 december")


def test_invalid_yaml_names_line():
    text = TEXT.replace("jaar: 2023", "jaar: [2023", 1)
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.line is not None
    assert "YAML" in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as exc:
        load_spec(tmp_path / "2031.yaml")
    assert "niet gevonden" in str(exc.value)


# --- the memo's decisions in the spec --------------------------------------------------------


def test_example_spec_holds_the_memos_decisions(spec):
    assert spec.status == "concept"
    assert [s.afkorting for s in spec.ondertekenaars] == ["MJenV", "MRb"] and spec.plural
    assert spec.beslisnota.aan == [
        "De minister van Justitie en Veiligheid",
        "De minister voor Rechtsbescherming",
    ]
    treatment = {m.id: m.opvolging for m in spec.moties}
    assert treatment["motie-mutluer-cybercrime-hic-aanpak"].startswith("wordt beantwoord in:")
    assert "integrale aanpak van cybercrime" in treatment["motie-mutluer-cybercrime-hic-aanpak"]
    assert treatment["toezegging-kwaliteitskader-effectieve-interventies"] == "voortgang"
    assert spec.as_of == spec.datum  # no peildatum: the date of the letter
    assert spec.kamerbrief.bijlagen == []  # the letter never lists the memo


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("    opvolging: voortgang", "    opvolging: later", "moties.1.opvolging", "opvolging is"),
        ("\nstatus: concept\n", "\nstatus: klaar\n", "status", "concept' of 'definitief"),
        (
            "datum: 2023-12-18\n",
            "datum: 2023-12-18\npeildatum: 2024-01-02\n",
            "peildatum",
            "ligt na de datum van de brief",
        ),
        (
            "  # bijlagen: de bijlagen van de brief zelf (nooit de beslisnota).",
            "  bijlagen: [Beslisnota bij de Kamerbrief]",
            "kamerbrief.bijlagen",
            "geen bijlage van de Kamerbrief",
        ),
        ("voorbeeld: true\n", "voorbeeld: true\nbijlagen: [x]\n", "bijlagen", "per document"),
    ],
)
def test_decisions_are_checked(old, new, field, message):
    text = TEXT.replace(old, new, 1)
    assert text != TEXT
    with pytest.raises(InputError) as exc:
        parse_spec(text, "x.yaml")
    assert exc.value.field == field
    assert message in str(exc.value)
    assert exc.value.line is not None


def test_unknown_motion_id_names_the_spec_line(shared_con, catalog, tmp_path):
    from hicmonitor.reports.context import gather
    from hicmonitor.reports.rapport import build_documents

    text = TEXT.replace(
        "  - id: toezegging-start-pilot-re-integratieofficier", "  - id: motie-bestaat-niet", 1
    )
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        build_documents(gather(shared_con, load_spec(path), catalog=catalog))
    assert exc.value.field == "moties[0].id"
    assert exc.value.line == line_of(text, "- id: motie-bestaat-niet")
