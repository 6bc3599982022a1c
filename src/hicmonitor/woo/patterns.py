"""Regular patterns for personal data in Dutch government texts.

E-mail addresses, Dutch phone numbers (+31, 070-..., 06-..., direct dial), initials with
tussenvoegsel and surname ("mr. J.P. de Vries"), labelled names ("Contactpersoon: ...")
and signature blocks after a closing formula. Pure functions on strings; each returns
``(start, end, klasse)`` triples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])",
)

# Candidates for phone numbers; validated on their digit count in ``phones``.
_PHONE_CAND_RE = re.compile(
    r"(?<![\w+/])(?:"
    r"(?:\+|00)\s?31[\s./-]?(?:\(0\)[\s./-]?)?\d(?:[\s./-]?\(?\d\)?){6,10}"
    r"|\(?0\d{1,3}\)?(?:\s?[\s./-]?\s?\d){5,10}"
    r")(?![\w-])"
)
_OBFUSCATED_EMAIL_RE = re.compile(
    r"(?i)(?<![\w.+-])[\w.+-]+\s*(?:\[at\]|\(at\)|\{at\}|\[@\]|\(@\)|\s+at\s+|\s+apenstaartje\s+)\s*"
    r"[\w-]+(?:\s*(?:\.|\[dot\]|\(dot\)|\[punt\]|\(punt\)|\s+dot\s+|\s+punt\s+)\s*[\w-]+)*"
    r"\s*(?:\.|\[dot\]|\(dot\)|\[punt\]|\(punt\)|\s+dot\s+|\s+punt\s+)\s*[A-Za-z]{2,}(?![\w-])"
)
_USER_PATH_RE = re.compile(
    r"(?i)(?:[a-z]:[\\/]+(?:users|documents and settings|gebruikers)[\\/]+|/users/|/home/|"
    r"\\\\[^\\\s]+\\(?:home|users|homedir)\$?\\)(?P<u>[^\\/\s\"'<>]+)"
)
_DIRECT_DIAL_RE = re.compile(
    r"(?i)(?<!\w)(?:toestel|tst\.|doorkies(?:nummer)?|interne?\s+nummer|tel\.\s*intern)"
    r"\s*:?\s*(?:nr\.?\s*)?\d{3,5}(?!\d)"
)

TUSSENVOEGSELS = (
    "van der|van den|van de|van het|van 't|van|de la|de|den|der|ter|ten|te|het|'t|op de|op|"
    "in 't|in de|in|uit de|uit|von|du|le|la|da|del|della|di|dos|el|al|bin|ben|v\\.d\\.|v\\."
)
_TITLES = r"(?:(?:mr|mw|mevr|dhr|drs|dr|ir|ing|prof|bc)\.?\s+|(?:mevrouw|de\s+heer)\s+)"
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_INITIAL_RE = re.compile(
    rf"(?<![\w.])(?:{_TITLES})*"
    rf"(?P<ini>(?:(?:Th|Ph|Chr|IJ|Ij|[{_UPPER}])\.\s?){{1,5}})\s?"
    rf"(?:(?P<tv>(?:{TUSSENVOEGSELS})\s+)|(?P<tvcap>(?:Van|De|Den|Der|Ter|Ten|Te|El|Al|Van\s+der|Van\s+den|Van\s+de)\s+))?"
    rf"(?P<sn>[{_UPPER}][\w'’]+(?:\s?[-‐]\s?[{_UPPER}][\w'’]+)*)",
)
_NOT_SURNAME = {
    "de",
    "het",
    "een",
    "dit",
    "deze",
    "die",
    "dat",
    "in",
    "op",
    "er",
    "zie",
    "met",
    "voor",
    "bij",
    "als",
    "en",
    "of",
    "om",
    "aan",
    "wij",
    "we",
    "ik",
    "u",
    "zij",
    "ze",
    "hij",
    "ook",
    "daarnaast",
    "tot",
    "naar",
    "nota",
    "bijlage",
    "artikel",
    "hoofdstuk",
    "paragraaf",
    "tabel",
    "figuur",
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "kamer",
    "kamerstukken",
    "nr",
    "zo",
    "wel",
    "niet",
    "geen",
    "vanaf",
    "sinds",
    "dus",
    "toen",
    "nu",
}

_LABEL_RE = re.compile(
    r"(?im)(?<!\w)(?:contactpersoon|contactpersonen|behandeld\s+door|opgesteld\s+door|"
    r"auteur|steller|paraaf|afzender|ondertekend\s+door|namens|w\.g\.)\s*:?[ \t]+"
    r"(?P<v>[^\n,;()]{2,60}?)\s*(?=$|[\n,;()])"
)
_CLOSING_RE = re.compile(
    r"(?i)^\s*(?:met\s+(?:vriendelijke|hartelijke)\s+groet(?:en)?|hoogachtend|"
    r"vriendelijke\s+groet(?:en)?|groet(?:en)?)\s*[,.]?\s*$"
)
_FUNCTION_WORDS = re.compile(
    r"(?i)\b(?:minister|staatssecretaris|burgemeester|directeur|directie|hoofd|afdeling|"
    r"medewerker|beleidsmedewerker|adviseur|manager|secretaris|analist|jurist|coördinator|"
    r"coordinator|ondersteuner|onderzoeker|programmamanager|projectleider|namens|ministerie|"
    r"justitie|veiligheid|taskforce|team|dg|dgpenv|voorzitter|plaatsvervangend)\b"
)
_NAMEISH_TOKEN = re.compile(
    rf"^(?:(?:Th|Ph|Chr|IJ|[{_UPPER}])\.(?:(?:Th|Ph|Chr|IJ|[{_UPPER}])\.)*|[{_UPPER}][\w'’.-]*|"
    rf"(?:{TUSSENVOEGSELS}))$"
)


def emails(text: str) -> Iterator[tuple[int, int, str]]:
    for m in EMAIL_RE.finditer(text):
        yield m.start(), m.end(), "e-mailadres"
    for m in _OBFUSCATED_EMAIL_RE.finditer(text):
        yield m.start(), m.end(), "e-mailadres"


def user_paths(text: str) -> Iterator[tuple[int, int, str]]:
    """The user name in a path such as C:\\Users\\jklaverblad\\..."""
    for m in _USER_PATH_RE.finditer(text):
        if m.group("u").lower() not in ("public", "default", "all users", "shared"):
            yield m.start("u"), m.end("u"), "gebruikersnaam"


def phones(text: str) -> Iterator[tuple[int, int, str]]:
    """Dutch phone numbers: 10 digits from 0, or +31/0031 followed by 9 digits."""
    for m in _PHONE_CAND_RE.finditer(text):
        s = m.group(0)
        start = m.start()
        if s.startswith("(") and ")" not in s:
            s, start = s[1:], start + 1
        digits = re.sub(r"\D", "", s)
        if s.startswith(("+", "00")):
            rest = digits[4:] if digits.startswith("0031") else digits[2:]
            if "(0)" in s:
                rest = rest[1:] if rest.startswith("0") else rest
            ok = len(rest) == 9
        else:
            ok = len(digits) == 10 or (digits[:4] in ("0800", "0900") and 8 <= len(digits) <= 11)
            # Reject ranges and dates written with digits only, e.g. "2019-2022", and
            # kamerstuk numbers "2021/22".
            ok = ok and not re.fullmatch(r"\d{4}\s?[-/]\s?\d{2,4}", s)
        if ok:
            yield start, m.end(), "telefoonnummer"
    for m in _DIRECT_DIAL_RE.finditer(text):
        yield m.start(), m.end(), "telefoonnummer"


def initials_names(text: str) -> Iterator[tuple[int, int, str]]:
    """Initials, optional tussenvoegsel and surname, with leading titles: "mr. J.P. de Vries"."""
    for m in _INITIAL_RE.finditer(text):
        sn = m.group("sn")
        first = re.split(r"[-‐\s]", sn)[0]
        if first.casefold() in _NOT_SURNAME:
            continue
        yield m.start(), m.end(), "naam"


def labelled_names(text: str) -> Iterator[tuple[int, int, str]]:
    """The value after a label such as "Contactpersoon:" or "w.g." when it looks like a name."""
    for m in _LABEL_RE.finditer(text):
        value = m.group("v").strip()
        if value and looks_like_name(value):
            start = m.start("v")
            yield start, start + len(value), "naam"


def looks_like_name(line: str) -> bool:
    """A short line of capitalised tokens, initials and tussenvoegsels, without function words."""
    s = line.strip().rstrip(",.")
    if not s or any(ch.isdigit() for ch in s) or _FUNCTION_WORDS.search(s):
        return False
    tokens = re.findall(r"\S+", re.sub(_TITLES, "", s, flags=re.IGNORECASE))
    if not 1 <= len(tokens) <= 6:
        return False
    if len(tokens) == 1 and not (tokens[0][:1].isupper() and len(tokens[0]) >= 2):
        return False
    return all(_NAMEISH_TOKEN.match(t) for t in tokens) and tokens[0][:1].isupper()


def closing_formula(text: str) -> bool:
    """True for a closing formula after which a signature follows ("Met vriendelijke groet,")."""
    return bool(_CLOSING_RE.match(text))


def all_patterns(text: str) -> list[tuple[int, int, str]]:
    """Every pattern hit in one text."""
    return [
        *emails(text),
        *phones(text),
        *initials_names(text),
        *labelled_names(text),
        *user_paths(text),
    ]
