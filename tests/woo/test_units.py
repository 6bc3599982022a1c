"""Unit tests of the pieces: patterns, register, section 5, detection decisions."""

from __future__ import annotations

import re

import pytest

from hicmonitor.errors import InputError
from hicmonitor.woo import patterns
from hicmonitor.woo.register import load_register, name_regex
from hicmonitor.woo.section5 import Block, find_cut


def _hits(fn, text):
    return [text[s:e] for s, e, _ in fn(text)]


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "070-3707911",
        "070 370 79 11",
        "(070) 370 79 11",
        "+31 6 24 68 13 57",
        "+31 (0)70 370 79 11",
        "0031 70 3707911",
        "010-4172222",
    ],
)
def test_phone_numbers_found_whole(number):
    text = f"Bel {number} voor vragen."
    assert _hits(patterns.phones, text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "In 2019-2022 daalde het aantal.",
        "Kamerstukken II 2021/22, 28684, nr. 680",
        "Een bedrag van 12.345.678 euro.",
        "Het cijfer 0,123456789 is klein.",
    ],
)
def test_no_phone_false_positives(text):
    assert _hits(patterns.phones, text) == []


def test_direct_dial_and_email():
    text = "Doorkiesnummer: 4411, mail j.p.de-vries+hic@minjenv.example."
    assert _hits(patterns.phones, text) == ["Doorkiesnummer: 4411"]
    assert _hits(patterns.emails, text) == ["j.p.de-vries+hic@minjenv.example"]


@pytest.mark.parametrize(
    "name",
    [
        "mr. J.P. de Vries",
        "drs. P.J.M. van den Berg",
        "J. Jansen",
        "Th. van 't Hof",
        "mevrouw A.B. el Amrani",
    ],
)
def test_initials_with_tussenvoegsel(name):
    text = f"Volgens {name} is het zo."
    assert _hits(patterns.initials_names, text) == [name]


def test_initials_not_on_sentence_words():
    assert _hits(patterns.initials_names, "Zie bijlage A. Dit is zo. In 2023 daalde het.") == []


def test_name_regex_tolerates_diacritics_spacing_and_capitals():
    rx = re.compile(name_regex("Yeşilgöz-Zegerius"))
    for form in (
        "Yeşilgöz-Zegerius",
        "Yesilgoz-Zegerius",
        "YEŞILGÖZ - ZEGERIUS",
        "Yes\u0327ilgo\u0308z-Zegerius",
    ):
        assert rx.fullmatch(form), form
    assert not re.compile(name_regex("Bakker")).search("een bakker werd overvallen")


def test_register_forms(register):
    p = next(x for x in register.ambtenaren if x.achternaam == "Wolkenveld")
    forms = p.name_forms()
    assert {
        "Pieter-Bas van der Wolkenveld",
        "P.B. van der Wolkenveld",
        "Van der Wolkenveld",
        "Wolkenveld",
    } <= set(forms)
    assert register.is_public_name("mr. F.B.J. Grapperhaus")
    assert not register.is_public_name("Jorinde Klaverblad")


def test_register_bad_field_names_line(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("ambtenaren:\n  - {achternaam: A}\n  - {achternaam: B, rang: x}\n", "utf-8")
    with pytest.raises(InputError) as exc:
        load_register(f)
    assert exc.value.line == 3 and exc.value.field == "rang"
    f.write_text("ambtenaren:\n  - {voornaam: Jan}\n", "utf-8")
    with pytest.raises(InputError) as exc:
        load_register(f)
    assert exc.value.field == "achternaam"


def test_section5_rules():
    h = lambda t, n=None: Block(t, 1, n)  # noqa: E731
    p = Block
    # heading 5 directly above the line: cut at the heading
    blocks = [
        h("1. Aanleiding"),
        p("x"),
        h("5. Overig"),
        p("Alles onder deze streep wordt verwijderd"),
    ]
    assert find_cut(blocks) == 2
    # line under another heading: cut at the line
    blocks = [h("4. Advies"), p("x"), p("--- alles onder deze streep wordt verwijderd ---"), p("y")]
    assert find_cut(blocks) == 2
    # auto-numbered heading 5 in a memo
    blocks = [h("Aanleiding", 1), h("Kern", 2), h("Advies", 3), h("Kader", 4), h("Toelichting", 5)]
    assert find_cut(blocks, is_memo=True) == 4
    assert find_cut(blocks, is_memo=False) is None
    # numbered 5 with a not-public title in a letter
    assert find_cut([h("5. Niet openbare toelichting")]) == 0
    assert find_cut([h("5. Tot slot"), p("tekst")]) is None


def test_detector_decisions(detector):
    text = (
        "Burgemeester Hamming en minister Van Weel spraken met Jorinde Klaverblad, "
        "mr. J.P. de Vries en de heer Hirsch Ballin."
    )
    got = {text[r.start : r.end]: r for r in detector.detect(text)}
    assert "Jorinde Klaverblad" in got and got["Jorinde Klaverblad"].bron == "register"
    assert any("de Vries" in k for k in got)
    joined = " ".join(got)
    for public in ("Hamming", "Van Weel", "Hirsch Ballin", "Burgemeester"):
        assert public not in joined
    # A registered civil servant is redacted even after a public function word.
    rs = detector.detect("minister Klaverblad")
    assert [("minister Klaverblad"[r.start : r.end]) for r in rs] == ["Klaverblad"]


def test_signature_after_closing(detector):
    blocks = ["Met vriendelijke groet,", "", "Sjoukje Ottevanger", "Senior adviseur"]
    out = detector.detect_blocks(blocks)
    assert [blocks[2][r.start : r.end] for r in out[2]] == ["Sjoukje Ottevanger"]
    assert out[3] == []
    blocks = ["Hoogachtend,", "De Minister van Justitie en Veiligheid,", "", "D. Yeşilgöz-Zegerius"]
    assert all(not x for x in detector.detect_blocks(blocks))
