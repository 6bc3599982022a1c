"""Woo publication of the generated documents: redaction of the document model at the source.

The 2023 Kamerbrief and beslisnota are built from a real store (the embedded data set) with a
spec that names fictional civil servants from ``content/personen.yaml`` in the sender column,
the attachments, a contact line, the free texts and a signature, plus names that are not in
the register (one for deduce, one for the initials pattern). The outputs are read back with
tools independent of the code under test: every part of the DOCX as raw bytes and as
tag-stripped text, the PDF through pypdf and pdfplumber and every decompressed stream, the
HTML raw and through the standard library's parser.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import html
import re
import unicodedata
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pdfplumber
import pypdf
import pytest
import yaml
from typer.testing import CliRunner

from hicmonitor import store, taxonomy
from hicmonitor.cli import app
from hicmonitor.reports.context import gather
from hicmonitor.reports.model import (
    ApprovalBlock,
    ApprovalRow,
    Document,
    Footnote,
    HeaderBlock,
    HeaderField,
    NonPublicLine,
    Paragraph,
    Section,
    Signatory,
    Table,
    Text,
)
from hicmonitor.reports.rapport import build_documents, render
from hicmonitor.reports.spec import parse_spec
from hicmonitor.woo.detect import Detector
from hicmonitor.woo.generated import html_text_leaks, publish_documents, spec_texts
from hicmonitor.woo.leakcheck import Needles
from hicmonitor.woo.model_redact import BOX_TOKEN_RE, redact_document
from hicmonitor.woo.publish import LeakError
from tests.conftest import national_counts_by_category

from ..reports.readback import docx_tables, parse_html, parse_int
from .conftest import REGISTER, ROOT

EXAMPLE_SPEC = ROOT / "content" / "rapporten" / "2023.yaml"
MINISTER = "D. Yeşilgöz-Zegerius"
SECTION5 = [
    "Het vertrouwelijke overleg met de banken over de geldautomaten blijft binnenskamers.",
    "Het concept van de Taskforce bevat nog onbevestigde cijfers over explosieven.",
]
# Every string that must be gone, in the form the spec wrote it, and parts of it.
SECRETS = [
    "Klaverblad",
    "Jorinde",
    "Wolkenveld",
    "Pieter-Bas",
    "Heuvelrug",
    "Dwarrelwind",
    "Hendrik Jansen",
    "Jansen",
    "Verhoeven",
    "jorinde.klaverblad@minjenv.example",
    "pb.vanderwolkenveld@minjenv.example",
    "06 13 57 24 68",
    "13 57 24 68",
    "070-370 33 44",
    *SECTION5,
    "binnenskamers",
    "onbevestigde cijfers",
    "Alles onder deze streep wordt verwijderd",
]


def _spec_text() -> str:
    data = yaml.safe_load(EXAMPLE_SPEC.read_text(encoding="utf-8"))
    data["kenmerk"] = "WOO-TEST-2023"
    data["voorbeeld"] = False
    data["afzender"]["team"] = "Team HIC, contactpersoon J.M. Klaverblad"
    # the annexes are per document (the spec's decisions); the memo lists the letter itself
    annex = "Notitie van Pieter-Bas van der Wolkenveld (pb.vanderwolkenveld@minjenv.example)"
    data["kamerbrief"]["bijlagen"] = [annex]
    data["beslisnota"]["bijlagen"] = [annex]
    data["ondertekenaars"] = [
        {"functie": "De Minister van Justitie en Veiligheid", "naam": MINISTER},
        {
            "functie": "De directeur Veiligheid en Criminaliteitsbestrijding",
            "naam": "R.J. van den Heuvelrug-Stroop",
        },
    ]
    data["kamerbrief"]["slot"] = (
        "Voor vragen over de cijfers kunt u terecht bij Hendrik Jansen van de directie."
    )
    nota = data["beslisnota"]
    nota["communicatie"] = (
        "Contactpersoon: Jorinde Klaverblad, telefoon 06 13 57 24 68, "
        "jorinde.klaverblad@minjenv.example. Burgemeester Aboutaleb is geïnformeerd.\n\n"
        "Woordvoering: G. Pannekoekstra (070-370 33 44)."
    )
    nota["krachtenveld"] = (
        "Gemeenten hebben de regie. Afgestemd met Wessel Dwarrelwind van het programma en "
        "met drs. K.L. Verhoeven van de politie."
    )
    nota["niet_openbaar"] = {"toelichting": SECTION5[0], "informatie": SECTION5[1]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# -- independent readers ---------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no diacritics, no whitespace: a strict haystack/needle form."""
    nfd = unicodedata.normalize("NFKD", text)
    return re.sub(r"\s+", "", "".join(c for c in nfd if not unicodedata.combining(c))).lower()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.parts.extend(v for _, v in attrs if v)


def haystacks(path: Path) -> dict[str, str]:
    """Every readable form of an output file, by place."""
    data = path.read_bytes()
    out = {"raw": data.decode("latin-1"), "raw-utf8": data.decode("utf-8", "replace")}
    if path.suffix == ".docx" or path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                blob = zf.read(name).decode("utf-8", "replace")
                out[name] = blob
                out[name + " (text)"] = re.sub(r"<[^>]+>", "", blob)
    elif path.suffix == ".pdf":
        reader = pypdf.PdfReader(path)
        out["pypdf"] = "\n".join(p.extract_text() or "" for p in reader.pages)
        out["metadata"] = repr(dict(reader.metadata or {}))
        with pdfplumber.open(path) as pdf:
            out["pdfplumber"] = "\n".join(p.extract_text() or "" for p in pdf.pages)
        for i in range(1, int(reader.trailer["/Size"])):
            obj = reader.get_object(i)
            if hasattr(obj, "get_data"):
                out[f"stream {i}"] = obj.get_data().decode("latin-1")
    elif path.suffix == ".html":
        p = _Text()
        p.feed(path.read_text(encoding="utf-8"))
        out["html text"] = " ".join(p.parts)
    return out


def found_secrets(path: Path, secrets: list[str]) -> list[tuple[str, str]]:
    hits = []
    for where, hay in haystacks(path).items():
        h = fold(hay)
        hits += [(s, where) for s in secrets if fold(s) in h]
    return hits


def csv_counts() -> dict[str, dict[int, int]]:
    return national_counts_by_category()


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "woo-2023.yaml"
    path.write_text(_spec_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published(loaded_db_template, spec_file, tmp_path_factory) -> Path:
    """`hic woo --rapport 2023` through the real CLI on a copy of the real store."""
    tmp = tmp_path_factory.mktemp("woo-rapport")
    db = tmp / "hic.duckdb"
    db.write_bytes(loaded_db_template.read_bytes())
    out = tmp / "uit"
    args = ["--db", str(db), "woo", "--rapport", "2023", "--spec", str(spec_file)]
    r = CliRunner().invoke(app, [*args, "--uit", str(out), "--personen", str(REGISTER)])
    assert r.exit_code == 0, r.output
    assert "lekcontrole geslaagd" in r.output
    return out


@pytest.fixture(scope="module")
def built(loaded_db_template, spec_file):
    """The unredacted documents of the same spec, for the planted-leak test."""
    spec = parse_spec(spec_file.read_text(encoding="utf-8"), spec_file)
    con = store.connect(loaded_db_template, read_only=True)
    try:
        return spec, build_documents(gather(con, spec))
    finally:
        con.close()


def out_file(out: Path, kind: str, fmt: str) -> Path:
    return out / f"{kind}_2023_WOO-TEST-2023.openbaar.{fmt}"


KINDS = ("kamerbrief", "beslisnota")
FORMATS = ("docx", "pdf", "html")


# -- the publication -------------------------------------------------------------------


def test_outputs_are_the_documents_inventory_and_log(published):
    assert sorted(p.name for p in published.iterdir()) == sorted(
        [f"{k}_2023_WOO-TEST-2023.openbaar.{f}" for k in KINDS for f in FORMATS]
        + ["inventarislijst.csv", "inventarislijst.xlsx", "lakverslag.csv"]
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_nothing_redacted_survives_anywhere(published, kind, fmt):
    assert found_secrets(out_file(published, kind, fmt), SECRETS) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_readers_do_see_the_names_without_redaction(built, tmp_path, fmt):
    """The check above is not vacuous: on the unredacted rendering it finds everything."""
    _, docs = built
    path = render(docs["beslisnota"], fmt, tmp_path / f"nota.{fmt}")
    found = {s for s, _ in found_secrets(path, SECRETS)}
    planted = {"Klaverblad", "Wolkenveld", "Dwarrelwind", "Verhoeven", "06 13 57 24 68"}
    assert planted | set(SECTION5) <= found


def test_lists_contain_no_redacted_text(published):
    for name in ("inventarislijst.csv", "inventarislijst.xlsx", "lakverslag.csv"):
        assert found_secrets(published / name, SECRETS) == []


@pytest.mark.parametrize("kind", KINDS)
def test_minister_and_mayor_stay_and_boxes_are_there(published, kind):
    pdf = haystacks(out_file(published, kind, "pdf"))
    html_text = haystacks(out_file(published, kind, "html"))["html text"]
    docx_text = haystacks(out_file(published, kind, "docx"))["word/document.xml (text)"]
    for text in (pdf["pypdf"], pdf["pdfplumber"], html_text, docx_text):
        assert "5.1.2e" in text
        if kind == "kamerbrief":  # the signature
            assert fold(MINISTER) in fold(text)
        else:  # "Burgemeester Aboutaleb is geïnformeerd."
            assert "Aboutaleb" in text


@pytest.mark.parametrize("kind", KINDS)
def test_boxes_are_white_on_black_in_every_format(published, kind):
    # DOCX: runs with the ground, black shading and white text
    xml = zipfile.ZipFile(out_file(published, kind, "docx")).read("word/document.xml").decode()
    runs = re.findall(r"<w:r>(?:(?!</w:r>).)*?5\.1\.2e(?:(?!</w:r>).)*?</w:r>", xml)
    assert runs and all('w:fill="000000"' in r and "FFFFFF" in r for r in runs)
    # the contact in the sender column (a plain string field) is a box too
    assert any("contactpersoon" in xml[: xml.index(r)][-400:] for r in runs)
    # HTML: a box element for every redaction, never the token characters
    page = out_file(published, kind, "html").read_text(encoding="utf-8")
    spans = re.findall(r'<span class="lak"[^>]*>5\.1\.2e</span>', page)
    assert spans and not BOX_TOKEN_RE.search(page) and "\ue000" not in page
    # PDF: every '5.1.2e' word lies on a black filled rectangle
    with pdfplumber.open(out_file(published, kind, "pdf")) as pdf:
        boxes = 0
        for page in pdf.pages:
            black = [r for r in page.rects if r.get("fill") and _is_black(r["non_stroking_color"])]
            for word in page.extract_words():
                if "5.1.2e" in word["text"]:
                    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
                    assert any(
                        r["x0"] <= cx <= r["x1"] and r["top"] <= cy <= r["bottom"] for r in black
                    ), (page.page_number, word)
                    boxes += 1
        assert boxes >= 3


def _is_black(color) -> bool:  # noqa: ANN001
    values = color if isinstance(color, list | tuple) else [color]
    return len(values) in (1, 3) and all(v == 0 for v in values)


def test_one_box_per_planted_item_in_docx(published):
    # What the spec plants, counted by hand:
    # kamerbrief: contact in the team line, attachment author and e-mail, the unregistered
    #   name in the closing paragraph, the second signatory = 5
    # beslisnota: the same three in the header, Dwarrelwind and drs. K.L. Verhoeven
    #   (krachtenveld), name, phone and e-mail in the contact line, Pannekoekstra and her
    #   phone (communicatie) = 10
    def boxes(kind: str) -> int:
        z = zipfile.ZipFile(out_file(published, kind, "docx"))
        return sum(
            len(re.findall(r"<w:t[^>]*>\s*5\.1\.2e\s*</w:t>", z.read(n).decode()))
            for n in z.namelist()
            if n.startswith("word/") and n.endswith(".xml")
        )

    assert boxes("kamerbrief") == 5
    assert boxes("beslisnota") == 10


@pytest.mark.parametrize("fmt", ("docx", "html"))
def test_figures_table_unchanged(published, fmt):
    counts = csv_counts()
    label_to_cat = {c.label: c.id for c in taxonomy.police_categories()}
    path = out_file(published, "kamerbrief", fmt)
    if fmt == "docx":
        rows = next(t for t in docx_tables(path) if t[0][0] == "Categorie")
    else:
        rows = parse_html(path).tables["tabel-hic-cijfers"]
    years = [int(h) if re.fullmatch(r"\d{4}", h) else None for h in rows[0]]
    checked = 0
    for row in rows[1:]:
        assert "5.1.2e" not in " ".join(row)
        cat = label_to_cat[row[0]]
        for year, cell in zip(years, row, strict=True):
            if year is not None:
                assert parse_int(cell) == counts[cat][year], (cat, year)
                checked += 1
    assert checked == 24


def test_figures_table_unchanged_in_pdf(published):
    counts = csv_counts()
    text = haystacks(out_file(published, "kamerbrief", "pdf"))["pdfplumber"]
    for c in taxonomy.police_categories():
        line = next(ln for ln in text.splitlines() if re.match(rf"{c.label} [\d.]+ [\d.]+", ln))
        numbers = [parse_int(x) for x in line.split()[1:7]]
        # the letter of 18 December 2023 shows the years public then: up to 2022
        assert numbers == [counts[c.id][y] for y in (2012, 2018, 2019, 2020, 2021, 2022)]


def test_inventory_rows(published):
    with (published / "inventarislijst.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["nr", "datum", "document", "beoordeling", "weigeringsgronden", "opmerking"]
    body = rows[1:]
    assert [r[:5] for r in body] == [
        ["1", "2023-12-18", "kamerbrief_2023_WOO-TEST-2023.openbaar", "deels openbaar", "5.1.2e"],
        ["2", "2023-12-18", "beslisnota_2023_WOO-TEST-2023.openbaar", "deels openbaar", "5.1.2e"],
    ]
    assert "sectie 5" in body[1][5] and "niet openbaar gemaakt" in body[1][5]
    ws = openpyxl.load_workbook(published / "inventarislijst.xlsx").active
    xlsx = [[str(c) for c in r] for r in ws.iter_rows(values_only=True)]
    assert xlsx == rows


def test_log_names_places_never_text(published):
    with (published / "lakverslag.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    nota = [r for r in rows if r["document"].startswith("beslisnota") and r["soort"] == "lakking"]
    places = {r["locatie"] for r in nota}
    assert "kopblok, afzender, regel 4" in places  # the team line with the contact
    assert any("4.8 Communicatie" in p for p in places)
    assert {r["klasse"] for r in nota} >= {"naam", "telefoonnummer", "e-mailadres"}
    assert {r["bron"] for r in nota} >= {"register", "patroon"}
    brief = [r for r in rows if r["document"].startswith("kamerbrief") and r["soort"] == "lakking"]
    assert any(r["locatie"] == "ondertekening 2" for r in brief)
    assert any(r["bron"] == "deduce" for r in brief)  # Hendrik Jansen, not in the register
    assert all(r["grond"] == "5.1.2e" for r in nota + brief)
    cut = [r for r in rows if r["soort"] == "handeling" and r["document"].startswith("beslis")]
    assert cut and "sectie 5" in cut[0]["locatie"]


# -- planted leak: the detector misses it, the leak check stops it -------------------------


@pytest.mark.parametrize(
    "planted", ["Met dank aan K l a v e r b l a d.", "Met dank aan de Klaverblads."]
)
def test_leak_check_stops_a_missed_name(built, detector, tmp_path, planted):
    spec, docs = built
    nota = copy.deepcopy(docs["beslisnota"])
    nota.body.insert(0, Paragraph([Text(planted)]))
    # the detector indeed misses it: no redaction touches the planted paragraph
    redacted, _ = redact_document(nota, detector, deduce_texts=spec_texts(spec))
    assert redacted.body[0] == Paragraph([Text(planted)])
    out = tmp_path / "uit"
    with pytest.raises(LeakError) as exc:
        publish_documents(
            {"beslisnota": nota},
            {"beslisnota": "beslisnota_2023"},
            out,
            detector,
            deduce_texts=spec_texts(spec),
        )
    assert "personenregister" in str(exc.value) and "Klaverblad" not in str(exc.value)
    assert not out.exists()


def test_cli_refuses_documents_and_rapport_together(tmp_path):
    r = CliRunner().invoke(app, ["woo", "x.docx", "--rapport", "2023", "--uit", str(tmp_path)])
    assert r.exit_code == 1 and "niet allebei" in r.output


# -- the model redaction as a pure function ----------------------------------------------


def small_memo() -> Document:
    """A hand-built memo that uses every field a name can sit in."""
    import datetime as dt

    return Document(
        kind="beslisnota",
        title="Beslisnota",
        subject="Voortgang HIC",
        date=dt.date(2023, 12, 18),
        reference="T-1",
        header=HeaderBlock(
            ["Ministerie van Justitie en Veiligheid", "Directie Veiligheid"],
            [
                HeaderField("Contactpersoon", ["Zoë Kersenboom", "T 06-98765432"]),
                HeaderField("Ons kenmerk", ["T-1"]),
            ],
        ),
        margin=["Directie Veiligheid"],
        body=[
            Section(
                "Aanleiding",
                [
                    Paragraph(
                        [
                            Text("Besproken met "),
                            Text("Noor el Mouwa", bold=True),
                            Text("hidi-Korenbloem en minister Van Weel."),
                            Footnote([Text("Zie de notitie van Björn Sneeuwklokje.")]),
                        ]
                    ),
                    Table("Tabel 1", ["Wie", "Aantal"], [["Fenna Ijsvogelaar", 3], ["Politie", 4]]),
                ],
                number="1",
            ),
            NonPublicLine(),
            Section("Niet openbaar", [Paragraph([Text(SECTION5[0])])], number="5", public=False),
            Section("Nagekomen", [Paragraph([Text(SECTION5[1])])], number="6"),
        ],
        to="Minister van Justitie en Veiligheid",
        approval=ApprovalBlock(
            [ApprovalRow("Minister", ["datum"]), ApprovalRow("Paraaf I.M. Zeegroenhuis", ["datum"])]
        ),
        signatories=[Signatory("D.M. van Weel", "De Minister van Justitie en Veiligheid")],
    )


def strings(obj) -> list[str]:  # noqa: ANN001
    """Every string anywhere in a model (dataclass tree)."""
    if isinstance(obj, str):
        return [obj]
    if dataclasses.is_dataclass(obj):
        return [s for f in dataclasses.fields(obj) for s in strings(getattr(obj, f.name))]
    if isinstance(obj, list | tuple):
        return [s for x in obj for s in strings(x)]
    return []


def test_model_redaction_is_pure_and_complete(detector):
    doc = small_memo()
    before = copy.deepcopy(doc)
    red, res = redact_document(doc, detector)
    assert doc == before  # the input is untouched
    everything = fold(" ".join(strings(red)))
    for secret in (
        "Kersenboom",
        "98765432",
        "Mouwahidi",
        "Mouwa",
        "Sneeuwklokje",
        "Ijsvogelaar",
        "Zeegroenhuis",
        *SECTION5,
        "Alles onder deze streep",
    ):
        assert fold(secret) not in everything, secret
    assert "Van Weel" in " ".join(strings(red))
    # the line, section 5 and everything after the line are gone
    assert [b.title for b in red.body if isinstance(b, Section)] == ["Aanleiding"]
    assert res.section5_found and set(SECTION5) <= set(res.section5_texts)
    # a name over two runs (bold + plain) becomes one box; the rest keeps its formatting
    para = red.body[0].blocks[0]
    texts = [c for c in para.content if isinstance(c, Text)]
    assert [(t.text, t.bold, t.redaction) for t in texts] == [
        ("Besproken met ", False, None),
        ("", True, "5.1.2e"),
        (" en minister Van Weel.", False, None),
    ]
    # plain string fields carry box tokens
    contact = red.header.fields[0].lines
    assert [BOX_TOKEN_RE.fullmatch(x) is not None for x in contact] == [True, False]
    assert BOX_TOKEN_RE.search(contact[1])
    assert BOX_TOKEN_RE.fullmatch(red.body[0].blocks[1].rows[0][0])
    assert red.body[0].blocks[1].rows[0][1] == 3 and red.body[0].blocks[1].rows[1] == ["Politie", 4]
    assert BOX_TOKEN_RE.search(red.approval.rows[1].role)
    assert red.signatories[0].name == "D.M. van Weel"
    # findings: where, what class, which detector; the text only in memory
    where = {f.where for f in res.findings}
    assert "kopblok, Contactpersoon" in where and "akkoordblok, rij 2" in where
    assert "voetnoot 1" in where
    assert all(f.grond == "5.1.2e" for f in res.findings)


def test_names_found_in_one_document_are_redacted_in_the_others(register, tmp_path):
    """Pooling across a publication: the memo only says "Baarsma"; the letter named him."""
    import datetime as dt

    plain = Detector(register, use_deduce=False)

    def doc(kind: str, text: str) -> Document:
        return Document(
            kind=kind,
            title=kind,
            subject="Test",
            date=dt.date(2023, 12, 18),
            reference="T-2",
            header=HeaderBlock(["Ministerie van Justitie en Veiligheid"], []),
            margin=[],
            body=[Paragraph([Text(text)])],
        )

    letter = doc("kamerbrief", "Opgesteld door: Hendriks Baarsma")
    memo = doc("beslisnota", "Baarsma is akkoord met de aanpak.")
    alone, _ = redact_document(memo, plain)
    assert alone.body[0] == Paragraph([Text("Baarsma is akkoord met de aanpak.")])
    pooled, res = redact_document(memo, plain, known={"Hendriks Baarsma": "naam"})
    assert pooled.body[0].content[0].redaction == "5.1.2e"
    assert [f.bron for f in res.findings] == ["herhaling"]
    out = tmp_path / "uit"
    pub = publish_documents(
        {"kamerbrief": letter, "beslisnota": memo},
        {"kamerbrief": "brief", "beslisnota": "nota"},
        out,
        plain,
        formats=("html",),
    )
    assert [len(o.result.findings) for o in pub.documents] == [1, 1]
    assert "Baarsma" not in (out / "nota.openbaar.html").read_text(encoding="utf-8")


def test_html_leak_check_reads_text_with_entities_decoded(tmp_path):
    sentence = 'Het is \'n kwestie van "vertrouwen" in de aanpak'
    page = tmp_path / "nota.openbaar.html"
    page.write_text(f"<p>{html.escape(sentence)}</p>", encoding="utf-8")
    assert sentence not in page.read_text(encoding="utf-8")  # the bytes hold entities
    leaks = html_text_leaks([page], Needles(section5=[sentence]))
    assert [(lk.file, lk.kind) for lk in leaks] == [("nota.openbaar.html", "tekst uit sectie 5")]
    assert html_text_leaks([page], Needles(section5=["Een andere zin over iets anders"])) == []
