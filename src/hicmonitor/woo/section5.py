"""Finding section 5 of a memo: everything below the line is not public.

The beslisnota's section 5 starts with a heading numbered 5 and/or the line text "Alles
onder deze streep wordt verwijderd". Works on a plain list of blocks, so it serves the
DOCX redactor and any other document model alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

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


# -- section 5 on the document model (the rebuild path) --------------------------------

import unicodedata  # noqa: E402

from hicmonitor.errors import HicError  # noqa: E402
from hicmonitor.woo.docmodel import Doc as _Doc  # noqa: E402
from hicmonitor.woo.docmodel import Para as _Para  # noqa: E402
from hicmonitor.woo.docmodel import Table as _Table  # noqa: E402
from hicmonitor.woo.docmodel import note_refs  # noqa: E402
from hicmonitor.woo.docmodel import paragraphs as _paragraphs  # noqa: E402

_MARKER_SQ = re.compile(
    r"^(?:sectie|onderdeel|hoofdstuk|deel|paragraaf)?(?:alles)?(?:wat)?(?:hier)?"
    r"(?:onder|beneden)(?:deze|de|dit)?(?:streep|lijn|regel)"
    r"|^allesbenedendezestreep|^allesonderdestreep"
)
_NONPUBLIC_TITLE = re.compile(
    r"(?i)niet[\s-]*(?:openba(?:ar|re)|voor\s+(?:openbaarmaking|publicatie))|"
    r"onder\s+de(?:ze)?\s+(?:streep|lijn)|vertrouwelijk|alleen\s+voor\s+intern|"
    r"\(\s*intern\s*\)|^\W*(?:\d+[.)]?\s*)?intern\W*$|niet\s+openbaar"
)
_HEAD_NUM = re.compile(
    r"^\s*(?:sectie|onderdeel|hoofdstuk|deel|§)?\s*(\d{1,2}|[IVX]{1,4})(?:[.):]\s*|\s+|$)(?![\d.]*\d)"
)
_QUOTES = "\"'“”„‘’‚«»‹›"
_MEMO_RE = re.compile(
    r"^(?:beslisnota|ministernota|nota\s+(?:aan|voor)\s+(?:de\s+)?(?:minister|staatssecretaris|"
    r"bewindspersoon|mjenv|mrb|sg|dg))\b|^nota$",
    re.IGNORECASE,
)
_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
}


class Section5Error(HicError):
    """Section 5 of a memo cannot be found without doubt: the user must point at it."""


def _squeeze_letters(text: str) -> str:
    d = unicodedata.normalize("NFKD", text)
    return "".join(c for c in d if c.isalpha() and not unicodedata.combining(c)).casefold()


@dataclass
class Leaf:
    index: int
    para: _Para
    text: str  # label + visible text
    section: int
    row_text: str = ""  # for the first paragraph of a table row: the row's text
    box_text: str = ""  # text of text boxes anchored here


@dataclass
class Cut:
    leaf: int | None  # first leaf of section 5, or None
    reason: str = ""
    texts: list[str] = field(default_factory=list)  # section 5 texts (for the leak check)


def leaves(doc: _Doc) -> list[Leaf]:
    out: list[Leaf] = []
    section = 0

    def walk(blocks: list, in_cell: bool) -> None:
        nonlocal section
        for b in blocks:
            if isinstance(b, _Para):
                text = (b.label + " " + b.text).strip() if b.label else b.text.strip()
                box = " ".join(p.text for bx in b.boxes for p in _paragraphs(bx))
                out.append(Leaf(len(out), b, text, section, box_text=box))
                if b.section_end is not None and not in_cell:
                    section = b.section_end + 1
            else:
                for row in b.rows:
                    first = len(out)
                    for cell in row:
                        walk(cell, True)
                    if len(out) > first:
                        cells = [" ".join(p.text for p in _paragraphs(c)).strip() for c in row]
                        out[first].row_text = " ".join(c for c in cells if c)

    walk(doc.body, False)
    return out


def _heading_number(leaf: Leaf) -> int | None:
    p = leaf.para
    for source in (p.label, p.text if not p.label else "", leaf.row_text):
        if not source:
            continue
        m = _HEAD_NUM.match(source)
        if m:
            v = m.group(1)
            return int(v) if v.isdigit() else _ROMAN.get(v)
    return None


def _heading_like(leaf: Leaf) -> bool:
    p = leaf.para
    text = leaf.text
    words = len(text.split())
    if not text or words > 14:
        return False
    if p.style:
        return True
    if p.all_bold or (text.isupper() and words <= 10):
        return True
    if p.label and words <= 10 and not text.rstrip().endswith((".", ";", ",")):
        return True
    if leaf.row_text and len(leaf.text) <= 4 and _heading_number(leaf) is not None:
        return True  # "5" in the first cell of a row laid out as a memo
    return False


_SUB_NUM = re.compile(r"^\s*(\d{1,2})\.\d{1,2}(?:\.\d{1,2})*\.?(?:\s|$)")


def _sub_number(leaf: Leaf) -> int | None:
    """The section of a numbered sub-heading ("5.1 Toelichting" -> 5)."""
    for source in (leaf.para.label, leaf.para.text if not leaf.para.label else ""):
        m = _SUB_NUM.match(source or "")
        if m:
            return int(m.group(1))
    return None


def _opening_heading(before: list[Leaf]) -> Leaf | None:
    """The heading numbered 5 that opens the section a marker lies in, or None.

    Walks up from the nearest heading above the marker: a sub-heading of section 5
    ("5.1 ...") or an unnumbered heading of a lower level than the numbered headings is
    passed; the first heading that has a section number decides. When that is not 5
    (sections 6, 7 ... lie between "5." and the marker), the cut stays at the marker."""
    numbered_sigs = {_signature(lf) for lf in before if _heading_number(lf) is not None}
    for lf in reversed(before):
        n = _heading_number(lf)
        if n is not None:
            return lf if n == 5 else None
        sub = _sub_number(lf)
        if sub is not None:
            if sub != 5:
                return None
            continue
        if _signature(lf) in numbered_sigs:
            return None  # an unnumbered heading at the level of the sections
    return None


def _signature(leaf: Leaf) -> tuple:
    p = leaf.para
    return (p.style, bool(p.label), p.all_bold, bool(leaf.row_text and len(leaf.text) <= 4))


def _is_marker(text: str) -> bool:
    s = text.strip()
    if not s or s[0] in _QUOTES:
        return False
    s = re.sub(r"^[\W\d_]+", "", s)
    return bool(_MARKER_SQ.match(_squeeze_letters(s)))


def is_memo_doc(doc: _Doc, lv: list[Leaf]) -> bool:
    texts = [lf.text for lf in lv[:30]] + [lf.box_text for lf in lv[:30] if lf.box_text]
    if doc.sections:
        for blocks in list(doc.sections[0].headers.values()):
            texts += [p.text for p in _paragraphs(blocks)]
    for t in texts:
        t = t.strip()
        if len(t.split()) <= 14 and _MEMO_RE.match(t):
            return True
    return False


def _section_markers(doc: _Doc, lv: list[Leaf]) -> list[int]:
    """First leaf of a Word section (after the first) whose header/footer says section 5."""
    out = []

    def says(sec_i: int) -> bool:
        if sec_i >= len(doc.sections):
            return False
        sec = doc.sections[sec_i]
        for blocks in [*sec.headers.values(), *sec.footers.values()]:
            for p in _paragraphs(blocks):
                t = p.text.strip()
                if _is_marker(t) or (_NONPUBLIC_TITLE.search(t) and len(t.split()) <= 14):
                    return True
                if re.search(r"(?i)\bsectie\s*5\b", t):
                    return True
        return False

    for s in range(1, len(doc.sections)):
        if says(s) and not says(s - 1):
            first = next((lf.index for lf in lv if lf.section == s), None)
            if first is not None:
                out.append(first)
    return out


def find_section5(doc: _Doc, *, vanaf: str | None = None, name: str = "") -> Cut:
    """Where section 5 begins in ``doc``; raises :class:`Section5Error` when a memo's
    section 5 cannot be found without doubt."""
    lv = leaves(doc)
    hint = (
        ' Geef met --sectie5-vanaf "tekst" de eerste woorden van de alinea waar sectie 5 '
        "begint, of --sectie5-vanaf geen als het document geen sectie 5 heeft."
    )
    if vanaf is not None:
        if vanaf.strip().lower() in ("geen", "-"):
            return Cut(None, "volgens --sectie5-vanaf geen sectie 5")
        want = _squeeze_letters(vanaf)
        hits = [lf.index for lf in lv if want and want in _squeeze_letters(lf.text)]
        if not hits:
            raise Section5Error(
                f"{name}: de tekst van --sectie5-vanaf ({vanaf!r}) komt in geen alinea voor"
            )
        return Cut(hits[0], "aangewezen met --sectie5-vanaf")
    markers: list[int] = []
    for i, lf in enumerate(lv):
        joined = " ".join(x.text for x in lv[i : i + 3])
        if (
            lf.text
            and _is_marker(lf.text)
            or (
                lf.text
                and len(_squeeze_letters(lf.text)) >= 4
                and _is_marker(joined)
                and _MARKER_SQ.match(_squeeze_letters(re.sub(r"^[\W\d_]+", "", joined)))
                and _squeeze_letters(joined).startswith(
                    _squeeze_letters(re.sub(r"^[\W\d_]+", "", lf.text))
                )
            )
        ):
            markers.append(i)
        elif lf.box_text and any(
            _is_marker(p.text) for bx in lf.para.boxes for p in _paragraphs(bx)
        ):
            markers.append(i)
    notes = {
        **{("footnote", k): v for k, v in doc.footnotes.items()},
        **{("endnote", k): v for k, v in doc.endnotes.items()},
    }
    for lf in lv:
        for r in lf.para.runs:
            if r.note is not None and r.note in notes:
                if any(_is_marker(p.text) for p in _paragraphs(notes[r.note])):
                    markers.append(lf.index)
    sect_marks = _section_markers(doc, lv)
    heads = [lf for lf in lv if _heading_like(lf)]
    numbered = [(lf, _heading_number(lf)) for lf in heads]
    numbered = [(lf, n) for lf, n in numbered if n is not None]
    np_heads = [lf.index for lf in heads if _NONPUBLIC_TITLE.search(lf.row_text or lf.text)]
    h5 = []
    for k, (lf, n) in enumerate(numbered):
        if n != 5:
            continue
        sig = _signature(lf)
        later = [m for lf2, m in numbered[k + 1 :] if _signature(lf2) == sig]
        if any(2 <= m <= 4 for m in later):
            continue  # an inner list: the main numbering goes on after it
        earlier = [m for lf2, m in numbered[:k] if _signature(lf2) == sig and 1 <= m <= 4]
        if earlier or lf.para.style:
            h5.append(lf.index)
    memo = is_memo_doc(doc, lv)
    strong = sorted(set(markers + sect_marks + np_heads))
    if strong:
        m = strong[0]
        # the heading numbered 5 that opens the section holding the marker: only the
        # nearest heading above it counts (sub-headings of that section skipped)
        opener = _opening_heading([lf for lf in heads if lf.index < m])
        if opener is not None and opener.index not in np_heads:
            m = opener.index
        if h5 and memo:
            first5 = h5[0]
            if first5 > m:
                between = [lf for lf in heads if m < lf.index < first5]
                if len(between) >= 2:
                    raise Section5Error(
                        f"{name}: sectie 5 is niet eenduidig: de regel 'Alles onder deze streep' "
                        "staat ver boven de kop '5.'." + hint
                    )
        return Cut(m, "markering sectie 5")
    if memo:
        if len(h5) == 1:
            return Cut(h5[0], "kop 5 in een beslisnota")
        if len(h5) > 1:
            raise Section5Error(
                f"{name}: sectie 5 is niet eenduidig: er zijn {len(h5)} koppen met nummer 5." + hint
            )
        raise Section5Error(
            f"{name}: dit lijkt een beslisnota, maar sectie 5 (de regel 'Alles onder deze streep "
            "wordt verwijderd' of een kop '5.') is niet gevonden." + hint
        )
    return Cut(None, "geen sectie 5")


def apply_cut(doc: _Doc, cut: Cut) -> list[str]:
    """Remove section 5 and everything after it from ``doc``; returns the removed texts
    (section 5's content, its text boxes, notes anchored there, and the headers/footers
    of the Word sections that begin inside it)."""
    if cut.leaf is None:
        return []
    lv = leaves(doc)
    removed: list[str] = []
    cut_leaf = lv[cut.leaf]
    count = 0
    stopped = False

    def take(p: _Para) -> None:
        removed.append(p.text)
        for bx in p.boxes:
            removed.extend(q.text for q in _paragraphs(bx))

    def walk(blocks: list) -> list:
        nonlocal count, stopped
        kept = []
        for b in blocks:
            if stopped:
                for q in _paragraphs([b], boxes=False):
                    take(q)
                continue
            if isinstance(b, _Para):
                if count == cut.leaf:
                    stopped = True
                    take(b)
                    continue
                count += 1
                kept.append(b)
            else:
                rows = []
                for row in b.rows:
                    if stopped:
                        for cell in row:
                            for q in _paragraphs(cell, boxes=False):
                                take(q)
                        continue
                    new_row = [walk(cell) for cell in row]
                    rows.append(new_row)
                if rows:
                    kept.append(_Table(rows))
        return kept

    doc.body = walk(doc.body)
    kept_refs = set(note_refs(doc.body))
    for kind, notes in (("footnote", doc.footnotes), ("endnote", doc.endnotes)):
        for nid in list(notes):
            if (kind, nid) not in kept_refs:
                removed.extend(q.text for q in _paragraphs(notes.pop(nid)))
    first_section = cut_leaf.section
    at_start = all(lf.section != first_section for lf in lv[: cut.leaf])
    keep_sections = first_section if at_start else first_section + 1
    for sec in doc.sections[max(keep_sections, 1) :]:
        for blocks in [*sec.headers.values(), *sec.footers.values()]:
            if not any(
                blocks is b2
                for s2 in doc.sections[: max(keep_sections, 1)]
                for b2 in [*s2.headers.values(), *s2.footers.values()]
            ):
                removed.extend(p.text for p in _paragraphs(blocks))
    doc.sections = doc.sections[: max(keep_sections, 1)]
    return [t for t in removed if t.strip()]
