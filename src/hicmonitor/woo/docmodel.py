"""What a reader sees of a Word document, as plain data: the model the publication is
rebuilt from.

The extractor (:mod:`hicmonitor.woo.extract`) fills it from a DOCX, section 5 is cut on it
(:mod:`hicmonitor.woo.section5`), the redactor boxes spans in it
(:mod:`hicmonitor.woo.redactor`), and the writer (:mod:`hicmonitor.woo.rebuild`) and the
PDF renderer (:mod:`hicmonitor.woo.render`) turn it into the published files. Nothing
outside this model can reach a publication: comments, revisions, bookmarks, field codes,
properties, custom XML and embedded objects have no place in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Run:
    """A piece of text with one formatting; ``text`` may hold "\\n" (line break) and "\\t".

    A run is either text, a note reference (``note``), a picture (``picture``) or a
    redaction box (``box`` holds the ground, ``text`` is empty).
    """

    text: str = ""
    bold: bool = False
    italic: bool = False
    underline: bool = False
    caps: bool = False
    strike: bool = False
    link: str | None = None
    note: tuple[str, str] | None = None  # ("footnote" | "endnote", id)
    picture: int | None = None
    box: str | None = None


@dataclass
class Para:
    """A paragraph: runs plus what a reader sees of its layout."""

    runs: list[Run] = field(default_factory=list)
    style: str = ""  # "", "title", "h1" .. "h6"
    label: str = ""  # list label as the reader sees it ("5.", "•")
    level: int = 0  # list level
    rule: bool = False  # a drawn rule (paragraph border or line shape)
    boxes: list[list[Block]] = field(default_factory=list)  # text boxes anchored here
    section_end: int | None = None  # this paragraph ends Word section N

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs if r.box is None)

    @property
    def all_bold(self) -> bool:
        runs = [r for r in self.runs if r.text.strip()]
        return bool(runs) and all(r.bold for r in runs)


@dataclass
class Table:
    rows: list[list[list[Block]]] = field(default_factory=list)  # row -> cell -> blocks


Block = Para | Table


@dataclass
class Picture:
    """A picture re-encoded from its pixels (PNG without metadata)."""

    png: bytes
    width_emu: int
    height_emu: int


@dataclass
class WordSection:
    """Headers and footers of one Word section ("default", "first")."""

    headers: dict[str, list[Block]] = field(default_factory=dict)
    footers: dict[str, list[Block]] = field(default_factory=dict)
    title_page: bool = False


@dataclass
class Doc:
    body: list[Block] = field(default_factory=list)
    sections: list[WordSection] = field(default_factory=list)
    footnotes: dict[str, list[Block]] = field(default_factory=dict)
    endnotes: dict[str, list[Block]] = field(default_factory=dict)
    pictures: list[Picture] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # what was left out, counted

    def drop(self, what: str, n: int = 1) -> None:
        self.dropped[what] = self.dropped.get(what, 0) + n


def paragraphs(blocks: list[Block], *, boxes: bool = True) -> Iterator[Para]:
    """Every paragraph in ``blocks`` in reading order (table cells, then text boxes)."""
    for b in blocks:
        if isinstance(b, Para):
            yield b
            if boxes:
                for box in b.boxes:
                    yield from paragraphs(box, boxes=boxes)
        else:
            for row in b.rows:
                for cell in row:
                    yield from paragraphs(cell, boxes=boxes)


def note_refs(blocks: list[Block]) -> Iterator[tuple[str, str]]:
    for p in paragraphs(blocks):
        for r in p.runs:
            if r.note is not None:
                yield r.note


def parts(doc: Doc) -> Iterator[tuple[str, list[Block]]]:
    """Every block list of the document with a Dutch name of its place."""
    yield "hoofdtekst", doc.body
    for i, s in enumerate(doc.sections):
        suffix = f" (sectie {i + 1})" if len(doc.sections) > 1 else ""
        for kind, blocks in s.headers.items():
            yield f"koptekst{'' if kind == 'default' else ' eerste pagina'}{suffix}", blocks
        for kind, blocks in s.footers.items():
            yield f"voettekst{'' if kind == 'default' else ' eerste pagina'}{suffix}", blocks
    for nid, blocks in doc.footnotes.items():
        yield f"voetnoot {nid}", blocks
    for nid, blocks in doc.endnotes.items():
        yield f"eindnoot {nid}", blocks
