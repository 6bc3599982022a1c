"""Redaction of a hand-written Word memo (DOCX) for Woo publication.

Steps, in order: remove comments; accept tracked changes (insertions kept, deletions and
moved-from text dropped, no revision marks left); cut section 5 and everything after it;
scrub document properties, document variables, the template path, customXml and the
thumbnail; detect personal data in every text slot (paragraphs of the body, tables,
headers, footers, footnotes, endnotes, text boxes, DrawingML text, field codes and alt
texts); replace each redacted span by a white-on-black box with its ground; prune
relationships and parts nothing refers to anymore.

Detection is done per paragraph on the joined text of its runs, so a name split across
runs ("Kla" + "verblad") is found; the runs are then split at the span boundaries.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from hicmonitor.woo.detect import GROUND, Detector, Redaction, _merge, surname_needles
from hicmonitor.woo.ooxml import Package, qn, w
from hicmonitor.woo.register import name_regex
from hicmonitor.woo.section5 import Block, find_cut, is_memo

BOX_TEXT = GROUND
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_TEXT_PARTS = re.compile(
    r"^word/(document|header\d*|footer\d*|footnotes|endnotes|glossary/document)\.xml$"
)
_DRAWING_PARTS = re.compile(r"^word/(charts|diagrams|drawings)/.*\.xml$")
_ALT_ATTRS = {"descr", "title", "alt", "instr"}
_COMMENT_PARTS = (
    "word/comments.xml",
    "word/commentsExtended.xml",
    "word/commentsIds.xml",
    "word/commentsExtensible.xml",
    "word/people.xml",
)
_REVISION_DROP = {
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "tblGridChange",
    "trPrChange",
    "tcPrChange",
    "tblPrExChange",
    "numberingChange",
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlMoveFromRangeStart",
    "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart",
    "customXmlMoveToRangeEnd",
    "cellIns",
    "cellDel",
    "cellMerge",
}
_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]

_KIND_LABEL = {
    "document": "hoofdtekst",
    "header": "koptekst",
    "footer": "voettekst",
    "footnotes": "voetnoot",
    "endnotes": "eindnoot",
    "glossary": "bouwstenen",
    "docProps": "documenteigenschap",
}


# -- result types --------------------------------------------------------------------


@dataclass
class Slot:
    """A piece of text that can be redacted: a paragraph, a text node or an attribute."""

    part: str
    kind: str  # "p" paragraph, "t" text node, "a:<attr>" attribute
    index: int
    element: etree._Element
    text: str

    @property
    def id(self) -> str:
        return f"{self.part}#{self.kind}{self.index}"

    @property
    def where(self) -> str:
        """Dutch description of the place, for the log and the proposal."""
        stem = self.part.split("/")[1] if "/" in self.part else self.part
        base = re.sub(r"\d+$", "", stem.removesuffix(".xml"))
        label = _KIND_LABEL.get(base, _KIND_LABEL.get(self.part.split("/")[0], base))
        if self.kind == "p":
            if _in(self.element, "txbxContent"):
                label += ", tekstvak"
            elif _in(self.element, "tc"):
                label += ", tabel"
            return f"{label}, alinea {self.index + 1}"
        if self.kind.startswith("a:"):
            return f"{label}, alternatieve tekst/attribuut {self.kind[2:]}"
        return f"{label}, tekstelement {self.index + 1}"


@dataclass
class Finding:
    """A redaction in a slot. ``text`` stays in memory; logs never contain it."""

    slot_id: str
    where: str
    start: int
    end: int
    klasse: str
    bron: str
    text: str
    grond: str = GROUND


@dataclass
class Result:
    """What redaction did to one document."""

    findings: list[Finding] = field(default_factory=list)
    section5_found: bool = False
    section5_texts: list[str] = field(default_factory=list)
    kept_text: str = ""
    actions: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def needles(self) -> list[str]:
        return sorted({f.text for f in self.findings})


# -- entry points --------------------------------------------------------------------


def prepare(pkg: Package) -> Result:
    """Clean a package (comments, revisions, section 5, properties) before detection."""
    res = Result()
    res.actions["opmerkingen verwijderd"] = remove_comments(pkg)
    res.actions["revisies geaccepteerd"] = accept_revisions(pkg)
    cut_section5(pkg, res)
    res.actions["eigenschappen gewist"] = scrub_properties(pkg)
    return res


def find(pkg: Package, detector: Detector, res: Result) -> list[Slot]:
    """Detect personal data in every slot; fills ``res.findings``; returns the slots."""
    slots = list(iter_slots(pkg))
    by_part: dict[str, list[Slot]] = {}
    for s in slots:
        by_part.setdefault(s.part, []).append(s)
    raw: dict[str, list[Redaction]] = {}
    for part_slots in by_part.values():
        decisions = detector.detect_blocks([s.text for s in part_slots])
        for s, rs in zip(part_slots, decisions, strict=True):
            raw[s.id] = rs
    # Second pass: every redacted string (and a redacted person's surname) elsewhere.
    needles: dict[str, str] = {}
    for s in slots:
        for r in raw[s.id]:
            t = s.text[r.start : r.end]
            needles.setdefault(t, r.klasse)
            if r.klasse in ("naam", "ondertekening"):
                for n in surname_needles(t, detector.register):
                    needles.setdefault(n, "naam")
    rx = _needle_regex(needles)
    keep_cache: dict[str, list[tuple[int, int]]] = {}
    for s in slots:
        found = list(raw[s.id])
        if rx is not None:
            keep = keep_cache.setdefault(s.id, detector.keep_spans(s.text))
            for m in rx.finditer(s.text):
                span = (m.start(), m.end())
                if any(a < span[1] and span[0] < b for a, b in keep):
                    continue
                if any(r.start <= span[0] and span[1] <= r.end for r in found):
                    continue
                klasse = needles.get(m.group(0)) or _class_of(m.group(0), needles)
                found.append(Redaction(span[0], span[1], klasse, "herhaling"))
        for r in _merge(found):
            res.findings.append(
                Finding(s.id, s.where, r.start, r.end, r.klasse, r.bron, s.text[r.start : r.end])
            )
    return slots


def apply(pkg: Package, slots: list[Slot], findings: list[Finding]) -> None:
    """Apply accepted findings: boxes in paragraphs, ``[5.1.2e]`` in other slots."""
    by_slot: dict[str, list[Finding]] = {}
    for f in findings:
        by_slot.setdefault(f.slot_id, []).append(f)
    for s in slots:
        fs = by_slot.get(s.id)
        if not fs:
            continue
        for f in fs:
            if s.text[f.start : f.end] != f.text:
                raise ValueError(f"finding does not match slot text at {s.id}")
        spans = sorted((f.start, f.end) for f in fs)
        if s.kind == "p":
            _redact_paragraph(s.element, spans)
        else:
            new = _replace_spans(s.text, spans, f"[{BOX_TEXT}]")
            if s.kind == "t":
                s.element.text = new
            else:
                s.element.set(_attr_key(s.element, s.kind[2:]), new)
    _unlink_personal_hyperlinks(pkg, [f.text for f in findings])
    pkg.prune()


def redact_docx(
    src: str | Path,
    dst: str | Path,
    detector: Detector,
    accept: Callable[[Finding], bool] | None = None,
) -> Result:
    """Redact ``src`` into ``dst``; ``accept`` filters findings (proposal mode)."""
    pkg = Package.open(src)
    res = prepare(pkg)
    slots = find(pkg, detector, res)
    if accept is not None:
        res.findings = [f for f in res.findings if accept(f)]
    apply(pkg, slots, res.findings)
    res.kept_text = "\n".join(s.text for s in slots if s.kind == "p")
    pkg.save(dst)
    return res


# -- comments and revisions ----------------------------------------------------------


def _word_xml_parts(pkg: Package) -> list[str]:
    return [n for n in pkg.xml_names() if n.startswith("word/") and not n.endswith(".rels")]


def remove_comments(pkg: Package) -> int:
    """Remove comment parts, anchors and references. Returns the number of comments."""
    count = 0
    if pkg.has("word/comments.xml"):
        count = len(pkg.xml("word/comments.xml").findall(w("comment")))
    for name in _COMMENT_PARTS:
        pkg.delete(name)
    for name in _word_xml_parts(pkg):
        root = pkg.xml(name)
        for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
            for el in list(root.iter(w(tag))):
                parent = el.getparent()
                parent.remove(el)
                if parent.tag == w("r") and all(c.tag == w("rPr") for c in parent):
                    parent.getparent().remove(parent)
    return count


def accept_revisions(pkg: Package) -> int:
    """Accept all tracked changes; no revision mark or author stays behind."""
    n = 0
    for name in _word_xml_parts(pkg):
        root = pkg.xml(name)
        for el in list(root.iter(w("del"), w("moveFrom"))):
            if el.getroottree().getroot() is not root:
                continue  # already removed with an ancestor
            parent = el.getparent()
            if parent is None:
                continue
            n += 1
            if parent.tag == w("trPr"):
                row = parent.getparent()
                row.getparent().remove(row)
            else:
                parent.remove(el)
        for el in list(root.iter(w("ins"), w("moveTo"))):
            parent = el.getparent()
            if parent is None:
                continue
            n += 1
            if parent.tag in (w("rPr"), w("trPr")):
                parent.remove(el)
            else:
                idx = parent.index(el)
                for child in reversed(list(el)):
                    parent.insert(idx, child)
                parent.remove(el)
        for tag in _REVISION_DROP:
            for el in list(root.iter(w(tag))):
                if el.getparent() is not None:
                    n += 1
                    el.getparent().remove(el)
    if pkg.has("word/settings.xml"):
        settings = pkg.xml("word/settings.xml")
        for el in list(settings.iter(w("trackRevisions"))):
            settings.remove(el)
    return n


# -- section 5 -----------------------------------------------------------------------


def _styles(pkg: Package) -> dict[str, tuple[int | None, bool]]:
    """styleId -> (heading level, numbered), following basedOn."""
    if not pkg.has("word/styles.xml"):
        return {}
    root = pkg.xml("word/styles.xml")
    raw: dict[str, tuple[str, int | None, bool, str | None]] = {}
    for st in root.findall(w("style")):
        sid = st.get(w("styleId"), "")
        name_el = st.find(w("name"))
        name = name_el.get(w("val"), "") if name_el is not None else ""
        ppr = st.find(w("pPr"))
        lvl = None
        numbered = False
        if ppr is not None:
            ol = ppr.find(w("outlineLvl"))
            if ol is not None and ol.get(w("val"), "").isdigit():
                lvl = int(ol.get(w("val"))) + 1
            numbered = ppr.find(w("numPr")) is not None
        m = re.match(r"(?i)^(?:heading|kop)\s*(\d)$", name)
        if m:
            lvl = int(m.group(1))
        based = st.find(w("basedOn"))
        raw[sid] = (name, lvl, numbered, based.get(w("val")) if based is not None else None)

    out: dict[str, tuple[int | None, bool]] = {}
    for sid in raw:
        lvl, numbered, cur, seen = None, False, sid, set()
        while cur in raw and cur not in seen:
            seen.add(cur)
            _, lv, nb, based = raw[cur]
            lvl = lvl if lvl is not None else lv
            numbered = numbered or nb
            cur = based
        out[sid] = (lvl, numbered)
    return out


def _paragraph_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def cut_section5(pkg: Package, res: Result) -> None:
    """Remove section 5 and all after it from the body; notes it references go too."""
    doc = pkg.xml("word/document.xml")
    body = doc.find(w("body"))
    children = [c for c in body if c.tag != w("sectPr")]
    styles = _styles(pkg)
    blocks: list[Block] = []
    ordinal = 0
    for c in children:
        level = None
        numbered = False
        if c.tag == w("p"):
            ppr = c.find(w("pPr"))
            if ppr is not None:
                ps = ppr.find(w("pStyle"))
                if ps is not None:
                    level, numbered = styles.get(ps.get(w("val"), ""), (None, False))
                ol = ppr.find(w("outlineLvl"))
                if ol is not None and ol.get(w("val"), "").isdigit():
                    level = int(ol.get(w("val"))) + 1
                numbered = numbered or ppr.find(w("numPr")) is not None
        auto = None
        if level == 1 and numbered:
            ordinal += 1
            auto = ordinal
        blocks.append(Block(_paragraph_text(c), level, auto))
    texts = [b.text for b in blocks]
    cut = find_cut(blocks, is_memo=is_memo(texts))
    if cut is None:
        res.warnings.append(
            "geen sectie 5 gevonden (kop '5' of de regel 'Alles onder deze streep wordt "
            "verwijderd'): het document wordt in zijn geheel gepubliceerd"
        )
        return
    res.section5_found = True
    removed = children[cut:]
    note_ids: dict[str, set[str]] = {"footnote": set(), "endnote": set()}
    for c in removed:
        for p in c.iter(w("p")):
            t = _paragraph_text(p)
            if t.strip():
                res.section5_texts.append(t)
        for kind in note_ids:
            for ref in c.iter(w(f"{kind}Reference")):
                note_ids[kind].add(ref.get(w("id"), ""))
        body.remove(c)
    res.actions["alinea's van sectie 5 verwijderd"] = len(removed)
    for kind, ids in note_ids.items():
        part = f"word/{kind}s.xml"
        if not ids or not pkg.has(part):
            continue
        root = pkg.xml(part)
        for note in list(root.findall(w(kind))):
            if note.get(w("id")) in ids:
                res.section5_texts += [t for p in note.iter(w("p")) if (t := _paragraph_text(p))]
                root.remove(note)


# -- properties ----------------------------------------------------------------------


def scrub_properties(pkg: Package) -> int:
    """Clear author, last modified by, company, template, custom properties, and more."""
    n = 0
    core = "docProps/core.xml"
    if pkg.has(core):
        root = pkg.xml(core)
        drop = {
            qn("dc", "creator"),
            qn("cp", "lastModifiedBy"),
            qn("dc", "description"),
            qn("dc", "subject"),
            qn("cp", "keywords"),
            qn("cp", "category"),
            qn("cp", "contentStatus"),
            qn("cp", "lastPrinted"),
            qn("dc", "identifier"),
            qn("cp", "version"),
        }
        for el in list(root):
            if el.tag in drop:
                root.remove(el)
                n += 1
            elif el.tag == qn("cp", "revision"):
                el.text = "1"
    app = "docProps/app.xml"
    if pkg.has(app):
        root = pkg.xml(app)
        for el in list(root):
            if etree.QName(el).localname in ("Company", "Manager", "Template", "HyperlinkBase"):
                root.remove(el)
                n += 1
    for name in list(pkg.parts):
        if name == "docProps/custom.xml" or name.startswith(("docProps/thumbnail", "customXml/")):
            pkg.delete(name)
            n += 1
    if pkg.has("word/settings.xml"):
        settings = pkg.xml("word/settings.xml")
        for tag in ("attachedTemplate", "docVars", "mailMerge", "rsids"):
            for el in list(settings.iter(w(tag))):
                el.getparent().remove(el)
                n += 1
    # Unreferenced relationships (template path, custom properties) go in prune().
    for name in list(pkg.parts):
        if name.endswith(".rels"):
            rels = pkg.xml(name)
            for rel in list(rels):
                target = rel.get("Target", "")
                if rel.get("TargetMode") == "External" and target.lower().startswith("file:"):
                    rel.set("Target", "#")
                    n += 1
    return n


# -- slots ---------------------------------------------------------------------------


def iter_slots(pkg: Package) -> Iterator[Slot]:
    """Every redactable piece of text, in a stable order (also used by proposals)."""
    for name in sorted(pkg.parts):
        if not name.endswith(".xml") or name.startswith("["):
            continue
        if name in ("docProps/core.xml", "docProps/app.xml"):
            root = pkg.xml(name)
            i = 0
            for el in root.iter():
                if isinstance(el.tag, str) and el.text and el.text.strip() and not len(el):
                    if etree.QName(el).localname in ("title", "lpstr"):
                        yield Slot(name, "t", i, el, el.text)
                        i += 1
            continue
        text_part = bool(_TEXT_PARTS.match(name))
        if not (text_part or _DRAWING_PARTS.match(name)):
            continue
        root = pkg.xml(name)
        if text_part:
            for i, p in enumerate(root.iter(w("p"))):
                yield Slot(name, "p", i, p, _para_text(p))
        i = 0
        for el in root.iter(qn("a", "t"), w("instrText")):
            if el.text:
                yield Slot(name, "t", i, el, el.text)
                i += 1
        j = 0
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for key, value in el.attrib.items():
                local = etree.QName(key).localname
                if local in _ALT_ATTRS and value.strip():
                    yield Slot(name, "a:" + local, j, el, value)
                    j += 1


def _attr_key(el: etree._Element, local: str) -> str:
    for key in el.attrib:
        if etree.QName(key).localname == local:
            return key
    return local


def _in(el: etree._Element, local: str) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag == w(local):
            return True
        if parent.tag == w("p"):
            return False
        parent = parent.getparent()
    return False


def _runs(p: etree._Element) -> Iterator[etree._Element]:
    """The runs of a paragraph, in order, not descending into nested paragraphs."""
    for child in p:
        if child.tag == w("r"):
            yield child
        elif child.tag in (w("p"), w("pPr")):
            continue
        elif isinstance(child.tag, str):
            yield from _runs(child)


def _atom_text(el: etree._Element) -> str:
    tag = el.tag
    if tag == w("t"):
        return el.text or ""
    if tag == w("tab") or tag == w("ptab"):
        return "\t"
    if tag in (w("br"), w("cr")):
        return "\n"
    if tag == w("noBreakHyphen"):
        return "-"
    return ""


def _para_text(p: etree._Element) -> str:
    return "".join(_atom_text(c) for r in _runs(p) for c in r if c.tag != w("rPr"))


# -- applying ------------------------------------------------------------------------


def _box_run(rpr: etree._Element | None) -> etree._Element:
    run = etree.Element(w("r"))
    new = copy.deepcopy(rpr) if rpr is not None else etree.Element(w("rPr"))
    for tag in ("color", "highlight", "shd", "vanish", "webHidden", "specVanish"):
        for el in new.findall(w(tag)):
            new.remove(el)
    _insert_ordered(new, etree.Element(w("color"), {w("val"): "FFFFFF"}))
    _insert_ordered(
        new, etree.Element(w("shd"), {w("val"): "clear", w("color"): "auto", w("fill"): "000000"})
    )
    run.append(new)
    t = etree.SubElement(run, w("t"))
    t.text = BOX_TEXT
    return run


def _insert_ordered(rpr: etree._Element, el: etree._Element) -> None:
    rank = _RPR_ORDER.index(etree.QName(el).localname)
    for i, child in enumerate(rpr):
        local = etree.QName(child).localname
        if local in _RPR_ORDER and _RPR_ORDER.index(local) > rank:
            rpr.insert(i, el)
            return
    rpr.append(el)


def _inside(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    for s, e in spans:
        if s <= pos < e:
            return (s, e)
    return None


def _redact_paragraph(p: etree._Element, spans: list[tuple[int, int]]) -> None:
    """Split runs at span boundaries; a span becomes one box run, its text is gone."""
    pos = 0
    for run in list(_runs(p)):
        children = [c for c in run if c.tag != w("rPr")]
        lens = [len(_atom_text(c)) for c in children]
        end = pos + sum(lens)
        if any(s < end and pos < e for s, e in spans):
            new_runs = _split_run(run, children, lens, pos, spans)
            parent = run.getparent()
            idx = parent.index(run)
            parent.remove(run)
            for k, r in enumerate(new_runs):
                parent.insert(idx + k, r)
        pos = end


def _split_run(
    run: etree._Element,
    children: list[etree._Element],
    lens: list[int],
    pos: int,
    spans: list[tuple[int, int]],
) -> list[etree._Element]:
    """The runs that replace ``run``: kept pieces with its formatting, and boxes."""
    rpr = run.find(w("rPr"))
    new_runs: list[etree._Element] = []
    current: list[etree._Element] = []

    def flush() -> None:
        if current:
            r = etree.Element(w("r"))
            if rpr is not None:
                r.append(copy.deepcopy(rpr))
            r.extend(current)
            new_runs.append(r)
            current.clear()

    for child, n in zip(children, lens, strict=True):
        if n == 0:
            current.append(child)
            continue
        if child.tag != w("t"):
            span = _inside(spans, pos)
            if span is None:
                current.append(child)
            elif span[0] == pos:
                flush()
                new_runs.append(_box_run(rpr))
            pos += n
            continue
        text = child.text or ""
        cuts = sorted({0, n} | {b - pos for s, e in spans for b in (s, e) if pos < b < pos + n})
        for a, b in zip(cuts, cuts[1:], strict=False):
            span = _inside(spans, pos + a)
            if span is None:
                t = etree.Element(w("t"))
                t.text = text[a:b]
                t.set(XML_SPACE, "preserve")
                current.append(t)
            elif span[0] == pos + a:
                flush()
                new_runs.append(_box_run(rpr))
        pos += n
    flush()
    return new_runs


def _replace_spans(text: str, spans: list[tuple[int, int]], box: str) -> str:
    out, last = [], 0
    for s, e in spans:
        if s < last:
            s = last
        out.append(text[last:s])
        if e > s:
            out.append(box)
        last = max(last, e)
    out.append(text[last:])
    return "".join(out)


def _needle_regex(needles: dict[str, str]) -> re.Pattern[str] | None:
    items = [n for n in needles if len(n.strip()) >= 3]
    if not items:
        return None
    alt = "|".join(name_regex(n) for n in sorted(items, key=len, reverse=True))
    return re.compile(rf"(?<![\w@.])(?:{alt})(?![\w@])")


def _class_of(text: str, needles: dict[str, str]) -> str:
    from hicmonitor.woo.register import fold

    ft = fold(text)
    for n, k in needles.items():
        if fold(n) == ft:
            return k
    return "naam"


def _unlink_personal_hyperlinks(pkg: Package, redacted: list[str]) -> None:
    """Unwrap hyperlinks whose target is a mailto: or contains redacted text."""
    from hicmonitor.woo.register import fold

    folded = [fold(t) for t in redacted if len(t) >= 3]
    for name in _word_xml_parts(pkg):
        if name.endswith(".rels"):
            continue
        targets = pkg.rel_targets(name)
        root = pkg.xml(name)
        for h in list(root.iter(w("hyperlink"))):
            rid = h.get(qn("r", "id"))
            if rid is None or rid not in targets:
                continue
            _, target, _ = targets[rid]
            ft = fold(target)
            if ft.startswith("mailto:") or any(x in ft for x in folded):
                parent = h.getparent()
                idx = parent.index(h)
                for child in reversed(list(h)):
                    parent.insert(idx, child)
                parent.remove(h)
