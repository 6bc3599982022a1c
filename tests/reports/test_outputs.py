"""The six output files of the example spec, read back with independent tools.

The example spec is the letter of 18 December 2023: its figures are those public on that day
(2012-2022; the 2023 figures were published in January 2024)."""

from __future__ import annotations

import datetime as dt
import re

import docx
import pytest
from pypdf import PdfReader

from hicmonitor import store, taxonomy
from hicmonitor.analysis.duiding import national_duiding
from hicmonitor.catalog.vocabulary import vocabulary

from .readback import docx_items, docx_tables, docx_text, parse_html, parse_int, pdf_pages, squash

YEAR = 2023  # the report year
FIGURES_YEAR = 2022  # the last complete year public on 18 December 2023
PEILDATUM = dt.date(2023, 12, 18)

# The ministry's template of the beslisnota, in order (the specification, typed by hand).
BESLISNOTA_SECTIONS = [
    "1 Aanleiding",
    "2 Geadviseerd besluit",
    "3 Kernpunten",
    "4 Toelichting",
    "4.1 Politieke context",
    "4.2 Financiële overwegingen",
    "4.3 Juridische overwegingen",
    "4.4 Krachtenveld",
    "4.5 Strategie",
    "4.6 Uitvoering",
    "4.7 Implementatie",
    "4.8 Communicatie",
    "4.9 Ontwikkelingen hiervoor",
    "5 Informatie die niet openbaar gemaakt kan worden",
    "5.1 Toelichting",
    "5.2 Informatie",
]
# the order of the real letters: strategy, figures, the three lines of measures, legislation,
# motions and commitments, closing
KAMERBRIEF_SECTIONS = [
    "1 De aanpak van high impact crimes",
    "2 De cijfers",
    "2.1 Woninginbraak",
    "2.2 Straatroof",
    "2.3 Overval",
    "2.4 Geweld",
    "2.5 Ram- en plofkraken",
    "3 Maatregelen en interventies",
    "3.1 Voorkomen van daderschap",
    "3.2 Terugdringen van recidive",
    "3.3 Voorkomen van slachtofferschap",
    "4 Wetgeving",
    "5 Moties en toezeggingen",
    "6 Tot slot",
]
LINE = "Alles onder deze streep wordt verwijderd"
LABEL_TO_CAT = {c.label: c.id for c in taxonomy.police_categories()}


def store_value(con, category: str, year: int) -> int:
    """The store's national count for a category: a plain SQL sum over its crime codes."""
    codes = list(taxonomy.category(category).codes)
    row = con.execute(
        "SELECT sum(count) FROM counts WHERE region_code = 'NL01' AND period_kind = 'jaar' "
        "AND year(period) = ? AND crime_code IN (SELECT unnest(?))",
        [year, codes],
    ).fetchone()
    return int(row[0])


@pytest.fixture(scope="module")
def con(loaded_db_template):
    c = store.connect(loaded_db_template, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def duiding_sentences(con) -> list[str]:
    frame = store.category_counts(con, regions=["NL01"], as_of=PEILDATUM)
    assert frame["year"].max() == FIGURES_YEAR
    return [s for d in national_duiding(frame).values() for s in d.sentences]


def expected_measures(catalog) -> list[str]:
    """Measures with a status on the peildatum (read from the raw status keys)."""
    names = []
    for m in catalog.measures:
        keys = sorted(str(k) for k in m.status if str(k)[:4].isdigit() and int(str(k)[:4]) <= YEAR)
        if not keys:
            continue
        if m.status[keys[-1]] == "beëindigd" and int(keys[-1][:4]) < YEAR:
            continue
        names.append(m.name)
    return names


def check_figures_rows(rows: list[list[str]], csv_counts, con) -> int:
    """Each row 'label, counts per year column': every count equals store and raw CSV."""
    header, body = rows[0], rows[1:]
    years = [int(h) if re.fullmatch(r"\d{4}", h) else None for h in header]
    assert [y for y in years if y] == [2012, 2018, 2019, 2020, 2021, 2022]
    checked = 0
    for row in body:
        cat = LABEL_TO_CAT[row[0]]
        for year, cell in zip(years, row, strict=True):
            if year is None:
                continue
            value = parse_int(cell)
            assert value == csv_counts[cat][year] == store_value(con, cat, year), (cat, year)
            checked += 1
    assert {LABEL_TO_CAT[r[0]] for r in body} == set(LABEL_TO_CAT.values())
    return checked


# --- files --------------------------------------------------------------------------------


def test_six_files_with_year_and_kenmerk(outputs, spec):
    assert sorted(outputs) == sorted(
        f"{k}.{f}" for k in ("kamerbrief", "beslisnota") for f in ("docx", "pdf", "html")
    )
    for path in outputs.values():
        assert f"_{YEAR}_" in path.name and spec.kenmerk in path.name
        assert path.stat().st_size > 1000
    folder = next(iter(outputs.values())).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in outputs.values())


# --- beslisnota ---------------------------------------------------------------------------


def test_beslisnota_docx_sections_in_order_below_the_line(outputs):
    items = docx_items(outputs["beslisnota.docx"])
    headings = [t for k, t in items if k.startswith("heading")]
    assert headings == BESLISNOTA_SECTIONS
    texts = [t for _, t in items]
    line_at = texts.index(LINE.upper())
    assert texts.index(BESLISNOTA_SECTIONS[13]) > line_at
    assert all(texts.index(h) < line_at for h in BESLISNOTA_SECTIONS[:13])
    # real Word heading styles, by level
    levels = {t: int(k[-1]) for k, t in items if k.startswith("heading")}
    assert levels["4 Toelichting"] == 1 and levels["4.1 Politieke context"] == 2


def test_beslisnota_header_and_approval_block(outputs, spec):
    d = docx.Document(str(outputs["beslisnota.docx"]))
    section = d.sections[0]
    framed = d.element.body.xpath("./w:p[w:pPr/w:framePr]")
    first = " ".join(docx.text.paragraph.Paragraph(p, d).text for p in framed)
    for piece in (
        spec.afzender.ministerie,
        spec.afzender.directoraat_generaal,
        spec.afzender.directie,
        *spec.afzender.bezoekadres,
        *spec.afzender.postadres,
        spec.afzender.website,
        "18 december 2023",
        spec.kenmerk,
        "Kamerbrief 'Voortgangsrapportage High Impact Crimes 2023'",  # the memo lists the letter
    ):
        assert piece in first
    later = " ".join(p.text for p in section.header.paragraphs)
    assert spec.afzender.directie in later and spec.kenmerk in later and "18 december 2023" in later
    assert spec.afzender.directoraat_generaal in later
    assert spec.afzender.bezoekadres[0] not in later
    # page 1's column is a text frame anchored to the page, at the right (x in twips)
    assert all(int(x) > 8000 for x in d.element.body.xpath(".//w:framePr/@w:x"))
    approval = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
    assert ["Minister", "Datum", "Eindparaaf"] in approval
    assert ["SG", "Datum", "Paraaf"] in approval


def test_beslisnota_free_texts_generated_or_not_applicable(outputs, spec):
    items = docx_items(outputs["beslisnota.docx"])

    def body(heading: str) -> list[str]:
        i = items.index(next(x for x in items if x[1] == heading))
        out = []
        for kind, text in items[i + 1 :]:
            if kind.startswith("heading"):
                break
            out.append(text)
        return out

    assert squash(spec.beslisnota.politieke_context) in body("4.1 Politieke context")
    assert body("4.9 Ontwikkelingen hiervoor")[0] == "Niet van toepassing"  # left out, allowed
    assert body("5.2 Informatie") == ["Niet van toepassing"]
    kern = " ".join(body("3 Kernpunten"))
    assert "De brief wordt ondertekend door MJenV en MRb" in kern
    assert "sneller dan de trend van vóór de pandemie" in kern


def test_beslisnota_pdf_and_html_sections(outputs):
    text = squash(" ".join(pdf_pages(outputs["beslisnota.pdf"], "body")))
    positions = [text.find(h) for h in BESLISNOTA_SECTIONS]
    assert -1 not in positions and positions == sorted(positions)
    assert positions[12] < text.find(LINE.upper()) < positions[13]

    h = parse_html(outputs["beslisnota.html"])
    assert h.headings == BESLISNOTA_SECTIONS
    streep = h.events.index("streep")
    s5 = next(i for i, e in enumerate(h.events) if e.startswith("section:s5:"))
    assert streep < s5 and "niet-openbaar" in h.events[s5]


# --- kamerbrief ---------------------------------------------------------------------------


def test_kamerbrief_sections_in_every_format(outputs):
    items = docx_items(outputs["kamerbrief.docx"])
    assert [t for k, t in items if k.startswith("heading")] == KAMERBRIEF_SECTIONS
    assert parse_html(outputs["kamerbrief.html"]).headings == KAMERBRIEF_SECTIONS
    text = squash(" ".join(pdf_pages(outputs["kamerbrief.pdf"], "body")))
    positions = [text.find(h) for h in KAMERBRIEF_SECTIONS]
    assert -1 not in positions and positions == sorted(positions)


def test_figures_table_equals_store_docx(outputs, csv_counts, con):
    table = next(t for t in docx_tables(outputs["kamerbrief.docx"]) if t[0][0] == "Categorie")
    assert check_figures_rows(table, csv_counts, con) == 24


def test_figures_table_equals_store_html(outputs, csv_counts, con):
    rows = parse_html(outputs["kamerbrief.html"]).tables["tabel-hic-cijfers"]
    assert check_figures_rows(rows, csv_counts, con) == 24


def test_figures_table_equals_store_pdf(outputs, csv_counts, con):
    lines = "\n".join(pdf_pages(outputs["kamerbrief.pdf"], "body")).splitlines()
    found = 0
    for label, cat in LABEL_TO_CAT.items():
        row = next(line for line in lines if re.match(rf"{label} [\d.]+ [\d.]+", line))
        numbers = [parse_int(x) for x in row.split()[1:7]]
        years = [2012, 2018, 2019, 2020, 2021, 2022]
        assert numbers == [csv_counts[cat][y] for y in years]
        assert numbers == [store_value(con, cat, y) for y in years]
        found += 1
    assert found == 4


def test_atm_series_from_their_own_table(outputs, con):
    rows = parse_html(outputs["kamerbrief.html"]).tables["tabel-ram-plofkraken"]
    atm = con.execute(
        "SELECT year, counter, kind, count, available_from FROM atm_attacks"
    ).fetchall()
    header = rows[0]
    for year, counter, kind, count, public in atm:
        col = header.index(f"{counter}: {kind}")
        row = next(r for r in rows[1:] if r[0] == str(year))
        assert public <= PEILDATUM  # every embedded count was public on 18 December 2023
        assert parse_int(row[col].split(" (")[0]) == count
    # never a total of the two counters
    assert not any("totaal" in h.lower() for h in header)
    # the count of 14 December 2023 did not cover December: said so
    row = next(r for r in rows[1:] if r[0] == "2023")
    assert "6 (t/m 30 november)" in row


def test_duiding_sentences_present(outputs, duiding_sentences):
    assert len(duiding_sentences) >= 8
    word = docx_text(outputs["kamerbrief.docx"])
    html = squash(" ".join(parse_html(outputs["kamerbrief.html"]).text))
    pdf = squash(" ".join(pdf_pages(outputs["kamerbrief.pdf"], "body")))
    for s in duiding_sentences:
        assert squash(s) in word
        assert squash(s) in html
        assert squash(s) in pdf


def test_measures_motions_and_tracks_of_catalogue(outputs, catalog):
    names = expected_measures(catalog)
    assert names, "the catalogue has measures for 2023"
    word = docx_text(outputs["kamerbrief.docx"])
    html = squash(" ".join(parse_html(outputs["kamerbrief.html"]).text))
    for name in names:
        assert name in word and name in html
    for m in catalog.motions:
        if any(a.year == YEAR for a in m.answers):
            assert m.title in word and m.title in html
    # the opening lists what this letter answers itself (not what is answered elsewhere)
    opening = word[: word.index("1 De aanpak van high impact crimes")]
    assert "re-integratieofficier" in opening and "Mutluer" not in opening


def test_kamerbrief_has_chart_and_footnotes(outputs):
    d = docx.Document(str(outputs["kamerbrief.docx"]))
    assert d.inline_shapes and d.inline_shapes[0].type is not None
    rels = [r.reltype for r in d.part.rels.values()]
    assert any(r.endswith("/footnotes") for r in rels)
    assert d.part.element.xpath(".//w:footnoteReference")


# --- PDF specifics ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_margin_text_on_pages_after_the_first(outputs, spec, kind):
    pages = [squash(p) for p in pdf_pages(outputs[f"{kind}.pdf"], "margin")]
    assert len(pages) >= 2
    for page in pages[1:]:
        assert spec.afzender.directoraat_generaal in page
        assert spec.afzender.directie in page
        assert "Datum 18 december 2023" in page
        assert f"Ons kenmerk {spec.kenmerk}" in page
    assert spec.afzender.bezoekadres[0] in pages[0]
    assert all(spec.afzender.bezoekadres[0] not in p for p in pages[1:])


@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_pdf_is_tagged_dutch_pdfa(outputs, kind):
    reader = PdfReader(str(outputs[f"{kind}.pdf"]))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfaid:part" in xmp
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(f.get_object()["/BaseFont"])
    # only the package's own font (WeasyPrint names @font-face fonts after the CSS family)
    assert fonts and all("HIC-Noto-Sans" in str(f) for f in fonts)


# --- HTML specifics -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_html_self_contained(outputs, kind):
    h = parse_html(outputs[f"{kind}.html"])
    assert h.lang == "nl"
    assert all(u.startswith(("data:", "#")) for u in h.urls)
    if kind == "kamerbrief":
        assert any(u.startswith("data:image/") for u in h.urls)  # the chart, embedded
    assert "link" not in h.tags and "script" not in h.tags and "iframe" not in h.tags
    css = " ".join(h.style)
    assert "@import" not in css
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", css))


# --- no placeholder in any final document -------------------------------------------------


@pytest.mark.parametrize("kind", ["kamerbrief", "beslisnota"])
def test_no_placeholder_reaches_a_document(outputs, kind):
    d = docx.Document(str(outputs[f"{kind}.docx"]))
    texts = [p.text for p in d.paragraphs] + [
        c.text for t in d.tables for row in t.rows for c in row.cells
    ]
    vocab = vocabulary()
    for t in texts:
        assert not (t.strip() and vocab.is_placeholder(t)), t
        assert not re.search(r"\bNone\b|\bnan\b|\{\{|\}\}|<[a-z]+>", t), t
