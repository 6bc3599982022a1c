"""Read what a reader sees of a DOCX into the document model (:mod:`hicmonitor.woo.docmodel`).

Kept: body paragraphs and tables, headers and footers of every Word section, footnotes and
endnotes, text boxes, pictures (re-encoded from their pixels), charts and SmartArt as their
text, hyperlinks with their target, list labels as text, headings, bold/italic/underline.
Tracked changes are accepted (insertions kept, deletions dropped), fields show their
result, content controls and smart tags their content. Everything else (comments,
bookmarks, field codes, hidden text, alternative-format chunks, embedded objects,
properties, custom XML, glossary, settings) is not read at all, so it cannot reach the
rebuilt publication. Text is normalised to what a reader sees: NFC, no soft hyphens or
zero-width characters.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

from hicmonitor.woo.docmodel import Block, Doc, Para, Picture, Run, Table, WordSection
from hicmonitor.woo.ooxml import Package, w

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
V = "{urn:schemas-microsoft-com:vml}"
OFC = "{urn:schemas-microsoft-com:office:office}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_MAX_PIXELS = 40_000_000


def clean(text: str) -> str:
    """Visible text: NFC, without soft hyphens and zero-width characters."""
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE)


@dataclass
class _Field:
    instr: str = ""
    result: bool = False


@dataclass
class _Ctx:
    part: str
    fields: list[_Field] = field(default_factory=list)


class Extractor:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.doc = Doc()
        self.styles = self._read_styles()
        self.numbering = self._read_numbering()
        self.counters: dict[str, list[int]] = {}
        self._part_blocks: dict[str, list[Block]] = {}
        self._images: dict[str, int | None] = {}

    # -- styles and numbering -------------------------------------------------------

    def _read_styles(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        if not self.pkg.has("word/styles.xml"):
            return out
        raw = {}
        for st in self.pkg.xml("word/styles.xml").findall(w("style")):
            sid = st.get(w("styleId"), "")
            name_el = st.find(w("name"))
            name = (name_el.get(w("val"), "") if name_el is not None else "").lower()
            ppr = st.find(w("pPr"))
            lvl = None
            num = None
            if ppr is not None:
                ol = ppr.find(w("outlineLvl"))
                if ol is not None and (ol.get(w("val")) or "").isdigit():
                    lvl = int(ol.get(w("val"))) + 1
                np_ = ppr.find(w("numPr"))
                if np_ is not None:
                    nid = np_.find(w("numId"))
                    il = np_.find(w("ilvl"))
                    num = (
                        nid.get(w("val")) if nid is not None else None,
                        int(il.get(w("val"), "0")) if il is not None else 0,
                    )
            m = re.match(r"^(?:heading|kop)\s*(\d)$", name)
            if m:
                lvl = int(m.group(1))
            title = name in ("title", "titel")
            rpr = st.find(w("rPr"))
            bold = rpr is not None and _on(rpr.find(w("b")))
            based = st.find(w("basedOn"))
            raw[sid] = (lvl, num, title, bold, based.get(w("val")) if based is not None else None)
        for sid in raw:
            lvl = num = None
            title = bold = False
            cur, seen = sid, set()
            while cur in raw and cur not in seen:
                seen.add(cur)
                lv, nm, tt, bd, based = raw[cur]
                lvl = lvl if lvl is not None else lv
                num = num if num is not None else nm
                title = title or tt
                bold = bold or bd
                cur = based
            out[sid] = {"level": lvl, "num": num, "title": title, "bold": bold}
        return out

    def _read_numbering(self) -> dict:
        nums: dict[str, tuple[str, dict[int, int]]] = {}
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        if not self.pkg.has("word/numbering.xml"):
            return {"nums": nums, "abstract": abstract}
        root = self.pkg.xml("word/numbering.xml")
        for an in root.findall(w("abstractNum")):
            levels = {}
            for lvl in an.findall(w("lvl")):
                il = int(lvl.get(w("ilvl"), "0"))
                start = lvl.find(w("start"))
                fmt = lvl.find(w("numFmt"))
                text = lvl.find(w("lvlText"))
                levels[il] = (
                    int(start.get(w("val"), "1")) if start is not None else 1,
                    fmt.get(w("val"), "decimal") if fmt is not None else "decimal",
                    text.get(w("val"), "") if text is not None else "",
                )
            abstract[an.get(w("abstractNumId"), "")] = levels
        for num in root.findall(w("num")):
            aid = num.find(w("abstractNumId"))
            overrides = {}
            for ov in num.findall(w("lvlOverride")):
                so = ov.find(w("startOverride"))
                if so is not None:
                    overrides[int(ov.get(w("ilvl"), "0"))] = int(so.get(w("val"), "1"))
            nums[num.get(w("numId"), "")] = (
                aid.get(w("val"), "") if aid is not None else "",
                overrides,
            )
        return {"nums": nums, "abstract": abstract}

    def _label(self, num_id: str, ilvl: int) -> str:
        nums, abstract = self.numbering["nums"], self.numbering["abstract"]
        if num_id not in nums or num_id == "0":
            return ""
        aid, overrides = nums[num_id]
        levels = abstract.get(aid, {})
        if ilvl not in levels:
            return ""
        key = aid  # Word continues a list across numIds of one abstract definition
        counters = self.counters.setdefault(key, [0] * 9)
        for k in range(9):
            if counters[k] == 0 and k <= ilvl:
                start = overrides.get(k, levels.get(k, (1, "", ""))[0])
                counters[k] = start - 1 if k == ilvl else start
        counters[ilvl] += 1
        for k in range(ilvl + 1, 9):
            counters[k] = 0
        _, fmt, text = levels[ilvl]
        if fmt == "bullet":
            return "•"
        if fmt == "none":
            return ""

        def repl(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f = levels.get(k, (1, "decimal", ""))[1]
            return _format_number(counters[k], f)

        return re.sub(r"%(\d)", repl, text)

    # -- parts ----------------------------------------------------------------------

    def run(self) -> Doc:
        doc_root = self.pkg.xml("word/document.xml")
        body = doc_root.find(w("body"))
        ctx = _Ctx("word/document.xml")
        sect_prs = []
        self.doc.body = self._blocks(body, ctx, sect_prs)
        final = body.find(w("sectPr"))
        if final is not None:
            sect_prs.append(final)
        prev: WordSection | None = None
        for sp in sect_prs:
            sec = WordSection()
            for ref_tag, target in (
                ("headerReference", sec.headers),
                ("footerReference", sec.footers),
            ):
                for ref in sp.findall(w(ref_tag)):
                    kind = ref.get(w("type"), "default")
                    if kind == "even":
                        continue
                    blocks = self._hf_part(ref.get(R + "id", ""))
                    if blocks is not None:
                        target[kind] = blocks
                if prev is not None:
                    inherited = prev.headers if ref_tag == "headerReference" else prev.footers
                    for kind, blocks in inherited.items():
                        target.setdefault(kind, blocks)
            sec.title_page = _on(sp.find(w("titlePg")))
            if not sec.title_page:
                sec.headers.pop("first", None)
                sec.footers.pop("first", None)
            self.doc.sections.append(sec)
            prev = sec
        if not self.doc.sections:
            self.doc.sections.append(WordSection())
        for kind in ("footnote", "endnote"):
            part = f"word/{kind}s.xml"
            if not self.pkg.has(part):
                continue
            target = self.doc.footnotes if kind == "footnote" else self.doc.endnotes
            for note in self.pkg.xml(part).findall(w(kind)):
                if note.get(w("type")) in (
                    "separator",
                    "continuationSeparator",
                    "continuationNotice",
                ):
                    continue
                target[note.get(w("id"), "")] = self._blocks(note, _Ctx(part), [])
        for name in ("word/comments.xml", "word/glossary/document.xml", "word/people.xml"):
            if self.pkg.has(name):
                self.doc.drop("onderdelen niet overgenomen (opmerkingen, bouwstenen, personen)")
        return self.doc

    def _hf_part(self, rid: str) -> list[Block] | None:
        targets = self.pkg.rel_targets("word/document.xml")
        if rid not in targets:
            return None
        _, target, external = targets[rid]
        if external or not self.pkg.has(target):
            return None
        if target not in self._part_blocks:
            self._part_blocks[target] = self._blocks(self.pkg.xml(target), _Ctx(target), [])
        return self._part_blocks[target]

    # -- blocks ---------------------------------------------------------------------

    def _blocks(self, parent: etree._Element, ctx: _Ctx, sect_prs: list) -> list[Block]:
        out: list[Block] = []
        for el in parent:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag == w("p"):
                p = self._para(el, ctx)
                ppr = el.find(w("pPr"))
                sp = ppr.find(w("sectPr")) if ppr is not None else None
                if sp is not None and ctx.part == "word/document.xml":
                    p.section_end = len(sect_prs)
                    sect_prs.append(sp)
                out.append(p)
            elif tag == w("tbl"):
                out.append(self._table(el, ctx, sect_prs))
            elif tag in (w("sdt"),):
                content = el.find(w("sdtContent"))
                if content is not None:
                    out += self._blocks(content, ctx, sect_prs)
            elif tag in (w("customXml"), w("ins"), w("moveTo"), w("smartTag")):
                out += self._blocks(el, ctx, sect_prs)
            elif tag == MC + "AlternateContent":
                out += self._blocks(_choice(el), ctx, sect_prs)
            elif tag == w("altChunk"):
                self.doc.drop("alternatieve inhoud (altChunk) weggelaten")
        return out

    def _table(self, tbl: etree._Element, ctx: _Ctx, sect_prs: list) -> Table:
        t = Table()
        for tr in _children(tbl, "tr"):
            trpr = tr.find(w("trPr"))
            if trpr is not None and trpr.find(w("del")) is not None:
                continue
            row = []
            for tc in _children(tr, "tc"):
                row.append(self._blocks(tc, ctx, sect_prs))
            t.rows.append(row)
        return t

    def _para(self, p: etree._Element, ctx: _Ctx) -> Para:
        para = Para()
        ppr = p.find(w("pPr"))
        style_id = ""
        num = None
        if ppr is not None:
            ps = ppr.find(w("pStyle"))
            if ps is not None:
                style_id = ps.get(w("val"), "")
            np_ = ppr.find(w("numPr"))
            if np_ is not None:
                nid = np_.find(w("numId"))
                il = np_.find(w("ilvl"))
                num = (
                    nid.get(w("val")) if nid is not None else None,
                    int(il.get(w("val"), "0")) if il is not None else 0,
                )
            bdr = ppr.find(w("pBdr"))
            if bdr is not None and any(
                (b.get(w("val")) or "none") not in ("none", "nil") for b in bdr
            ):
                para.rule = True
        st = self.styles.get(style_id, {})
        level = st.get("level")
        if ppr is not None:
            ol = ppr.find(w("outlineLvl"))
            if ol is not None and (ol.get(w("val")) or "").isdigit() and int(ol.get(w("val"))) < 9:
                level = int(ol.get(w("val"))) + 1
        if st.get("title"):
            para.style = "title"
        elif level and level <= 6:
            para.style = f"h{level}"
        if num is None:
            num = st.get("num")
        if num is not None and num[0] is not None:
            para.label = self._label(num[0], num[1])
            para.level = num[1]
        style_bold = bool(st.get("bold"))
        self._inline(p, ctx, para, style_bold, link=None)
        return para

    # -- inline content -------------------------------------------------------------

    def _visible(self, ctx: _Ctx) -> bool:
        return all(f.result for f in ctx.fields)

    def _field_link(self, ctx: _Ctx) -> str | None:
        for f in reversed(ctx.fields):
            m = re.match(r'\s*HYPERLINK\s+(?!\\l)"?([^"\s]+)"?', f.instr, re.IGNORECASE)
            if m:
                return m.group(1)
        return None

    def _inline(
        self, parent: etree._Element, ctx: _Ctx, para: Para, style_bold: bool, link: str | None
    ) -> None:
        for el in parent:
            tag = el.tag
            if not isinstance(tag, str) or tag == w("pPr"):
                continue
            if tag == w("r"):
                self._run(el, ctx, para, style_bold, link)
            elif tag == w("hyperlink"):
                target = None
                rid = el.get(R + "id")
                if rid:
                    rel = self.pkg.rel_targets(ctx.part).get(rid)
                    if rel is not None and rel[2]:
                        target = rel[1]
                self._inline(el, ctx, para, style_bold, target or link)
            elif tag == w("fldSimple"):
                instr = el.get(w("instr"), "")
                ctx.fields.append(_Field(instr, result=True))
                self._inline(el, ctx, para, style_bold, self._field_link(ctx) or link)
                ctx.fields.pop()
            elif tag in (w("del"), w("moveFrom")):
                continue
            elif tag in (w("ins"), w("moveTo"), w("smartTag"), w("customXml"), w("dir"), w("bdo")):
                self._inline(el, ctx, para, style_bold, link)
            elif tag == w("sdt"):
                content = el.find(w("sdtContent"))
                if content is not None:
                    self._inline(content, ctx, para, style_bold, link)
            elif tag == MC + "AlternateContent":
                self._inline(_choice(el), ctx, para, style_bold, link)
            elif tag in (
                w("oMath"),
                "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath",
                "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara",
            ):
                text = "".join(t.text or "" for t in el.iter("{*}t"))
                if text and self._visible(ctx):
                    para.runs.append(Run(clean(text)))

    def _run(
        self, r: etree._Element, ctx: _Ctx, para: Para, style_bold: bool, link: str | None
    ) -> None:
        rpr = r.find(w("rPr"))
        if rpr is not None and (_on(rpr.find(w("vanish"))) or _on(rpr.find(w("specVanish")))):
            # hidden text; a field character inside still changes the field state
            for fc in r.findall(w("fldChar")):
                self._fld_char(fc, ctx)
            return
        fmt = {
            "bold": _on(rpr.find(w("b")))
            if rpr is not None and rpr.find(w("b")) is not None
            else style_bold,
            "italic": rpr is not None and _on(rpr.find(w("i"))),
            "underline": rpr is not None
            and rpr.find(w("u")) is not None
            and rpr.find(w("u")).get(w("val"), "single") != "none",
            "caps": rpr is not None and _on(rpr.find(w("caps"))),
            "strike": rpr is not None and _on(rpr.find(w("strike"))),
        }
        buf: list[str] = []

        def flush() -> None:
            if buf:
                text = clean("".join(buf))
                if text:
                    lk = self._field_link(ctx) or link
                    para.runs.append(Run(text, link=lk, **fmt))
                buf.clear()

        for c in r:
            tag = c.tag
            if not isinstance(tag, str) or tag == w("rPr"):
                continue
            if tag == w("fldChar"):
                flush()
                self._fld_char(c, ctx)
                continue
            if not self._visible(ctx):
                if tag == w("instrText") and ctx.fields:
                    ctx.fields[-1].instr += c.text or ""
                continue
            if tag == w("t"):
                buf.append(c.text or "")
            elif tag in (w("tab"), w("ptab")):
                buf.append("\t")
            elif tag in (w("br"), w("cr")):
                buf.append("\n")
            elif tag == w("noBreakHyphen"):
                buf.append("-")
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                flush()
                kind = "footnote" if tag == w("footnoteReference") else "endnote"
                para.runs.append(Run("", note=(kind, c.get(w("id"), ""))))
            elif tag == w("drawing"):
                flush()
                self._drawing(c, ctx, para)
            elif tag == w("pict"):
                flush()
                self._vml(c, ctx, para)
            elif tag == w("object"):
                flush()
                self.doc.drop("ingesloten objecten (OLE) weggelaten")
            elif tag == MC + "AlternateContent":
                flush()
                choice = _choice(c)
                for d in choice:
                    if d.tag == w("drawing"):
                        self._drawing(d, ctx, para)
                    elif d.tag == w("pict"):
                        self._vml(d, ctx, para)
                    elif d.tag == w("object"):
                        self.doc.drop("ingesloten objecten (OLE) weggelaten")
            elif tag == w("sym"):
                ch = c.get(w("char"), "")
                try:
                    cp = int(ch, 16)
                except ValueError:
                    continue
                if not 0xF000 <= cp <= 0xF0FF:
                    buf.append(chr(cp))
        flush()

    def _fld_char(self, fc: etree._Element, ctx: _Ctx) -> None:
        kind = fc.get(w("fldCharType"))
        if kind == "begin":
            ctx.fields.append(_Field())
        elif kind == "separate" and ctx.fields:
            ctx.fields[-1].result = True
        elif kind == "end" and ctx.fields:
            ctx.fields.pop()

    # -- drawings -------------------------------------------------------------------

    def _drawing(self, d: etree._Element, ctx: _Ctx, para: Para) -> None:
        extent = next(d.iter("{*}extent"), None)
        cx = int(extent.get("cx", "0") or 0) if extent is not None else 0
        cy = int(extent.get("cy", "0") or 0) if extent is not None else 0
        seen_text = False
        for txbx in d.iter(w("txbxContent")):
            para.boxes.append(self._blocks(txbx, _Ctx(ctx.part), []))
            seen_text = True
        for blip in d.iter(A + "blip"):
            rid = blip.get(R + "embed")
            if rid:
                self._picture(rid, ctx, para, cx, cy)
            elif blip.get(R + "link"):
                self.doc.drop("gekoppelde afbeeldingen (extern) weggelaten")
        for chart in d.iter(C + "chart"):
            self._chart_text(chart.get(R + "id", ""), ctx, para, "Grafiek")
        for rel_ids in d.iter(DGM + "relIds"):
            self._chart_text(rel_ids.get(R + "dm", ""), ctx, para, "Diagram")
        if not seen_text:
            for geom in d.iter(A + "prstGeom"):
                if geom.get("prst") in ("line", "straightConnector1"):
                    para.rule = True

    def _vml(self, pict: etree._Element, ctx: _Ctx, para: Para) -> None:
        for tb in pict.iter(w("txbxContent")):
            para.boxes.append(self._blocks(tb, _Ctx(ctx.part), []))
        for img in pict.iter(V + "imagedata"):
            rid = img.get(R + "id") or img.get(OFC + "relid")
            if rid:
                self._picture(rid, ctx, para, 0, 0)
        for el in pict.iter():
            if el.tag == V + "line" or el.get(OFC + "hr") in ("t", "true"):
                para.rule = True

    def _picture(self, rid: str, ctx: _Ctx, para: Para, cx: int, cy: int) -> None:
        rel = self.pkg.rel_targets(ctx.part).get(rid)
        if rel is None or rel[2] or not self.pkg.has(rel[1]):
            return
        name = rel[1]
        if name not in self._images:
            self._images[name] = None
            encoded = reencode_picture(self.pkg.parts[name])
            if encoded is None:
                self.doc.drop("afbeeldingen die niet konden worden omgezet weggelaten")
            else:
                png, wpx, hpx = encoded
                if not cx or not cy:
                    cx, cy = wpx * 9525, hpx * 9525
                self.doc.pictures.append(Picture(png, cx, cy))
                self._images[name] = len(self.doc.pictures) - 1
        idx = self._images[name]
        if idx is not None:
            para.runs.append(Run("", picture=idx))

    def _chart_text(self, rid: str, ctx: _Ctx, para: Para, label: str) -> None:
        rel = self.pkg.rel_targets(ctx.part).get(rid)
        if rel is None or rel[2] or not self.pkg.has(rel[1]):
            return
        root = self.pkg.xml(rel[1])
        texts = []
        for el in root.iter(A + "t", C + "v"):
            t = (el.text or "").strip()
            if t and t not in texts:
                texts.append(t)
        self.doc.drop(f"{label.lower()}en als tekst overgenomen (ingesloten werkmap weggelaten)")
        if texts:
            para.boxes.append([Para([Run(clean(f"{label}: " + "; ".join(texts)))])])


def _choice(alt: etree._Element) -> etree._Element:
    choice = alt.find(MC + "Choice")
    if choice is not None and len(choice):
        return choice
    fb = alt.find(MC + "Fallback")
    return fb if fb is not None else alt


def _children(el: etree._Element, local: str) -> list[etree._Element]:
    """Direct children named ``local``, also inside sdt/customXml wrappers."""
    out = []
    for c in el:
        if c.tag == w(local):
            out.append(c)
        elif c.tag in (w("sdt"), w("customXml"), w("ins"), w("moveTo")):
            inner = c.find(w("sdtContent")) if c.tag == w("sdt") else c
            if inner is not None:
                out += _children(inner, local)
    return out


def _on(el: etree._Element | None) -> bool:
    if el is None:
        return False
    return (el.get(w("val")) or "true").lower() not in ("0", "false", "off", "none")


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = ""
        k = n
        while k > 0:
            k, rem = divmod(k - 1, 26)
            s = chr(97 + rem) + s
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s if fmt == "upperRoman" else s.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for v, s in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= v:
            out += s
            n -= v
    return out


def reencode_picture(data: bytes) -> tuple[bytes, int, int] | None:
    """Decode a picture and encode its pixels as a PNG without any metadata chunk."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > _MAX_PIXELS:
                return None
            im.seek(0)
            mode = "RGBA" if im.mode in ("RGBA", "LA", "PA", "P") else "RGB"
            pixels = im.convert(mode)
            clean_im = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except Exception:  # noqa: BLE001 - EMF/WMF/SVG and broken files: not a picture we can publish
        return None
    buf = io.BytesIO()
    clean_im.save(buf, "PNG", optimize=False)
    return buf.getvalue(), clean_im.width, clean_im.height


def extract(pkg: Package) -> Doc:
    """The document model of ``pkg``: only what a reader sees."""
    return Extractor(pkg).run()


__all__ = ["clean", "extract", "reencode_picture"]
