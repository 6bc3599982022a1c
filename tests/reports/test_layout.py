"""Layout that survives editing: no heading or caption alone at the bottom of a page (checked
on the PDF's layout, also for the DOCX as LibreOffice sets it), the sender column inside a
10 mm printable margin, no word broken mid-word, the document properties, the logo slot.

The LibreOffice checks need `soffice` (Debian: libreoffice-writer-nogui); without it they are
skipped and the DOCX's own settings (keep with next, no hyphenation) are checked instead."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest

from hicmonitor.errors import InputError
from hicmonitor.reports.model import (
    Document,
    Figure,
    HeaderBlock,
    HeaderField,
    Paragraph,
    Section,
    Table,
    Text,
    walk,
)
from hicmonitor.reports.rapport import build_documents, render
from hicmonitor.reports.spec import parse_spec

from .conftest import EXAMPLE_SPEC
from .layout import (
    broken_words,
    libreoffice_pdf,
    outside_print_area,
    soffice,
    stranded,
)


def docx_all_text(path: Path) -> str:
    """The text of every part of a DOCX (body, headers, footers, footnotes)."""
    with zipfile.ZipFile(path) as zf:
        parts = [n for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")]
        return " ".join(
            re.sub(r"<[^>]+>", " ", zf.read(n).decode("utf-8")).replace("&amp;", "&") for n in parts
        )


needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")


def headings_and_captions(doc: Document) -> list[str]:
    out = []
    for b in walk(doc.body):
        if isinstance(b, Section):
            out.append(b.heading)
        elif isinstance(b, Table | Figure):
            out.append(b.caption)
    return out


@pytest.fixture(scope="module")
def docs(shared_con, spec, catalog):
    from hicmonitor.reports.context import gather

    return build_documents(gather(shared_con, spec, catalog=catalog))


@pytest.fixture(scope="module")
def libreoffice_outputs(outputs, tmp_path_factory) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    files = [outputs["kamerbrief.docx"], outputs["beslisnota.docx"]]
    pdfs = libreoffice_pdf(files, tmp_path_factory.mktemp("lo"))
    return {"kamerbrief": pdfs[0], "beslisnota": pdfs[1]}


# --- the example report -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_no_stranded_heading_or_caption_in_the_pdf(outputs, docs, kind):
    assert stranded(outputs[f"{kind}.pdf"], headings_and_captions(docs[kind])) == []


@needs_libreoffice
@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_docx_in_libreoffice_no_stranded_heading_no_broken_word(
    libreoffice_outputs, outputs, docs, kind
):
    pdf = libreoffice_outputs[kind]
    assert stranded(pdf, headings_and_captions(docs[kind])) == []
    assert broken_words(pdf, docx_all_text(outputs[f"{kind}.docx"])) == []
    assert outside_print_area(pdf) == []


@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_everything_inside_the_printable_margin(outputs, kind):
    assert outside_print_area(outputs[f"{kind}.pdf"]) == []
    with pdfplumber.open(str(outputs[f"{kind}.pdf"])) as pdf:
        page = pdf.pages[0]
        column = [c for c in page.chars if c["x0"] > 150 * 72 / 25.4]
        assert column  # the sender column is there, at the right
        assert max(c["x1"] for c in column) <= 200 * 72 / 25.4


def test_docx_keeps_headings_and_captions_with_what_follows(outputs):
    d = docx.Document(str(outputs["kamerbrief.docx"]))
    for name in ("Heading 1", "Heading 2", "Caption"):
        assert d.styles[name].paragraph_format.keep_with_next, name
    settings = d.settings.element.xml
    assert (
        'autoHyphenation w:val="false"' in settings or "autoHyphenation w:val='false'" in settings
    )
    normal = d.styles["Normal"].element.xml
    assert "suppressAutoHyphens" in normal
    # a table never splits a row, and keeps with its note
    body = d.element.body
    assert body.xpath(".//w:tbl//w:trPr/w:cantSplit")


@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_docx_properties_are_the_specs_and_now(outputs, spec, kind):
    path = outputs[f"{kind}.docx"]
    d = docx.Document(str(path))
    props = d.core_properties
    assert props.author == spec.auteur and props.last_modified_by == spec.auteur
    created = props.created.replace(tzinfo=None) if props.created.tzinfo else props.created
    age = dt.datetime.now(dt.UTC).replace(tzinfo=None) - created
    assert dt.timedelta(0) <= age < dt.timedelta(hours=2)
    assert props.modified == props.created
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta = "".join(zf.read(n).decode("utf-8") for n in names if n.startswith("docProps/"))
    assert "python-docx" not in meta and "2013" not in meta and "Macintosh" not in meta
    assert "<Application>hicmonitor</Application>" in meta
    assert not any("thumbnail" in n for n in names)


def test_margin_of_later_pages_names_the_directorate_general(outputs, spec):
    d = docx.Document(str(outputs["beslisnota.docx"]))
    later = [p.text for p in d.sections[0].header.paragraphs]
    assert later[0] == spec.afzender.directoraat_generaal
    assert spec.afzender.directie in later


# --- the class of inputs: headings and captions at every place on a page ------------------


def _variant(filler_words: int) -> Document:
    """A document whose headings and captions fall at shifting places near page ends."""
    word = "tekst "
    body = []
    for i in range(1, 7):
        body.append(
            Section(
                f"Onderdeel {i} met een kop",
                [
                    Paragraph([Text(word * (filler_words + 37 * i))]),
                    Table(
                        caption=f"Tabel {i}. Een tabel met een bijschrift",
                        columns=["Categorie", "2022", "2023"],
                        rows=[["Woninginbraak", 24414, 22706], ["Geweld", 68740, 65107]],
                        note=[Text("Een noot bij de tabel.")],
                    ),
                    Section(
                        f"{i}.1 Een subkop",
                        [Paragraph([Text(word * 30)])],
                        number=None,
                    ),
                ],
                number=str(i),
            )
        )
    return Document(
        kind="kamerbrief",
        title="Kamerbrief",
        subject="Proef",
        date=dt.date(2023, 12, 18),
        reference="T-1",
        header=HeaderBlock(
            ["Ministerie X", "DG Y", "Directie Z"], [HeaderField("Ons kenmerk", ["T-1"])]
        ),
        margin=["DG Y", "Directie Z", "Datum 18 december 2023", "Ons kenmerk T-1"],
        body=body,
    )


VARIANTS = [30, 75, 120, 165, 210, 255, 300, 345]


@pytest.mark.parametrize("filler", VARIANTS)
def test_pdf_never_strands_a_heading_or_caption(tmp_path, filler):
    doc = _variant(filler)
    path = render(doc, "pdf", tmp_path / "v.pdf")
    with pdfplumber.open(str(path)) as pdf:
        assert len(pdf.pages) >= 3
    assert stranded(path, headings_and_captions(doc)) == []


@needs_libreoffice
def test_docx_never_strands_a_heading_or_caption(tmp_path):
    docs_ = {f: _variant(f) for f in VARIANTS[::3]}
    files = [render(doc, "docx", tmp_path / f"v{f}.docx") for f, doc in docs_.items()]
    for pdf, doc in zip(libreoffice_pdf(files, tmp_path / "lo"), docs_.values(), strict=True):
        assert stranded(pdf, headings_and_captions(doc)) == [], pdf.name


def test_the_stranded_check_can_fail(tmp_path):
    """The detector finds a heading forced to the bottom of a page (so a pass means
    something)."""
    import weasyprint

    filler = "<p>" + "tekst " * 60 + "</p>"
    html = (
        "<html><body style='font-family: sans-serif; font-size: 9.5pt'>"
        + filler * 3
        + "<h2>7 Een kop die alleen staat</h2><p style='break-before: page'>"
        + "tekst " * 40
        + "</p></body></html>"
    )
    path = tmp_path / "x.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    assert stranded(path, ["7 Een kop die alleen staat"]) == [(1, "7 Een kop die alleen staat")]


# --- the logo slot ------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 160), (21, 66, 115)).save(buf, format="PNG")
    return buf.getvalue()


def test_no_logo_is_shipped(outputs):
    d = docx.Document(str(outputs["kamerbrief.docx"]))
    first = d.sections[0].first_page_header._element.xml
    assert "graphicData" not in first
    assert 'class="beeldmerk"' not in outputs["kamerbrief.html"].read_text(encoding="utf-8")


def test_the_ministrys_logo_in_every_format(shared_con, catalog, tmp_path):
    from hicmonitor.reports.context import gather

    (tmp_path / "logo.png").write_bytes(_png())
    text = EXAMPLE_SPEC.read_text(encoding="utf-8").replace(
        "# beeldmerk: beeldmerk-jenv.png", "beeldmerk: logo.png", 1
    )
    spec_path = tmp_path / "2023.yaml"
    spec_path.write_text(text, encoding="utf-8")
    spec = parse_spec(text, spec_path)
    letter = build_documents(gather(shared_con, spec, catalog=catalog))["kamerbrief"]
    letter.body = letter.body[:3]  # the first page is what matters (and it renders fast)
    d = docx.Document(str(render(letter, "docx", tmp_path / "k.docx")))
    assert "graphicData" in d.sections[0].first_page_header._element.xml
    html = render(letter, "html", tmp_path / "k.html").read_text(encoding="utf-8")
    assert re.search(r'class="beeldmerk"><img src="data:image/png;base64,', html)
    with pdfplumber.open(str(render(letter, "pdf", tmp_path / "k.pdf"))) as pdf:
        images = pdf.pages[0].images
        assert images and all(im["top"] < 44 * 72 / 25.4 for im in images[:1])
        assert abs((images[0]["x0"] + images[0]["x1"]) / 2 - pdf.pages[0].width / 2) < 40
    missing = text.replace("beeldmerk: logo.png", "beeldmerk: geen.png")
    spec_path.write_text(missing, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        gather(shared_con, parse_spec(missing, spec_path), catalog=catalog)
    assert exc.value.field == "beeldmerk"
