"""Render a published (rebuilt) DOCX to PDF with WeasyPrint, from its document model.

The PDF is made from the rebuilt DOCX only: it is read back with the same extractor
(:mod:`hicmonitor.woo.extract`), so the PDF holds exactly what the DOCX holds. Headings,
paragraphs, list labels, tables, text boxes, pictures (the re-encoded PNGs), footnotes and
endnotes, headers and footers are rendered; a redaction box (white on black, carrying its
ground) becomes ``<span class="woo-lak">``.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from hicmonitor.woo.docmodel import Block, Doc, Para, Run
from hicmonitor.woo.extract import extract
from hicmonitor.woo.ooxml import Package, qn

BOX_CSS = (
    ".woo-lak { background: #000; color: #fff; padding: 0 .25em; font-family: sans-serif;"
    " font-size: .85em; white-space: nowrap; }"
)

_CSS = (
    """
@page { size: A4; margin: 2.2cm 2cm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; }
h1 { font-size: 15pt; } h2 { font-size: 12.5pt; } h3, h4, h5, h6 { font-size: 11pt; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: .5pt solid #777; padding: 2pt 4pt; vertical-align: top; }
.kop, .voet { color: #444; font-size: 8.5pt; border-bottom: .5pt solid #aaa; margin-bottom: 1em; }
.voet { border-bottom: none; border-top: .5pt solid #aaa; margin-top: 1.5em; }
.tekstvak { border-left: .5pt solid #999; padding-left: 4pt; margin: 3pt 0; }
.streep { border-bottom: .75pt solid #000; }
.noten { font-size: 8.5pt; border-top: .5pt solid #aaa; margin-top: 1.5em; }
img { max-width: 16cm; }
"""
    + BOX_CSS
)


def box_html(ground: str) -> str:
    """The HTML of one redaction box."""
    return f'<span class="woo-lak">{html.escape(ground)}</span>'


class _Html:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.notes: list[str] = []
        self.note_no: dict[tuple[str, str], int] = {}

    def run(self, r: Run) -> str:
        if r.box is not None:
            return box_html(r.box)
        if r.note is not None:
            if r.note not in self.note_no:
                src = self.doc.footnotes if r.note[0] == "footnote" else self.doc.endnotes
                self.notes.append(self.blocks(src.get(r.note[1], [])))
                self.note_no[r.note] = len(self.notes)
            return f"<sup>{self.note_no[r.note]}</sup>"
        if r.picture is not None:
            pic = self.doc.pictures[r.picture]
            data = base64.b64encode(pic.png).decode("ascii")
            width = min(16.0, pic.width_emu / 360000) if pic.width_emu else 4.0
            return f'<img src="data:image/png;base64,{data}" style="width:{width:.2f}cm" alt="">'
        s = html.escape(r.text).replace("\n", "<br>").replace("\t", " &#160;&#160; ")
        if r.bold:
            s = f"<b>{s}</b>"
        if r.italic:
            s = f"<i>{s}</i>"
        if r.underline:
            s = f"<u>{s}</u>"
        if r.caps:
            s = f'<span style="text-transform:uppercase">{s}</span>'
        return s

    def para(self, p: Para) -> str:
        inner = (html.escape(p.label) + " " if p.label else "") + "".join(
            self.run(r) for r in p.runs
        )
        cls = ' class="streep"' if p.rule else ""
        if p.style == "title":
            out = f"<h1{cls}>{inner}</h1>"
        elif p.style.startswith("h"):
            lvl = min(int(p.style[1:]) + 1, 6)
            out = f"<h{lvl}{cls}>{inner}</h{lvl}>"
        else:
            out = f"<p{cls}>{inner or '&#160;'}</p>"
        for box in p.boxes:
            out += f'<div class="tekstvak">{self.blocks(box)}</div>'
        return out

    def blocks(self, blocks: list[Block]) -> str:
        out = []
        for b in blocks:
            if isinstance(b, Para):
                out.append(self.para(b))
            else:
                rows = "".join(
                    "<tr>" + "".join(f"<td>{self.blocks(c)}</td>" for c in row) + "</tr>"
                    for row in b.rows
                )
                out.append(f"<table>{rows}</table>")
        return "".join(out)


def doc_to_html(doc: Doc, title: str = "Woo-publicatie") -> str:
    r = _Html(doc)
    head = foot = ""
    seen: set[int] = set()
    for sec in doc.sections:
        for blocks in sec.headers.values():
            if id(blocks) not in seen:
                seen.add(id(blocks))
                head += f'<div class="kop">{r.blocks(blocks)}</div>'
        for blocks in sec.footers.values():
            if id(blocks) not in seen:
                seen.add(id(blocks))
                foot += f'<div class="voet">{r.blocks(blocks)}</div>'
    body = r.blocks(doc.body)
    notes = ""
    if r.notes:
        notes = '<ol class="noten">' + "".join(f"<li>{n}</li>" for n in r.notes) + "</ol>"
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"{head}{body}{notes}{foot}</body></html>"
    )


def document_title(pkg: Package) -> str:
    if pkg.has("docProps/core.xml"):
        el = pkg.xml("docProps/core.xml").find(qn("dc", "title"))
        if el is not None and (el.text or "").strip():
            return el.text.strip()
    return "Woo-publicatie"


def render_pdf(docx_path: str | Path, pdf_path: str | Path) -> int:
    """Render a (rebuilt) DOCX to PDF from its content; returns the number of pages."""
    import logging
    import warnings

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pkg = Package.open(docx_path)
    doc = extract(pkg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        page = weasyprint.HTML(string=doc_to_html(doc, document_title(pkg))).render()
        page.metadata.authors = []
        page.metadata.generator = "hicmonitor"
        page.write_pdf(str(pdf_path))
    return len(page.pages)
