"""The leak check: nothing redacted and nothing of section 5 may survive in any output.

Searched places:

- PDF: the text extracted by pdfium (the engine of Chromium's PDF viewer), every
  Flate stream found in the raw bytes decompressed, the raw file bytes (as Latin-1,
  UTF-8 and UTF-16), the document information and XMP metadata (pypdf);
- DOCX: every part; XML parts as their raw text (entities decoded), as the joined text
  of each paragraph (so a name split across runs is found), the joined text of the whole
  part, and every attribute value; binary parts as bytes; embedded zip packages
  recursively;
- CSV, XLSX, HTML and other files: their bytes and (for XLSX) every part;
- the output file's own name.

Matching folds diacritics and is insensitive to whitespace inside the needle; names
match with their capitalisation or in capitals, and long needles (section 5 sentences,
names of 8 letters or more) are also sought with all non-alphanumerics removed, which
catches "Klaver-\\nblad" hyphenated in a PDF. Each haystack is folded and squeezed once;
only needles whose squeezed form occurs in it are checked further.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hicmonitor.errors import HicError

_MIN_SECTION5 = 20
_SQUEEZE_MIN = 8
# The marker line itself is boilerplate, not section 5 content.
_MARKER = re.compile(r"(?i)alles\s+onder\s+deze\s+streep\s+wordt\s+verwijderd\.?")


@dataclass
class Needles:
    """What must not appear: redacted strings, section 5 text, registered names."""

    redacted: list[str] = field(default_factory=list)
    section5: list[str] = field(default_factory=list)
    register: list[str] = field(default_factory=list)

    def items(self) -> Iterator[tuple[str, str]]:
        for n in self.redacted:
            yield "gelakte tekst", n
        for n in self.section5:
            yield "tekst uit sectie 5", n
        for n in self.register:
            yield "naam uit het personenregister", n


@dataclass(frozen=True)
class Leak:
    """One leak: which file, where in it, what kind; the needle only masked."""

    file: str
    where: str
    kind: str
    hint: str

    def __str__(self) -> str:
        return f"{self.file}: {self.kind} ({self.hint}) gevonden in {self.where}"


_COMBINING_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_INVISIBLE = str.maketrans(
    {
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"),
        **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a\u2002\u2003", " "),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
        "ı": "i",
    }
)


def _fold_keep_case(text: str) -> str:
    if text.isascii():
        return text
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)).translate(_INVISIBLE)


_SQUEEZE_RE = re.compile(r"[\W_]+")


def _squeeze(text: str) -> str:
    return _SQUEEZE_RE.sub("", _fold_keep_case(text)).casefold()


def mask(needle: str) -> str:
    """A hint for a needle that does not reveal it: first letter and length."""
    s = needle.strip()
    return f"'{s[:1]}…', {len(s)} tekens" if s else "leeg"


@dataclass
class _Entry:
    kind: str
    raw: str
    squeezed: str
    exact: re.Pattern[str]  # the needle in its own capitalisation or in capitals
    any_case: re.Pattern[str]


class _Matcher:
    """All needles of one publication, searched in one haystack at a time.

    Each haystack is folded and squeezed (letters and digits only, casefolded) once; a
    needle whose squeezed form is not a substring of the squeezed haystack cannot match
    in any of the tolerated forms, so only the few candidates left are checked with their
    own pattern. A needle of ``_SQUEEZE_MIN`` characters or more matches on the squeezed
    text alone ("Klaver-\\nblad" hyphenated at a line end)."""

    def __init__(self, needles: Needles) -> None:
        self.entries: list[_Entry] = []
        seen: set[tuple[str, str]] = set()
        for kind, raw in needles.items():
            n = _fold_keep_case(raw).strip()
            if len(re.sub(r"\W", "", n)) < 3 or (kind, n) in seen:
                continue
            seen.add((kind, n))
            body = _flex(n)
            if kind == "tekst uit sectie 5":
                exact = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
                any_case = exact
            else:
                alt = f"{body}|{_flex(n.upper())}"
                exact = re.compile(rf"(?<!\w)(?:{alt})(?!\w)")
                any_case = re.compile(rf"(?<![^\W_])(?:{alt})(?![^\W_])", re.IGNORECASE)
            self.entries.append(_Entry(kind, raw, _squeeze(n), exact, any_case))
        # the rarest-looking needles first does not matter: each is one C-level scan
        self.by_squeezed: dict[str, list[_Entry]] = {}
        for e in self.entries:
            self.by_squeezed.setdefault(e.squeezed, []).append(e)

    def search(self, haystack: str, any_case: bool = False) -> Iterator[tuple[str, str]]:
        if not self.entries or not haystack:
            return
        folded = _fold_keep_case(haystack)
        squeezed = _SQUEEZE_RE.sub("", folded).casefold()
        found: set[tuple[str, str]] = set()
        for sq, entries in self.by_squeezed.items():
            if sq not in squeezed:
                continue
            for e in entries:
                if len(sq) >= _SQUEEZE_MIN:
                    found.add((e.kind, e.raw))
                elif e.exact.search(folded) or (any_case and e.any_case.search(folded)):
                    found.add((e.kind, e.raw))
        yield from sorted(found)


def _flex(needle: str) -> str:
    """Regex for a needle that tolerates any whitespace between its words and at hyphens."""
    body = r"\s*".join(re.escape(part) for part in needle.split())
    return body.replace(r"\-", r"\s*\-\s*")


def section5_needles(section5_texts: Iterable[str], kept_text: str) -> list[str]:
    """Sentences of section 5 long enough to be specific and absent from the kept text."""
    kept = _squeeze(kept_text)
    out: list[str] = []
    for t in section5_texts:
        pieces = [t, *re.split(r"(?<=[.!?;:])\s+|\n", t)]
        for piece in pieces:
            s = piece.strip()
            if _MARKER.search(s):
                s = _MARKER.sub(" ", s).strip(" -—–_*=")
            if _squeeze(s) in _squeeze("Alles onder deze streep wordt verwijderd"):
                continue  # a piece of the marker line itself (the line broken in two)
            if len(s) >= _MIN_SECTION5 and len(s.split()) >= 3 and _squeeze(s) not in kept:
                out.append(s)
    return sorted(set(out))


# -- haystacks per file type ---------------------------------------------------------


def _pdf_haystacks(data: bytes) -> Iterator[tuple[str, str]]:
    import pypdf
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception as exc:  # noqa: BLE001 - a PDF we cannot read cannot be published
        raise HicError(f"PDF niet leesbaar voor de lekcontrole: {exc}") from exc
    try:
        texts = []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
        yield "pdf-tekst (pdfium)", "\n".join(texts)
    finally:
        pdf.close()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        meta = reader.metadata or {}
        xmp = reader.xmp_metadata
    except Exception as exc:  # noqa: BLE001
        raise HicError(f"PDF niet leesbaar voor de lekcontrole: {exc}") from exc
    yield "pdf-metadata", "\n".join(f"{k} {v}" for k, v in meta.items())
    if xmp is not None:
        yield "xmp-metadata", etree_text(xmp.rdf_root)
    streams = list(pdf_streams(data))
    if streams:
        yield from _bytes_haystacks(
            b"\n".join(streams), "pdf-stromen (gedecomprimeerd)", utf16=False
        )
    yield from _bytes_haystacks(data, "ruwe bytes")


_STREAM_RE = re.compile(rb"stream\r?\n")


def pdf_streams(data: bytes) -> Iterator[bytes]:
    """Every Flate-compressed stream of a PDF, decompressed, found in the raw bytes (so
    also streams no cross-reference table points at); a stream that is not Flate data
    stays in the raw bytes, which are searched as they are."""
    import zlib

    for m in _STREAM_RE.finditer(data):
        start = m.end()
        if data[start : start + 1] != b"x":
            continue  # not a zlib stream (raw, image or other filter)
        d = zlib.decompressobj()
        try:
            out = d.decompress(data[start : start + 50_000_000], 200_000_000)
        except zlib.error:
            continue
        if out:
            yield out


def etree_text(el: object) -> str:
    from xml.dom.minidom import Node

    out: list[str] = []

    def walk(n: Node) -> None:
        if n.nodeType == Node.TEXT_NODE:
            out.append(n.data)
        if getattr(n, "attributes", None):
            out.extend(a.value for a in n.attributes.values())
        for c in n.childNodes:
            walk(c)

    walk(el)  # type: ignore[arg-type]
    return " ".join(out)


def _bytes_haystacks(data: bytes, where: str, utf16: bool = True) -> Iterator[tuple[str, str]]:
    yield where, data.decode("latin-1")
    try:
        yield where + " (utf-8)", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for enc in ("utf-16-be", "utf-16-le") if utf16 else ():
        for off in (0, 1):
            yield f"{where} ({enc})", data[off:].decode(enc, errors="replace")


def _xml_haystacks(data: bytes, where: str) -> Iterator[tuple[str, str]]:
    from lxml import etree

    text = data.decode("utf-8", errors="replace")
    yield f"{where} (ruwe XML)", html.unescape(text)
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, recover=True))
    except etree.XMLSyntaxError:
        return
    if root is None:
        return
    paras: list[str] = []
    for p in root.iter("{*}p"):
        paras.append("".join(t.text or "" for t in p.iter() if t.text and _is_text(t)))
    yield f"{where} (alinea's)", "\n".join(paras)
    yield f"{where} (tekst)", "".join(root.itertext())
    attrs = [v for el in root.iter() for v in getattr(el, "attrib", {}).values()]
    yield f"{where} (attributen)", "\n".join(attrs)


def _is_text(el: object) -> bool:
    tag = getattr(el, "tag", None)
    return isinstance(tag, str) and tag.rsplit("}", 1)[-1] in ("t", "delText", "instrText", "v")


def _zip_haystacks(data: bytes, prefix: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            blob = zf.read(info)
            name = f"{prefix}{info.filename}"
            yield f"{name} (bestandsnaam)", info.filename
            if info.filename.endswith((".xml", ".rels")):
                yield from _xml_haystacks(blob, name)
            elif blob[:4] == b"PK\x03\x04" and depth < 3:
                yield from _zip_haystacks(blob, name + "!", depth + 1)
            elif blob[:8] == b"\x89PNG\r\n\x1a\n":
                yield from _png_haystacks(blob, name)
            else:
                yield from _bytes_haystacks(blob, name)


def _png_haystacks(data: bytes, where: str) -> Iterator[tuple[str, str]]:
    """A PNG's chunks except its compressed pixels; text chunks decompressed."""
    import struct
    import zlib

    pos = 8
    rest = bytearray(data[:8])
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if ctype != b"IDAT":
            rest += ctype + chunk
            if ctype in (b"zTXt", b"iTXt"):
                try:
                    key, _, body = chunk.partition(b"\0")
                    if ctype == b"zTXt":
                        rest += zlib.decompress(body[1:])
                    elif body[:1] == b"\1":
                        rest += zlib.decompress(body[2:].split(b"\0", 2)[-1])
                except zlib.error:
                    pass
        pos += 12 + length
    rest += data[pos:]
    yield from _bytes_haystacks(bytes(rest), where + " (metadata en onderdelen)")


def haystacks(path: Path) -> Iterator[tuple[str, str]]:
    """Every text in which a leak is sought, with a Dutch description of where."""
    data = path.read_bytes()
    yield "bestandsnaam", path.name
    if data[:5] == b"%PDF-":
        yield from _pdf_haystacks(data)
    elif data[:4] == b"PK\x03\x04":
        yield from _zip_haystacks(data, "")
    else:
        yield from _bytes_haystacks(data, "inhoud")


def check_file(path: str | Path, needles: Needles, matcher: _Matcher | None = None) -> list[Leak]:
    """All leaks of ``needles`` in one output file (one entry per needle and place)."""
    p = Path(path)
    matcher = matcher or _Matcher(needles)
    leaks: list[Leak] = []
    seen: set[tuple[str, str]] = set()
    for where, hay in haystacks(p):
        any_case = any(w in where for w in ("attributen", ".rels", "bestandsnaam", "pdf-strom"))
        for kind, raw in matcher.search(hay, any_case=any_case):
            key = (raw, where.split(" (")[0])
            if key in seen:
                continue
            seen.add(key)
            leaks.append(Leak(p.name, where, kind, mask(raw)))
    return leaks


def check_files(paths: Iterable[str | Path], needles: Needles) -> list[Leak]:
    out: list[Leak] = []
    matcher = _Matcher(needles)
    for p in paths:
        out += check_file(p, needles, matcher)
    return out
