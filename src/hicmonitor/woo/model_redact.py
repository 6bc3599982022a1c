"""Redaction at the source: a report's document model redacted before it is rendered.

:func:`redact_document` is a pure function (the input model is not touched): it returns a
copy of the model without the non-public part (the marked line, everything after it and
every ``Section(public=False)``: section 5 of the beslisnota) in which every span the
detector flags is replaced by a box carrying its Woo ground, plus a
:class:`~hicmonitor.woo.docx_redact.Result` with the findings (text kept in memory only),
the removed section-5 texts and the kept text, ready for the leak check, the inventory list
and the redaction log of :mod:`hicmonitor.woo.publish`.

Every text of the model is examined: the sender column and its fields (contact lines), the
margin, the addressee, the "Aan" line, subject and title, the approval block, headings,
paragraphs, bullets, table captions, headers and cells, table notes, figure texts, footnotes
and the signatories (role and name together, so "De Minister van Justitie en Veiligheid,"
keeps the minister's name visible while a registered civil servant is redacted).
Detection is :class:`hicmonitor.woo.detect.Detector` (register, patterns, deduce) plus the
second pass of the Word redactor: every redacted string, and a redacted person's surname,
is redacted wherever else it occurs.

How a box is carried:

* in a paragraph's inline content, a redacted span becomes ``Text("", redaction=ground)``,
  which every renderer of :mod:`hicmonitor.reports` draws as a black box with the ground;
* in plain string fields (header lines, signatory names, table cells, footnote texts, ...)
  the span becomes a *box token*, ``"\\ue000" + ground + "\\ue001"`` (Unicode private-use
  characters that no other text contains). The renderer of a Woo publication
  (:mod:`hicmonitor.woo.generated`) turns each token into a box in DOCX and HTML/PDF, or
  into ``[ground]`` where no box can be drawn (attributes, metadata); :func:`plain_text`
  does the latter for any other caller. The redacted text itself is gone from the model
  either way.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hicmonitor.reports.model import (
    ApprovalBlock,
    BulletList,
    Document,
    Figure,
    Footnote,
    Inline,
    NonPublicLine,
    Paragraph,
    Section,
    Table,
    Text,
)
from hicmonitor.woo.detect import (
    _DEDUCE_DISABLED,
    Detector,
    Redaction,
    _DeduceEngine,
    _merge,
    surname_needles,
)
from hicmonitor.woo.docx_redact import Finding, Result, _class_of, _needle_regex

BOX_OPEN = "\ue000"
BOX_CLOSE = "\ue001"
BOX_TOKEN_RE = re.compile(f"{BOX_OPEN}([^{BOX_OPEN}{BOX_CLOSE}]*){BOX_CLOSE}")
SECTION5_ACTION = "blokken van sectie 5 verwijderd"
NO_SECTION5 = (
    "geen sectie 5 in het documentmodel (geen streep, geen niet-openbare sectie): "
    "het document wordt in zijn geheel gepubliceerd"
)


def box_token(ground: str) -> str:
    """The token that stands for a box with ``ground`` in a plain string field."""
    return f"{BOX_OPEN}{ground}{BOX_CLOSE}"


def plain_text(text: str) -> str:
    """``text`` with every box token written as ``[ground]`` (for places without boxes)."""
    return BOX_TOKEN_RE.sub(lambda m: f"[{m.group(1)}]", text)


# -- text units: the places of a model that detection sees -----------------------------


@dataclass
class _Piece:
    """One writable text of the model: a string field, or a list of inlines."""

    text: str
    write: Callable[[list[tuple[int, int, str]]], None]


@dataclass
class _Unit:
    """What the detector sees as one block: pieces joined by separators."""

    where: str
    pieces: list[_Piece]
    seps: list[str] = field(default_factory=list)  # separator after piece i (len - 1)

    @property
    def text(self) -> str:
        out = []
        for i, p in enumerate(self.pieces):
            out.append(p.text)
            if i < len(self.seps):
                out.append(self.seps[i])
        return "".join(out)

    def offsets(self) -> list[int]:
        pos, out = 0, []
        for i, p in enumerate(self.pieces):
            out.append(pos)
            pos += len(p.text) + (len(self.seps[i]) if i < len(self.seps) else 0)
        return out


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for s, e, ground in sorted(spans):
        s = max(s, last)
        if e <= s:
            continue
        out.append(text[last:s])
        out.append(box_token(ground))
        last = e
    out.append(text[last:])
    return "".join(out)


def _str_piece(text: str, setter: Callable[[str], None]) -> _Piece:
    return _Piece(text, lambda spans: setter(_replace_spans(text, spans)))


def _inline_piece(items: list[Inline]) -> _Piece:
    """The Text items of a paragraph (footnotes are their own units) as one piece."""
    texts = [i for i in items if isinstance(i, Text) and not i.redaction]
    joined = "".join(t.text for t in texts)

    def write(spans: list[tuple[int, int, str]]) -> None:
        spans = sorted(spans)
        new: list[Inline] = []
        pos = 0
        for item in items:
            if not isinstance(item, Text) or item.redaction:
                new.append(item)
                continue
            start, end = pos, pos + len(item.text)
            pos = end
            cuts = sorted(
                {start, end} | {b for s, e, _ in spans for b in (s, e) if start < b < end}
            )
            for a, b in zip(cuts, cuts[1:], strict=False):
                span = next((sp for sp in spans if sp[0] <= a < sp[1]), None)
                if span is None:
                    new.append(Text(item.text[a - start : b - start], item.bold, item.italic))
                elif span[0] == a:  # one box per span, at its start
                    new.append(Text("", item.bold, item.italic, redaction=span[2]))
        items[:] = new

    return _Piece(joined, write)


def _setter(obj: object, attr: str) -> Callable[[str], None]:
    return lambda v: setattr(obj, attr, v)


def _item_setter(seq: list, i: int) -> Callable[[str], None]:  # type: ignore[type-arg]
    def put(v: str) -> None:
        seq[i] = v

    return put


class _Collector:
    """Walks a (copied) model and lists its text units in document order."""

    def __init__(self) -> None:
        self.units: list[_Unit] = []
        self._notes = 0

    def add(self, where: str, *pieces: _Piece, seps: Sequence[str] = ()) -> None:
        if any(p.text.strip() for p in pieces):
            self.units.append(_Unit(where, list(pieces), list(seps)))

    def lines(self, where: str, seq: list[str]) -> None:
        for i, line in enumerate(seq):
            self.add(f"{where}, regel {i + 1}", _str_piece(line, _item_setter(seq, i)))

    def inlines(self, where: str, items: list[Inline]) -> None:
        self.add(where, _inline_piece(items))
        for item in items:
            if isinstance(item, Footnote):
                self._notes += 1
                for t in item.content:
                    self.add(f"voetnoot {self._notes}", _str_piece(t.text, _setter(t, "text")))

    def document(self, doc: Document) -> None:
        self.add("documenttitel", _str_piece(doc.title, _setter(doc, "title")))
        self.lines("kopblok, afzender", doc.header.sender)
        for f in doc.header.fields:
            pieces = [_str_piece(f.label, _setter(f, "label"))] if f.label else []
            pieces += [_str_piece(x, _item_setter(f.lines, i)) for i, x in enumerate(f.lines)]
            seps = ([": "] if f.label else []) + ["\n"] * (len(f.lines) - 1)
            self.add(f"kopblok, {f.label or 'veld'}", *pieces, seps=seps[: len(pieces) - 1])
        self.lines("kantlijn", doc.margin)
        if doc.addressee:
            pieces = [
                _str_piece(x, _item_setter(doc.addressee, i)) for i, x in enumerate(doc.addressee)
            ]
            self.add("geadresseerde", *pieces, seps=["\n"] * (len(pieces) - 1))
        self.add("aan", _str_piece(doc.to, _setter(doc, "to")))
        self.add("betreft", _str_piece(doc.subject, _setter(doc, "subject")))
        if doc.approval is not None:
            self.approval(doc.approval)
        self.blocks(doc.body, "hoofdtekst")
        for i, s in enumerate(doc.signatories, start=1):
            self.add(
                f"ondertekening {i}",
                _str_piece(s.role, _setter(s, "role")),
                _str_piece(s.name, _setter(s, "name")),
                seps=[",\n"],
            )
        self.add("auteur (metadata)", _str_piece(doc.author, _setter(doc, "author")))

    def approval(self, block: ApprovalBlock) -> None:
        for i, row in enumerate(block.rows, start=1):
            pieces = [_str_piece(row.role, _setter(row, "role"))]
            pieces += [_str_piece(b, _item_setter(row.boxes, j)) for j, b in enumerate(row.boxes)]
            self.add(f"akkoordblok, rij {i}", *pieces, seps=["\n"] * (len(pieces) - 1))

    def blocks(self, blocks: list, where: str) -> None:  # type: ignore[type-arg]
        n = 0
        for b in blocks:
            if isinstance(b, Section):
                self.add(f"kop {b.heading}", _str_piece(b.title, _setter(b, "title")))
                self.blocks(b.blocks, f"{where}, {b.heading}")
            elif isinstance(b, Paragraph):
                n += 1
                self.inlines(f"{where}, alinea {n}", b.content)
            elif isinstance(b, BulletList):
                for i, p in enumerate(b.items, start=1):
                    self.inlines(f"{where}, opsomming, punt {i}", p.content)
            elif isinstance(b, Table):
                self.table(b, where)
            elif isinstance(b, Figure):
                self.add(
                    f"{where}, figuur, alternatieve tekst", _str_piece(b.alt, _setter(b, "alt"))
                )
                self.add(
                    f"{where}, figuur, onderschrift", _str_piece(b.caption, _setter(b, "caption"))
                )

    def table(self, t: Table, where: str) -> None:
        label = f"{where}, tabel {t.key or t.caption[:30]}"
        self.add(f"{label}, bijschrift", _str_piece(t.caption, _setter(t, "caption")))
        for j, c in enumerate(t.columns):
            self.add(f"{label}, kolomkop {j + 1}", _str_piece(c, _item_setter(t.columns, j)))
        for i, row in enumerate(t.rows, start=1):
            for j, cell in enumerate(row):
                if isinstance(cell, str):
                    self.add(
                        f"{label}, rij {i}, kolom {j + 1}", _str_piece(cell, _item_setter(row, j))
                    )
        if t.note:
            self.inlines(f"{label}, noot", t.note)


# -- section 5 -----------------------------------------------------------------------


def _texts(blocks: list) -> list[str]:  # type: ignore[type-arg]
    """Every text inside ``blocks`` (for the section-5 needles of the leak check)."""
    c = _Collector()
    c.blocks(copy.deepcopy(blocks), "")
    out = [u.text for u in c.units]
    out += [b.text for b in _walk(blocks) if isinstance(b, NonPublicLine)]
    return [t for t in out if t.strip()]


def _walk(blocks: list) -> Iterable[object]:  # type: ignore[type-arg]
    for b in blocks:
        yield b
        if isinstance(b, Section):
            yield from _walk(b.blocks)


def _cut(blocks: list, removed: list) -> tuple[list, bool]:  # type: ignore[type-arg]
    """``blocks`` without non-public sections and without the marked line and all after it.

    Returns the kept blocks and whether the marked line was met (then the callers up the
    tree drop their later blocks too). Removed blocks are appended to ``removed``.
    """
    kept: list = []  # type: ignore[type-arg]
    for i, b in enumerate(blocks):
        if isinstance(b, NonPublicLine):
            removed.extend(blocks[i:])
            return kept, True
        if isinstance(b, Section):
            if not b.public:
                removed.append(b)
                continue
            inner, stop = _cut(b.blocks, removed)
            b.blocks = inner
            kept.append(b)
            if stop:
                removed.extend(blocks[i + 1 :])
                return kept, True
        else:
            kept.append(b)
    return kept, False


# -- the redaction -------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def redact_document(
    doc: Document,
    detector: Detector,
    *,
    deduce_texts: Iterable[str] | None = None,
    known: Mapping[str, str] | None = None,
) -> tuple[Document, Result]:
    """Redact a document model for Woo publication; ``doc`` itself is left unchanged.

    Returns the redacted copy and a :class:`Result` (findings with their place, class,
    detector and ground; ``section5_texts``; ``kept_text``, the public text before
    redaction; ``actions`` and ``warnings`` for the log).

    ``deduce_texts`` limits deduce (the statistical name finder) to the units that contain
    one of these texts: the texts people wrote (the report spec). Generated text, such as
    "Ram- en plofkraken" or the measure "Stop Heling", is then only checked by the register
    and the patterns, which do not mistake those words for names. ``None`` runs deduce on
    every unit.

    ``known`` maps strings redacted elsewhere (in the other documents of the same
    publication) to their class; they are redacted here too, like the second pass does
    within the document.
    """
    out = copy.deepcopy(doc)
    res = Result()
    removed: list = []  # type: ignore[type-arg]
    out.body, _ = _cut(out.body, removed)
    res.section5_found = bool(removed)
    res.section5_texts = _texts(removed)
    res.actions[SECTION5_ACTION] = len(removed)
    if not removed and doc.kind == "beslisnota":  # a letter has no section 5
        res.warnings.append(NO_SECTION5)

    col = _Collector()
    col.document(out)
    units = col.units
    texts = [u.text for u in units]
    res.kept_text = "\n".join(texts)

    raw = _detect(texts, detector, deduce_texts)
    raw = _drop_places(texts, raw)
    raw = _repeat(texts, raw, detector, known or {})
    for n, (unit, text, found) in enumerate(zip(units, texts, raw, strict=True)):
        if not found:
            continue
        _write(unit, [(r.start, r.end, r.grond) for r in found])
        res.findings += [
            Finding(
                f"model#{n}",
                unit.where,
                r.start,
                r.end,
                r.klasse,
                r.bron,
                text[r.start : r.end],
                r.grond,
            )
            for r in found
        ]
    return out, res


def _detect(
    texts: list[str], detector: Detector, deduce_texts: Iterable[str] | None
) -> list[list[Redaction]]:
    if deduce_texts is None or not detector.use_deduce:
        return detector.detect_blocks(texts)
    wanted = [s for s in (_squash(t) for t in deduce_texts) if len(s) >= 3]
    human = [i for i, t in enumerate(texts) if any(w in _squash(t) for w in wanted)]
    plain = Detector(detector.register, use_deduce=False)
    result = plain.detect_blocks(texts)
    for i, found in zip(human, detector.detect_blocks([texts[i] for i in human]), strict=True):
        result[i] = _merge(result[i] + found)
    return result


def _drop_places(texts: list[str], raw: list[list[Redaction]]) -> list[list[Redaction]]:
    """Drop deduce names that deduce itself reads as a place once its location annotator
    is on: "2511 DP Den Haag" in an address is a place, not the person "Den Haag"."""
    out = []
    for text, found in zip(texts, raw, strict=True):
        if any(r.bron == "deduce" and r.klasse == "naam" for r in found):
            doc = _DeduceEngine.get().deidentify(text, disabled=_DEDUCE_DISABLED - {"locations"})
            places = [(a.start_char, a.end_char) for a in doc.annotations if a.tag == "locatie"]
            found = [
                r
                for r in found
                if not (
                    r.bron == "deduce"
                    and r.klasse == "naam"
                    and any(s <= r.start and r.end <= e for s, e in places)
                )
            ]
        out.append(found)
    return out


def _repeat(
    texts: list[str], raw: list[list[Redaction]], detector: Detector, known: Mapping[str, str]
) -> list[list[Redaction]]:
    """Second pass (as for Word input): every redacted string and surname, everywhere."""
    redacted = [
        (text[r.start : r.end], r.klasse)
        for text, found in zip(texts, raw, strict=True)
        for r in found
    ]
    needles: dict[str, str] = {}
    for t, klasse in [*redacted, *known.items()]:
        needles.setdefault(t, klasse)
        if klasse in ("naam", "ondertekening"):
            for n in surname_needles(t, detector.register):
                needles.setdefault(n, "naam")
    rx = _needle_regex(needles)
    if rx is None:
        return raw
    out = []
    for text, found in zip(texts, raw, strict=True):
        found = list(found)
        keep = detector.keep_spans(text)
        for m in rx.finditer(text):
            s, e = m.span()
            if any(a < e and s < b for a, b in keep):
                continue
            if any(r.start <= s and e <= r.end for r in found):
                continue
            klasse = needles.get(m.group(0)) or _class_of(m.group(0), needles)
            found.append(Redaction(s, e, klasse, "herhaling"))
        out.append(_merge(found))
    return out


def _write(unit: _Unit, spans: list[tuple[int, int, str]]) -> None:
    """Hand each piece its part of the spans (a span over a separator is cut in two)."""
    for piece, start in zip(unit.pieces, unit.offsets(), strict=True):
        end = start + len(piece.text)
        local = [
            (max(s, start) - start, min(e, end) - start, g)
            for s, e, g in spans
            if s < end and start < e
        ]
        local = [(s, e, g) for s, e, g in local if e > s]
        if local:
            piece.write(local)


__all__ = ["BOX_TOKEN_RE", "box_token", "plain_text", "redact_document"]
