"""Detection of personal data in text: the redaction core, independent of any file format.

Three detectors are combined (the register wins over the others):

1. the register of persons (``content/personen.yaml``): civil servants are always
   redacted, public office holders always kept;
2. patterns (:mod:`hicmonitor.woo.patterns`): e-mail addresses, Dutch phone numbers,
   initials with tussenvoegsel and surname, labelled names and signature lines;
3. ``deduce`` (Menger et al. 2018, "DEDUCE: A pattern matching method for automatic
   de-identification of Dutch medical text", Telematics and Informatics 35(4)), keeping
   only its ``persoon``, ``telefoonnummer`` and ``emailadres`` tags. A name right after a
   public function word ("burgemeester Hamming") is kept.

Callers pass plain text blocks (paragraphs) and get :class:`Redaction` decisions back:
the DOCX redactor uses this, and so can the report generator on its document model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from hicmonitor.woo import patterns
from hicmonitor.woo.register import Register, fold, strip_titles

GROUND = "5.1.2e"
"""Woo ground: respect for private life (eerbiediging van de persoonlijke levenssfeer)."""

# Higher wins when overlapping spans are merged.
_CLASS_PRIORITY = {"naam": 3, "ondertekening": 2, "e-mailadres": 4, "telefoonnummer": 1}
_DEDUCE_TAGS = {
    "persoon": "naam",
    "patient": "naam",
    "telefoonnummer": "telefoonnummer",
    "emailadres": "e-mailadres",
}
_DEDUCE_DISABLED = {
    "locations",
    "institutions",
    "dates",
    "ages",
    "identifiers",
    "urls",
    "patient_name",
}


@dataclass(frozen=True)
class Redaction:
    """One redaction decision on a text block: ``text[start:end]`` is removed.

    ``klasse`` is the class of data (naam, e-mailadres, telefoonnummer, ondertekening),
    ``grond`` the Woo ground, ``bron`` the detector (register, patroon, deduce, herhaling).
    """

    start: int
    end: int
    klasse: str
    bron: str
    grond: str = GROUND


class _DeduceEngine:
    """Loads deduce once per process from its prepared cache (see ``woo.prepare``)."""

    _instance: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._instance is None:
            from hicmonitor.woo.prepare import load_deduce

            cls._instance = load_deduce()
        return cls._instance


_DEDUCE_CACHE: dict[str, list[tuple[int, int, str]]] = {}


def deduce_spans(text: str) -> list[tuple[int, int, str]]:
    """Person, phone and e-mail annotations of deduce on ``text`` as ``(start, end, klasse)``."""
    if not text.strip():
        return []
    cached = _DEDUCE_CACHE.get(text)
    if cached is not None:
        return cached
    out = _deduce_spans(text)
    if len(_DEDUCE_CACHE) > 50_000:
        _DEDUCE_CACHE.clear()
    _DEDUCE_CACHE[text] = out
    return out


def _deduce_spans(text: str) -> list[tuple[int, int, str]]:
    engine = _DeduceEngine.get()
    doc = engine.deidentify(text, disabled=_DEDUCE_DISABLED)
    out = []
    for a in doc.annotations:
        klasse = _DEDUCE_TAGS.get(a.tag)
        if klasse is not None:
            out.append((a.start_char, a.end_char, klasse))
    return out


class Detector:
    """Finds what to redact in text blocks, using the register, patterns and deduce."""

    def __init__(self, register: Register, *, use_deduce: bool = True) -> None:
        self.register = register
        self.use_deduce = use_deduce
        self.context: set[str] = set()  # bare common surnames public in this document
        self._office_names: set[str] = set()  # names shown as office holders in a call
        self.vocabulary: set[str] = set()  # words the document writes in lowercase
        if use_deduce:
            logging.getLogger().setLevel(logging.WARNING)

    # -- public API -------------------------------------------------------------------

    def detect(self, text: str) -> list[Redaction]:
        """Redaction decisions for one block of text, sorted and non-overlapping."""
        return self.detect_blocks([text])[0]

    def detect_blocks(
        self, blocks: Sequence[str], *, use_deduce: bool | None = None, context: bool = True
    ) -> list[list[Redaction]]:
        """Redaction decisions per block; signature lines are found across blocks
        (``context``). Text is read as a reader sees it: non-breaking spaces as spaces,
        dashes as hyphens, and a block in capitals also in ordinary capitalisation."""
        deduce = self.use_deduce if use_deduce is None else use_deduce
        norm = _mask_labels([_normalise(t) for t in blocks])
        result = []
        for t in norm:
            found = self._detect_one(t, deduce)
            caps = _uncapitalise(t)
            if caps is not None:
                found += self._detect_one(caps, deduce)
            result.append(found)
        if context:
            self._signatures(norm, result)
        if self._office_names:
            # a name the same text presents as an office holder elsewhere ("de leden
            # Laan-Geselschap (VVD) ...", later the bare "Laan-Geselschap") stays
            for t, rs in zip(norm, result, strict=True):
                rs[:] = [r for r in rs if not self._known_office_holder(t, r)]
        self._office_names = set()
        return [_merge(r) for r in result]

    def _known_office_holder(self, text: str, r: Redaction) -> bool:
        if r.klasse != "naam" or r.bron == "register":
            return False
        name = fold(strip_titles(text[r.start : r.end]))
        return name in self._office_names

    def keep_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of public office holders' names (kept visible)."""
        return self.register.public_spans(text, self.context)

    # -- internals --------------------------------------------------------------------

    def _detect_one(self, text: str, deduce: bool = True) -> list[Redaction]:
        if not text.strip():
            return []
        found: list[Redaction] = []
        rx = self.register.civil_servant_regex
        forced: list[tuple[int, int]] = []
        if rx is not None:
            for m in rx.finditer(text):
                found.append(Redaction(m.start(), m.end(), "naam", "register"))
                forced.append((m.start(), m.end()))
        keep = [k for k in self.keep_spans(text) if not any(_overlaps(k, f) for f in forced)]
        candidates = [(s, e, k, "patroon") for s, e, k in patterns.all_patterns(text)]
        if deduce:
            candidates += [(s, e, k, "deduce") for s, e, k in deduce_spans(text)]
        for s, e, klasse, bron in candidates:
            if klasse == "naam":
                s, e = _trim(text, s, e)
                if e <= s:
                    continue
                if self._is_word(text[s:e]):
                    continue  # "A. Dadergerichte" where the text says "dadergerichte"
                if self._office_around(text, s, e):
                    # "Mevrouw Helder (PVV)", "Don Ceder, Tweede Kamerlid"
                    self._office_names.add(fold(strip_titles(text[s:e])))
                    continue
                over = [k for k in keep if _overlaps(k, (s, e))]
                if over and self._other_person(text, s, e, over):
                    # "Peter de Jong" is not the public "De Jong": the whole name goes
                    if not self.register.is_public_name(text[s:e]):
                        found.append(Redaction(s, e, klasse, bron))
                    continue
                for s2, e2 in _subtract((s, e), keep):
                    s2, e2 = _trim(text, s2, e2)
                    if e2 <= s2 or self._is_public(text, s2, e2):
                        continue
                    found.append(Redaction(s2, e2, klasse, bron))
            elif klasse == "telefoonnummer" or klasse == "e-mailadres":
                if not self.register.is_public_contact(text[s:e]):
                    found.append(Redaction(s, e, klasse, bron))
            else:
                found.append(Redaction(s, e, klasse, bron))
        return found

    def _other_person(self, text: str, start: int, end: int, public: list[tuple[int, int]]) -> bool:
        """True when a name span holds a public surname but a first name or initials of
        someone else right before it ("Peter de Jong" against the public "De Jong")."""
        ps = min(a for a, _ in public)
        head = text[start:ps].strip()
        if not head:
            return False
        head = strip_titles(head)
        fr = self.register.function_regex
        if not head or (fr is not None and (fr.search(head + " ") or fr.fullmatch(head.lower()))):
            return False
        if not re.match(r"^[A-ZÀ-Ý]", head) or patterns._FUNCTION_WORDS.search(head):
            return False
        if re.fullmatch(r"(?:(?:Th|Ph|Chr|IJ|[A-ZÀ-Þ])\.\s?)+", head):
            return True
        if not patterns.looks_like_name(head):
            return False
        # a first name of someone else, not a label or a word ("Indiener Wybren van Haga")
        return any(self.register.is_first_name(w) for w in head.split())

    def _is_public(self, text: str, start: int, end: int) -> bool:
        span = text[start:end]
        name = strip_titles(span)
        if not re.search(r"[^\W\d_]{2}", name):
            return True  # leftover of a subtraction: no name in it
        if self.register.is_public_name(name, self.context):
            return True
        if self.register.not_personal(name, text, start, end):
            return True
        if self._office_around(text, start, end):
            self._office_names.add(fold(name))
            return True
        fr = self.register.function_regex
        if fr is None:
            return False
        if fr.fullmatch(name) or fr.fullmatch(name.lower()):
            return True  # only a function word ("Burgemeester"), no name
        # A function word inside the span ("Burgemeester Hamming") or right before it,
        # unless that function is a complement ("de woordvoerder van de minister, X",
        # "Namens de minister ..., X"): then X is someone else.
        before = text[max(0, start - 120) : start]
        m = fr.search(before)
        if m:
            lead = before[: m.start()]
            apposition = "," in m.group(0)
            if apposition and _COMPLEMENT.search(lead):
                return False
            self._office_names.add(fold(name))
            return True
        for m in re.finditer(r"\s+", span):
            head, rest = span[: m.start()], span[m.end() :]
            if fr.search(head) and re.match(r"^[A-ZÀ-Ý]", rest):
                if self._mentions_civil_servant(rest):
                    return False
                self._office_names.add(fold(strip_titles(rest)))
                return True
        return False

    def _is_word(self, span: str) -> bool:
        """True when every capitalised token of a name span is a word the same document
        writes in lowercase and no known surname or first name: a list label or a heading
        word, not a person."""
        if not self.vocabulary:
            return False
        tokens = re.findall(r"[^\W\d_][\w'’-]*", strip_titles(span))
        words = [t for t in tokens if len(t) > 1 and t[0].isupper()]
        if not words:
            return False
        reg = self.register
        return all(
            w.lower() in self.vocabulary
            and fold(w) not in reg.surnames
            and not reg.is_first_name(w)
            for w in words
        )

    def _office_around(self, text: str, start: int, end: int) -> bool:
        """A party or a public function right after the name ("Helder (PVV)", "Mirjam
        Bikker, Tweede Kamerlid"), or a plural function word governing a list of names
        before it ("de leden Kuik en Palland")."""
        oa = self.register.office_after_regex
        if oa is not None and oa.match(text, end):
            return True
        pf = self.register.plural_function_regex
        return pf is not None and bool(pf.search(text[max(0, start - 200) : start]))

    def _mentions_civil_servant(self, text: str) -> bool:
        rx = self.register.civil_servant_regex
        return bool(rx and rx.search(text))

    def _signatures(self, blocks: Sequence[str], result: list[list[Redaction]]) -> None:
        """Redact the name line after a closing formula ("Met vriendelijke groet,")."""
        for i, text in enumerate(blocks):
            if not patterns.closing_formula(text):
                continue
            seen = 0
            for j in range(i + 1, min(len(blocks), i + 6)):
                line = blocks[j]
                if not line.strip():
                    continue
                seen += 1
                if seen > 3:
                    break
                s = len(line) - len(line.lstrip())
                e = len(line.rstrip().rstrip(","))
                if any(r.klasse == "naam" for r in result[j]):
                    break  # already found by a detector
                if patterns.looks_like_name(line) and not self._is_public(line, s, e):
                    result[j].append(Redaction(s, e, "ondertekening", "patroon"))
                    break


_COMPLEMENT = re.compile(
    r"(?i)(?:\b(?:van|namens)\s+(?:de|het)?\s*|"
    r"\b(?:woordvoerder|secretaris|adviseur|medewerker|assistent|chauffeur|"
    r"beveiliger|ambtenaar|ondersteuner|collega|plaatsvervanger)\w*\s+)$"
)
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003"})


def _normalise(text: str) -> str:
    """Same length as ``text``: NBSP and thin spaces as spaces, dashes as hyphens."""
    return text.translate(_SPACES).translate(_DASHES)


_ROMAN_LABEL = re.compile(r"^\s*(?:[IVX]{1,4}|[ivx]{1,4})[.)]?(?=\s+[A-ZÀ-Ý])")
_LETTER_LABEL = re.compile(r"^\s*\(?([A-Za-z])[.)]\s")


def _mask_labels(blocks: list[str]) -> list[str]:
    """Blank list labels that the initials pattern and deduce would read as initials (same
    length): a Roman numeral before a short heading ("I Inleiding") and a letter in an
    enumeration of consecutive blocks ("A. Dadergerichte aanpak", "B. ...")."""
    out = list(blocks)
    letters = [_LETTER_LABEL.match(t) for t in blocks]
    for i, t in enumerate(blocks):
        m = _ROMAN_LABEL.match(t)
        if m and len(t.split()) <= 12:
            out[i] = " " * m.end() + t[m.end() :]
            continue
        m = letters[i]
        if not m:
            continue
        c = ord(m.group(1).lower())
        neighbours = [
            letters[j].group(1).lower()
            for j in (i - 1, i + 1)
            if 0 <= j < len(blocks) and letters[j] is not None
        ]
        if chr(c - 1) in neighbours or chr(c + 1) in neighbours:
            out[i] = " " * m.end(1) + t[m.end(1) :]
    return out


def _uncapitalise(text: str) -> str | None:
    """A text written in capitals, with each word capitalised the usual way (same length),
    so deduce and the patterns see names; None when the text is not in capitals."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return None
    out = []
    prev_alpha = False
    for c in text:
        low = c.lower()
        if len(low) != 1:
            low = c
        out.append(c if not prev_alpha and c.isalpha() else low if c.isalpha() else c)
        prev_alpha = c.isalpha()
    return "".join(out)


_TRIM_LEFT = re.compile(r"^(?:[\s,;:/&]|(?:en|of|and)\b)+", re.IGNORECASE)
_TRIM_RIGHT = re.compile(r"(?:[\s,;:/&(]|\b(?:en|of|and|met))+$", re.IGNORECASE)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace, punctuation and loose conjunctions off a span's ends."""
    span = text[start:end]
    left = _TRIM_LEFT.match(span)
    if left:
        start += left.end()
    span = text[start:end]
    right = _TRIM_RIGHT.search(span)
    if right:
        end = start + right.start()
    return start, end


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parts of ``span`` outside every hole."""
    parts = [span]
    for hs, he in holes:
        nxt = []
        for s, e in parts:
            if he <= s or hs >= e:
                nxt.append((s, e))
                continue
            if s < hs:
                nxt.append((s, hs))
            if he < e:
                nxt.append((he, e))
        parts = nxt
    return [(s, e) for s, e in parts if e > s]


def _merge(items: list[Redaction]) -> list[Redaction]:
    """Merge overlapping or touching spans; the class of the highest priority wins."""
    items = sorted(items, key=lambda r: (r.start, -r.end))
    out: list[Redaction] = []
    for r in items:
        if out and r.start <= out[-1].end:
            last = out[-1]
            best = last if _rank(last) >= _rank(r) else r
            out[-1] = replace(best, start=last.start, end=max(last.end, r.end))
        else:
            out.append(r)
    return out


def _rank(r: Redaction) -> tuple[int, int]:
    return (_CLASS_PRIORITY.get(r.klasse, 0), 1 if r.bron == "register" else 0)


def vocabulary(texts: Sequence[str]) -> set[str]:
    """The words a document writes in lowercase (for :meth:`Detector._is_word`)."""
    return {w for t in texts for w in re.findall(r"(?<![\w-])[a-zà-ÿ][a-zà-ÿ'’-]{3,}", t)}


def surname_needles(text: str, register: Register) -> list[str]:
    """Derived strings of a redacted name that must not survive elsewhere: the surname.

    "Kees Bakker" also yields "Bakker", so a later bare "Bakker" is redacted too.
    """
    name = strip_titles(text).strip()
    tokens = name.split()
    if len(tokens) < 2:
        return []
    last = tokens[-1].strip(".,")
    if len(last) < 4 or not last[:1].isupper() or "@" in last:
        return []
    if fold(last) in register.public_folded:
        return []
    return [last]
