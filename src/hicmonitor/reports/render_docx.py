"""Word rendering with python-docx, for the policy team to edit.

Real Word structure, not look-alikes: headings use the built-in ``Heading 1-3`` styles (so
the navigation pane and a table of contents work), tables a built-in table style with a
repeating header row, figures are inline pictures with alternative text, and footnotes
are real Word footnotes (a ``footnotes.xml`` part, which python-docx does not write itself).
The sender column sits on page 1 in a text frame anchored to the page (inside the 10 mm
printable margin); the default header of the later pages repeats directorate-general,
directorate, date and kenmerk. Headings, captions, pictures and tables keep with what
follows; automatic hyphenation is off (LibreOffice and Word break no word). The core
properties carry the spec's author and the real creation time. In a concept every
placeholder is highlighted yellow.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from hicmonitor.format_nl import long_date
from hicmonitor.reports.model import (
    BulletList,
    Document,
    Figure,
    Footnote,
    Inline,
    NonPublicLine,
    Paragraph,
    Section,
    Table,
    Text,
    format_number,
    is_numeric,
)
from hicmonitor.reports.placeholders import segments

_CONCEPT: ContextVar[bool] = ContextVar("concept", default=False)
FONT = "Noto Sans"
BLUE = RGBColor(0x15, 0x42, 0x73)
GREY = RGBColor(0x53, 0x53, 0x53)
TABLE_STYLE = "Light List Accent 1"
TEXT_WIDTH_MM = 120.0  # A4 210 mm minus margins 24 + 66 mm
TABLE_PT = 8.0  # font size in tables
# Word or LibreOffice may set the text in a wider substitute where Noto Sans is not installed
# (DejaVu Sans is about 15% wider): column widths leave that room, so no word is broken
SUBSTITUTE_FACTOR = 1.18
CELL_PADDING_MM = 2.6
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class _Footnotes:
    """Collects footnotes while rendering and writes them as the ``footnotes.xml`` part."""

    def __init__(self) -> None:
        self.items: list[Footnote] = []

    def reference(self, paragraph: DocxParagraph, note: Footnote) -> None:
        self.items.append(note)
        run = paragraph.add_run()
        r_pr = run._r.get_or_add_rPr()
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "FootnoteReference")
        r_pr.append(style)
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(len(self.items)))
        run._r.append(ref)

    def write(self, document) -> None:  # noqa: ANN001 - python-docx Document
        if not self.items:
            return
        notes = []
        for i, note in enumerate(self.items, start=1):
            runs = "".join(
                f'<w:r><w:t xml:space="preserve">{_xml_escape(_inline_text(t))}</w:t></w:r>'
                for t in note.content
            )
            notes.append(
                f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
                '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{runs}</w:p></w:footnote>'
            )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            "<w:r><w:separator/></w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"/>'
            "</w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
            + "".join(notes)
            + "</w:footnotes>"
        )
        part = Part(
            PackURI("/word/footnotes.xml"), CT_FOOTNOTES, xml.encode("utf-8"), document.part.package
        )
        document.part.relate_to(part, RT.FOOTNOTES)
        settings = document.settings.element
        pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        )
        settings.append(pr)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline_text(t: Text) -> str:
    return f"[{t.redaction}]" if t.redaction else t.text


def _setup_styles(document) -> None:  # noqa: ANN001
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(9.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-NL")
    r_pr.append(lang)
    # never break a word: no automatic hyphenation, in the style and in the settings
    p_pr = normal.element.get_or_add_pPr()
    p_pr.append(parse_xml(f"<w:suppressAutoHyphens {nsdecls('w')}/>"))
    settings = document.settings.element
    for old in settings.findall(qn("w:autoHyphenation")):
        settings.remove(old)
    settings.append(parse_xml(f'<w:autoHyphenation {nsdecls("w")} w:val="false"/>'))
    for name, size, color in (
        ("Title", 13, None),
        ("Heading 1", 10.5, BLUE),
        ("Heading 2", 9.5, None),
        ("Heading 3", 9.5, None),
    ):
        st = styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = name != "Heading 3"
        st.font.italic = name == "Heading 3"
        st.font.color.rgb = color if color is not None else RGBColor(0, 0, 0)
        st.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 8)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
        st.paragraph_format.keep_together = True
    title = styles["Title"]
    title.paragraph_format.space_after = Pt(10)
    # the Title style of the default template draws a border: keep it plain
    p_pr = title.element.find(qn("w:pPr"))
    if p_pr is not None and p_pr.find(qn("w:pBdr")) is not None:
        p_pr.remove(p_pr.find(qn("w:pBdr")))
    caption = styles["Caption"]
    caption.font.name = FONT
    caption.font.size = Pt(8)
    caption.font.bold = True
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.keep_together = True
    fn_text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    fn_text.base_style = normal
    fn_text.font.size = Pt(7.5)
    fn_text.paragraph_format.space_after = Pt(0)
    fn_ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    fn_ref.font.superscript = True
    small = styles.add_style("Colofon", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(7)
    small.paragraph_format.space_after = Pt(0)
    small.paragraph_format.line_spacing = 1.0
    note = styles.add_style("Tabelnoot", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(7.5)
    note.font.color.rgb = GREY


def _highlight(run) -> None:  # noqa: ANN001
    """Mark a run yellow (a placeholder in a concept)."""
    el = OxmlElement("w:highlight")
    el.set(qn("w:val"), "yellow")
    run._r.get_or_add_rPr().append(el)


def _add_text(paragraph: DocxParagraph, text: str, *, whole: bool = False, bold=None, italic=None):  # noqa: ANN001, ANN201
    """Runs for ``text``; in a concept its placeholders (or all of it, ``whole``) highlighted."""
    runs = []
    pieces = segments(str(text), whole) if _CONCEPT.get() else [(str(text), False)]
    for piece, marked in pieces:
        run = paragraph.add_run(piece)
        run.bold = bold
        run.italic = italic
        if marked:
            _highlight(run)
        runs.append(run)
    return runs


def _add_inlines(paragraph: DocxParagraph, items: list[Inline], notes: _Footnotes) -> None:
    for item in items:
        if isinstance(item, Footnote):
            notes.reference(paragraph, item)
            continue
        if item.redaction:
            run = paragraph.add_run(f" {item.redaction} ")
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            run.font.size = Pt(7.5)
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), "000000")
            run._r.get_or_add_rPr().append(shd)
            continue
        _add_text(
            paragraph,
            item.text,
            whole=bool(item.mark),
            bold=item.bold or None,
            italic=item.italic or None,
        )


def _frame(paragraph: DocxParagraph, x_mm: float, y_mm: float, width_mm: float) -> None:
    """Put a paragraph in a text frame anchored to the page (``w:framePr``); consecutive
    paragraphs with the same frame properties share one frame, in Word and LibreOffice."""
    frame = OxmlElement("w:framePr")
    frame.set(qn("w:w"), str(int(width_mm * 56.7)))
    frame.set(qn("w:hSpace"), "180")
    frame.set(qn("w:wrap"), "around")
    frame.set(qn("w:vAnchor"), "page")
    frame.set(qn("w:hAnchor"), "page")
    frame.set(qn("w:x"), str(int(x_mm * 56.7)))
    frame.set(qn("w:y"), str(int(y_mm * 56.7)))
    p_pr = paragraph._p.get_or_add_pPr()
    # schema order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, ...
    before = [qn(t) for t in ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore")]
    at = max((i + 1 for i, el in enumerate(p_pr) if el.tag in before), default=0)
    p_pr.insert(at, frame)


def _colofon(document, doc: Document) -> None:  # noqa: ANN001
    """Page 1's sender column: paragraphs in one text frame anchored to the page at the right
    (in the body, where both Word and LibreOffice position frames)."""
    lines: list[tuple[str, bool]] = [(s, i == 0) for i, s in enumerate(doc.header.sender)]
    lines.append(("", False))
    for f in doc.header.fields:
        if f.label:
            lines.append((f.label, True))
        lines.extend((line, False) for line in f.lines)
        lines.append(("", False))
    style = document.styles["Colofon"]
    for text, bold in lines[:-1]:
        p = document.add_paragraph(style=style)  # pStyle first, then the frame in w:pPr
        _frame(p, 150, 44, 46)  # x 150-196 mm: inside the 10 mm printable margin
        if text:
            _add_text(p, text, bold=bold or None)


def _headers(document, doc: Document) -> None:  # noqa: ANN001
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(24), Mm(66)
    section.top_margin, section.bottom_margin = Mm(44), Mm(22)
    section.header_distance = Mm(12)
    section.different_first_page_header_footer = True
    style = document.styles["Colofon"]
    # first page: the ministry's name on top (the sender column is a frame in the body)
    first = section.first_page_header
    p = first.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.logo:  # the ministry's beeldmerk, top centre of page 1 (centred on the page)
        p.paragraph_format.right_indent = Mm(-(66 - 24))
        p.add_run().add_picture(io.BytesIO(doc.logo), height=Mm(16))
        p = first.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(doc.header.sender[0] if doc.header.sender else "")
    run.bold = True
    run.font.color.rgb = BLUE
    # later pages: directorate, date and kenmerk in the right margin column, as header
    # paragraphs indented into the margin (no frame: LibreOffice ignores frames in headers)
    later = section.header
    later.is_linked_to_previous = False
    for i, line in enumerate(doc.margin):
        p = later.paragraphs[0] if i == 0 else later.add_paragraph()
        p.style = style
        p.paragraph_format.left_indent = Mm(150 - 24)
        p.paragraph_format.right_indent = Mm(-(66 - 14))
        p.paragraph_format.space_after = Pt(3)
        _add_text(p, line, bold=True if i == 0 else None)
    footer = section.footer
    fp = footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fp.style = style
    fp.add_run("Pagina ")
    _field(fp, "PAGE")
    fp.add_run(" van ")
    _field(fp, "NUMPAGES")


def _field(paragraph: DocxParagraph, code: str) -> None:
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _table(document, t: Table, notes: _Footnotes) -> None:  # noqa: ANN001
    cap = document.add_paragraph(t.caption, style="Caption")
    cap.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(t.columns))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    hdr = table.rows[0]
    tr_pr = hdr._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    numeric_cols = {j for j in range(len(t.columns)) if any(is_numeric(r[j]) for r in t.rows)}
    for j, name in enumerate(t.columns):
        cell = hdr.cells[j]
        _add_text(cell.paragraphs[0], name)
        if j in numeric_cols:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in t.rows:
        cells = table.add_row().cells
        for j, value in enumerate(row):
            _add_text(cells[j].paragraphs[0], format_number(value))
            if j in numeric_cols:
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.autofit = False
    margins = parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
    )
    table._tbl.tblPr.append(margins)
    widths = _column_widths(t, TEXT_WIDTH_MM)
    for j, col in enumerate(table.columns):
        col.width = Mm(widths[j])  # the grid (LibreOffice reads this)
    for r in table.rows:
        # a row never splits, and (small tables) every row keeps with the next, the last
        # with the table note: a table does not leave its note alone on the next page
        r._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        for j, c in enumerate(r.cells):
            c.width = Mm(widths[j])
            for p in c.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.keep_with_next = len(t.rows) <= 25 or r is table.rows[0]
                for run in p.runs:
                    run.font.size = Pt(8)
    if t.note:
        p = document.add_paragraph(style="Tabelnoot")
        _add_inlines(p, t.note, notes)


@cache
def _advances(bold: bool) -> tuple[dict[int, int], int, int]:
    """Advance widths of the package's Noto Sans (regular or bold): (per code point, default,
    units per em)."""
    from importlib.resources import files

    from fontTools.ttLib import TTFont

    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    with files("hicmonitor.reports").joinpath("fonts", name).open("rb") as fh:
        font = TTFont(fh, lazy=True)
        cmap = font.getBestCmap()
        hmtx = font["hmtx"]
        widths = {cp: hmtx[glyph][0] for cp, glyph in cmap.items()}
        default = hmtx[".notdef"][0] if ".notdef" in hmtx.metrics else font["head"].unitsPerEm // 2
        return widths, default, font["head"].unitsPerEm


def _word_mm(word: str, bold: bool) -> float:
    """The width of ``word`` in a table cell, with room for a wider substitute font."""
    widths, default, em = _advances(bold)
    units = sum(widths.get(ord(ch), default) for ch in word)
    return units / em * TABLE_PT * 25.4 / 72 * SUBSTITUTE_FACTOR


def _column_widths(t: Table, total: float) -> list[float]:
    """Column widths in mm. Every column is at least as wide as its longest word, measured
    with the font's metrics (bold for the header row and the first column): a word is never
    broken. Numeric columns get that minimum; text columns share the rest by the length of
    their text."""
    n = len(t.columns)
    texts = [[str(t.columns[j])] + [format_number(r[j]) for r in t.rows] for j in range(n)]
    minimum = []
    for j, col in enumerate(texts):
        widest = 0.0
        for i, cell in enumerate(col):
            bold = i == 0 or j == 0  # the table style sets the header and first column bold
            for word in cell.split() or [""]:
                widest = max(widest, _word_mm(word, bold))
        minimum.append(max(8.0, widest + CELL_PADDING_MM))
    numeric = [any(is_numeric(r[j]) for r in t.rows) for j in range(n)]
    text_cols = [j for j in range(n) if not numeric[j]]
    rest = total - sum(minimum[j] for j in range(n) if numeric[j])
    lengths = {j: min(max(len(x) for x in texts[j]), 60) for j in text_cols}
    weight = sum(lengths.values()) or 1
    widths = [
        minimum[j] if numeric[j] else max(rest * lengths[j] / weight, minimum[j]) for j in range(n)
    ]
    scale = total / sum(widths) if sum(widths) > total else 1.0
    return [w * scale for w in widths]


def _non_public_line(document, line: NonPublicLine) -> None:  # noqa: ANN001
    p = document.add_paragraph()
    p_pr = p._p.get_or_add_pPr()
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:top w:val="dashed" w:sz="12" w:space="4" w:color="000000"/></w:pBdr>'
    )
    p_pr.append(border)
    p.paragraph_format.space_before = Pt(18)
    run = p.add_run(line.text.upper())
    run.bold = True
    run.font.size = Pt(8)


def _blocks(document, blocks: list, notes: _Footnotes) -> None:  # noqa: ANN001
    for b in blocks:
        if isinstance(b, Section):
            heading = document.add_heading(level=min(b.level, 3))
            _add_text(heading, b.heading)
            _blocks(document, b.blocks, notes)
        elif isinstance(b, Paragraph):
            _add_inlines(document.add_paragraph(), b.content, notes)
        elif isinstance(b, BulletList):
            for k, item in enumerate(b.items):
                p = document.add_paragraph(style="List Bullet")
                _add_inlines(p, item.content, notes)
                if k < len(b.items) - 1 and len(b.items) <= 3:
                    p.paragraph_format.keep_with_next = True
        elif isinstance(b, Table):
            _table(document, b, notes)
        elif isinstance(b, Figure):
            document.add_picture(io.BytesIO(b.png), width=Mm(min(b.width_mm, 120)))
            pic = document.paragraphs[-1]
            pic.paragraph_format.keep_with_next = True
            for doc_pr in pic._p.iter(qn("wp:docPr")):
                doc_pr.set("descr", b.alt)
            cap = document.add_paragraph(style="Tabelnoot")
            _add_text(cap, b.caption)
        elif isinstance(b, NonPublicLine):
            _non_public_line(document, b)
        else:  # pragma: no cover - the model has no other block types
            raise TypeError(f"unknown block {type(b).__name__}")


def _approval(document, doc: Document) -> None:  # noqa: ANN001
    if doc.approval is None:
        return
    document.add_paragraph("Ter beslissing", style="Caption")
    width = max(len(r.boxes) for r in doc.approval.rows)
    table = document.add_table(rows=0, cols=1 + width)
    table.style = document.styles["Table Grid"]
    for row in doc.approval.rows:
        tr = table.add_row()
        tr.height = Mm(12)
        tr.cells[0].text = row.role
        tr.cells[0].paragraphs[0].runs[0].bold = True
        for j, box in enumerate(row.boxes, start=1):
            tr.cells[j].text = box.capitalize()
            run = tr.cells[j].paragraphs[0].runs[0]
            run.font.size = Pt(7)
            run.font.color.rgb = GREY
    document.add_paragraph()


def _properties(document, doc: Document) -> None:  # noqa: ANN001
    """Core and extended properties: the spec's author, the real creation time, and
    nothing of the library's template (its 2013 dates, 'python-docx', its thumbnail)."""
    created = (doc.created or datetime.now()).astimezone(UTC).replace(tzinfo=None)
    props = document.core_properties
    props.title = f"{doc.title}: {doc.subject}"
    props.subject = doc.subject
    props.author = doc.author
    props.last_modified_by = doc.author
    props.created = created
    props.modified = created
    props.revision = 1
    props.comments = f"{doc.title} {doc.reference}" + (" (concept)" if doc.concept else "")
    props.category = doc.kind
    props.language = "nl-NL"
    props.keywords = f"High Impact Crimes; {doc.kind}; {doc.reference}"
    props.identifier = doc.reference
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_id]
        elif rel.reltype.endswith("/extended-properties"):
            app = rel.target_part
            root = getattr(app, "_element", None)
            if root is None:
                root = parse_xml(app.blob)
            for el in list(root):
                name = el.tag.rsplit("}", 1)[-1]
                if name == "Application":
                    el.text = "hicmonitor"
                elif name in ("Company", "Template", "Manager", "AppVersion", "TotalTime"):
                    root.remove(el)
            if not hasattr(app, "_element"):
                from lxml import etree

                app._blob = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )


def render_docx(doc: Document, target: Path) -> Path:
    """Write ``doc`` as a Word document."""
    token = _CONCEPT.set(doc.concept)
    try:
        return _render_docx(doc, target)
    finally:
        _CONCEPT.reset(token)


def _render_docx(doc: Document, target: Path) -> Path:
    document = new_docx()
    _setup_styles(document)
    _headers(document, doc)
    _colofon(document, doc)
    _properties(document, doc)
    notes = _Footnotes()

    if doc.addressee:
        p = document.add_paragraph()
        for i, line in enumerate(doc.addressee):
            runs = _add_text(p, line)
            if i < len(doc.addressee) - 1:
                runs[-1].add_break()
        p.paragraph_format.space_after = Pt(24)
    document.add_paragraph(doc.title, style="Title")
    kop = document.add_table(rows=0, cols=2)
    rows = ([("Aan", doc.to)] if doc.to else []) + [
        ("Datum", long_date(doc.date)),
        ("Betreft", doc.subject),
    ]
    for label, value in rows:
        cells = kop.add_row().cells
        cells[0].text = label
        lines = str(value).split("\n")
        for k, line in enumerate(lines):
            runs = _add_text(cells[1].paragraphs[0], line)
            if k < len(lines) - 1 and runs:
                runs[-1].add_break()
        cells[0].width, cells[1].width = Mm(25), Mm(95)
        cells[0].paragraphs[0].runs[0].font.color.rgb = GREY
    kop.autofit = False
    kop.columns[0].width, kop.columns[1].width = Mm(25), Mm(95)  # the grid LibreOffice reads
    document.add_paragraph()
    _approval(document, doc)
    _blocks(document, doc.body, notes)
    if doc.signatories:
        document.add_paragraph().paragraph_format.keep_with_next = True
        for k, s in enumerate(doc.signatories):
            p = document.add_paragraph()
            _add_text(p, f"{s.role},")
            p.paragraph_format.keep_with_next = True
            space = document.add_paragraph()
            space.paragraph_format.space_after = Pt(36)
            space.paragraph_format.keep_with_next = True
            if s.name:
                name = document.add_paragraph()
                _add_text(name, s.name)
                name.paragraph_format.keep_with_next = k < len(doc.signatories) - 1
    notes.write(document)
    document.save(str(target))
    return target
