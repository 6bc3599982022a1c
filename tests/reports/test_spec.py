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
