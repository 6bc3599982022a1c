"""The register of persons (``content/personen.yaml``): who is redacted, who stays visible.

Civil servants (``ambtenaren``) are redacted under ground 5.1.2e Woo; persons who appear
in public by virtue of their office (``publiek``: ministers, mayors) stay visible. The
register also lists public function words (``publieke_functies``) that make an unknown
name right after them public ("burgemeester Hamming").
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from hicmonitor.errors import HicError, InputError

#: Combining marks (NFD) that may follow any letter: "Yes\u0327ilgo\u0308z" matches too.
_COMBINING = "[\u0300-\u036f]*"

_FIELDS = {"voornaam", "voorletters", "tussenvoegsel", "achternaam", "functie", "email", "telefoon"}


def fold(text: str) -> str:
    """Fold text for comparison: drop diacritics, casefold, collapse whitespace.

    Not length preserving; use it for comparing strings, not for offsets.
    """
    if text.isascii():
        return _WS.sub(" ", text).strip().casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _COMBINING_MARKS.sub("", decomposed) if not decomposed.isascii() else decomposed
    if not stripped.isascii() and any(unicodedata.combining(c) for c in stripped):
        stripped = "".join(c for c in stripped if not unicodedata.combining(c))
    stripped = stripped.replace("ı", "i").replace("ø", "o").replace("ß", "ss")
    return _WS.sub(" ", stripped).strip().casefold()


_WS = re.compile(r"\s+")
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _letter_pattern(ch: str) -> str:
    """A regex for one letter with or without diacritics; a lowercase letter may also be
    written in capitals (all-caps headers), a capital never in lowercase ("Bakker" does
    not match the baker, "bakker")."""
    base = unicodedata.normalize("NFD", ch)[0]
    if base in "ıİ":
        base = "I" if ch == "İ" else "i"
    variants = {ch, base}
    if ch.islower():
        variants |= {ch.upper(), base.upper()}
    if base == "i":
        variants |= {"ı", "İ", "I"}
    if base == "I":
        variants |= {"İ"}
    if len(variants) == 1:
        return re.escape(ch) + _COMBINING
    return "[" + "".join(re.escape(v) for v in sorted(variants)) + "]" + _COMBINING


def name_regex(name: str) -> str:
    """A regex source for a name form, tolerant to diacritics, case, spacing and hyphens.

    "J.P. de Vries" also matches "J. P. de  Vries"; "Yeşilgöz-Zegerius" also matches
    "Yesilgoz - Zegerius".
    """
    out: list[str] = []
    for ch in name.strip():
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch == ".":
            out.append(r"\.\s*")
        elif ch in "-‐‑–":
            out.append(r"\s*[-‐‑–]\s*")
        elif ch in "'’`":
            out.append("['’`]")
        elif ch.isalpha():
            out.append(_letter_pattern(ch))
        else:
            out.append(re.escape(ch))
    return "".join(out)


@dataclass(frozen=True)
class Person:
    """One person in the register."""

    achternaam: str
    voornaam: str = ""
    voorletters: str = ""
    tussenvoegsel: str = ""
    functie: str = ""
    email: str = ""
    telefoon: str = ""
    publiek: bool = False

    @property
    def display(self) -> str:
        return " ".join(p for p in (self.voornaam, self.tussenvoegsel, self.achternaam) if p)

    def name_forms(self) -> list[str]:
        """Every written form of the name that identifies this person.

        Full name, initials + surname, surname with and without tussenvoegsel (also
        capitalised, "De Vries"), and each part of a double surname.
        """
        tv = self.tussenvoegsel
        initials = self.voorletters or _initial_of(self.voornaam)
        surnames = [self.achternaam]
        parts = [p for p in re.split(r"\s*-\s*", self.achternaam) if p]
        if len(parts) > 1:
            surnames += parts
        forms: set[str] = set()
        for sn in surnames:
            full_sn = f"{tv} {sn}" if tv else sn
            forms.add(full_sn)
            if tv:
                forms.add(full_sn[0].upper() + full_sn[1:])
            forms.add(sn)
            if self.voornaam:
                forms.add(f"{self.voornaam} {full_sn}")
            if initials:
                forms.add(f"{initials} {full_sn}")
        return sorted(forms, key=len, reverse=True)

    def initials(self) -> set[str]:
        """Folded first letters this holder's given names can start with: every initial
        ("H.M." gives h and m) and the first letter of the first name."""
        out = {
            fold(x)[:2] if x.upper() == "IJ" else fold(x)[:1]
            for x in _INITIAL_SPLIT.findall(self.voorletters)
        }
        if self.voornaam:
            out.add(fold(self.voornaam)[:1])
        return {x for x in out if x}

    def contact_forms(self) -> list[str]:
        """E-mail address and phone number as registered."""
        return [x for x in (self.email, self.telefoon) if x]


#: Functions of civil servants: a public holder's surname right after (or, as an
#: apposition, right before) one of these names a civil servant, who is redacted.
#: ``ambtelijke_functies`` in the register file replaces this list.
CIVIL_SERVANT_ROLES = (
    "beleidsmedewerker",
    "beleidsadviseur",
    "beleidsondersteuner",
    "medewerker",
    "stafmedewerker",
    "adviseur",
    "communicatieadviseur",
    "juridisch adviseur",
    "jurist",
    "wetgevingsjurist",
    "analist",
    "onderzoeker",
    "projectleider",
    "projectmanager",
    "programmamanager",
    "programmadirecteur",
    "coördinator",
    "teamleider",
    "afdelingshoofd",
    "hoofd",
    "directeur",
    "directeur-generaal",
    "secretaris-generaal",
    "secretaris",
    "woordvoerder",
    "persvoorlichter",
    "voorlichter",
    "ambtenaar",
    "behandelaar",
    "ondersteuner",
    "managementassistent",
    "secretaresse",
    "stagiair",
    "stagiaire",
    "trainee",
)
_LABELS = (
    r"contactpersoon|contactpersonen|behandeld\s+door|opgesteld\s+door|auteur|steller|"
    r"paraaf|afzender|ondertekend\s+door|inlichtingen\s+bij|informatie\s+bij"
)
_ADDRESS = r"(?:mevrouw|mevr\.|mw\.|de\s+heer|dhr\.|mr\.|drs\.|dr\.|ir\.|ing\.|prof\.)"
_UNITS = (
    r"(?:directie|afdeling|cluster|team|programma|ministerie|DG[A-Z]\w*|"
    r"directoraat-generaal|bestuursdepartement)"
)

_INITIAL_SPLIT = re.compile(r"IJ|Th|Ph|Chr|[^\W\d_]")


def _initial_of(first_name: str) -> str:
    """The initial a letter writes for a first name: "Mark" -> "M.", "IJsbrand" -> "IJ."."""
    name = first_name.strip()
    if not name or not name[0].isalpha():
        return ""
    if name[:2].upper() == "IJ":
        return "IJ."
    return name[0].upper() + "."


_TV_WORDS = {
    "van",
    "de",
    "der",
    "den",
    "het",
    "ter",
    "ten",
    "te",
    "op",
    "in",
    "'t",
    "uit",
    "von",
    "du",
    "le",
    "la",
    "da",
    "del",
    "di",
    "dos",
    "el",
    "al",
    "bin",
    "ben",
    "'s",
    "v.d.",
}


def parse_name(naam: str, functie: str = "") -> Person:
    """A person from a written name: "Kees van der Staaij", "I.J.M. Michon-Derkzen",
    "Mutluer"."""
    tokens = naam.split()
    voorletters = ""
    voornaam: list[str] = []
    while tokens and re.fullmatch(r"(?:[A-ZÀ-Þ][a-z]?\.)+", tokens[0]):
        voorletters += tokens.pop(0)
    if not voorletters and len(tokens) > 1:
        voornaam.append(tokens.pop(0))
    tv: list[str] = []
    while len(tokens) > 1 and tokens[0].lower() in _TV_WORDS:
        tv.append(tokens.pop(0))
    return Person(
        achternaam=" ".join(tokens),
        voornaam=" ".join(voornaam),
        voorletters=voorletters,
        tussenvoegsel=" ".join(tv),
        functie=functie,
        publiek=True,
    )


_WORD_RE = re.compile(r"[^\W\d_][\w'’]*(?:[-‐‑][^\W\d_][\w'’]*)*\.?|(?:[A-ZÀ-Þ]\.){1,5}")


class PublicIndex:
    """Public office holders' name forms, looked up by words (fast for thousands of forms).

    A form matches when its words match the text's words with diacritics and case folded,
    except that a word the form writes with a capital must have one in the text ("Vos"
    the member, not "vos" the animal). Bare common surnames ("De Vries") count only when
    the document names that holder in full (see ``context``)."""

    def __init__(self, persons: list[Person], common: set[str]) -> None:
        self.forms: dict[tuple[str, ...], list[tuple[str, bool]]] = {}
        self.bare: set[str] = set()  # folded forms without first name or initials
        self.holders: dict[str, list[Person]] = {}  # folded bare form -> holders
        self.max_len = 1
        for p in persons:
            full = {
                f
                for f in p.name_forms()
                if len(f.split()) > 1 and (p.voornaam or p.voorletters) and not _is_bare(f, p)
            }
            derived = _initial_of(p.voornaam) if p.voornaam and not p.voorletters else ""
            for f in p.name_forms():
                bare = f not in full
                # "Dekker" alone is common, also as a part of "Dekker-Abdulaziz"; so is
                # "A. Bosman" for the holder André Bosman: one initial of a common name
                # is anybody's until the document names the holder in full
                weak = bare or bool(derived and f.startswith(derived + " "))
                common_bare = weak and fold(f.split()[-1]) in common
                key = tuple(_key(w) for w in _WORD_RE.findall(f))
                if not key:
                    continue
                if (f, common_bare) not in self.forms.get(key, []):
                    self.forms.setdefault(key, []).append((f, common_bare))
                if bare:
                    self.bare.add(fold(f))
                    self.holders.setdefault(fold(f), []).append(p)
                self.max_len = max(self.max_len, len(key))

    def spans(
        self, text: str, context: set[str] | None = None, contested: set[str] | None = None
    ) -> list[tuple[int, int]]:
        """Spans of public name forms in ``text``. A bare common surname counts only when
        in ``context``; a bare surname in ``contested`` (the document names a civil
        servant with it) does not count at all."""
        words = [(m.start(), m.end(), m.group(0)) for m in _WORD_RE.finditer(text)]
        keys = [_key(w) for _, _, w in words]
        out = []
        i = 0
        while i < len(words):
            hit = None
            for n in range(min(self.max_len, len(words) - i), 0, -1):
                cands = self.forms.get(tuple(keys[i : i + n]))
                if not cands:
                    continue
                for form, common_bare in cands:
                    if common_bare and fold(form) not in (context or set()):
                        continue
                    if contested and fold(form) in contested and fold(form) in self.bare:
                        continue
                    if _case_ok(form, [w for _, _, w in words[i : i + n]]):
                        hit = n
                        break
                if hit:
                    break
            if hit:
                s, e = words[i][0], words[i + hit - 1][1]
                if text[e - 1 : e] == "." and not re.search(r"[A-ZÀ-Þ]\.$", text[s:e]):
                    e -= 1
                out.append((s, e))
                i += hit
            else:
                i += 1
        return out


def _is_bare(form: str, p: Person) -> bool:
    """True for a form without the holder's first name or initials ("Van Weel")."""
    f = fold(form)
    initials = p.voorletters or _initial_of(p.voornaam)
    return not (p.voornaam and fold(p.voornaam) in f) and not (
        initials
        and f.startswith(fold(initials))
        or initials
        and fold(initials.replace(".", "")) in f.replace(".", "").replace(" ", "")
        and "." in form
    )


def _key(word: str) -> str:
    """A word as the index compares it; a possessive counts as its name ("Halsema's")."""
    word = _POSSESSIVE.sub("", word.rstrip("."))
    return fold(word).replace("‐", "-").replace("‑", "-")


_POSSESSIVE = re.compile(r"(?<=\w{3})['’]s$")


def _case_ok(form: str, words: list[str]) -> bool:
    fw = _WORD_RE.findall(form)
    for a, b in zip(fw, words, strict=False):
        if a[:1].isupper() and a.lower() not in _TV_WORDS and not b[:1].isupper():
            return False
    return True


@dataclass
class Register:
    """The loaded register, with compiled matchers."""

    ambtenaren: list[Person] = field(default_factory=list)
    publiek: list[Person] = field(default_factory=list)
    publieke_functies: list[str] = field(default_factory=list)
    source: str = ""
    niet_persoonlijk: list[str] = field(default_factory=list)
    organisatiewoorden: list[str] = field(default_factory=list)
    mailboxen: list[str] = field(default_factory=list)
    publieke_nummers: list[str] = field(default_factory=list)
    veelvoorkomend: list[str] = field(default_factory=list)
    partijen: list[str] = field(default_factory=list)
    functies_na_naam: list[str] = field(default_factory=list)
    meervoudige_functies: list[str] = field(default_factory=list)
    ambtelijke_functies: list[str] = field(default_factory=lambda: list(CIVIL_SERVANT_ROLES))
    organisatie: str = "Ministerie van Justitie en Veiligheid"
    sources: list[str] = field(default_factory=list)

    @cached_property
    def public_index(self) -> PublicIndex:
        return PublicIndex(self.publiek, {fold(x) for x in self.veelvoorkomend})

    def public_spans(
        self, text: str, context: set[str] | None = None, contested: set[str] | None = None
    ) -> list[tuple[int, int]]:
        return self.public_index.spans(text, context, contested)

    def is_bare_public(self, text: str) -> bool:
        """True when ``text`` is a public holder's surname alone (no first name, initials)."""
        return fold(strip_titles(text)) in self.public_index.bare

    def holders_named(self, text: str) -> list[Person]:
        """The public holders whose bare surname ``text`` is."""
        return self.public_index.holders.get(fold(strip_titles(text)), [])

    @cached_property
    def _not_personal_folded(self) -> set[str]:
        return {fold(x) for x in self.niet_persoonlijk}

    @cached_property
    def _places(self) -> set[str]:
        return _deduce_places()

    @cached_property
    def first_names(self) -> set[str]:
        """Folded Dutch first names (deduce's list), to tell "Peter de Jong" from
        "Indiener Wybren van Haga"."""
        return _deduce_list("names", "lst_first_name")

    @cached_property
    def surnames(self) -> set[str]:
        """Folded Dutch surnames (deduce's lists)."""
        return _deduce_list("names", "lst_surname") | _deduce_list("names", "lst_interfix_surname")

    def is_first_name(self, word: str) -> bool:
        return fold(word.strip(".,;:")) in self.first_names

    @cached_property
    def _org_words_folded(self) -> list[str]:
        return [fold(w) for w in self.organisatiewoorden]

    def not_personal(self, name: str, text: str = "", start: int = 0, end: int = 0) -> bool:
        """True for a span that is no person: a listed term, a place, an organisation."""
        f = fold(name).strip(" .,;:")
        if not f:
            return True
        if f in self._not_personal_folded:
            return True
        if (
            f in self._places
            or fold(re.sub(r"^(?:in|te|uit|naar|van)\s+", "", name)) in self._places
        ):
            return True
        last = fold(name.strip(" .,;:").split()[-1]) if name.split() else ""
        if last and any(
            last == w or (last.endswith(w) and len(w) > 4) for w in self._org_words_folded
        ):
            return True
        if text and end:
            # part of a listed term ("Stop Heling", "2511 DP Den Haag")
            terms = [t for t in self._not_personal_folded if f in t and len(t) > len(f)]
            if terms:
                window = fold(text[max(0, start - 40) : end + 40])
                return any(t in window for t in terms)
        return False

    def is_public_contact(self, value: str) -> bool:
        """Shared mailboxes (info@, postbus@ ...) and public numbers (0800, 0900, 14 0xx)."""
        v = value.strip()
        m = re.match(r"^([^@\s\[(]+)\s*(?:@|\[at\]|\(at\)|\{at\}|\s+at\s+)", v, re.I)
        if m:
            local = m.group(1).lower()
            parts = [x for x in re.split(r"[._\-+]", local) if x]
            boxes = {x.lower() for x in self.mailboxen}
            return bool(parts) and all(x in boxes or x.isdigit() for x in parts)
        digits = re.sub(r"\D", "", v)
        if v.startswith("+") or digits.startswith("0031"):
            return False
        for prefix in self.publieke_nummers:
            if prefix == "14" and digits.startswith("140") and len(digits) in (5, 6, 7):
                return True
            if prefix != "14" and digits.startswith(prefix):
                return True
        return False

    @cached_property
    def civil_servant_regex(self) -> re.Pattern[str] | None:
        return _compile([f for p in self.ambtenaren for f in p.name_forms()])

    @cached_property
    def function_regex(self) -> re.Pattern[str] | None:
        """Matches a public function word (plus an optional "van <Organisation>") at the end."""
        if not self.publieke_functies:
            return None
        words = "|".join(
            name_regex(f) for f in sorted(self.publieke_functies, key=len, reverse=True)
        )
        org = r"(?:\s+(?:van|voor)(?:\s+(?:en|de|het|der|den|van|voor|[A-ZÀ-Ý][\w'’-]*))+)?"
        return re.compile(rf"(?<!\w)(?:{words}){org}\s*,?\s*$")

    @cached_property
    def office_after_regex(self) -> re.Pattern[str] | None:
        """Matches, right after a name, a party in parentheses ("(VVD)") or a public
        function as an apposition (", Tweede Kamerlid", "(minister van ...")."""
        alts = []
        if self.partijen:
            parties = "|".join(re.escape(x) for x in sorted(self.partijen, key=len, reverse=True))
            alts.append(rf"\s*\(\s*(?:{parties})\s*\)")
        if self.functies_na_naam:
            funcs = "|".join(
                name_regex(x) for x in sorted(self.functies_na_naam, key=len, reverse=True)
            )
            alts.append(rf"\s*[,(]\s*(?:oud-)?(?:{funcs})(?![\w-])")
        if not alts:
            return None
        return re.compile("(?:" + "|".join(alts) + ")")

    @cached_property
    def plural_function_regex(self) -> re.Pattern[str] | None:
        """Matches, at the end of the text before a name, a plural function word and the
        names it governs so far ("de leden Kuik en ", "de burgemeesters Halsema, ")."""
        if not self.meervoudige_functies:
            return None
        words = "|".join(
            name_regex(x) for x in sorted(self.meervoudige_functies, key=len, reverse=True)
        )
        tv = r"(?:(?:[Vv]an|[Dd]e[nr]?|[Tt]e[nr]?|[Hh]et|'t|[Ii]n|[Oo]p)\s+)"
        name = rf"{tv}*[A-ZÀ-Ý][\w'’.-]*(?:\s+{tv}*[A-ZÀ-Ý][\w'’.-]*){{0,3}}"
        party = r"(?:\s*\([^()\n]{1,40}\))?"
        return re.compile(rf"(?<!\w)(?:{words})\s+(?:{name}{party}\s*(?:,|(?i:en)\b)\s*)+$")

    @cached_property
    def civil_servant_before_regex(self) -> re.Pattern[str]:
        """Matches, at the end of the text before a name, a civil servant's function or a
        contact label ("beleidsmedewerker ", "Contactpersoon: mevrouw ")."""
        roles = "|".join(
            name_regex(x) for x in sorted(self.ambtelijke_functies, key=len, reverse=True)
        )
        return re.compile(
            rf"(?i)(?<![\w-])(?:(?:senior|junior|plaatsvervangend|eerste|tweede)\s+)?"
            rf"(?:{roles}|{_LABELS})\s*[,:]?\s*(?:{_ADDRESS}\s+)*"
            rf"(?:(?:[A-ZÀ-Þ]\.\s?){{1,5}}|[A-ZÀ-Þ][\w'’]+(?:-[A-ZÀ-Þ][\w'’]+)?\s+)?"
            rf"(?:(?:van|de|der|den|ter|ten|te|het|'t|in|op|el)\s+){{0,3}}$"
        )

    @cached_property
    def civil_servant_after_regex(self) -> re.Pattern[str]:
        """Matches, right after a name, a civil servant's function as an apposition
        (", beleidsmedewerker", "(jurist") or the unit of a ministry ("van de directie")."""
        roles = "|".join(
            name_regex(x) for x in sorted(self.ambtelijke_functies, key=len, reverse=True)
        )
        return re.compile(
            rf"(?i)\s*(?:[,(]\s*(?:(?:senior|junior|plaatsvervangend)\s+)?(?:{roles})(?![\w-])|"
            rf"[,(]?\s*(?:van|bij)\s+(?:de\s+|het\s+)?{_UNITS}(?![\w-])|\(\s*{_UNITS}(?![\w-]))"
        )

    @cached_property
    def civil_servant_name_regexes(self) -> list[re.Pattern[str]]:
        """Names a text presents as civil servants', whether or not anyone is registered:
        after a function or label ("beleidsmedewerker Klopstra", "de woordvoerder van de
        minister, Duinberg", "Namens de minister van ..., Jan Duinberg") and before one as
        an apposition ("Vaarhof (jurist)", "Vaarhof, senior adviseur"). Group ``n``."""
        roles = "|".join(
            name_regex(x) for x in sorted(self.ambtelijke_functies, key=len, reverse=True)
        )
        tv = r"(?:(?:[Vv]an|[Dd]e[nr]?|[Tt]e[nr]?|[Hh]et|'t|[Ii]n|[Oo]p|[Ee]l)\s+)"
        sn = r"[A-ZÀ-Þ][\w'’]+(?:-(?:[a-z]+-)?[A-ZÀ-Þ][\w'’]+)*"
        simple = rf"(?:(?:[A-ZÀ-Þ]\.\s?){{1,5}}\s*)?{tv}{{0,3}}{sn}"
        name = (
            rf"(?:{_ADDRESS}\s+)*(?:(?:[A-ZÀ-Þ]\.\s?){{1,5}}\s*|[A-ZÀ-Þ][\w'’]+\s+)?"
            rf"{tv}{{0,3}}{sn}"
        )
        lead = r"(?i:(?<![\w-])(?:(?:senior|junior|plaatsvervangend|eerste|tweede)\s+)?"
        return [
            re.compile(
                rf"{lead}(?:{roles}|{_LABELS})(?:\s+van\s+(?:de|het)\s+[^,.;:\n]{{1,60}}?,)?)"
                rf"\s*[,:]?\s+(?P<n>{name})"
            ),
            re.compile(rf"(?i:(?<![\w-])namens)\s+[^,\n]{{3,80}},\s+(?P<n>{name})"),
            re.compile(
                rf"(?P<n>{simple})\s*[,(]\s*(?i:(?:senior|junior|plaatsvervangend)\s+)?"
                rf"(?i:{roles})(?![\w-])"
            ),
        ]

    @cached_property
    def public_folded(self) -> set[str]:
        """Folded public name forms, without bare common surnames ("de Vries")."""
        return {fold(f) for forms in self.public_index.forms.values() for f, c in forms if not c}

    @cached_property
    def common_bare_folded(self) -> set[str]:
        return {fold(f) for forms in self.public_index.forms.values() for f, c in forms if c}

    def is_public_name(
        self, text: str, context: set[str] | None = None, contested: set[str] | None = None
    ) -> bool:
        """True when ``text`` (titles stripped) is a form of a public person's name; a bare
        surname in ``contested`` (a civil servant of the document bears it) is not."""
        f = fold(strip_titles(text))
        if contested and f in contested and f in self.public_index.bare:
            return False
        return f in self.public_folded or bool(context and f in context)

    @cached_property
    def _context_forms(self) -> list[tuple[set[str], list[str]]]:
        """Per public holder with a common surname: (bare folded forms, full folded forms)."""
        out = []
        for p in self.publiek:
            if not p.voornaam and not p.voorletters:
                continue
            forms = p.name_forms()
            bare = {fold(f) for f in forms} & self.common_bare_folded
            if not bare:
                continue
            full = [
                fold(f)
                for f in forms
                if fold(f) not in self.common_bare_folded and len(f.split()) > 1
            ]
            out.append((bare, full))
        return out

    def context_for(self, texts: list[str]) -> set[str]:
        """Bare common surnames of public holders the texts name in full ("Hugo de Jonge"
        makes a later "De Jonge" public)."""
        out: set[str] = set()
        joined = fold("\n".join(texts))
        for bare, full in self._context_forms:
            if any(f in joined for f in full):
                out |= bare
        return out

    def civil_servant_needles(self) -> list[str]:
        """Strings that must never appear in a publication (for the leak check)."""
        out: list[str] = []
        for p in self.ambtenaren:
            out += p.name_forms() + p.contact_forms()
        return out


_TITLE_RE = re.compile(
    r"^(?:(?:mr|mw|mevr|mevrouw|dhr|de\s+heer|drs|dr|ir|ing|prof|bc|ba|ma|msc|lic)\.?\s+)+",
    re.IGNORECASE,
)


def strip_titles(text: str) -> str:
    """Remove leading titles and forms of address ("mr. drs.", "mevrouw")."""
    return _TITLE_RE.sub("", text.strip() + " ").strip()


def _compile(forms: list[str]) -> re.Pattern[str] | None:
    if not forms:
        return None
    unique = sorted(set(forms), key=len, reverse=True)
    alt = "|".join(name_regex(f) for f in unique)
    return re.compile(rf"(?<![\w@.])(?:{alt})(?![\w@])")


def default_register_path() -> Path:
    """``HICMONITOR_PERSONEN``, else ``content/personen.yaml`` in the working directory,
    else the repository's own ``content/personen.yaml``."""
    env = os.environ.get("HICMONITOR_PERSONEN")
    if env:
        return Path(env)
    here = Path.cwd() / "content" / "personen.yaml"
    if here.exists():
        return here
    return Path(__file__).resolve().parents[3] / "content" / "personen.yaml"


def load_register(path: str | Path | None = None) -> Register:
    """Load and validate the register YAML; bad entries raise ``InputError``."""
    p = Path(path) if path is not None else default_register_path()
    if not p.exists():
        raise HicError(f"{p}: personenregister niet gevonden")
    try:
        text = p.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(p, "geen geldige YAML", line=None if line is None else line + 1) from exc
    if not isinstance(data, dict):
        raise InputError(p, "verwacht de sleutels 'ambtenaren', 'publiek' en 'publieke_functies'")
    lines = text.splitlines()

    def persons(key: str, publiek: bool) -> list[Person]:
        out = []
        for i, entry in enumerate(data.get(key) or []):
            line = _find_line(lines, key, i)
            if not isinstance(entry, dict):
                raise InputError(p, "verwacht een persoon met velden", line=line, field=key)
            unknown = set(entry) - _FIELDS
            if unknown:
                raise InputError(p, "onbekend veld", line=line, field=sorted(unknown)[0])
            if not str(entry.get("achternaam") or "").strip():
                raise InputError(p, "achternaam ontbreekt", line=line, field="achternaam")
            out.append(
                Person(
                    **{k: str(v or "").strip() for k, v in entry.items()},
                    publiek=publiek,
                )
            )
        return out

    publiek = persons("publiek", True)
    sources = [str(p)]
    for rel in data.get("publieke_lijsten") or []:
        lst = p.parent / str(rel)
        if not lst.exists():
            raise InputError(p, f"lijst {rel} niet gevonden", field="publieke_lijsten")
        publiek += _read_public_list(lst)
        sources.append(str(lst))
    reg = Register(
        ambtenaren=persons("ambtenaren", False),
        publiek=publiek,
        publieke_functies=[str(x) for x in data.get("publieke_functies") or []],
        source=str(p),
        sources=sources,
    )
    cfg_path = p.parent / "woo.yaml"
    if not cfg_path.exists():
        cfg_path = Path(__file__).resolve().parents[3] / "content" / "woo.yaml"
    if cfg_path.exists():
        try:
            cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise InputError(cfg_path, "geen geldige YAML") from exc
        reg.niet_persoonlijk = [str(x) for x in cfg.get("niet_persoonlijk") or []]
        reg.organisatiewoorden = [str(x) for x in cfg.get("organisatiewoorden") or []]
        reg.mailboxen = [str(x) for x in cfg.get("gedeelde_mailboxen") or []]
        reg.publieke_nummers = [str(x) for x in cfg.get("publieke_nummers") or []]
        reg.veelvoorkomend = [str(x) for x in cfg.get("veelvoorkomende_achternamen") or []]
        reg.partijen = [str(x) for x in cfg.get("partijen") or []]
        reg.functies_na_naam = [str(x) for x in cfg.get("functies_na_naam") or []]
        reg.meervoudige_functies = [str(x) for x in cfg.get("meervoudige_functies") or []]
        reg.organisatie = str(cfg.get("organisatie") or reg.organisatie)
    if data.get("ambtelijke_functies"):
        reg.ambtelijke_functies = [str(x) for x in data["ambtelijke_functies"]]
    return reg


def _read_public_list(path: Path) -> list[Person]:
    import csv

    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "naam" not in reader.fieldnames:
            raise InputError(path, "kolom 'naam' ontbreekt", line=1, field="naam")
        for row in reader:
            naam = (row.get("naam") or "").strip()
            if not naam:
                raise InputError(path, "naam ontbreekt", line=reader.line_num, field="naam")
            out.append(parse_name(naam, (row.get("functie") or "").strip()))
    return out


def _deduce_places() -> set[str]:
    """Dutch place, municipality, province and region names from deduce's lookup lists."""
    import importlib.util

    spec = importlib.util.find_spec("deduce")
    out: set[str] = set()
    if spec is None or spec.origin is None:
        return out
    base = Path(spec.origin).parent / "data" / "lookup" / "src" / "locations" / "lst_placename"
    for sub in ("lst_municipality", "lst_province", "lst_region", "lst_residence"):
        f = base / sub / "items.txt"
        if f.exists():
            out |= {
                fold(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()
            }
    return out


def _deduce_list(group: str, name: str) -> set[str]:
    import importlib.util

    spec = importlib.util.find_spec("deduce")
    if spec is None or spec.origin is None:
        return set()
    f = Path(spec.origin).parent / "data" / "lookup" / "src" / group / name / "items.txt"
    if not f.exists():
        return set()
    return {fold(x) for x in f.read_text(encoding="utf-8").splitlines() if x.strip()}


def _find_line(lines: list[str], key: str, index: int) -> int | None:
    """Best-effort 1-based line of the index-th list item under ``key``."""
    in_key = False
    seen = -1
    for n, line in enumerate(lines, start=1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            in_key = True
            continue
        if in_key and re.match(r"^\S", line) and not line.lstrip().startswith("#"):
            in_key = False
        if in_key and re.match(r"^\s*-\s", line):
            seen += 1
            if seen == index:
                return n
    return None
