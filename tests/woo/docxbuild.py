"""A small, independent DOCX writer for the tests: every part is written by hand.

It deliberately does not use hicmonitor's own OOXML code, so the tests build their
adversarial documents without relying on the code under test.
"""

from __future__ import annotations

import base64
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_DECL = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"'
)
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml."
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def run(text: str, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*runs: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    body = "".join(r if r.startswith("<") else run(r) for r in runs)
    return f"<w:p>{ppr}{body}</w:p>"


def heading(text: str, level: int = 1) -> str:
    return para(text, style=f"Heading{level}")


def table(rows: list[list[str]]) -> str:
    trs = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl><w:tblPr/>{trs}</w:tbl>"


def textbox(text: str) -> str:
    inner = para(text)
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        '<wp:docPr id="9" name="Tekstvak 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        f"<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>"
        f"<w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def image(rid: str, descr: str, title: str = "") -> str:
    return (
        f'<w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/>'
        f'<wp:docPr id="5" name="Afbeelding 1" descr={quoteattr(descr)} title={quoteattr(title)}/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="foto.png" descr={quoteattr(descr)}/>'
        "<pic:cNvPicPr/></pic:nvPicPr>"
        f'<pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill><pic:spPr/></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


@dataclass
class Doc:
    """A DOCX described by its XML pieces."""

    body: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    footnotes: dict[int, str] = field(default_factory=dict)
    endnotes: dict[int, str] = field(default_factory=dict)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (author, text)
    core: dict[str, str] = field(default_factory=dict)
    app: dict[str, str] = field(default_factory=dict)
    custom: dict[str, str] = field(default_factory=dict)
    settings_extra: str = ""
    template_path: str | None = None
    hyperlinks: dict[str, str] = field(default_factory=dict)  # rId -> target
    images: dict[str, bytes] = field(default_factory=dict)  # rId -> png bytes
    extra_parts: dict[str, str | bytes] = field(default_factory=dict)  # name -> content
    extra_rels: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    extra_overrides: dict[str, str] = field(default_factory=dict)
    styles_extra: str = ""
    numbering: str = ""
    sect_extra: str = ""

    def save(self, path: Path) -> Path:
        parts: dict[str, str | bytes] = {}
        rels = [
            ("rIdStyles", RT + "styles", "styles.xml", None),
            ("rIdSettings", RT + "settings", "settings.xml", None),
        ]
        overrides = {
            "/word/document.xml": CT_MAIN + "document.main+xml",
            "/word/styles.xml": CT_MAIN + "styles+xml",
            "/word/settings.xml": CT_MAIN + "settings+xml",
        }
        sect = ""
        if self.header:
            parts["word/header1.xml"] = f"<w:hdr {NS_DECL}>{''.join(self.header)}</w:hdr>"
            rels.append(("rIdH1", RT + "header", "header1.xml", None))
            overrides["/word/header1.xml"] = CT_MAIN + "header+xml"
            sect += '<w:headerReference w:type="default" r:id="rIdH1"/>'
        if self.footer:
            parts["word/footer1.xml"] = f"<w:ftr {NS_DECL}>{''.join(self.footer)}</w:ftr>"
            rels.append(("rIdF1", RT + "footer", "footer1.xml", None))
            overrides["/word/footer1.xml"] = CT_MAIN + "footer+xml"
            sect += '<w:footerReference w:type="default" r:id="rIdF1"/>'
        for kind, notes in (("footnote", self.footnotes), ("endnote", self.endnotes)):
            if notes:
                body = "".join(
                    f'<w:{kind} w:id="{i}">{para(t)}</w:{kind}>' for i, t in notes.items()
                )
                parts[f"word/{kind}s.xml"] = f"<w:{kind}s {NS_DECL}>{body}</w:{kind}s>"
                rels.append((f"rId{kind}", RT + kind + "s", f"{kind}s.xml", None))
                overrides[f"/word/{kind}s.xml"] = CT_MAIN + f"{kind}s+xml"
        if self.comments:
            body = "".join(
                f'<w:comment w:id="{i}" w:author={quoteattr(a)} w:initials="XX">{para(t)}'
                "</w:comment>"
                for i, (a, t) in enumerate(self.comments)
            )
            parts["word/comments.xml"] = f"<w:comments {NS_DECL}>{body}</w:comments>"
            rels.append(("rIdComments", RT + "comments", "comments.xml", None))
            overrides["/word/comments.xml"] = CT_MAIN + "comments+xml"
        for rid, target in self.hyperlinks.items():
            rels.append((rid, RT + "hyperlink", target, "External"))
        for rid, blob in self.images.items():
            ext = "jpeg" if blob[:2] == b"\xff\xd8" else "png"
            parts[f"word/media/{rid}.{ext}"] = blob
            rels.append((rid, RT + "image", f"media/{rid}.{ext}", None))
        rels += self.extra_rels
        parts.update(self.extra_parts)
        overrides.update(self.extra_overrides)
        if self.numbering:
            parts["word/numbering.xml"] = f"<w:numbering {NS_DECL}>{self.numbering}</w:numbering>"
            rels.append(("rIdNum", RT + "numbering", "numbering.xml", None))
            overrides["/word/numbering.xml"] = CT_MAIN + "numbering+xml"
        body_xml = "".join(self.body)
        parts["word/document.xml"] = (
            f"<w:document {NS_DECL}><w:body>{body_xml}<w:sectPr>{sect}{self.sect_extra}</w:sectPr>"
            "</w:body></w:document>"
        )
        parts["word/styles.xml"] = (
            f"<w:styles {NS_DECL}>"
            + "".join(
                f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/>'
                f'<w:pPr><w:outlineLvl w:val="{n - 1}"/></w:pPr></w:style>'
                for n in (1, 2, 3)
            )
            + self.styles_extra
            + "</w:styles>"
        )
        settings_rels = ""
        if self.template_path:
            self.settings_extra += '<w:attachedTemplate r:id="rIdTpl"/>'
            settings_rels = (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdTpl" '
                f'Type="{RT}attachedTemplate" Target={quoteattr(self.template_path)} '
                'TargetMode="External"/></Relationships>'
            )
            parts["word/_rels/settings.xml.rels"] = settings_rels
        parts["word/settings.xml"] = f"<w:settings {NS_DECL}>{self.settings_extra}</w:settings>"
        parts["word/_rels/document.xml.rels"] = _rels(rels)
        root_rels = [("rIdDoc", RT + "officeDocument", "word/document.xml", None)]
        if self.core:
            cp = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in self.core.items())
            parts["docProps/core.xml"] = (
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"{cp}</cp:coreProperties>"
            )
            root_rels.append(
                (
                    "rIdCore",
                    "http://schemas.openxmlformats.org/package/2006/relationships/"
                    "metadata/core-properties",
                    "docProps/core.xml",
                    None,
                )
            )
            overrides["/docProps/core.xml"] = (
                "application/vnd.openxmlformats-package.core-properties+xml"
            )
        if self.app:
            ap = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in self.app.items())
            parts["docProps/app.xml"] = (
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'extended-properties">{ap}</Properties>'
            )
            root_rels.append(("rIdApp", RT + "extended-properties", "docProps/app.xml", None))
            overrides["/docProps/app.xml"] = (
                "application/vnd.openxmlformats-officedocument.extended-properties+xml"
            )
        if self.custom:
            props = "".join(
                f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i + 2}" '
                f"name={quoteattr(k)}><vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
                for i, (k, v) in enumerate(self.custom.items())
            )
            parts["docProps/custom.xml"] = (
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/docPropsVTypes">{props}</Properties>'
            )
            root_rels.append(("rIdCustom", RT + "custom-properties", "docProps/custom.xml", None))
            overrides["/docProps/custom.xml"] = (
                "application/vnd.openxmlformats-officedocument.custom-properties+xml"
            )
        parts["_rels/.rels"] = _rels(root_rels)
        ct = (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/><Default Extension="docx" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document"/><Default Extension="html" ContentType="text/html"/><Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
            + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
            + "</Types>"
        )
        parts["[Content_Types].xml"] = ct
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                if isinstance(data, str):
                    if not data.startswith("<?xml"):
                        data = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + data
                    data = data.encode("utf-8")
                zf.writestr(name, data)
        return path


def _rels(rels: list[tuple[str, str, str, str | None]]) -> str:
    items = "".join(
        f'<Relationship Id="{i}" Type="{t}" Target={quoteattr(tg)}'
        + (f' TargetMode="{m}"' if m else "")
        + "/>"
        for i, t, tg, m in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships">{items}</Relationships>'
    )


def all_text_of_docx(path: Path) -> str:
    """Every byte of every part, decoded, plus the tag-stripped text: for independent checks."""
    import re

    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name).decode("utf-8", errors="replace")
            out.append(data)
            out.append(re.sub(r"<[^>]+>", "", data))
            # Joined per paragraph, so names split across runs are seen whole.
            for p in re.findall(r"<w:p[ >].*?</w:p>", data, flags=re.S):
                out.append("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)))
    return "\n".join(out)
