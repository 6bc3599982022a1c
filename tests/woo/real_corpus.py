"""Real published Kamerstuk text as Word documents (issue 15, over-redaction).

`real/kamerstukken.yaml` holds paragraphs of public government documents (Kamerbrieven,
Handelingen, moties, a published beslisnota) with their source addresses and the names of
the public office holders they mention. Each source becomes one DOCX (title as heading,
one paragraph per quoted paragraph), written with the tests' own writer. A few documents
get planted civil servant data (a contact line, an e-mail address, a direct number) so the
run also shows that real text does not hide real personal data from the detector; and a
few get public numbers and shared mailboxes that must stay. Every other redaction box on
this text covers no personal data: it is an over-redaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .docxbuild import Doc, heading, para

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "real" / "kamerstukken.yaml"

# Planted civil servants (fictional): (contact line, the strings that must be redacted).
PLANTED = [
    ("Contactpersoon: drs. H.W. Kroosbeek-Vanderzand", ["Kroosbeek-Vanderzand"]),
    (
        "Voor vragen kunt u contact opnemen met Marit Zeelenberg-Oost, telefoon 06-41529376.",
        ["Zeelenberg-Oost", "06-41529376"],
    ),
    (
        "Behandeld door: Tjalling Wierdsmaat (t.wierdsmaat@minjenv.example, toestel 4417)",
        ["Wierdsmaat", "t.wierdsmaat@minjenv.example", "4417"],
    ),
]
# Public contact data as real letters print it: must stay visible.
PUBLIC_CONTACT = [
    "Informatie over heling en Stop Heling: 0900-8844 of postbus@minjenv.example.",
    "Meld een misdrijf anoniem via Meld Misdaad Anoniem, 0800-7000, of info@meldmisdaadanoniem.example.",
]


@dataclass
class RealDoc:
    source: str
    title: str
    paragraphs: list[str]
    public: list[str]
    planted: list[str] = field(default_factory=list)  # strings that must be redacted
    public_contact: list[str] = field(default_factory=list)
    vanaf: str | None = None


def load() -> list[RealDoc]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    docs = [
        RealDoc(d["bron"], d["titel"], [str(p) for p in d["alineas"]], list(d.get("publiek") or []))
        for d in data
    ]
    for i, (line, secrets) in enumerate(PLANTED):
        target = docs[(i * 11 + 3) % len(docs)]
        target.paragraphs.append(line)
        target.planted += secrets
    for i, line in enumerate(PUBLIC_CONTACT):
        target = docs[(i * 7 + 5) % len(docs)]
        target.paragraphs.append(line)
        target.public_contact.append(line)
    for d in docs:
        if any(re.match(r"(?i)^beslisnota\b", p) for p in d.paragraphs[:15]):
            d.vanaf = "geen"  # the published memo without its section 5
    return docs


def to_docx(doc: RealDoc, path: Path) -> Path:
    body = [heading(doc.title, 1)] + [para(p) for p in doc.paragraphs]
    return Doc(body=body, core={"dc:title": doc.title}).save(path)


def fold(text: str) -> str:
    d = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in d if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", out.replace("\u00ad", "")).casefold()


def count_mentions(name: str, text: str) -> int:
    """Occurrences of a name as a word sequence (case-sensitive first letter kept loose)."""
    return len(re.findall(rf"(?<!\w){re.escape(fold(name))}(?!\w)", fold(text)))
