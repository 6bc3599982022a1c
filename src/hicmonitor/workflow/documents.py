"""The documents of a version: checking an uploaded DOCX, the text of each part (section by
section, section 5 apart) and the difference between two versions.

An upload is refused unless it is a plain Word document: not a zip (or an encrypted/old
.doc), a zip bomb (too many parts, too large unpacked, an extreme packing ratio, or data
beyond what the zip declares), a macro-enabled document (.docm, a vbaProject part, ActiveX),
a template, or another Office format renamed (.xlsx, .pptx). The text comes from the Woo
extractor (:mod:`hicmonitor.woo.extract`: only what a reader sees) and section 5 of the memo
from :mod:`hicmonitor.woo.section5`, so the workflow hides exactly what the publication
removes.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from hicmonitor.errors import HicError
from hicmonitor.workflow.config import Upload
from hicmonitor.workflow.errors import InvalidInput, TooLarge

MEMO = "beslisnota"
LETTER = "kamerbrief"
KINDS = (MEMO, LETTER)

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
REFUSED_MAIN = {
    "application/vnd.ms-word.document.macroenabled.main+xml": "een Word-document met macro's (.docm)",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "een Word-sjabloon met macro's (.dotm)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "een Word-sjabloon (.dotx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "een Excel-bestand (.xlsx)",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "een Excel-bestand met macro's (.xlsm)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "een PowerPoint-bestand (.pptx)",
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": "een PowerPoint-bestand met macro's (.pptm)",
}
ACTIVE_CONTENT = re.compile(r"(?i)vbaproject|vbadata|activex|macroenabled|\.bin$")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_docx(data: bytes, name: str, limits: Upload) -> None:
    """Refuse anything but a plain Word document (see the module's docstring)."""
    label = name or "het bestand"
    if len(data) > limits.max_mb * 1024 * 1024:
        raise TooLarge(f"{label}: het bestand is groter dan {limits.max_mb} MB")
    if not data:
        raise InvalidInput(f"{label}: het bestand is leeg")
    if data[:8] == _OLE_MAGIC:
        raise InvalidInput(
            f"{label}: versleuteld (met een wachtwoord beveiligd) of het oude .doc-formaat; "
            "sla het op als onbeveiligd .docx"
        )
    if data[:4] != b"PK\x03\x04":
        raise InvalidInput(f"{label}: geen Word-document (.docx)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidInput(f"{label}: geen geldig Word-document (beschadigd zip-bestand)") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_onderdelen:
            raise InvalidInput(
                f"{label}: te veel onderdelen ({len(infos)}); geen gewoon Word-document"
            )
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise InvalidInput(f"{label}: onderdelen met dezelfde naam; geweigerd")
        total = 0
        for i in infos:
            if i.filename.startswith("/") or ".." in i.filename.split("/"):
                raise InvalidInput(f"{label}: ongeldige onderdeelnaam {i.filename[:80]!r}")
            if i.flag_bits & 0x1:
                raise InvalidInput(f"{label}: versleuteld zip-bestand; geweigerd")
            total += i.file_size
            ratio = i.file_size / max(i.compress_size, 1)
            if i.file_size > 1024 * 1024 and ratio > limits.max_verhouding:
                raise InvalidInput(
                    f"{label}: onderdeel {i.filename[:80]!r} pakt {int(ratio)}× uit "
                    "(een zip-bom?); geweigerd"
                )
        if total > limits.max_uitgepakt_mb * 1024 * 1024:
            raise InvalidInput(
                f"{label}: uitgepakt groter dan {limits.max_uitgepakt_mb} MB (een zip-bom?); "
                "geweigerd"
            )
        if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
            raise InvalidInput(f"{label}: geen Office-document ([Content_Types].xml ontbreekt)")
        try:
            types = etree.fromstring(zf.read("[Content_Types].xml"), _SAFE_XML)
            rels = etree.fromstring(zf.read("_rels/.rels"), _SAFE_XML)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError):
            raise InvalidInput(f"{label}: beschadigd Office-document") from None
        main = None
        for rel in rels.iter(REL_NS + "Relationship"):
            if rel.get("Type") in OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
                main = rel.get("Target", "").lstrip("/")
        if main is None:
            raise InvalidInput(f"{label}: geen Office-document (geen hoofdonderdeel)")
        overrides = {
            o.get("PartName", "").lstrip("/"): (o.get("ContentType") or "").lower()
            for o in types.iter(CT_NS + "Override")
        }
        all_types = set(overrides.values()) | {
            (d.get("ContentType") or "").lower() for d in types.iter(CT_NS + "Default")
        }
        ct = overrides.get(main, "")
        if ct in REFUSED_MAIN:
            raise InvalidInput(f"{label}: dit is {REFUSED_MAIN[ct]}, geen Word-document (.docx)")
        if ct != DOCX_MAIN:
            raise InvalidInput(
                f"{label}: geen Word-document (.docx) (hoofdonderdeel: {ct[:80] or 'onbekend'})"
            )
        for n in names:
            if ACTIVE_CONTENT.search(posixpath.basename(n)):
                raise InvalidInput(
                    f"{label}: bevat macro's of actieve inhoud ({n[:80]}); geweigerd"
                )
        if any("vbaproject" in t or "macroenabled" in t or "activex" in t for t in all_types):
            raise InvalidInput(f"{label}: bevat macro's of actieve inhoud; geweigerd")
        try:
            bad = zf.testzip()  # reads every part (bounded by the declared sizes) with its CRC
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            bad = "?"
        if bad is not None:
            raise InvalidInput(
                f"{label}: beschadigd of gemanipuleerd zip-bestand (onderdeel {bad})"
            )


# -- text of a version --------------------------------------------------------------------


@dataclass
class Part:
    """One section of one document: ``key`` is its number ("4.2"), ``kop`` for the block
    before the first section, ``overig`` for headers, footers and notes; ``hidden`` marks
    section 5."""

    doc: str
    key: str
    title: str
    paras: list[str]
    hidden: bool = False

    @property
    def name(self) -> str:
        return f"{self.doc} {self.key}"


_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+[A-ZÀ-Ý]")


def _heading_key(style: str, text: str, all_bold: bool) -> str | None:
    words = text.split()
    if not words or len(words) > 14 or text.rstrip().endswith((".", ";", ",", ":")):
        return None
    m = _NUMBERED.match(text)
    if m and (style.startswith("h") or all_bold or len(words) <= 8):
        return m.group(1)
    if style.startswith("h"):
        return re.sub(r"\W+", "-", text.casefold()).strip("-")[:40] or None
    return None


def document_parts(path: Path, kind: str, *, section5_from: str | None = None) -> list[Part]:
    """The parts of one document. The memo's section 5 is cut off the way the Woo
    publication cuts it and becomes one hidden part; a letter has no section 5."""
    from hicmonitor.woo.docmodel import paragraphs, parts
    from hicmonitor.woo.extract import extract
    from hicmonitor.woo.ooxml import Package
    from hicmonitor.woo.section5 import apply_cut, find_section5

    try:
        doc = extract(Package.open(path))
        hidden: list[str] = []
        if kind == MEMO:
            cut = find_section5(doc, vanaf=section5_from, name=kind)
            hidden = apply_cut(doc, cut)
    except HicError as exc:
        msg = str(exc).replace(str(path), kind)
        raise InvalidInput(msg.replace("--sectie5-vanaf", "'sectie 5 begint bij'")) from None
    out: list[Part] = [Part(kind, "kop", "Kop", [])]
    seen: dict[str, int] = {}
    for p in paragraphs(doc.body):
        text = " ".join(((p.label + " ") if p.label else "").split() + p.text.split())
        if not text:
            continue
        key = _heading_key(p.style, text, p.all_bold)
        if key is not None:
            n = seen.get(key, 0) + 1
            seen[key] = n
            out.append(Part(kind, key if n == 1 else f"{key}#{n}", text, []))
            continue
        out[-1].paras.append(text)
    other: list[str] = []
    for where, blocks in parts(doc):
        if where == "hoofdtekst":
            continue
        other += [" ".join(q.text.split()) for q in paragraphs(blocks) if q.text.strip()]
    if other:
        out.append(Part(kind, "overig", "Kop- en voetteksten, noten", other))
    if hidden:
        out.append(
            Part(kind, "5", "Sectie 5 (niet openbaar)", [" ".join(t.split()) for t in hidden], True)
        )
    return [p for p in out if p.paras or p.key not in ("kop",)]


def parts_to_json(parts: Sequence[Part]) -> list[dict]:
    return [asdict(p) for p in parts]


def parts_from_json(items: Sequence[dict]) -> list[Part]:
    return [Part(**d) for d in items]


def docx_parts(data: bytes, kind: str, *, section5_from: str | None = None) -> list[Part]:
    with tempfile.TemporaryDirectory(prefix="hic-werk-") as tmp:
        path = Path(tmp) / f"{kind}.docx"
        path.write_bytes(data)
        return document_parts(path, kind, section5_from=section5_from)


# -- differences --------------------------------------------------------------------------


@dataclass
class Line:
    op: str  # "=" same, "-" removed, "+" added
    segments: list[tuple[str, str]] = field(default_factory=list)  # (op, text) within the line


@dataclass
class PartDiff:
    doc: str
    key: str
    title: str
    status: str  # gelijk | gewijzigd | nieuw | vervallen
    hidden: bool
    lines: list[Line]

    @property
    def name(self) -> str:
        return f"{self.doc} {self.key}"


def _word_segments(a: str, b: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    wa, wb = a.split(" "), b.split(" ")
    old: list[tuple[str, str]] = []
    new: list[tuple[str, str]] = []
    sm = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            old.append(("=", " ".join(wa[i1:i2])))
            new.append(("=", " ".join(wb[j1:j2])))
        else:
            if i2 > i1:
                old.append(("-", " ".join(wa[i1:i2])))
            if j2 > j1:
                new.append(("+", " ".join(wb[j1:j2])))
    return old, new


def _lines(a: list[str], b: list[str]) -> list[Line]:
    out: list[Line] = []
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out += [Line("=", [("=", t)]) for t in a[i1:i2]]
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                old, new = _word_segments(x, y)
                out += [Line("-", old), Line("+", new)]
        else:
            out += [Line("-", [("-", t)]) for t in a[i1:i2]]
            out += [Line("+", [("+", t)]) for t in b[j1:j2]]
    return out


def diff(old: Sequence[Part] | None, new: Sequence[Part]) -> list[PartDiff]:
    """Section by section: every part of ``new`` in order, then the parts that went."""
    before = {p.name: p for p in (old or [])}
    out: list[PartDiff] = []
    for p in new:
        q = before.pop(p.name, None)
        if old is None:
            status = "nieuw"
            lines = [Line("=", [("=", t)]) for t in p.paras]
        elif q is None:
            status = "nieuw"
            lines = [Line("+", [("+", t)]) for t in p.paras]
        elif q.paras == p.paras and q.title == p.title:
            status = "gelijk"
            lines = [Line("=", [("=", t)]) for t in p.paras]
        else:
            status = "gewijzigd"
            lines = _lines(q.paras, p.paras)
        out.append(PartDiff(p.doc, p.key, p.title, status, p.hidden, lines))
    for q in before.values():
        out.append(
            PartDiff(
                q.doc,
                q.key,
                q.title,
                "vervallen",
                q.hidden,
                [Line("-", [("-", t)]) for t in q.paras],
            )
        )
    return out


def changed_parts(old: Sequence[Part], new: Sequence[Part]) -> frozenset[str]:
    """The names of the parts whose text differs (added and removed parts included)."""
    a = {p.name: (p.title, p.paras) for p in old}
    b = {p.name: (p.title, p.paras) for p in new}
    return frozenset(n for n in a.keys() | b.keys() if a.get(n) != b.get(n))
