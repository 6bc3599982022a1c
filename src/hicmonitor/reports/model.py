"""The document model shared by the Kamerbrief and the beslisnota.

A document is a small tree of typed, immutable-by-convention nodes. The builders
(``kamerbrief.py``, ``beslisnota.py``) produce it from the store, the analysis and the
catalogue; the renderers (``render_docx.py``, ``render_pdf.py``, ``render_html.py``) turn it
into files. Nothing in the tree knows about a file format.

Two hooks exist for Woo publication (issue 6), which rewrites the tree before rendering:

* a :class:`Section` with ``public=False`` (and the :class:`NonPublicLine` before it) holds
  what may not be published; :func:`public_blocks` drops both;
* a :class:`Text` span carries ``redaction`` (a Woo ground such as ``"5.1.2e"``); every
  renderer then shows a black box with the ground instead of the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

NON_PUBLIC_LINE = "Alles onder deze streep wordt verwijderd"
NOT_APPLICABLE = "Niet van toepassing"


@dataclass
class Text:
    """An inline run of text."""

    text: str
    bold: bool = False
    italic: bool = False
    redaction: str | None = None  # Woo ground, e.g. "5.1.2e": the text is not shown
    # a placeholder as a whole (e.g. "Niet van toepassing" in a required section): the
    # reason; a concept highlights it (placeholders found by pattern are highlighted too)
    mark: str | None = None


@dataclass
class Footnote:
    """An inline footnote reference; renderers number footnotes in document order."""

    content: list[Text]


Inline = Text | Footnote


@dataclass
class Paragraph:
    content: list[Inline]

    @property
    def plain(self) -> str:
        """The paragraph's visible text without footnotes (redacted spans as their ground)."""
        return "".join(
            (f"[{c.redaction}]" if c.redaction else c.text)
            for c in self.content
            if isinstance(c, Text)
        )


@dataclass
class BulletList:
    items: list[Paragraph]


Cell = str | int | float | None


@dataclass
class Table:
    """A table with one header row. Numeric cells are formatted by the renderers (Dutch style)."""

    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    note: list[Inline] = field(default_factory=list)
    key: str = ""  # a stable name for tests and anchors, e.g. "hic-cijfers"


@dataclass
class Figure:
    """A chart or picture, kept as PNG bytes (and optionally SVG for the HTML/PDF)."""

    png: bytes
    alt: str
    caption: str
    svg: str | None = None
    width_mm: float = 150.0


@dataclass
class NonPublicLine:
    """The marked line of the beslisnota; everything after it is not public."""

    text: str = NON_PUBLIC_LINE


@dataclass
class Section:
    title: str
    blocks: list[Block]
    number: str | None = None  # "4.1"
    public: bool = True
    key: str = ""

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def level(self) -> int:
        return 1 if not self.number else self.number.count(".") + 1


Block = Paragraph | BulletList | Table | Figure | NonPublicLine | Section


@dataclass
class HeaderField:
    label: str  # "Datum", "Ons kenmerk", "" for an address line without label
    lines: list[str]


@dataclass
class HeaderBlock:
    """The sender column ('colofon') of a ministry document."""

    sender: list[str]  # ministry, directorate-general, directorate, team
    fields: list[HeaderField]


@dataclass
class ApprovalRow:
    role: str  # "Minister", "SG"
    boxes: list[str]  # "datum", "eindparaaf"


@dataclass
class ApprovalBlock:
    rows: list[ApprovalRow]


@dataclass
class Signatory:
    name: str
    role: str


@dataclass
class Document:
    kind: str  # "kamerbrief" | "beslisnota"
    title: str  # the document type as printed, e.g. "Beslisnota"
    subject: str  # "Betreft"
    date: date
    reference: str  # kenmerk
    header: HeaderBlock
    margin: list[str]  # repeated on every page after the first
    body: list[Block]
    addressee: list[str] = field(default_factory=list)  # postal address block (letter)
    to: str = ""  # "Aan" (memo): one addressee per line
    approval: ApprovalBlock | None = None
    signatories: list[Signatory] = field(default_factory=list)
    author: str = ""
    lang: str = "nl"
    concept: bool = False  # a draft: placeholders are highlighted
    created: datetime | None = None  # when the file was made (document properties)
    logo: bytes | None = None  # the ministry's beeldmerk (PNG or JPEG), top centre of page 1


def walk(blocks: list[Block]) -> Iterator[Block]:
    """All blocks depth-first, sections before their content."""
    for b in blocks:
        yield b
        if isinstance(b, Section):
            yield from walk(b.blocks)


def public_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks without the non-public part: the marked line and non-public sections."""
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, NonPublicLine):
            continue
        if isinstance(b, Section):
            if not b.public:
                continue
            out.append(
                Section(b.title, public_blocks(b.blocks), number=b.number, public=True, key=b.key)
            )
        else:
            out.append(b)
    return out


def para(*parts: str | Inline) -> Paragraph:
    """A paragraph from strings and inline nodes."""
    return Paragraph([Text(p) if isinstance(p, str) else p for p in parts])


def format_number(value: Cell) -> str:
    """Dutch number formatting: 39.365; 1,5; missing as an en dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        s = f"{value:,.1f}"
        return s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return str(value)


def is_numeric(value: Cell) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def footnotes(doc: Document) -> list[Footnote]:
    """All footnotes in document order (the numbering every renderer uses)."""
    found: list[Footnote] = []

    def inlines(items: list[Inline]) -> None:
        found.extend(i for i in items if isinstance(i, Footnote))

    for b in walk(doc.body):
        if isinstance(b, Paragraph):
            inlines(b.content)
        elif isinstance(b, BulletList):
            for p in b.items:
                inlines(p.content)
        elif isinstance(b, Table):
            inlines(b.note)
    return found
