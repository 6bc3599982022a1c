"""Placeholders in a report: found, traced to their source, highlighted, listed.

A draft may say ``onbekend``, ``[controleer]``, ``PM`` or keep example text for a while
(the patterns are data, ``plaatshouders.yaml``), and "Niet van toepassing" in a section the
memo requires. In a concept every such text is highlighted in DOCX, PDF and HTML and listed
by ``hic rapport`` with the document, the section, and the file and field it came from; a
``status: definitief`` report with any of them is refused before anything is written.

Provenance travels with the text: the builders place spec and catalogue values as
:class:`Sourced` strings (a ``str`` that also knows its file, field and line), and mark a
required section left empty with ``Text(mark=...)``. :func:`scan` walks a finished
document model and returns the :class:`Finding` list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml

from hicmonitor.reports.model import (
    BulletList,
    Document,
    Figure,
    Footnote,
    NonPublicLine,
    Paragraph,
    Section,
    Table,
    Text,
)

GENERATED = "(gegenereerd)"
REQUIRED_EMPTY = "verplichte sectie niet ingevuld"


class Sourced(str):
    """A string that knows where it came from: ``file`` and ``field`` (and ``line``)."""

    file: str
    field: str
    line: int | None

    def __new__(cls, value: str, file: str | Path, field: str, line: int | None = None):
        obj = super().__new__(cls, value)
        obj.file = str(file)
        obj.field = field
        obj.line = line
        return obj

    def __reduce__(self):  # copies (deepcopy, pickle) keep the provenance
        return (Sourced, (str(self), self.file, self.field, self.line))

    def __add__(self, other: str) -> Sourced:  # "name" + ". " keeps the source
        return Sourced(str(self) + other, self.file, self.field, self.line)

    def __radd__(self, other: str) -> Sourced:
        return Sourced(other + str(self), self.file, self.field, self.line)


@dataclass(frozen=True)
class Rules:
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    required_sections: frozenset[str]


@cache
def rules() -> Rules:
    doc = yaml.safe_load(
        files("hicmonitor.reports").joinpath("plaatshouders.yaml").read_text("utf-8")
    )
    return Rules(
        patterns=tuple((re.compile(p["pattern"]), p["reden"]) for p in doc["patterns"]),
        required_sections=frozenset(doc["verplichte_secties"]),
    )


def spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, reason) of every placeholder in ``text``, in order, not overlapping."""
    found: list[tuple[int, int, str]] = []
    for rx, reason in rules().patterns:
        found += [(m.start(), m.end(), reason) for m in rx.finditer(text) if m.end() > m.start()]
    found.sort()
    out: list[tuple[int, int, str]] = []
    for s, e, r in found:
        if out and s < out[-1][1]:
            continue
        out.append((s, e, r))
    return out


def soft_placeholder(text: str) -> bool:
    """A text a concept may hold for a while (listed, refused only in a final document)."""
    return bool(spans(text))


def segments(text: str, whole: bool = False) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_placeholder) for highlighting; ``whole`` marks it all."""
    if whole:
        return [(text, True)] if text else []
    out: list[tuple[str, bool]] = []
    pos = 0
    for s, e, _ in spans(text):
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out


@dataclass(frozen=True)
class Finding:
    """One placeholder: where it is in which document, and where it came from."""

    document: str
    section: str
    text: str
    reason: str
    file: str
    field: str
    line: int | None = None

    def __str__(self) -> str:
        file = self.file
        try:  # shorter where it lies under the working folder
            file = str(Path(file).resolve().relative_to(Path.cwd()))
        except (ValueError, OSError):
            pass
        where = file + (f", regel {self.line}" if self.line else "")
        field = f", veld {self.field}" if self.field else ""
        return f"{self.document} | {self.section} | {where}{field} | {self.text!r} ({self.reason})"


def _origin(value: object) -> tuple[str, str, int | None]:
    if isinstance(value, Sourced):
        return value.file, value.field, value.line
    return GENERATED, "", None


class _Scanner:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.found: list[Finding] = []

    def string(self, value: object, section: str, *, mark: str | None = None) -> None:
        if not isinstance(value, str) or not value:
            return
        file, field, line = _origin(value)
        if mark:
            self.found.append(Finding(self.doc.kind, section, str(value), mark, file, field, line))
            return
        for s, e, reason in spans(value):
            self.found.append(
                Finding(self.doc.kind, section, value[s:e], reason, file, field, line)
            )

    def inlines(self, items: list, section: str) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, Text):
                self.string(item.text, section, mark=item.mark)
            elif isinstance(item, Footnote):
                self.inlines(item.content, f"{section}, voetnoot")

    def blocks(self, blocks: list, section: str) -> None:  # type: ignore[type-arg]
        for b in blocks:
            if isinstance(b, Section):
                self.string(b.title, b.heading)
                self.blocks(b.blocks, b.heading)
            elif isinstance(b, Paragraph):
                self.inlines(b.content, section)
            elif isinstance(b, BulletList):
                for p in b.items:
                    self.inlines(p.content, section)
            elif isinstance(b, Table):
                where = f"{section}, {b.caption}"
                self.string(b.caption, section)
                for c in b.columns:
                    self.string(c, where)
                for row in b.rows:
                    for cell in row:
                        self.string(cell, where)
                self.inlines(b.note, where)
            elif isinstance(b, Figure):
                self.string(b.caption, section)
                self.string(b.alt, section)
            elif isinstance(b, NonPublicLine):
                self.string(b.text, section)

    def document(self) -> list[Finding]:
        d = self.doc
        self.string(d.subject, "betreft")
        for line in d.header.sender:
            self.string(line, "afzender")
        for f in d.header.fields:
            for line in f.lines:
                self.string(line, f"kopblok, {f.label or 'adres'}")
        for line in d.margin:
            self.string(line, "kantlijn")
        for line in d.addressee:
            self.string(line, "geadresseerde")
        self.string(d.to, "aan")
        self.blocks(d.body, "hoofdtekst")
        for s in d.signatories:
            self.string(s.role, "ondertekening")
            self.string(s.name, "ondertekening")
        return self.found


def scan(doc: Document) -> list[Finding]:
    """Every placeholder of a document, in document order."""
    return _Scanner(doc).document()
