"""Reading the output files back with independent tools: python-docx, pdfplumber/pypdf and
the standard library's HTML parser."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import docx
import pdfplumber


def squash(text: str) -> str:
    """Whitespace collapsed; a line break after a dash (as in a PDF's '2012–\\n2023') dropped."""
    return re.sub(r"([–-])\s+(?=\d)", r"\1", re.sub(r"\s+", " ", text)).strip()


def parse_int(cell: str) -> int | None:
    cell = cell.strip()
    if not re.fullmatch(r"\d{1,3}(\.\d{3})*", cell):
        return None
    return int(cell.replace(".", ""))


# --- DOCX ---------------------------------------------------------------------------------


def docx_items(path: Path) -> list[tuple[str, str]]:
    """Body items in order: ('heading1'|'heading2'|..., text), ('p', text), ('table', first cell)."""
    d = docx.Document(str(path))
    items = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = docx.text.paragraph.Paragraph(el, d)
            style = p.style.name if p.style is not None else ""
            kind = f"heading{style.split()[-1]}" if style.startswith("Heading") else "p"
            items.append((kind, p.text))
        elif tag == "tbl":
            t = docx.table.Table(el, d)
            items.append(("table", t.cell(0, 0).text if t.rows else ""))
    return items


def docx_tables(path: Path) -> list[list[list[str]]]:
    d = docx.Document(str(path))
    return [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]


def docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return squash(" ".join(parts))


# --- PDF ----------------------------------------------------------------------------------


MM = 72 / 25.4
COLUMN_EDGE = 150 * MM  # the text column ends at 144 mm; the margin column starts at 162 mm


@cache
def pdf_pages(path: Path, part: str = "all") -> list[str]:
    """Text per page: 'all', the text column ('body') or the right margin column ('margin')."""
    out = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            if part == "body":
                page = page.crop((0, 0, COLUMN_EDGE, page.height))
            elif part == "margin":
                page = page.crop((COLUMN_EDGE, 0, page.width, page.height))
            out.append(page.extract_text() or "")
    return out


# --- HTML ---------------------------------------------------------------------------------


class Html(HTMLParser):
    """Collects headings, tables by id, text, URLs in attributes and the order of markers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.events: list[str] = []  # 'streep', 'section:<id>', 'heading:<text>'
        self.lang: str | None = None
        self.text: list[str] = []
        self.style: list[str] = []
        self._heading: list[str] | None = None
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        for name in ("src", "href", "action", "poster", "data"):
            if name in a and a[name] is not None:
                self.urls.append(a[name])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "style":
            self._in_style = True
        if tag in ("h2", "h3", "h4"):
            self._heading = []
        if tag == "section":
            self.events.append(f"section:{a.get('id')}:{a.get('class', '')}")
        if tag == "div" and "streep" in (a.get("class") or ""):
            self.events.append("streep")
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self.tables[self._table].append([])
        if tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        if tag in ("h2", "h3", "h4") and self._heading is not None:
            text = squash("".join(self._heading))
            self.headings.append(text)
            self.events.append(f"heading:{text}")
            self._heading = None
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(squash("".join(self._cell)))
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._in_style:
            self.style.append(data)
            return
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse_html(path: Path) -> Html:
    h = Html()
    h.feed(path.read_text(encoding="utf-8"))
    return h
