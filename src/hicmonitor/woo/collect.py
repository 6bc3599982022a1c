"""The personal data of an ORIGINAL document, wherever it is in the file: the leak check's
own list, independent of what the redactor chose to box.

Every part of the package is read: the joined text of every paragraph (deleted text,
comments, field codes, the glossary included), every text node and every attribute value
(authors, bookmark and style names, content-control aliases and tags, document variables,
relationship targets, hyperlink tooltips), the metadata of every picture (PNG text chunks,
EXIF, XMP, JPEG comments), the strings of other binary parts, embedded packages
recursively, and the file name. Each text goes through the same detection (register,
patterns, deduce); identifiers are split ("Klaverblad_bellen", "KeesBakker") and URL slugs
are read as words first. Values of fields that hold a person (an author, "last modified
by", a document variable) are personal data when they look like a name.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from hicmonitor.woo import patterns
from hicmonitor.woo.detect import Detector, surname_needles
from hicmonitor.woo.register import fold

_NAME_FIELDS = {
    "author",
    "creator",
    "lastmodifiedby",
    "manager",
    "initials",
    "username",
    "userid",
    "providerid",
    "lastauthor",
    "person",
    "displayname",
}
_SKIP_ATTR = re.compile(r"^(?:[0-9A-Fa-f]{8}|\d+(?:[.,]\d+)?|[a-z]{1,3}\d*|true|false|auto|none)$")
_URL = re.compile(r"(?i)^(?:https?|mailto|file|ftp)[:]|^www\.|^\\\\|^[a-z]:\\")
_MAX_BINARY_STRINGS = 2000
_TECH_ATTRS = {
    "id",
    "embed",
    "link",
    "dm",
    "lo",
    "qs",
    "cs",
    "relid",
    "type",
    "uri",
    "contenttype",
    "partname",
    "extension",
    "requires",
    "ignorable",
    "ilvl",
    "numid",
    "abstractnumid",
    "fldchartype",
    "space",
    "lang",
    "eastasia",
    "bidi",
    "themecolor",
    "themeshade",
    "themetint",
    "color",
    "fill",
    "ascii",
    "hansi",
    "typeface",
    "panose",
    "pitchfamily",
    "charset",
    "modelid",
    "srcid",
    "destid",
    "cxnid",
    "presid",
    "presname",
    "prst",
}
_SKIP_PARTS = re.compile(r"(?:^|/)(?:theme/theme\d*\.xml|fontTable\.xml|webSettings\.xml)$")
_GENERIC_USERS = {
    "auteur",
    "author",
    "gebruiker",
    "admin",
    "administrator",
    "windows",
    "microsoft",
    "unknown",
    "onbekend",
    "hicmonitor",
    "python-docx",
    "system",
    "systeem",
}


@dataclass(frozen=True)
class Hit:
    text: str
    klasse: str
    where: str


def split_identifier(s: str) -> str:
    """ "Klaverblad_bellen" -> "Klaverblad bellen", "KeesBakker" -> "Kees Bakker"."""
    s = re.sub(r"[_]+", " ", s)
    s = re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def url_words(s: str) -> str:
    """A URL or path read as words, each capitalised: "/profiel/jorinde-klaverblad" ->
    "Profiel Jorinde Klaverblad"."""
    t = unquote(s)
    t = re.sub(r"^[a-z]+://", "", t, flags=re.I)
    words = re.split(r"[/\\._\-+=?&#:%@~\s]+", t)
    return " ".join(w[:1].upper() + w[1:] for w in words if w.isalpha())


class _Collector:
    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self.texts: dict[str, str] = {}  # text -> where (first place)
        self.cheap: dict[str, str] = {}  # binary strings: register + patterns only
        self.name_values: list[tuple[str, str]] = []
        self.identifiers: list[tuple[str, str]] = []
        self.visible: list[str] = []

    def add(self, text: str, where: str, cheap: bool = False) -> None:
        text = text.strip()
        if len(text) < 3 or not re.search(r"[^\W\d_]{2}", text):
            return
        target = self.cheap if cheap else self.texts
        target.setdefault(text, where)
        if _URL.search(text) or ("/" in text and " " not in text):
            words = url_words(text)
            if words:
                target.setdefault(words, where + " (link/pad)")
        elif " " not in text and ("_" in text or re.search(r"[a-z][A-Z]", text)):
            target.setdefault(split_identifier(text), where)

    def xml(self, data: bytes, where: str) -> None:
        try:
            root = etree.fromstring(
                data, etree.XMLParser(recover=True, resolve_entities=False, huge_tree=True)
            )
        except etree.XMLSyntaxError:
            self.binary(data, where)
            return
        if root is None:
            return
        in_para: set[int] = set()
        for p in root.iter("{*}p"):
            parts = [
                t.text or ""
                for t in p.iter()
                if isinstance(t.tag, str)
                and t.text
                and _local(t) in ("t", "delText", "instrText", "v")
            ]
            if not parts:
                parts = list(p.itertext())
            self.add("".join(parts), f"{where} (alinea)")
            self.visible.append("".join(t.text or "" for t in p.iter("{*}t")))
            for t in p.iter():
                in_para.add(id(t))
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            local = _local(el).lower()
            if el.text and el.text.strip() and id(el) not in in_para:
                self.add(el.text, f"{where} ({_local(el)})")
                if local in _NAME_FIELDS:
                    self.name_values.append((el.text.strip(), f"{where} ({_local(el)})"))
            for k, v in el.attrib.items():
                kl = k.rsplit("}", 1)[-1].lower()
                if not v.strip() or _SKIP_ATTR.match(v.strip()) or kl in _TECH_ATTRS:
                    continue
                self.add(v, f"{where} (attribuut {kl})")
                if kl in _NAME_FIELDS:
                    self.name_values.append((v.strip(), f"{where} (attribuut {kl})"))
            parent = el.getparent()
            if local in ("bookmarkstart", "alias", "tag") or (
                local == "name" and parent is not None and _local(parent).lower() == "docpartpr"
            ):
                for k, v in el.attrib.items():
                    if k.rsplit("}", 1)[-1].lower() in ("name", "val"):
                        self.identifiers.append((v, f"{where} ({_local(el)})"))
            if local == "instrtext" or (local == "fldsimple"):
                code = el.text or next((v for k, v in el.attrib.items() if k.endswith("instr")), "")
                m = re.match(
                    r"\s*(?:MERGEFIELD|REF|PAGEREF|DOCVARIABLE|DOCPROPERTY|SET|ASK)\s+(\S+)",
                    code or "",
                    re.I,
                )
                if m:
                    self.identifiers.append((m.group(1), f"{where} (veldcode)"))
            if local == "docvar":
                val = next((v for k, v in el.attrib.items() if k.endswith("val")), "")
                if val:
                    self.name_values.append((val, f"{where} (documentvariabele)"))
            if local == "property" and len(el):
                for c in el.iter():
                    if c is not el and c.text and c.text.strip():
                        self.name_values.append((c.text.strip(), f"{where} (eigen eigenschap)"))

    def picture(self, data: bytes, where: str) -> None:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as im:
                for k, v in (im.info or {}).items():
                    if isinstance(v, bytes):
                        v = v.decode("utf-8", "replace")
                    if isinstance(v, str):
                        self.add(v, f"{where} (metadata {k})")
                        self.add(f"{k} {v}", f"{where} (metadata {k})")
                        if str(k).lower() in ("author", "artist", "creator", "owner", "copyright"):
                            self.name_values.append((v, f"{where} (metadata {k})"))
                exif = im.getexif()
                for tag, v in list(exif.items()) + list(exif.get_ifd(0x8769).items()):
                    if isinstance(v, bytes):
                        v = (
                            v.decode("utf-16-le", "replace")
                            if tag in range(0x9C9B, 0x9CA0)
                            else v.decode("latin-1")
                        )
                    if isinstance(v, str):
                        v = v.strip("\x00 ")
                        self.add(v, f"{where} (EXIF {tag})")
                        if tag in (0x013B, 0x8298, 0x9C9D):  # Artist, Copyright, XPAuthor
                            self.name_values.append((v, f"{where} (EXIF {tag})"))
        except Exception:  # noqa: BLE001 - not a picture Pillow reads: strings only
            pass
        for m in re.finditer(rb"<x:xmpmeta.*?</x:xmpmeta>", data, re.S):
            self.xml(m.group(0), f"{where} (XMP)")
        self.binary(data, where)

    def binary(self, data: bytes, where: str) -> None:
        n = 0
        for rx, enc in (
            (rb"[\x20-\x7e\xa0-\xff]{5,}", "latin-1"),
            (rb"(?:[\x20-\x7e]\x00){5,}", "utf-16-le"),
        ):
            for m in rx_cache(rx).finditer(data):
                s = m.group(0).decode(enc, "replace")
                if re.search(r"[A-Za-z]{3}", s):
                    self.add(s, f"{where} (bytes)", cheap=True)
                    n += 1
                    if n > _MAX_BINARY_STRINGS:
                        return

    def package(self, data: bytes, prefix: str, depth: int = 0) -> None:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            self.binary(data, prefix or "bestand")
            return
        with zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                blob = zf.read(info)
                name = prefix + info.filename
                self.add(Path(info.filename).stem, f"{name} (onderdeelnaam)")
                if _SKIP_PARTS.search(info.filename):
                    continue  # font and theme names of the office suite, no content
                if info.filename.endswith((".xml", ".rels", ".vml")) or blob[:5] == b"<?xml":
                    self.xml(blob, name)
                elif blob[:4] == b"PK\x03\x04" and depth < 4:
                    self.package(blob, name + "!", depth + 1)
                elif (
                    blob[:8] == b"\x89PNG\r\n\x1a\n"
                    or blob[:2] == b"\xff\xd8"
                    or blob[:4] in (b"GIF8", b"II*\x00", b"MM\x00*")
                    or blob[:2] == b"BM"
                ):
                    self.picture(blob, name)
                elif re.search(rb"(?i)<html|<body|^\{\\rtf|^MIME-Version", blob[:2000]):
                    text = blob.decode("utf-8", "replace")
                    text = re.sub(r"(?s)<[^>]+>", " ", text)
                    for line in re.split(r"\s{2,}|\n", text):
                        self.add(line, f"{name} (tekst)")
                else:
                    self.binary(blob, name)
                    if depth < 4:
                        for m in re.finditer(rb"PK\x03\x04", blob[1:]):
                            inner = blob[m.start() + 1 :]
                            try:
                                zipfile.ZipFile(io.BytesIO(inner))
                            except zipfile.BadZipFile:
                                continue
                            self.package(inner, name + "!", depth + 1)
                            break


_RX: dict[bytes, re.Pattern[bytes]] = {}


def rx_cache(p: bytes) -> re.Pattern[bytes]:
    if p not in _RX:
        _RX[p] = re.compile(p)
    return _RX[p]


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def collect_original(
    path: str | Path, detector: Detector, *, data: bytes | None = None
) -> list[Hit]:
    """Every string of personal data in the original file (and its name)."""
    p = Path(path)
    blob = data if data is not None else p.read_bytes()
    c = _Collector(detector)
    stem = p.stem
    c.add(stem, "bestandsnaam")
    words = re.sub(r"[_\-.+]+", " ", split_identifier(stem))
    c.add(words, "bestandsnaam")
    c.add(" ".join(w[:1].upper() + w[1:] for w in words.split()), "bestandsnaam")
    c.package(blob, "")
    hits: dict[tuple[str, str], Hit] = {}

    def record(text: str, klasse: str, where: str) -> None:
        text = text.strip(" ,;:()[]\"'")
        if len(re.sub(r"\W", "", text)) < 3:
            return
        if detector.public_name(text):
            return
        hits.setdefault((text, klasse), Hit(text, klasse, where))
        if klasse in ("naam", "ondertekening") and "(attribuut" not in where:
            for n in surname_needles(text, detector.register, detector.contested):
                hits.setdefault((n, "naam"), Hit(n, "naam", where))

    texts = list(c.texts)
    for text, rs in zip(texts, detector.detect_blocks(texts, context=False), strict=True):
        for r in rs:
            record(text[r.start : r.end], r.klasse, c.texts[text])
    cheap = list(c.cheap)
    for text, rs in zip(
        cheap, detector.detect_blocks(cheap, use_deduce=False, context=False), strict=True
    ):
        for r in rs:
            record(text[r.start : r.end], r.klasse, c.cheap[text])
    visible = fold(" ".join(c.visible))
    for value, where in c.identifiers:
        if re.match(r"^_(?:Toc|Ref|Hlk|GoBack|Hlt)", value):
            continue
        for token in re.findall(r"[A-ZÀ-Þ][a-zà-ÿ]{3,}", split_identifier(value)):
            if fold(token) not in visible and not detector.public_name(token):
                record(token, "naam (metadata)", where)
    for value, where in c.name_values:
        v = split_identifier(value)
        token = value.strip()
        if (
            " " not in token
            and re.fullmatch(r"[\w.\-]{5,40}", token)
            and re.search(r"[^\W\d_]{4}", token)
            and token.lower() not in _GENERIC_USERS
        ):
            record(token, "gebruikersnaam", where)
        if patterns.looks_like_name(v) and not detector.public_name(v):
            if len(v.split()) >= 2 or (len(v) >= 4 and v[:1].isupper()):
                record(v, "naam", where)
        for r in detector.detect(v):
            record(v[r.start : r.end], r.klasse, where)
    return sorted(hits.values(), key=lambda h: (fold(h.text), h.klasse))
