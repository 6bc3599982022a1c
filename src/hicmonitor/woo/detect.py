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

import functools
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
        # bare surnames of public holders that the document also gives a civil servant
        # ("Contactpersoon: Piet Kuik"): they no longer count as public when bare
        self.contested: set[str] = set()
        self.document = False  # True while publish analyses one document (keeps contested)
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
        if not self.document:
            self.contested = set()
        before = set(self.contested)
        result = [self._detect_block(t, deduce) for t in norm]
        if self.contested != before:
            # a civil servant found later in these blocks bears a public surname that an
            # earlier block kept bare: decide those blocks again (deduce is cached)
            new = self.contested - before
            for i, t in enumerate(norm):
                if any(n in fold(t) for n in new):
                    result[i] = self._detect_block(t, deduce)
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
        if self._civil_servant_context(text, r.start, r.end):
            return False
        name = fold(strip_titles(text[r.start : r.end]))
        return name in self._office_names and name not in self.contested

    def keep_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of public office holders' names (kept visible)."""
        return self.register.public_spans(text, self.context, self.contested)

    def public_name(self, text: str) -> bool:
        """True when ``text`` is a public holder's name in this document: a bare surname
        that the document also gives a civil servant is not."""
        return self.register.is_public_name(text, self.context, self.contested)

    def office_context(self, text: str, start: int, end: int) -> bool:
        """True when the text presents the name at ``start:end`` as an office holder: a
        public function word right before it ("het lid Kuik", "minister Van Weel"), a
        party or a public function right after it ("Kuik (CDA)"), a plural function word
        governing it. No side effects (unlike the detection itself)."""
        if self._civil_servant_context(text, start, end):
            return False
        oa = self.register.office_after_regex
        if oa is not None and oa.match(text, end):
            return True
        pf = self.register.plural_function_regex
        if pf is not None and pf.search(text[max(0, start - 200) : start]):
            return True
        fr = self.register.function_regex
        if fr is None:
            return False
        before = text[max(0, start - 120) : start]
        m = fr.search(before)
        return bool(m) and not ("," in m.group(0) and _COMPLEMENT.search(before[: m.start()]))

    # -- internals --------------------------------------------------------------------

    def _detect_block(self, t: str, deduce: bool) -> list[Redaction]:
        found = self._detect_one(t, deduce)
        caps = _uncapitalise(t)
        if caps is not None:
            found += self._detect_one(caps, deduce)
        return found

    def _named_civil_servants(self, text: str) -> list[tuple[int, int]]:
        """Names the text presents as civil servants' (function or label around them),
        less leading words that are no name ("Volgens Vaarhof (jurist)")."""
        out = []
        for rx in self.register.civil_servant_name_regexes:
            for m in rx.finditer(text):
                s, e = m.span("n")
                last = text[s:e].split()[-1]
                if (
                    _NOT_A_NAME.search(last)
                    or patterns._FUNCTION_WORDS.search(text[s:e])
                    or _TITLE_CASE_ROLE.search(text[max(0, m.start() - 40) : s])
                ):
                    continue  # "MJenV", "De Minister", "Coördinator Terrorismebestrijding"
                for w in re.finditer(r"\S+", text[s:e]):
                    token = w.group(0)
                    if re.match(r"^(?:[A-ZÀ-Þ]\.|[a-z'])", token) or not self._no_name_word(token):
                        s += w.start()
                        break
                else:
                    continue
                if rx is self.register.civil_servant_name_regexes[-1] and (
                    self._holder_apposition(text, s, e)
                ):
                    continue  # "Kamerlid Mutluer, woordvoerder politie"
                if s < e and not self.register.not_personal(text[s:e], text, s, e):
                    out.append((s, e))
        return out

    def _no_name_word(self, token: str) -> bool:
        """A capitalised word that is no name: a word the document writes in lowercase, a
        common or stop word, or a function word ("Volgens", "Minister")."""
        w = fold(token.strip(",.;:()"))
        if self.register.is_first_name(token) or w in self.register.surnames:
            return False
        return (
            w in _LEAD_WORDS
            or w in self.vocabulary
            or w in _deduce_words()
            or bool(patterns._FUNCTION_WORDS.fullmatch(w))
        )

    def _civil_servant_context(self, text: str, start: int, end: int) -> bool:
        """The text names the person at ``start:end`` as a civil servant: a civil
        servant's function or a contact label right before the name ("beleidsmedewerker
        Kuik", "Contactpersoon: Kuik"), or a function or ministry unit right after it
        ("Kuik, beleidsmedewerker", "Kuik van de directie ..."). A party or a public
        function after the name wins ("woordvoerder Kuik (CDA)")."""
        reg = self.register
        head = text[max(0, start - 80) : start]
        before = reg.civil_servant_before_regex.search(head)
        after = reg.civil_servant_after_regex.match(text, end)
        if not before and not after:
            return False
        oa = reg.office_after_regex
        if oa is not None and oa.match(text, end):
            return False
        # only an apposition after the name: a public function word before it ("het lid
        # Kuik, woordvoerder justitie") or a party in the apposition ("Kuik, woordvoerder
        # van het CDA") makes it a holder's mention (Kamerleden are their party's
        # woordvoerder)
        return bool(before) or not self._holder_apposition(text, start, end)

    def _holder_apposition(self, text: str, start: int, end: int) -> bool:
        fr = self.register.function_regex
        if fr is not None and fr.search(text[max(0, start - 120) : start]):
            return True
        clause = re.split(
            r"[.;:\n)]|,\s+(?=[a-z]+\s)", text[end : end + 120].lstrip(" ,("), maxsplit=1
        )[0]
        parties = self.register.partijen
        return any(re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", clause) for p in parties)

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
        keep = []
        for k in self.register.public_spans(text, self.context):
            if any(_overlaps(k, f) for f in forced):
                continue
            name = text[k[0] : k[1]]
            bare = self.register.is_bare_public(name)
            if self._civil_servant_context(text, *k):
                # "beleidsmedewerker Kuik": a civil servant who shares a holder's name
                if bare:
                    self.contested.add(fold(strip_titles(name)))
                found.append(Redaction(k[0], k[1], "naam", "patroon"))
                continue
            if bare and fold(strip_titles(name)) in self.contested:
                # the document names a civil servant with this surname: a bare mention is
                # the holder only where the text says so ("het lid Kuik", "Kuik (CDA)")
                if not self.office_context(text, *k):
                    found.append(Redaction(k[0], k[1], "naam", "herhaling"))
                continue
            keep.append(k)
        candidates = [(s, e, k, "patroon") for s, e, k in patterns.all_patterns(text)]
        candidates += [(s, e, "naam", "patroon") for s, e in self._named_civil_servants(text)]
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
                relation = self._head_relation(text, s, e, over) if over else ""
                if relation == "same" and e <= max(b for _, b in over):
                    continue  # "Henri Bontenbal": the holder, with a first name
                if relation == "other":
                    # "Peter de Jong" is not the public "De Jong": the whole name goes
                    if not self.register.is_public_name(text[s:e]):
                        found.append(Redaction(s, e, klasse, bron))
                        for a, b in over:
                            if self.register.is_bare_public(text[a:b]):
                                self.contested.add(fold(strip_titles(text[a:b])))
                    continue
                for s2, e2 in _subtract((s, e), keep):
                    s2, e2 = _trim(text, s2, e2)
                    if e2 <= s2 or self._is_public(text, s2, e2):
                        continue
                    if over and self._word_beside(text, s2, e2, over):
                        continue  # "Volgens Halsema": the word deduce took along
                    found.append(Redaction(s2, e2, klasse, bron))
            elif klasse == "telefoonnummer" or klasse == "e-mailadres":
                if not self.register.is_public_contact(text[s:e]):
                    found.append(Redaction(s, e, klasse, bron))
            else:
                found.append(Redaction(s, e, klasse, bron))
        return found

    def _head_relation(self, text: str, start: int, end: int, public: list[tuple[int, int]]) -> str:
        """How the words before a public surname inside a name span relate to it:
        "other" for a first name or initials of someone else ("Peter de Jong" against the
        public "De Jong"), "same" for the holder's own first name or initials ("Henri
        Bontenbal" for H. Bontenbal), "" when there is no such head."""
        ps = min(a for a, _ in public)
        head = text[start:ps].strip()
        if not head:
            return ""
        head = strip_titles(head)
        fr = self.register.function_regex
        if not head or (fr is not None and (fr.search(head + " ") or fr.fullmatch(head.lower()))):
            return ""
        if not re.match(r"^[A-ZÀ-Ý]", head) or patterns._FUNCTION_WORDS.search(head):
            return ""
        holders = [p for a, b in public for p in self.register.holders_named(text[a:b])]
        # a common surname ("Bosman") with one initial is anybody's: only the holder's own
        # first name counts there
        common = any(
            fold(strip_titles(text[a:b])) in self.register.common_bare_folded for a, b in public
        )
        if re.fullmatch(r"(?:(?:Th|Ph|Chr|IJ|[A-ZÀ-Þ])\.\s?)+", head):
            # "H. Bontenbal" is the holder H.M. Bontenbal; "P. Bontenbal" someone else
            first = _first_letter(head)
            same = not common and any(first in p.initials() for p in holders)
            return "same" if same else "other"
        if not patterns.looks_like_name(head):
            return ""
        # a first name of someone else, not a label or a word ("Indiener Wybren van Haga")
        words = head.split()
        names = [w for w in words if self.register.is_first_name(w)]
        if not names:
            return ""
        # when a holder with this surname is known by first name, only that name counts
        named = [p for p in holders if p.voornaam] or holders
        if any(_same_first_name(names[0], p, common) for p in named):
            return "same" if len(words) == 1 else ""
        return "other"

    def _is_public(self, text: str, start: int, end: int) -> bool:
        span = text[start:end]
        name = strip_titles(span)
        if not re.search(r"[^\W\d_]{2}", name):
            return True  # leftover of a subtraction: no name in it
        if self._civil_servant_context(text, start, end):
            return False
        if self.public_name(name):
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

    def _word_beside(self, text: str, start: int, end: int, public: list[tuple[int, int]]) -> bool:
        """A single word that deduce took into a public holder's name span but that is no
        name itself: lowercase ("collega Kuik") or neither a first name nor a surname nor
        initials ("Volgens Halsema")."""
        word = text[start:end]
        if not re.fullmatch(r"[^\W\d_][\w'’-]*", word):
            return False
        if not any(
            re.fullmatch(r"\s*", text[min(end, a) : max(end, a)])
            or re.fullmatch(r"\s*", text[min(b, start) : max(b, start)])
            for a, b in public
        ):
            return False
        if word[0].islower():
            return True
        w = fold(word)
        if self.register.is_first_name(word) or w in self.register.surnames:
            return False
        return w in _LEAD_WORDS or w in self.vocabulary or w in _deduce_words()

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
                if not patterns.looks_like_name(line):
                    continue
                if self.register.is_bare_public(line[s:e]) or not self._is_public(line, s, e):
                    # a bare surname signs for a civil servant, not for a holder (who
                    # signs with initials or a first name: "D.M. van Weel")
                    result[j].append(Redaction(s, e, "ondertekening", "patroon"))
                    break


#: A surname token that is no surname: an acronym ("MJenV", "NCTV") or a noun of an
#: organisation or a policy field ("Terrorismebestrijding", "Veiligheid").
_NOT_A_NAME = re.compile(
    r"^(?!IJ[a-z])(?:[A-Z]{2,}|[A-Za-z]*[a-z][A-Z])|"
    r"(?:heid|atie|itie|iteit|isme|schap|ering|bestrijding|beleid|zaken|dienst|centrum|"
    r"bureau|directie|afdeling|inspectie|handhaving)$",
)
#: A function word written as part of a title ("Nationaal Coördinator ..."): the words
#: after it name an office, not a person.
_TITLE_CASE_ROLE = re.compile(r"[A-ZÀ-Þ][\w-]*\s+[A-ZÀ-Þ][\w-]*\s*$")

#: Words that open a sentence before a name ("Volgens Halsema ..."); with the document's
#: own lowercase words and deduce's common and stop words: no name.
_LEAD_WORDS = frozenset(
    "volgens aldus ook dat toen nu zo maar en door met want dus daarom daarnaast "
    "bovendien vandaag gisteren inmiddels verder tevens eerder later ondertussen zowel "
    "zelfs alleen dankzij sinds tijdens na voor bij over onder dit deze die wat wie waar "
    "hoe waarom nadat omdat terwijl hoewel toch dan al reeds mede samen zoals volgens "
    "ingevolge blijkens krachtens ondanks tegen zonder behalve waarna waarop".split()
)


@functools.cache
def _deduce_words() -> frozenset[str]:
    """deduce's whitelist of common and stop words (folded)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("deduce")
    out: set[str] = set()
    if spec is None or spec.origin is None:
        return frozenset()
    base = Path(spec.origin).parent / "data" / "lookup" / "src" / "whitelist"
    for sub in ("lst_common_word", "lst_stop_word"):
        f = base / sub / "items.txt"
        if f.exists():
            out |= {fold(x) for x in f.read_text(encoding="utf-8").splitlines() if x.strip()}
    return frozenset(out)


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


def surname_needles(text: str, register: Register, contested: set[str] | None = None) -> list[str]:
    """Derived strings of a redacted name that must not survive elsewhere: the surname.

    "Kees Bakker" also yields "Bakker", so a later bare "Bakker" is redacted too; a public
    holder's surname only when the document gives it to a civil servant (``contested``).
    """
    name = strip_titles(text).strip()
    tokens = name.split()
    if len(tokens) < 2:
        return []
    last = tokens[-1].strip(".,")
    if len(last) < 4 or not last[:1].isupper() or "@" in last:
        return []
    if fold(last) in register.public_folded and fold(last) not in (contested or set()):
        return []
    return [last]


def _first_letter(name: str) -> str:
    f = fold(name.strip())
    return f[:2] if f.startswith("ij") else f[:1]


def _same_first_name(first: str, holder: Any, common: bool = False) -> bool:
    """Whether a first name can be this holder's: the same first name, or, for a holder
    known by initials only and a surname that is not common, a name starting with one of
    them ("Henri" for H. Bontenbal)."""
    if holder.voornaam:
        return fold(first) == fold(holder.voornaam.split()[0])
    return not common and _first_letter(first) in holder.initials()
