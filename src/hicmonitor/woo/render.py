"""Render an (already redacted) DOCX to HTML and to PDF with WeasyPrint.

The PDF is made from the redacted package only, so nothing removed can reach it. Body
paragraphs, headings, lists, tables, text boxes, headers, footers and footnotes are
rendered; images are left out. Redaction boxes (white on black, carrying the ground)
become ``<span class="woo-lak">``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from lxml import etree

from hicmonitor.woo.ooxml import Package, qn, w

BOX_CSS = (
    ".woo-lak { background: #000; color: #fff; padding: 0 .25em; font-family: sans-serif;"
    " font-size: .85em; white-space: nowrap; }"
)

_CSS = (
    """
@page { size: A4; margin: 2.2cm 2cm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; }
h1 { font-size: 15pt; } h2 { font-size: 12.5pt; } h3, h4 { font-size: 11pt; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: .5pt solid #777; padding: 2pt 4pt; vertical-align: top; }
.kop, .voet { color: #444; font-size: 8.5pt; border-bottom: .5pt solid #aaa; margin-bottom: 1em; }
.voet { border-bottom: none; border-top: .5pt solid #aaa; margin-top: 1.5em; }
.tekstvak { display: block; border: .5pt solid #999; padding: 3pt; margin: 3pt 0; }
.noten { font-size: 8.5pt; border-top: .5pt solid #aaa; margin-top: 1.5em; }
"""
    + BOX_CSS
)


def box_html(ground: str) -> str:
    """The HTML of one redaction box."""
    return f'<span class="woo-lak">{html.escape(ground)}</span>'


def _is_box(run: etree._Element) -> bool:
    rpr = run.find(w("rPr"))
    if rpr is None:
        return False
    shd = rpr.find(w("shd"))
    return shd is not None and shd.get(w("fill"), "").upper() == "000000"


def _heading_levels(pkg: Package) -> dict[str, int]:
    out: dict[str, int] = {}
    if not pkg.has("word/styles.xml"):
        return out
    for st in pkg.xml("word/styles.xml").findall(w("style")):
        name_el = st.find(w("name"))
        name = (name_el.get(w("val"), "") if name_el is not None else "").lower()
        m = re.match(r"^(?:heading|kop)\s*(\d)$", name)
        if m:
            out[st.get(w("styleId"), "")] = min(int(m.group(1)) + 1, 4)
        elif name in ("title", "titel"):
            out[st.get(w("styleId"), "")] = 1
    return out


class _Renderer:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.levels = _heading_levels(pkg)
        self.notes: list[str] = []

    def runs_html(self, p: etree._Element) -> str:
        out: list[str] = []
        boxes: list[str] = []
        for el in p:
            out.append(self._inline(el, boxes))
        return "".join(out) + "".join(boxes)

    def _inline(self, el: etree._Element, boxes: list[str]) -> str:
        tag = el.tag
        if tag == w("r"):
            if _is_box(el):
                return box_html("".join(t.text or "" for t in el.iter(w("t"))))
            parts: list[str] = []
            rpr = el.find(w("rPr"))
            bold = rpr is not None and rpr.find(w("b")) is not None
            ital = rpr is not None and rpr.find(w("i")) is not None
            for c in el:
                if c.tag == w("t"):
                    parts.append(html.escape(c.text or ""))
                elif c.tag in (w("tab"), w("ptab")):
                    parts.append(" &#160;&#160; ")
                elif c.tag in (w("br"), w("cr")):
                    parts.append("<br>")
                elif c.tag == w("noBreakHyphen"):
                    parts.append("-")
                elif c.tag in (w("footnoteReference"), w("endnoteReference")):
                    parts.append(self._note(c))
                else:
                    for txbx in c.iter(w("txbxContent")):
                        inner = "".join(
                            f"<span>{self.runs_html(q)}</span><br>" for q in txbx.findall(w("p"))
                        )
                        boxes.append(f'<span class="tekstvak">{inner}</span>')
                        break  # AlternateContent repeats the same box in its fallback
            s = "".join(parts)
            if bold:
                s = f"<b>{s}</b>"
            if ital:
                s = f"<i>{s}</i>"
            return s
        if tag in (w("pPr"), w("p")) or not isinstance(tag, str):
            return ""
        return "".join(self._inline(c, boxes) for c in el)

    def _note(self, ref: etree._Element) -> str:
        kind = "footnotes" if ref.tag == w("footnoteReference") else "endnotes"
        nid = ref.get(w("id"), "")
        part = f"word/{kind}.xml"
        if not self.pkg.has(part):
            return ""
        for note in self.pkg.xml(part):
            if note.get(w("id")) == nid:
                text = " ".join(self.runs_html(p) for p in note.iter(w("p")))
                self.notes.append(text)
                n = len(self.notes)
                return f"<sup>{n}</sup>"
        return ""

    def block(self, el: etree._Element) -> str:
        if el.tag == w("p"):
            ppr = el.find(w("pPr"))
            level = None
            if ppr is not None and ppr.find(w("pStyle")) is not None:
                level = self.levels.get(ppr.find(w("pStyle")).get(w("val"), ""))
            inner = self.runs_html(el)
            if level:
                return f"<h{level}>{inner}</h{level}>"
            return f"<p>{inner or '&#160;'}</p>"
        if el.tag == w("tbl"):
            rows = []
            for tr in el.findall(w("tr")):
                cells = []
                for tc in tr.findall(w("tc")):
                    cells.append(
                        "<td>" + "".join(self.block(c) for c in tc if c.tag != w("tcPr")) + "</td>"
                    )
                rows.append("<tr>" + "".join(cells) + "</tr>")
            return "<table>" + "".join(rows) + "</table>"
        if el.tag == w("sdt"):
            content = el.find(w("sdtContent"))
            return "".join(self.block(c) for c in content) if content is not None else ""
        return ""

    def part_html(self, name: str, css: str) -> str:
        root = self.pkg.xml(name)
        inner = "".join(self.block(c) for c in root)
        return f'<div class="{css}">{inner}</div>' if inner.strip() else ""


def docx_to_html(pkg: Package, title: str = "Woo-publicatie") -> str:
    """HTML of a redacted DOCX package (headers, body, footnotes, footers)."""
    r = _Renderer(pkg)
    doc_rels = pkg.rel_targets("word/document.xml")
    headers = sorted({t for typ, t, ext in doc_rels.values() if typ.endswith("/header")})
    footers = sorted({t for typ, t, ext in doc_rels.values() if typ.endswith("/footer")})
    body = pkg.xml("word/document.xml").find(w("body"))
    body_html = "".join(r.block(c) for c in body)
    head_html = "".join(r.part_html(h, "kop") for h in headers if pkg.has(h))
    foot_html = "".join(r.part_html(f, "voet") for f in footers if pkg.has(f))
    notes = ""
    if r.notes:
        notes = '<ol class="noten">' + "".join(f"<li>{n}</li>" for n in r.notes) + "</ol>"
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"{head_html}{body_html}{notes}{foot_html}</body></html>"
    )


def document_title(pkg: Package) -> str:
    """The (already redacted) title property, or a neutral default."""
    if pkg.has("docProps/core.xml"):
        el = pkg.xml("docProps/core.xml").find(qn("dc", "title"))
        if el is not None and (el.text or "").strip():
            return el.text.strip()
    return "Woo-publicatie"


def render_pdf(docx_path: str | Path, pdf_path: str | Path) -> int:
    """Render a redacted DOCX to PDF; returns the number of pages."""
    import weasyprint

    pkg = Package.open(docx_path)
    doc = weasyprint.HTML(string=docx_to_html(pkg, document_title(pkg))).render()
    doc.metadata.authors = []
    doc.metadata.generator = "hicmonitor"
    doc.write_pdf(str(pdf_path))
    return len(doc.pages)
