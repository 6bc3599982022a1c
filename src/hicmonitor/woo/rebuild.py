"""Write the document model as a NEW DOCX package: every part is generated here.

Nothing of the original package is copied: the parts are a fixed set written from the
model (document, styles, settings, numbering-free lists as text, headers and footers,
footnotes and endnotes, the re-encoded PNG pictures) plus properties written new (title,
date, publishing organisation). A redaction box is a white-on-black run with its ground.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hicmonitor.woo.docmodel import Block, Doc, Para, Run, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAX_WIDTH_EMU = 5_760_000  # 16 cm


def _styles() -> str:
    heads = "".join(
        f'<w:style w:type="paragraph" w:styleId="Kop{n}"><w:name w:val="heading {n}"/>'
        f'<w:basedOn w:val="Standaard"/><w:next w:val="Standaard"/><w:qFormat/>'
        f'<w:pPr><w:keepNext/><w:spacing w:before="{240 if n < 3 else 160}" w:after="80"/>'
        f'<w:outlineLvl w:val="{n - 1}"/></w:pPr><w:rPr><w:b/>'
        f'<w:sz w:val="{max(20, 32 - 4 * n)}"/></w:rPr></w:style>'
        for n in range(1, 7)
    )
    return (
        f"<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr>"
        '<w:rFonts w:ascii="Verdana" w:hAnsi="Verdana" w:cs="Verdana"/>'
        '<w:sz w:val="18"/><w:szCs w:val="18"/><w:lang w:val="nl-NL"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Standaard">'
        '<w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/>'
        '<w:basedOn w:val="Standaard"/><w:qFormat/><w:rPr><w:b/><w:sz w:val="32"/></w:rPr>'
        "</w:style>"
        f"{heads}"
        '<w:style w:type="paragraph" w:styleId="Voetnoottekst"><w:name w:val="footnote text"/>'
        '<w:basedOn w:val="Standaard"/><w:rPr><w:sz w:val="16"/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="Voetnootverwijzing">'
        '<w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        "</w:style>"
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'
        '<w:style w:type="table" w:styleId="Tabelraster"><w:name w:val="Table Grid"/>'
        '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        '<w:left w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        '<w:right w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        "</w:tblBorders></w:tblPr></w:style></w:styles>"
    )


_STYLE_IDS = {"title": "Titel", **{f"h{n}": f"Kop{n}" for n in range(1, 7)}}


class _Writer:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.rels: dict[str, list[tuple[str, str, str, bool]]] = {}
        self.media: dict[int, str] = {}
        self.drawing_id = 0

    def rel(self, part: str, rtype: str, target: str, external: bool = False) -> str:
        lst = self.rels.setdefault(part, [])
        for rid, t, tg, ext in lst:
            if t == rtype and tg == target and ext == external:
                return rid
        rid = f"rId{len(lst) + 1}"
        lst.append((rid, rtype, target, external))
        return rid

    # -- inline ---------------------------------------------------------------------

    def run(self, r: Run, part: str) -> str:
        if r.box is not None:
            return (
                '<w:r><w:rPr><w:color w:val="FFFFFF"/><w:shd w:val="clear" w:color="auto" '
                f'w:fill="000000"/></w:rPr><w:t xml:space="preserve">{escape(r.box)}</w:t></w:r>'
            )
        if r.note is not None:
            kind, nid = r.note
            return (
                '<w:r><w:rPr><w:rStyle w:val="Voetnootverwijzing"/></w:rPr>'
                f'<w:{kind}Reference w:id="{escape(nid)}"/></w:r>'
            )
        if r.picture is not None:
            return self.picture(r.picture, part)
        props = ""
        if r.link:
            props += '<w:rStyle w:val="Hyperlink"/>'
        props += "<w:b/>" if r.bold else ""
        props += "<w:i/>" if r.italic else ""
        props += "<w:caps/>" if r.caps else ""
        props += "<w:strike/>" if r.strike else ""
        props += '<w:u w:val="single"/>' if r.underline and not r.link else ""
        content = []
        for i, line in enumerate(r.text.split("\n")):
            if i:
                content.append("<w:br/>")
            for j, piece in enumerate(line.split("\t")):
                if j:
                    content.append("<w:tab/>")
                if piece:
                    content.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
        xml = f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{''.join(content)}</w:r>"
        if r.link:
            rid = self.rel(part, RT + "hyperlink", r.link, external=True)
            xml = f'<w:hyperlink r:id="{rid}" w:history="1">{xml}</w:hyperlink>'
        return xml

    def picture(self, idx: int, part: str) -> str:
        pic = self.doc.pictures[idx]
        if idx not in self.media:
            self.media[idx] = f"media/afbeelding{len(self.media) + 1}.png"
        rid = self.rel(part, RT + "image", self.media[idx])
        cx, cy = pic.width_emu or 952500, pic.height_emu or 952500
        if cx > _MAX_WIDTH_EMU:
            cy, cx = int(cy * _MAX_WIDTH_EMU / cx), _MAX_WIDTH_EMU
        self.drawing_id += 1
        n = self.drawing_id
        return (
            f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="Afbeelding {n}"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="afbeelding{n}.png"/><pic:cNvPicPr/>'
            f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/>'
            f'</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" '
            f'cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )

    # -- blocks ---------------------------------------------------------------------

    def para(self, p: Para, part: str, sect: str = "", note: str = "", framed: bool = False) -> str:
        ppr = ""
        style = _STYLE_IDS.get(p.style)
        if note:
            style = "Voetnoottekst"
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if p.rule or framed:
            ppr += "<w:pBdr>"
            if framed:
                ppr += '<w:left w:val="single" w:sz="4" w:space="4" w:color="808080"/>'
            if p.rule:
                ppr += '<w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/>'
            ppr += "</w:pBdr>"
        if p.label:
            ppr += f'<w:ind w:left="{360 * (p.level + 1)}" w:hanging="360"/>'
        ppr += sect
        runs = ""
        if note:
            runs += (
                '<w:r><w:rPr><w:rStyle w:val="Voetnootverwijzing"/></w:rPr>'
                f'<w:{note}Ref/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
            )
        if p.label:
            runs += (
                f'<w:r><w:t xml:space="preserve">{escape(p.label)}</w:t></w:r><w:r><w:tab/></w:r>'
            )
        runs += "".join(self.run(r, part) for r in p.runs)
        out = f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{runs}</w:p>"
        for box in p.boxes:  # text boxes follow their anchor as framed paragraphs
            for b in box:
                if isinstance(b, Para):
                    out += self.para(b, part, framed=True)
                else:
                    out += self.table(b, part)
        return out

    def table(self, t: Table, part: str) -> str:
        ncols = max((len(r) for r in t.rows), default=1) or 1
        width = 9000 // ncols
        rows = []
        for row in t.rows:
            cells = []
            for cell in row:
                inner = self.blocks(cell, part) or "<w:p/>"
                if not inner.endswith("</w:p>") and not inner.endswith("<w:p/>"):
                    inner += "<w:p/>"
                cells.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{inner}</w:tc>'
                )
            for _ in range(ncols - len(row)):
                cells.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p/></w:tc>'
                )
            rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(ncols))
        return (
            '<w:tbl><w:tblPr><w:tblStyle w:val="Tabelraster"/><w:tblW w:w="0" w:type="auto"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )

    def blocks(self, blocks: list[Block], part: str, sects: dict[int, str] | None = None) -> str:
        out = []
        for b in blocks:
            if isinstance(b, Para):
                sect = (sects or {}).get(id(b), "")
                out.append(self.para(b, part, sect))
            else:
                out.append(self.table(b, part))
        return "".join(out)


def _sect_pr(w_: _Writer, doc: Doc, idx: int, hf_parts: dict[int, str]) -> str:
    sec = doc.sections[idx] if idx < len(doc.sections) else None
    refs = ""
    if sec is not None:
        for kind, blocks in sec.headers.items():
            rid = w_.rel("word/document.xml", RT + "header", hf_parts[id(blocks)])
            refs += f'<w:headerReference w:type="{kind}" r:id="{rid}"/>'
        for kind, blocks in sec.footers.items():
            rid = w_.rel("word/document.xml", RT + "footer", hf_parts[id(blocks)])
            refs += f'<w:footerReference w:type="{kind}" r:id="{rid}"/>'
    title = "<w:titlePg/>" if sec is not None and sec.title_page else ""
    return (
        f"<w:sectPr>{refs}"
        '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1418" '
        'w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/>'
        f"{title}</w:sectPr>"
    )


def build_docx(
    doc: Doc, path: str | Path, *, title: str, organisation: str, date: dt.date | None = None
) -> Path:
    """Write ``doc`` as a new DOCX at ``path``; properties are only title, date, organisation."""
    date = date or dt.date.today()
    wr = _Writer(doc)
    parts: dict[str, str | bytes] = {}
    overrides = {"/word/document.xml": CT + "document.main+xml"}
    # headers and footers: one part per distinct block list
    hf_parts: dict[int, str] = {}
    n_h = n_f = 0
    for sec in doc.sections:
        for kind_map, tag in ((sec.headers, "hdr"), (sec.footers, "ftr")):
            for blocks in kind_map.values():
                if id(blocks) in hf_parts:
                    continue
                if tag == "hdr":
                    n_h += 1
                    name = f"word/header{n_h}.xml"
                else:
                    n_f += 1
                    name = f"word/footer{n_f}.xml"
                hf_parts[id(blocks)] = name.removeprefix("word/")
                body = wr.blocks(blocks, name) or "<w:p/>"
                parts[name] = f"<w:{tag} {NS}>{body}</w:{tag}>"
                overrides["/" + name] = CT + ("header+xml" if tag == "hdr" else "footer+xml")
    # body with section breaks
    sects: dict[int, str] = {}
    last = len(doc.sections) - 1
    for b in doc.body:
        if isinstance(b, Para) and b.section_end is not None and b.section_end < last:
            sects[id(b)] = _sect_pr(wr, doc, b.section_end, hf_parts)
    body_xml = wr.blocks(doc.body, "word/document.xml", sects)
    body_xml += _sect_pr(wr, doc, max(last, 0), hf_parts)
    parts["word/document.xml"] = f"<w:document {NS}><w:body>{body_xml}</w:body></w:document>"
    for kind, notes in (("footnote", doc.footnotes), ("endnote", doc.endnotes)):
        sep = (
            f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
            f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            f"<w:continuationSeparator/></w:r></w:p></w:{kind}>"
        )
        items = []
        name = f"word/{kind}s.xml"
        for nid, blocks in notes.items():
            paras = []
            for i, b in enumerate(blocks):
                if isinstance(b, Para):
                    paras.append(wr.para(b, name, note=kind if i == 0 else ""))
                else:
                    paras.append(wr.table(b, name))
            items.append(f'<w:{kind} w:id="{escape(nid)}">{"".join(paras) or "<w:p/>"}</w:{kind}>')
        parts[name] = f"<w:{kind}s {NS}>{sep}{''.join(items)}</w:{kind}s>"
        overrides["/" + name] = CT + f"{kind}s+xml"
        wr.rel("word/document.xml", RT + f"{kind}s", f"{kind}s.xml")
    parts["word/styles.xml"] = _styles()
    overrides["/word/styles.xml"] = CT + "styles+xml"
    wr.rel("word/document.xml", RT + "styles", "styles.xml")
    parts["word/settings.xml"] = (
        f'<w:settings {NS}><w:defaultTabStop w:val="708"/>'
        '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        '<w:endnotePr><w:endnote w:id="-1"/><w:endnote w:id="0"/></w:endnotePr></w:settings>'
    )
    overrides["/word/settings.xml"] = CT + "settings+xml"
    wr.rel("word/document.xml", RT + "settings", "settings.xml")
    for idx, media in wr.media.items():
        parts["word/" + media] = doc.pictures[idx].png
    stamp = f"{date.isoformat()}T00:00:00Z"
    parts["docProps/core.xml"] = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(organisation)}</dc:creator>"
        f"<dc:publisher>{escape(organisation)}</dc:publisher>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    overrides["/docProps/core.xml"] = "application/vnd.openxmlformats-package.core-properties+xml"
    parts["docProps/app.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'extended-properties"><Application>hicmonitor</Application>'
        f"<Company>{escape(organisation)}</Company></Properties>"
    )
    overrides["/docProps/app.xml"] = (
        "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    )
    for part, rels in wr.rels.items():
        d, f = part.rsplit("/", 1)
        items = "".join(
            f'<Relationship Id="{rid}" Type="{t}" Target={quoteattr(tg)}'
            + (' TargetMode="External"' if ext else "")
            + "/>"
            for rid, t, tg, ext in rels
        )
        parts[f"{d}/_rels/{f}.rels"] = (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{items}</Relationships>"
        )
    parts["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RT}officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{RT}extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
        + "</Types>"
    )
    order = ["[Content_Types].xml", "_rels/.rels"]
    names = order + sorted(n for n in parts if n not in order)
    p = Path(path)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            data = parts[n]
            if isinstance(data, str):
                data = (XML_DECL + data).encode("utf-8")
            info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return p
