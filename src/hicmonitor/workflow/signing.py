"""The signed copy of the memo: its "Algemene leiding" block filled with the route's parafen.

When the last eindparaaf is given, the dossier gets a signed copy of the memo, derived from
the frozen version whose hash was signed (the frozen files are never changed). The block
("Algemene leiding" in the ministry's memo, "Ter beslissing" above the approval table that
``hic rapport`` writes) gets one row per step of the route: the step's role (the route's
label: a level such as "Secretaris-generaal" or a signatory's function; never a person's
name), the date of its akkoord and the mark ("akkoord", "akkoord (overgenomen)" for a paraaf
carried over from an earlier version). Signatories first, then the parafeerders from the
highest level down, as the memo lists them (Minister, SG).

Where the block is found in the DOCX (:func:`fill_docx`):

- a table right after the heading: its rows are replaced by one row per step, in the
  first row's formatting (role | "Datum: …" | "Paraaf: …");
- paragraphs after the heading in the memo's form (a role line, then "Datum/paraaf"): they
  are replaced by a role line and a "Datum: … — paraaf: …" line per step, in their
  formatting;
- not found (a memo edited into another shape): a page at the end, headed "Paraafblad", with
  the same rows in a table. The memo is never refused for it.

Pure functions on bytes; the services store the result.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from hicmonitor.workflow.route import EINDPARAAF, Step

LOCAL = ZoneInfo("Europe/Amsterdam")
W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
ANCHORS = ("algemene leiding", "ter beslissing")
BLOCK = "blok"  # the block was found and filled
PAGE = "paraafblad"  # a paraaf page was added at the end
PAGE_TITLE = "Paraafblad: Algemene leiding"
PAGE_NOTE = (
    "Het blok 'Algemene leiding' is in deze versie van de beslisnota niet gevonden. De "
    "parafen en eindparafen van de route staan daarom op dit blad."
)
_BOX_LINE = re.compile(r"(?i)^\s*datum\s*/\s*(eind)?paraaf\b")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class SignLine:
    """One row of the block: the step's role, the kind of mark, its date and text."""

    role: str
    kind: str  # paraaf | eindparaaf
    on: date
    mark: str  # "akkoord" | "akkoord (overgenomen)"

    @property
    def date_text(self) -> str:
        return self.on.strftime("%d-%m-%Y")

    @property
    def box(self) -> str:
        return "Eindparaaf" if self.kind == EINDPARAAF else "Paraaf"


def local_date(at: datetime) -> date:
    """The Dutch calendar date of a stored (naive UTC) time."""
    return at.replace(tzinfo=UTC).astimezone(LOCAL).date()


def block_lines(
    route: Sequence[Step], given: Mapping[int, tuple[datetime, bool]]
) -> list[SignLine]:
    """The block's rows: ``given`` maps each step to (when its akkoord was given, whether it
    was carried over from an earlier version). Signatories in route order, then the
    parafeerders from the last (highest) to the first."""
    missing = [st.label for i, st in enumerate(route) if i not in given]
    if missing:
        raise ValueError(f"no akkoord for {', '.join(missing)}")
    lines = [
        SignLine(
            st.label,
            st.kind,
            local_date(given[i][0]),
            "akkoord (overgenomen)" if given[i][1] else "akkoord",
        )
        for i, st in enumerate(route)
    ]
    signers = [x for x in lines if x.kind == EINDPARAAF]
    initials = [x for x in lines if x.kind != EINDPARAAF]
    return signers + initials[::-1]


# -- the DOCX -------------------------------------------------------------------------------


def _main_part(zf: zipfile.ZipFile) -> str:
    rels = etree.fromstring(zf.read("_rels/.rels"), _PARSER)
    for rel in rels.iter(REL_NS + "Relationship"):
        if rel.get("Type") in OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            return rel.get("Target", "").lstrip("/")
    return "word/document.xml"


class _W:
    """Element names in the document's own WordprocessingML namespace (transitional or
    strict)."""

    def __init__(self, root: etree._Element) -> None:
        tag = root.tag
        self.ns = tag[1 : tag.index("}")] if tag.startswith("{") else W_MAIN

    def __call__(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"


def _text(el: etree._Element, w: _W) -> str:
    return "".join(t.text or "" for t in el.iter(w("t")))


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(":").strip()


def _set_text(p: etree._Element, text: str, w: _W, bold: bool | None = None) -> None:
    """Replace the content of paragraph ``p`` by one run with ``text`` (lines split on \\n),
    keeping the paragraph's properties and the first run's formatting."""
    first_rpr = None
    for r in p.iter(w("r")):
        rpr = r.find(w("rPr"))
        if rpr is not None:
            first_rpr = copy.deepcopy(rpr)
        break
    for child in list(p):
        if child.tag != w("pPr"):
            p.remove(child)
    r = etree.SubElement(p, w("r"))
    if first_rpr is not None:
        r.append(first_rpr)
    if bold is not None:
        rpr = r.find(w("rPr"))
        if rpr is None:
            rpr = etree.SubElement(r, w("rPr"))
            r.remove(rpr)
            r.insert(0, rpr)
        for b in rpr.findall(w("b")):
            rpr.remove(b)
        if bold:
            rpr.insert(0, etree.Element(w("b")))
    for k, line in enumerate(text.split("\n")):
        if k:
            etree.SubElement(r, w("br"))
        t = etree.SubElement(r, w("t"))
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _set_cell(tc: etree._Element, text: str, w: _W, bold: bool | None = None) -> None:
    paras = tc.findall(w("p"))
    if not paras:
        paras = [etree.SubElement(tc, w("p"))]
    for extra in paras[1:]:
        tc.remove(extra)
    _set_text(paras[0], text, w, bold)


def _next_blocks(anchor: etree._Element, w: _W) -> list[etree._Element]:
    """The paragraphs and tables after ``anchor`` in its parent."""
    return [el for el in anchor.itersiblings() if el.tag in (w("p"), w("tbl"))]


def _fill_table(tbl: etree._Element, lines: Sequence[SignLine], w: _W) -> None:
    rows = tbl.findall(w("tr"))
    template = rows[0]
    for tr in rows:
        tbl.remove(tr)
    for line in lines:
        tr = copy.deepcopy(template)
        cells = tr.findall(w("tc"))
        texts = [line.role, f"Datum: {line.date_text}", f"{line.box}: {line.mark}"]
        if len(cells) < 3:  # a narrower table: the boxes share the last cell
            texts = [line.role, "\n".join(texts[1:])] if len(cells) == 2 else ["\n".join(texts)]
        for k, tc in enumerate(cells):
            _set_cell(tc, texts[k] if k < len(texts) else "", w, bold=True if k == 0 else None)
        tbl.append(tr)


def _paragraph_block(blocks: Sequence[etree._Element], w: _W) -> list[etree._Element] | None:
    """The paragraphs of the memo's form (role line, "Datum/paraaf" line, …) right after the
    heading; None when they are not there."""
    taken: list[etree._Element] = []
    boxes = 0
    for k, el in enumerate(blocks):
        if el.tag != w("p"):
            break
        text = _text(el, w).strip()
        if not text:
            taken.append(el)
            continue
        if _BOX_LINE.match(text):
            taken.append(el)
            boxes += 1
            continue
        nxt = next((b for b in blocks[k + 1 :] if _text(b, w).strip()), None)
        if (
            nxt is not None
            and nxt.tag == w("p")
            and _BOX_LINE.match(_text(nxt, w))
            and len(text) <= 120
        ):
            taken.append(el)
            continue
        break
    while taken and not _text(taken[-1], w).strip():
        taken.pop()  # the empty paragraphs after the block stay
    return taken if boxes else None


def _fill_paragraphs(taken: list[etree._Element], lines: Sequence[SignLine], w: _W) -> None:
    role_tpl = next(
        (p for p in taken if _text(p, w).strip() and not _BOX_LINE.match(_text(p, w))), taken[0]
    )
    box_tpl = next((p for p in taken if _BOX_LINE.match(_text(p, w))), taken[0])
    parent = taken[0].getparent()
    at = parent.index(taken[0])
    for p in taken:
        parent.remove(p)
    new: list[etree._Element] = []
    for line in lines:
        role = copy.deepcopy(role_tpl)
        _set_text(role, line.role, w)
        box = copy.deepcopy(box_tpl)
        _set_text(box, f"Datum: {line.date_text} — {line.box.lower()}: {line.mark}", w)
        new += [role, box]
    for k, p in enumerate(new):
        parent.insert(at + k, p)


def _page(body: etree._Element, lines: Sequence[SignLine], w: _W) -> None:
    """A page at the end of the body: title, note and a table of the rows."""
    sect = body.find(w("sectPr"))

    def add(el: etree._Element) -> None:
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)

    brk = etree.Element(w("p"))
    etree.SubElement(etree.SubElement(brk, w("r")), w("br")).set(w("type"), "page")
    add(brk)
    title = etree.Element(w("p"))
    _set_text(title, PAGE_TITLE, w, bold=True)
    add(title)
    note = etree.Element(w("p"))
    _set_text(note, PAGE_NOTE, w)
    add(note)
    tbl = etree.Element(w("tbl"))
    tpr = etree.SubElement(tbl, w("tblPr"))
    etree.SubElement(tpr, w("tblW")).attrib.update({w("w"): "0", w("type"): "auto"})
    borders = etree.SubElement(tpr, w("tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        etree.SubElement(borders, w(side)).attrib.update(
            {w("val"): "single", w("sz"): "4", w("space"): "0", w("color"): "808080"}
        )
    grid = etree.SubElement(tbl, w("tblGrid"))
    for width in (4200, 2400, 2800):
        etree.SubElement(grid, w("gridCol")).set(w("w"), str(width))
    rows = [("Rol", "Datum", "Paraaf")] + [
        (x.role, x.date_text, f"{x.box}: {x.mark}") for x in lines
    ]
    for k, row in enumerate(rows):
        tr = etree.SubElement(tbl, w("tr"))
        if k == 0:
            etree.SubElement(etree.SubElement(tr, w("trPr")), w("tblHeader"))
        for text in row:
            tc = etree.SubElement(tr, w("tc"))
            _set_text(etree.SubElement(tc, w("p")), text, w, bold=True if k == 0 else None)
    add(tbl)
    add(etree.Element(w("p")))


def fill_xml(xml: bytes, lines: Sequence[SignLine]) -> tuple[bytes, str]:
    """The main part with the block filled (:data:`BLOCK`) or a paraaf page added
    (:data:`PAGE`)."""
    root = etree.fromstring(xml, _PARSER)
    w = _W(root)
    body = root.find(w("body"))
    if body is None:
        raise ValueError("no w:body")
    placed = PAGE
    for p in body.iter(w("p")):
        if _norm(_text(p, w)) not in ANCHORS:
            continue
        blocks = _next_blocks(p, w)
        nonempty = [b for b in blocks if b.tag == w("tbl") or _text(b, w).strip()]
        if nonempty and nonempty[0].tag == w("tbl") and nonempty[0].find(w("tr")) is not None:
            _fill_table(nonempty[0], lines, w)
            placed = BLOCK
            break
        taken = _paragraph_block(blocks, w)
        if taken:
            _fill_paragraphs(taken, lines, w)
            placed = BLOCK
            break
    if placed == PAGE:
        _page(body, lines, w)
    out = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out, placed


def fill_docx(data: bytes, lines: Sequence[SignLine]) -> tuple[bytes, str]:
    """The memo's DOCX with its "Algemene leiding" block filled; every other part is copied
    as it is. Returns the new DOCX and where the parafen went (:data:`BLOCK` or
    :data:`PAGE`)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    main = _main_part(src)
    new_xml, placed = fill_xml(src.read(main), lines)
    buf = io.BytesIO()
    with src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = new_xml if info.filename == main else src.read(info)
            out.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue(), placed
