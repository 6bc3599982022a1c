"""Issue 15, point 4: public office holders from the public lists are kept wherever a
letter names them, civil servants who share a holder's surname are redacted. Letters
built per seed from the lists (holder_letters.py), published through the whole pipeline
(rebuild, PDF, leak check); and the forms one by one on the detector."""

from __future__ import annotations

import csv
import unicodedata

import pypdf
import pytest

from hicmonitor.woo.publish import publish

from .conftest import ROOT
from .docxbuild import all_text_of_docx
from .holder_letters import _common, bare, build_letters, split_name

SEEDS = (15, 4)


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).replace("ı", "i").casefold()


def _flat(s: str) -> str:
    return "".join(_fold(s).split())


def _pdf_text(path) -> str:
    return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages)


@pytest.fixture(scope="module", params=SEEDS)
def letters(request, tmp_path_factory, detector):
    cases = build_letters(request.param)
    src = tmp_path_factory.mktemp(f"brieven{request.param}")
    paths = [c.doc.save(src / f"{i:02d}-{c.name}.docx") for i, c in enumerate(cases)]
    pub = publish(paths, tmp_path_factory.mktemp("uit"), detector)
    return cases, pub


def test_holders_kept_and_namesakes_redacted(letters):
    cases, pub = letters
    wanted = kept = 0
    for case, o in zip(cases, pub.documents, strict=True):
        docx = _fold(all_text_of_docx(o.docx))
        pdf = _flat(_pdf_text(o.pdf))
        for secret in case.secrets:
            assert _fold(secret) not in docx, f"{case.name}: civil servant {secret!r} published"
            assert _flat(secret) not in pdf, f"{case.name}: civil servant {secret!r} in PDF"
        for text in case.public + case.keep:
            wanted += 1
            kept += _flat(text) in pdf
            assert _flat(text) in pdf, f"{case.name}: {text!r} lost"
    assert wanted >= 30 and kept == wanted


def _list(name: str) -> list[dict[str, str]]:
    with (ROOT / "content" / "publiek" / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_lists_are_large_dated_and_sourced():
    tk, bw, bm, po = (
        _list(n) for n in ("tweede_kamer", "bewindspersonen", "burgemeesters", "politie")
    )
    assert len(tk) >= 800 and len(bw) >= 250 and len(bm) >= 40 and len(po) >= 4
    for rows in (tk, bw, bm, po):
        for r in rows:
            assert r["naam"].strip() and r["functie"].strip() and r["bron"].strip(), r
    # every cabinet since 2010 is there
    functions = " ".join(r["functie"] + " " + r["bron"] for r in bw)
    for kabinet in ("Kabinet-Rutte I)", "Kabinet-Rutte II)", "Kabinet-Rutte III)"):
        assert kabinet in functions
    names = {r["naam"] for r in bw}
    for minister in ("Dick Schoof", "Rob Jetten", "Ivo Opstelten", "Ferd Grapperhaus"):
        assert minister in names
    korpschefs = {r["naam"] for r in po if r["functie"].startswith("korpschef")}
    assert {"Gerard Bouman", "Erik Akerboom", "Henk van Essen", "Janny Knol"} <= korpschefs


MAYORS = ["Femke Halsema", "Ahmed Marcouch", "Wouter Kolff", "Carola Schouten", "Koen Schuiling"]


@pytest.mark.parametrize(
    "text,kept",
    [
        ("Halsema noemde de aanpak een succes.", "Halsema"),
        ("Marcouch en Kolff steunden het plan.", "Marcouch en Kolff"),
        ("Volgens Schuiling is de daling blijvend.", "Volgens Schuiling"),
        ("Halsema's reactie volgt later.", "Halsema's"),
        # Kamerleden are their party's woordvoerder: the apposition is no civil servant's
        ("Het lid Kuik, woordvoerder justitie van het CDA, vroeg het.", "Kuik"),
        ("Kamerlid Mutluer, woordvoerder politie, diende de motie in.", "Mutluer"),
        ("Kuik, woordvoerder justitie van het CDA, vroeg het.", "Kuik"),
        ("Het lid Mutluer vroeg naar de voortgang.", "Mutluer"),
        ("Van der Burg heeft de brief ondertekend.", "Van der Burg"),
        ("Hugo de Jonge kwam later; De Jonge antwoordde de Kamer.", "De Jonge"),
        ("Yeşilgöz-Zegerius en later Yeşilgöz zelf.", "Yeşilgöz"),
        ("Faber-van de Klashorst en Faber", "Faber"),
        ("D.M. van Weel stuurde de brief.", "D.M. van Weel"),
        ("Henri Bontenbal sprak in het debat.", "Henri Bontenbal"),
        ("Volgens collega Kuik is dat niet zo.", "collega Kuik"),
        ("Volgens Caroline van der Plas is dat niet zo.", "Volgens Caroline van der Plas"),
    ],
)
def test_holder_forms_are_kept(detector, text, kept):
    # as publish does per document: holders the text names in full make their bare
    # common surname public ("Hugo de Jonge ... De Jonge")
    detector.context = detector.register.context_for([text])
    try:
        rs = detector.detect(text)
    finally:
        detector.context = set()
    boxed = [text[r.start : r.end] for r in rs]
    assert not boxed, f"{text!r}: {boxed} boxed"
    assert kept in text


@pytest.mark.parametrize(
    "text,secret",
    [
        ("Contactpersoon: Kuik", "Kuik"),
        ("Contactpersoon: Annelies Hazekamp", "Hazekamp"),
        ("De cijfers zijn aangeleverd door beleidsmedewerker Palland.", "Palland"),
        ("Palland, beleidsmedewerker bij DGPenV, stelde de nota op.", "Palland"),
        ("Marcouch (senior adviseur) heeft de tabel gecontroleerd.", "Marcouch"),
        ("Peter Palland stelde de nota op.", "Palland"),
        ("Namens de minister, Jan Kuik", "Kuik"),
        ("Behandeld door: mevrouw Halsema", "Halsema"),
        ("Mw. A. Bosman heeft de notitie opgesteld.", "Bosman"),
        # nobody registered: the function around the name says it is a civil servant's
        ("De cijfers zijn aangeleverd door beleidsmedewerker Klopstra.", "Klopstra"),
        ("Vaarhof (jurist) keek mee.", "Vaarhof"),
        ("De woordvoerder van de minister, Duinberg, reageerde.", "Duinberg"),
        ("Namens de minister van Justitie en Veiligheid, Jan Duinberg", "Duinberg"),
        ("Volgens Zandwerf, senior adviseur bij de directie, klopt het.", "Zandwerf"),
    ],
)
def test_civil_servant_with_a_holders_surname_is_redacted(detector, text, secret):
    rs = detector.detect(text)
    boxed = " ".join(text[r.start : r.end] for r in rs)
    assert secret in boxed, f"{text!r}: {secret} not boxed ({boxed!r})"


def test_a_namesake_makes_the_bare_surname_contested_in_the_document(detector):
    """A civil servant Kuik in the contact line: a bare "Kuik" elsewhere in the same
    blocks is no longer taken for the member, "het lid Kuik" still is."""
    blocks = [
        "Kuik heeft de eerste versie geschreven.",
        "Het lid Kuik vroeg naar de cijfers.",
        "Contactpersoon: Piet Kuik",
    ]
    out = detector.detect_blocks(blocks)
    assert [blocks[0][r.start : r.end] for r in out[0]] == ["Kuik"]
    assert out[1] == []
    assert any("Kuik" in blocks[2][r.start : r.end] for r in out[2])


def test_every_mayor_in_the_list_is_kept_by_bare_surname(detector):
    rows = _list("burgemeesters")
    names = sorted({r["naam"] for r in rows})
    lost = []
    for naam in names:
        first, tv, sn = split_name(naam)
        if " " in sn or len(sn) < 4:
            continue
        b = bare(naam)
        text = f"Volgens {b} is de aanpak van overvallen succesvol."
        rs = detector.detect(text)
        if any(_fold(sn) in _fold(text[r.start : r.end]) for r in rs):
            lost.append(b)
    # common surnames ("Visser") are kept bare only once the letter names the holder
    common = {c.casefold() for c in _common()}
    assert not [x for x in lost if x.split()[-1].casefold() not in common], lost
    assert len(names) >= 40 and set(MAYORS) <= set(names)
