"""Adversarial corpus: personal data hidden in every corner of a DOCX; 0 leaks allowed.

Each case builds its own document (tests/woo/docxbuild.py, not our OOXML code), lists
the secrets that must disappear and the public names that must stay. All documents are
published in one run; then every output is checked independently of the leak check:
all bytes and tag-stripped text of every DOCX part, and the PDF text (pypdf, pdfplumber).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import pdfplumber
import pypdf
import pytest

from hicmonitor.woo.publish import publish

from .docxbuild import PNG_1PX, Doc, all_text_of_docx, heading, image, para, run, table, textbox

LINE = "Alles onder deze streep wordt verwijderd"
S5_SECRET = "De minister overweegt in vertrouwen een andere koers dan het kabinet."


@dataclass
class Case:
    name: str
    doc: Doc
    secrets: list[str]
    public: list[str] = field(default_factory=list)


def _memo(*body: str, **kw) -> Doc:
    return Doc(
        body=[
            heading("Notitie aanpak High Impact Crimes"),
            heading("1. Aanleiding"),
            *body,
            para("Het aantal overvallen daalde in 2023 verder."),
        ],
        **kw,
    )


def cases() -> list[Case]:
    c: list[Case] = []
    add = c.append
    add(Case("romp", _memo(para("Jorinde Klaverblad schreef deze nota.")), ["Klaverblad"]))
    add(
        Case(
            "gesplitste-runs",
            _memo(
                para("Opgesteld door ", run("Jorinde Kla"), run("ver", bold=True), run("blad"), ".")
            ),
            ["Klaverblad", "verblad"],
        )
    )
    add(
        Case(
            "koptekst",
            Doc(
                body=[para("Nota over plofkraken.")],
                header=[para("Contactpersoon: Wessel Dwarrelwind")],
            ),
            ["Dwarrelwind"],
        )
    )
    add(
        Case(
            "voettekst",
            Doc(
                body=[para("Nota over straatroof.")],
                footer=[para("Behandeld door G. Pannekoekstra, 070-370 33 44")],
            ),
            ["Pannekoekstra", "370 33 44"],
        )
    )
    add(
        Case(
            "voetnoot",
            Doc(
                body=[para("Zie de analyse.", '<w:r><w:footnoteReference w:id="1"/></w:r>')],
                footnotes={1: "Analyse door B. Sneeuwklokje (WODC)."},
            ),
            ["Sneeuwklokje"],
        )
    )
    add(
        Case(
            "eindnoot",
            Doc(
                body=[para("Zie de bron.", '<w:r><w:endnoteReference w:id="1"/></w:r>')],
                endnotes={1: "Gesprek met Ingrid Zeegroenhuis, 3 mei."},
            ),
            ["Zeegroenhuis"],
        )
    )
    add(
        Case(
            "opmerking",
            Doc(
                body=[
                    para(
                        '<w:commentRangeStart w:id="0"/>',
                        "Dit moet anders.",
                        '<w:commentRangeEnd w:id="0"/>',
                        '<w:r><w:commentReference w:id="0"/></w:r>',
                    )
                ],
                comments=[
                    ("Thijs van 't Klokkenspel", "Bel Noor el Mouwahidi-Korenbloem hierover")
                ],
            ),
            ["Klokkenspel", "Mouwahidi", "Korenbloem", "Dit moet anders"[:0] or "Bel Noor"],
        )
    )
    add(
        Case(
            "revisie-invoeging",
            Doc(
                body=[
                    para(
                        '<w:ins w:id="1" w:author="Reinout van den Heuvelrug-Stroop" w:date="2024-01-01T00:00:00Z">'
                        + run("Akkoord, ")
                        + "</w:ins>",
                        "aldus het MT.",
                    )
                ]
            ),
            ["Heuvelrug"],
        )
    )
    add(
        Case(
            "revisie-verwijdering",
            Doc(
                body=[
                    para(
                        "Het MT besloot",
                        '<w:del w:id="2" w:author="Fenna Ijsvogelaar" w:date="2024-01-01T00:00:00Z"><w:r>'
                        '<w:delText xml:space="preserve"> na advies van Saskia ten Zonnebloemhof</w:delText></w:r></w:del>',
                        " tot uitstel.",
                    )
                ]
            ),
            ["Ijsvogelaar", "Zonnebloemhof", "na advies van"],
        )
    )
    add(
        Case(
            "revisie-verplaatsing",
            Doc(
                body=[
                    para(
                        '<w:moveFrom w:id="3" w:author="Zoë Kersenboom"><w:r><w:t>Oude plek tekst geheim-verplaatst</w:t></w:r></w:moveFrom>'
                    ),
                    para(
                        '<w:moveTo w:id="4" w:author="Zoë Kersenboom"><w:r><w:t>Nieuwe plek.</w:t></w:r></w:moveTo>'
                    ),
                    para(
                        '<w:r><w:rPr><w:b/><w:rPrChange w:id="5" w:author="Björn Sneeuwklokje"><w:rPr/></w:rPrChange></w:rPr><w:t>Vet</w:t></w:r>'
                    ),
                ]
            ),
            ["Kersenboom", "Sneeuwklokje", "geheim-verplaatst"],
        )
    )
    add(
        Case(
            "tabel",
            _memo(table([["Paraaf", "mr. A.C.W. de Vlinderhaven"], ["Telefoon", "06-98765432"]])),
            ["Vlinderhaven", "98765432"],
        )
    )
    add(
        Case(
            "tekstvak",
            _memo(para("Zie kader.", textbox("Kader: Wessel Dwarrelwind belt terug."))),
            ["Dwarrelwind"],
        )
    )
    add(
        Case(
            "alt-tekst",
            Doc(
                body=[
                    para(
                        "Foto:",
                        image(
                            "rIdImg",
                            "Foto van Jorinde Klaverblad bij de Taskforce",
                            "Geertruida Pannekoekstra",
                        ),
                    )
                ],
                images={"rIdImg": PNG_1PX},
            ),
            ["Klaverblad", "Pannekoekstra"],
        )
    )
    add(
        Case(
            "kerneigenschappen",
            Doc(
                body=[para("Nota.")],
                core={
                    "dc:creator": "Mehmet Yıldızoğlu-Brakveld",
                    "cp:lastModifiedBy": "Anouk de Vlinderhaven",
                    "dc:title": "Nota van Zoë Kersenboom",
                    "dc:description": "Concept Kübra Şahinbloem",
                    "cp:keywords": "Klokkenspel",
                },
            ),
            ["Brakveld", "Yıldızoğlu", "Vlinderhaven", "Kersenboom", "Şahinbloem", "Klokkenspel"],
        )
    )
    add(
        Case(
            "eigen-eigenschappen",
            Doc(
                body=[para("Nota.")],
                custom={"Behandelaar": "Fenna Ijsvogelaar", "Paraaf DG": "I.M. Zeegroenhuis"},
            ),
            ["Ijsvogelaar", "Zeegroenhuis"],
        )
    )
    add(
        Case(
            "app-eigenschappen",
            Doc(
                body=[para("Nota.")],
                app={
                    "Company": "Team Wolkenveld BV",
                    "Manager": "Reinout van den Heuvelrug-Stroop",
                    "Template": "C:\\Users\\pbwolkenveld\\Sjablonen\\Nota.dotm",
                },
                template_path="file:///C:/Users/pbwolkenveld/Sjablonen/Nota.dotm",
            ),
            ["Wolkenveld", "Heuvelrug"],
        )
    )
    add(
        Case(
            "diakrieten",
            _memo(
                para(
                    "Overleg met Mehmet Yıldızoğlu-Brakveld, Kübra Şahinbloem en "
                    "Zoë Kersenboom, en met minister Yeşilgöz-Zegerius."
                )
            ),
            ["Yıldızoğlu", "Brakveld", "Şahinbloem", "Kersenboom"],
            ["Yeşilgöz-Zegerius"],
        )
    )
    add(
        Case(
            "nfd-diakrieten",
            _memo(
                para(
                    unicodedata.normalize(
                        "NFD", "Zoë Kersenboom en Kübra Şahinbloem spraken burgemeester Aboutaleb."
                    )
                )
            ),
            ["Kersenboom", "ahinbloem"],
            ["Aboutaleb"],
        )
    )
    add(
        Case(
            "voorletters-tussenvoegsel",
            _memo(
                para(
                    "Volgens mr. P.B. van der Wolkenveld en drs. R.J. van den Heuvelrug-Stroop "
                    "is de aanpak effectief; minister Grapperhaus deelt dat."
                )
            ),
            ["Wolkenveld", "Heuvelrug"],
            ["Grapperhaus"],
        )
    )
    add(
        Case(
            "onbekende-naam-deduce",
            _memo(
                para("Het advies van Kees Bakker is overgenomen. Bakker adviseert verder."),
                para("Ook mevrouw J.P. de Vries van de politie sprak met burgemeester Hamming."),
            ),
            ["Kees Bakker", "Bakker adviseert", "de Vries"],
            ["Hamming"],
        )
    )
    add(
        Case(
            "email-en-link",
            Doc(
                body=[
                    para(
                        "Mail naar ",
                        '<w:hyperlink r:id="rIdMail">'
                        + run("jorinde.klaverblad@minjenv.example")
                        + "</w:hyperlink>",
                        " of h.jansen@politie.example.",
                    )
                ],
                hyperlinks={"rIdMail": "mailto:jorinde.klaverblad@minjenv.example"},
            ),
            ["klaverblad@", "h.jansen@politie"],
        )
    )
    add(
        Case(
            "telefoonnummers",
            _memo(
                para(
                    "Bel +31 6 24 68 13 57, 070-3707911, (070) 370 79 11, 06 1234 5678 of toestel 4411."
                )
            ),
            ["24 68 13 57", "3707911", "370 79 11", "1234 5678", "4411"],
        )
    )
    add(
        Case(
            "ondertekening",
            Doc(
                body=[
                    para("Ik vertrouw u hiermee voldoende te hebben geïnformeerd."),
                    para("Met vriendelijke groet,"),
                    para(""),
                    para("Lieke Ossewaarde"),
                    para("Beleidsmedewerker HIC"),
                ]
            ),
            ["Ossewaarde"],
        )
    )
    add(
        Case(
            "sectie5-kop-en-regel",
            _memo(
                para("Advies: akkoord gaan met de voortgangsbrief."),
                heading("5. Toelichting (niet openbaar)"),
                para(LINE),
                para(S5_SECRET),
                para("Afgestemd met Wessel Dwarrelwind en Lotte Verhoef."),
                table([["Risico", "Politiek gevoelig: positie van de burgemeester"]]),
            ),
            [
                "Dwarrelwind",
                "Verhoef",
                "overweegt in vertrouwen",
                "Politiek gevoelig",
                "Toelichting (niet",
            ],
        )
    )
    add(
        Case(
            "sectie5-alleen-regel-met-voetnoot",
            Doc(
                body=[
                    para("Openbaar deel van de nota."),
                    para("—— " + LINE + " ——"),
                    para(S5_SECRET, '<w:r><w:footnoteReference w:id="7"/></w:r>'),
                    para("Jorinde Klaverblad, tel. 06-13 57 24 68"),
                ],
                footnotes={
                    7: "Bron: vertrouwelijk gesprek met de korpsleiding over Taskforce-capaciteit.",
                    8: "Een openbare voetnoot.",
                },
            ),
            ["overweegt in vertrouwen", "vertrouwelijk gesprek", "Klaverblad"],
        )
    )
    add(
        Case(
            "veldcode",
            Doc(
                body=[
                    para(
                        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "mailto:s.tenzonnebloemhof@minjenv.example" </w:instrText></w:r>',
                        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                        run("Saskia ten Zonnebloemhof"),
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                    ),
                    para(
                        '<w:fldSimple w:instr=" AUTHOR  \\* MERGEFORMAT ">'
                        + run("Björn Sneeuwklokje")
                        + "</w:fldSimple>"
                    ),
                ]
            ),
            ["Zonnebloemhof", "tenzonnebloemhof", "Sneeuwklokje"],
        )
    )
    add(
        Case(
            "documentvariabelen",
            Doc(
                body=[para("Nota.")],
                settings_extra=(
                    '<w:docVars><w:docVar w:name="Auteur" w:val="Jorinde Klaverblad"/></w:docVars>'
                ),
            ),
            ["Klaverblad"],
        )
    )
    add(
        Case(
            "hoofdletters-koptekst",
            Doc(body=[para("Nota.")], header=[para("AUTEUR: JORINDE KLAVERBLAD")]),
            ["KLAVERBLAD"],
        )
    )
    add(
        Case(
            "publieke-functies",
            _memo(
                para(
                    "De minister van Justitie en Veiligheid, D.M. van Weel, sprak met burgemeester Halsema, "
                    "staatssecretaris Struycken en oud-minister Opstelten; Hirsch Ballin en Weerwind waren verhinderd. "
                    "Verslag: Jorinde Klaverblad."
                )
            ),
            ["Klaverblad"],
            ["Van Weel", "Halsema", "Struycken", "Opstelten", "Hirsch Ballin", "Weerwind"],
        )
    )
    add(
        Case(
            "kop-en-voettekst-gesplitst",
            Doc(
                body=[para("Nota.")],
                header=[para(run("Contact"), run("persoon: Wes"), run("sel Dwarrel"), run("wind"))],
                footer=[para(run("n.elmouwahidi"), run("@minjenv.example"))],
            ),
            ["Dwarrelwind", "elmouwahidi"],
        )
    )
    return c


CASES = cases()


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in d if not unicodedata.combining(ch)).replace("ı", "i").casefold()


def _squeeze(s: str) -> str:
    return re.sub(r"[\W_]+", "", _fold(s))


@pytest.fixture(scope="module")
def published(tmp_path_factory, detector):
    src_dir = tmp_path_factory.mktemp("corpus")
    sources = [case.doc.save(src_dir / f"{i:02d}-{case.name}.docx") for i, case in enumerate(CASES)]
    out = tmp_path_factory.mktemp("publicatie")
    pub = publish(sources, out, detector)
    return {o.source.name: o for o in pub.documents}, pub


def test_corpus_size():
    assert len(CASES) >= 25


@pytest.mark.parametrize("idx", range(len(CASES)), ids=[c.name for c in CASES])
def test_no_secret_survives(published, idx):
    case = CASES[idx]
    outcomes, _ = published
    o = outcomes[f"{idx:02d}-{case.name}.docx"]
    docx_text = all_text_of_docx(o.docx)
    reader = pypdf.PdfReader(o.pdf)
    pdf_text = "\n".join(p.extract_text() or "" for p in reader.pages)
    with pdfplumber.open(o.pdf) as pdf:
        pdf_text += "\n" + "\n".join(p.extract_text() or "" for p in pdf.pages)
    pdf_text += "\n" + " ".join(str(v) for v in (reader.metadata or {}).values())
    for secret in case.secrets:
        assert _fold(secret) not in _fold(docx_text), f"{secret!r} in DOCX"
        assert _squeeze(secret) not in _squeeze(pdf_text), f"{secret!r} in PDF"
    for name in case.public:
        assert _squeeze(name) in _squeeze(pdf_text), f"public {name!r} missing from PDF"


def test_outputs_are_valid_docx_and_boxed(published):
    outcomes, _ = published
    import docx  # python-docx must open every output

    boxed = 0
    for o in outcomes.values():
        d = docx.Document(str(o.docx))
        with zipfile.ZipFile(o.docx) as zf:
            xml = zf.read("word/document.xml").decode()
            assert "w:ins " not in xml and "<w:del " not in xml and "commentReference" not in xml
            names = zf.namelist()
            assert "word/comments.xml" not in names and "docProps/custom.xml" not in names
        boxed += sum(1 for p in d.paragraphs for r in p.runs if r.text == "5.1.2e")
    assert boxed >= 20


def test_inventory_and_log_hold_no_redacted_text(published):
    _, pub = published
    log = pub.log_csv.read_text(encoding="utf-8-sig")
    inv = pub.inventory_csv.read_text(encoding="utf-8-sig")
    for case in CASES:
        for secret in case.secrets:
            assert _fold(secret) not in _fold(log)
            assert _fold(secret) not in _fold(inv)
    rows = inv.splitlines()
    assert rows[0] == "nr;datum;document;beoordeling;weigeringsgronden;opmerking"
    assert len(rows) == len(CASES) + 1
    assert "deels openbaar" in inv
    assert pub.inventory_xlsx.stat().st_size > 0
