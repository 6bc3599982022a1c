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
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ı", "i").replace("ø", "o").replace("ß", "ss")
    return re.sub(r"\s+", " ", stripped).strip().casefold()


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
            if self.voorletters:
                forms.add(f"{self.voorletters} {full_sn}")
        return sorted(forms, key=len, reverse=True)

    def contact_forms(self) -> list[str]:
        """E-mail address and phone number as registered."""
        return [x for x in (self.email, self.telefoon) if x]


@dataclass
class Register:
    """The loaded register, with compiled matchers."""

    ambtenaren: list[Person] = field(default_factory=list)
    publiek: list[Person] = field(default_factory=list)
    publieke_functies: list[str] = field(default_factory=list)
    source: str = ""

    @cached_property
    def civil_servant_regex(self) -> re.Pattern[str] | None:
        return _compile([f for p in self.ambtenaren for f in p.name_forms()])

    @cached_property
    def public_regex(self) -> re.Pattern[str] | None:
        return _compile([f for p in self.publiek for f in p.name_forms()])

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
    def public_folded(self) -> set[str]:
        return {fold(f) for p in self.publiek for f in p.name_forms()}

    def is_public_name(self, text: str) -> bool:
        """True when ``text`` (titles stripped) is a form of a public person's name."""
        return fold(strip_titles(text)) in self.public_folded

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

    return Register(
        ambtenaren=persons("ambtenaren", False),
        publiek=persons("publiek", True),
        publieke_functies=[str(x) for x in data.get("publieke_functies") or []],
        source=str(p),
    )


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
