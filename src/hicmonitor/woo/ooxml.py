"""An OOXML (DOCX) package as zip parts: open with clear errors, edit parts, prune, save.

Works on the raw parts with lxml rather than through python-docx, because redaction has
to reach every part (headers, footers, footnotes, comments, properties, relationships)
and must be able to drop parts and relationships so nothing stays behind.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from hicmonitor.errors import HicError

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cup": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
}
W = "{" + NS["w"] + "}"
R_NS = NS["r"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Relationship types that a part uses implicitly (by type, not by r:id).
_IMPLICIT = (
    "/styles",
    "/stylesWithEffects",
    "/settings",
    "/webSettings",
    "/fontTable",
    "/theme",
    "/numbering",
    "/footnotes",
    "/endnotes",
    "/glossaryDocument",
    "/officeDocument",
    "/core-properties",
    "/extended-properties",
    "/custom-properties",
    "/customXmlProps",
)


def qn(prefix: str, local: str) -> str:
    """Clark notation for ``prefix:local``."""
    return "{" + NS[prefix] + "}" + local


def w(tag: str) -> str:
    """Clark notation for a WordprocessingML tag."""
    return W + tag


def is_xml_name(name: str) -> bool:
    return name.endswith((".xml", ".rels")) or name == "[Content_Types].xml"


class Package:
    """The parts of a DOCX package, with parsed XML for the XML parts."""

    def __init__(self, parts: dict[str, bytes], source: str = "") -> None:
        self.parts = parts
        self.source = source
        self._xml: dict[str, etree._Element] = {}

    # -- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> Package:
        """Open a DOCX; encrypted, corrupt or non-Word files raise a Dutch ``HicError``."""
        p = Path(path)
        if not p.is_file():
            raise HicError(f"{p}: bestand niet gevonden")
        head = p.read_bytes()[:8]
        if head == _OLE_MAGIC:
            raise HicError(
                f"{p}: het document is versleuteld (met een wachtwoord beveiligd) of in het "
                "oude .doc-formaat; sla het op als onbeveiligd .docx en probeer opnieuw"
            )
        try:
            with zipfile.ZipFile(p) as zf:
                bad = zf.testzip()
                if bad is not None:
                    raise HicError(f"{p}: het document is beschadigd (onderdeel {bad})")
                parts = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
        except zipfile.BadZipFile as exc:
            raise HicError(f"{p}: geen geldig Word-document (.docx) of beschadigd") from exc
        if "word/document.xml" not in parts or "[Content_Types].xml" not in parts:
            raise HicError(f"{p}: geen Word-document: word/document.xml ontbreekt")
        pkg = cls(parts, str(p))
        for name in parts:
            if is_xml_name(name):
                try:
                    pkg.xml(name)
                except etree.XMLSyntaxError as exc:
                    raise HicError(
                        f"{p}: het document is beschadigd: onderdeel {name} is geen geldige "
                        f"XML (regel {exc.lineno})"
                    ) from exc
        return pkg

    # -- parts ------------------------------------------------------------------------

    def xml(self, name: str) -> etree._Element:
        if name not in self._xml:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            self._xml[name] = etree.fromstring(self.parts[name], parser)
        return self._xml[name]

    def has(self, name: str) -> bool:
        return name in self.parts

    def xml_names(self) -> list[str]:
        return [n for n in self.parts if is_xml_name(n)]

    def delete(self, name: str) -> None:
        self.parts.pop(name, None)
        self._xml.pop(name, None)
        rels = rels_name(name)
        self.parts.pop(rels, None)
        self._xml.pop(rels, None)

    def to_bytes_map(self) -> dict[str, bytes]:
        out = dict(self.parts)
        for name, root in self._xml.items():
            if name in out:
                out[name] = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )
        return out

    def save(self, path: str | Path) -> None:
        """Write the package; fixed timestamps, no zip comment, deflated."""
        data = self.to_bytes_map()
        order = ["[Content_Types].xml", "_rels/.rels"]
        names = [n for n in order if n in data] + sorted(n for n in data if n not in order)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for n in names:
                info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data[n])

    # -- relationships ----------------------------------------------------------------

    def rels(self, part: str) -> etree._Element | None:
        name = rels_name(part)
        return self.xml(name) if name in self.parts else None

    def rel_targets(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """rId -> (type, resolved target, external) for one part."""
        root = self.rels(part)
        out: dict[str, tuple[str, str, bool]] = {}
        if root is None:
            return out
        base = posixpath.dirname(part)
        for rel in root:
            ext = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            if not ext:
                target = resolve(base, target)
            out[rel.get("Id", "")] = (rel.get("Type", ""), target, ext)
        return out

    def prune(self) -> list[str]:
        """Drop relationships nothing refers to, then parts nothing reaches.

        Returns the names of the parts that were removed.
        """
        for name in [n for n in self.parts if not n.endswith(".rels") and is_xml_name(n)]:
            rels = self.rels(name)
            if rels is None:
                continue
            used = _referenced_ids(self.xml(name))
            base = posixpath.dirname(name)
            for rel in list(rels):
                rtype = rel.get("Type", "")
                external = rel.get("TargetMode") == "External"
                target = rel.get("Target", "")
                if not external and resolve(base, target) not in self.parts:
                    rels.remove(rel)
                elif not rtype.endswith(_IMPLICIT) and rel.get("Id") not in used:
                    rels.remove(rel)
        root_rels = self.rels("")
        if root_rels is not None:
            for rel in list(root_rels):
                if rel.get("TargetMode") != "External" and (
                    resolve("", rel.get("Target", "")) not in self.parts
                ):
                    root_rels.remove(rel)
        # Reachability from the package root.
        reach: set[str] = set()
        todo = [""]
        while todo:
            part = todo.pop()
            for _, target, ext in self.rel_targets(part).values():
                if not ext and target in self.parts and target not in reach:
                    reach.add(target)
                    todo.append(target)
        removed = []
        for name in list(self.parts):
            if name == "[Content_Types].xml" or name.endswith(".rels"):
                continue
            if name not in reach:
                self.delete(name)
                removed.append(name)
        for name in [n for n in self.parts if n.endswith(".rels")]:
            src = source_of_rels(name)
            if src and src not in self.parts:
                self.delete(name)
        self._fix_content_types()
        return removed

    def _fix_content_types(self) -> None:
        ct = self.xml("[Content_Types].xml")
        for ov in list(ct):
            if ov.tag == qn("ct", "Override"):
                if ov.get("PartName", "").lstrip("/") not in self.parts:
                    ct.remove(ov)


def rels_name(part: str) -> str:
    if part == "":
        return "_rels/.rels"
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def source_of_rels(rels: str) -> str:
    d, f = posixpath.split(rels)
    if f == ".rels" and d == "_rels":
        return ""
    return posixpath.join(posixpath.dirname(d), f[: -len(".rels")])


def resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _referenced_ids(root: etree._Element) -> set[str]:
    ids = set()
    for el in root.iter():
        for k, v in el.attrib.items():
            if k.startswith("{" + R_NS + "}") or k.startswith("{urn:schemas-microsoft-com:office"):
                ids.add(v)
    return ids
