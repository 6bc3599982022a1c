"""Finding section 5 of a memo: everything below the line is not public.

The beslisnota's section 5 starts with a heading numbered 5 and/or the line text "Alles
onder deze streep wordt verwijderd". Works on a plain list of blocks, so it serves the
DOCX redactor and any other document model alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

LINE_TEXT = "Alles onder deze streep wordt verwijderd"
_LINE_RE = re.compile(r"alles\s+onder\s+deze\s+streep\s+wordt\s+verwijderd", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^\s*(?:sectie\s+|§\s*)?(\d+)(?:[.)]|\s)")
_TITLE_WORDS = re.compile(r"(?i)niet[\s-]*openba(?:ar|re)|onder\s+de(?:ze)?\s+streep|intern\b")


@dataclass(frozen=True)
class Block:
    """One top-level block of a document as the section-5 finder sees it."""

    text: str
    heading_level: int | None = None  # 1 for a top-level heading
    auto_number: int | None = None  # ordinal from automatic numbering, if any


def heading_number(block: Block) -> int | None:
    """The number of a heading: typed ("5. Toelichting") or from automatic numbering."""
    if block.heading_level is None:
        return None
    m = _NUMBER_RE.match(block.text)
    if m:
        return int(m.group(1))
    return block.auto_number


def find_cut(blocks: Sequence[Block], *, is_memo: bool = False) -> int | None:
    """Index of the first block of section 5, or None when the document has no marker.

    Rules: the line text marks the cut; when a heading numbered 5 opens the section that
    contains the line (no other heading in between), the cut moves up to that heading.
    Without the line text, a top-level heading numbered 5 marks the cut when its title
    says it is not public, or when the document is a memo (beslisnota).
    """
    line_at = next((i for i, b in enumerate(blocks) if _LINE_RE.search(b.text)), None)
    if line_at is not None:
        if blocks[line_at].heading_level is not None:
            return line_at
        for j in range(line_at, -1, -1):
            b = blocks[j]
            if b.heading_level is not None and j != line_at:
                return j if heading_number(b) == 5 else line_at
        return line_at
    for i, b in enumerate(blocks):
        if b.heading_level in (1, None) and heading_number(b) == 5:
            if is_memo or _TITLE_WORDS.search(b.text):
                return i
    return None


def is_memo(texts: Sequence[str]) -> bool:
    """A beslisnota says so near its top."""
    head = " ".join(texts[:15]).lower()
    return "beslisnota" in head or "nota aan de minister" in head
