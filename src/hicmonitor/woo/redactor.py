"""Redaction on the document model: detect personal data in every paragraph a reader
sees (body, tables, text boxes, headers, footers, footnotes, endnotes) and in every
hyperlink target, then replace each accepted span by a box run and unlink each accepted
hyperlink.

The second pass redacts, wherever they occur, every string redacted here and every string
of personal data the independent collection found anywhere in the original
(:func:`hicmonitor.woo.collect.collect_original`), so a name seen only in a property, a
comment or a picture's metadata is still boxed when it also shows in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from hicmonitor.woo.detect import GROUND, Detector, Redaction, _merge, surname_needles
from hicmonitor.woo.docmodel import Block, Doc, Para, Run, parts
from hicmonitor.woo.docx_redact import Finding, _needle_regex
from hicmonitor.woo.register import fold


def _walk(blocks: list[Block], ctx: str = "") -> Iterator[tuple[Para, str]]:
    for b in blocks:
        if isinstance(b, Para):
            yield b, ctx
            for box in b.boxes:
                yield from _walk(box, "tekstvak")
        else:
            for row in b.rows:
                for cell in row:
                    yield from _walk(cell, "tabel")


class Slot:
    """One paragraph of the model as a redaction unit."""

    def __init__(self, part: str, n: int, para: Para, ctx: str) -> None:
        self.part = part
        self.n = n
        self.para = para
        self.id = f"{part}#p{n}"
        self.where = f"{part}{', ' + ctx if ctx else ''}, alinea {n + 1}"
        self.text = para.text


def slots(doc: Doc) -> list[Slot]:
    out = []
    for name, blocks in parts(doc):
        for n, (p, ctx) in enumerate(_walk(blocks)):
            out.append(Slot(name, n, p, ctx))
    return out


def find(
    doc: Doc, detector: Detector, extra: dict[str, str] | None = None
) -> tuple[list[Slot], list[Finding]]:
    """Findings for every slot and hyperlink; ``extra`` are strings of personal data found
    elsewhere in the original (text -> class)."""
    sl = slots(doc)
    raw: dict[str, list[Redaction]] = {}
    by_part: dict[str, list[Slot]] = {}
    for s in sl:
        by_part.setdefault(s.part, []).append(s)
    for part_slots in by_part.values():
        decisions = detector.detect_blocks([s.text for s in part_slots])
        for s, rs in zip(part_slots, decisions, strict=True):
            raw[s.id] = rs
    needles: dict[str, str] = dict(extra or {})
    for s in sl:
        for r in raw[s.id]:
            t = s.text[r.start : r.end]
            needles.setdefault(t, r.klasse)
            if r.klasse in ("naam", "ondertekening"):
                for n in surname_needles(t, detector.register, detector.contested):
                    needles.setdefault(n, "naam")
    public = detector.register.public_folded - detector.contested
    needles = {k: v for k, v in needles.items() if fold(k) not in public}
    rx = _needle_regex(needles)
    findings: list[Finding] = []
    for s in sl:
        found = list(raw[s.id])
        if rx is not None and s.text:
            keep = detector.keep_spans(s.text)
            for m in rx.finditer(s.text):
                span = (m.start(), m.end())
                if any(a < span[1] and span[0] < b for a, b in keep):
                    continue
                if any(r.start <= span[0] and span[1] <= r.end for r in found):
                    continue
                if fold(m.group(0)) in detector.contested and detector.office_context(
                    s.text, *span
                ):
                    continue  # "het lid Kuik" while a civil servant Kuik is redacted
                klasse = needles.get(m.group(0)) or _class_of(m.group(0), needles)
                found.append(Redaction(span[0], span[1], klasse, "herhaling"))
        for r in _merge(found):
            findings.append(
                Finding(s.id, s.where, r.start, r.end, r.klasse, r.bron, s.text[r.start : r.end])
            )
        targets = sorted({r.link for r in s.para.runs if r.link})
        for target in targets:
            klasse = personal_link(target, detector, needles)
            if klasse:
                findings.append(
                    Finding(
                        f"{s.id}#link:{target}",
                        f"{s.where}, hyperlink (doel)",
                        0,
                        len(target),
                        klasse,
                        "hyperlink",
                        target,
                    )
                )
    return sl, findings


def _class_of(text: str, needles: dict[str, str]) -> str:
    ft = fold(text)
    for n, k in needles.items():
        if fold(n) == ft:
            return k
    return "naam"


_PROFILE = re.compile(
    r"(?i)/(?:in|profiel|profile|people|persons?|personen|medewerkers?|smoelenboek|users?|"
    r"u|~[^/]+|author|auteur|team/[^/]+)/[^/?#]+"
)


def personal_link(target: str, detector: Detector, needles: dict[str, str]) -> str | None:
    """The class of personal data in a hyperlink target, or None when it may stay a link."""
    t = unquote(target).strip()
    low = t.lower()
    if low.startswith("mailto:"):
        addr = t[7:].split("?")[0]
        if any(r.klasse == "e-mailadres" for r in detector.detect(addr)):
            return "e-mailadres"
        return None
    if low.startswith(("file:", "\\\\")) or re.match(r"(?i)^[a-z]:\\", t):
        return "bestandspad"
    if _PROFILE.search(t):
        return "profielpagina"
    ft = re.sub(r"[^a-z0-9]", "", fold(t))
    for n in needles:
        sq = re.sub(r"[^a-z0-9]", "", fold(n))
        if len(sq) >= 4 and sq in ft:
            return "naam in link"
    words = re.sub(r"[/._\-+=?&#:%@~]+", " ", re.sub(r"^[a-z]+://", "", t, flags=re.I))
    titled = " ".join(w[:1].upper() + w[1:] for w in words.split() if w.isalpha())
    for r in detector.detect(titled) if titled else []:
        if r.klasse in ("naam", "e-mailadres", "telefoonnummer"):
            name = titled[r.start : r.end]
            if len(name.split()) >= 2:
                return "naam in link"
    return None


def apply(doc: Doc, sl: list[Slot], findings: list[Finding], ground: str = GROUND) -> None:
    """Box the accepted spans and unlink the accepted hyperlinks, in place."""
    by_slot: dict[str, list[Finding]] = {}
    for f in findings:
        by_slot.setdefault(f.slot_id, []).append(f)
    for s in sl:
        spans = sorted((f.start, f.end) for f in by_slot.get(s.id, []))
        for f in by_slot.get(s.id, []):
            if s.text[f.start : f.end] != f.text:
                raise ValueError(f"finding does not match slot text at {s.id}")
        unlink = {f.text for k, fs in by_slot.items() if k.startswith(s.id + "#link:") for f in fs}
        if unlink:
            for r in s.para.runs:
                if r.link in unlink:
                    r.link = None
        if spans:
            s.para.runs = _boxed(s.para.runs, spans, ground)


def _boxed(runs: list[Run], spans: list[tuple[int, int]], ground: str) -> list[Run]:
    out: list[Run] = []
    pos = 0
    for r in runs:
        if r.box is not None or r.note is not None or r.picture is not None or not r.text:
            out.append(r)
            continue
        n = len(r.text)
        cuts = sorted({0, n} | {b - pos for s, e in spans for b in (s, e) if pos < b < pos + n})
        for a, b in zip(cuts, cuts[1:], strict=False):
            inside = next(((s, e) for s, e in spans if s <= pos + a < e), None)
            if inside is None:
                out.append(_copy(r, r.text[a:b]))
            elif inside[0] == pos + a or not (out and out[-1].box is not None):
                out.append(Run(box=ground))
        pos += n
    return out


def _copy(r: Run, text: str) -> Run:
    return Run(text, r.bold, r.italic, r.underline, r.caps, r.strike, r.link)


def kept_text(doc: Doc) -> str:
    return "\n".join(s.text for s in slots(doc))


def title_of(doc: Doc) -> str:
    """The publication's title: the first title or heading paragraph, boxes as [ground]."""
    for p, _ in _walk(doc.body):
        if p.style in ("title", "h1") and p.text.strip():
            return "".join(r.text if r.box is None else f"[{r.box}]" for r in p.runs).strip()
    return "Woo-publicatie"


def prune_notes(doc: Doc) -> None:
    """Keep only the notes a reader reaches from the body."""
    from hicmonitor.woo.docmodel import note_refs

    refs = set(note_refs(doc.body))
    doc.footnotes = {k: v for k, v in doc.footnotes.items() if ("footnote", k) in refs}
    doc.endnotes = {k: v for k, v in doc.endnotes.items() if ("endnote", k) in refs}


Accept = Callable[[Finding], bool]
