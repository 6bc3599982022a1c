"""A labelled corpus of memos: person mentions with their role, built from templates.

Labels come from construction: every inserted mention is recorded as civil servant
(to be redacted) or public office holder (to stay visible). Civil servants are partly in
the register and partly not (those must be found by patterns or deduce); office holders
are partly in the register and partly known only by their function word.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from .docxbuild import Doc, heading, para, run, table

# Registered civil servants (content/personen.yaml) in various written forms.
REGISTERED = [
    ("Jorinde Klaverblad", "Klaverblad"),
    ("J.M. Klaverblad", "Klaverblad"),
    ("mevrouw Klaverblad", "Klaverblad"),
    ("Pieter-Bas van der Wolkenveld", "Wolkenveld"),
    ("mr. P.B. van der Wolkenveld", "Wolkenveld"),
    ("Van der Wolkenveld", "Wolkenveld"),
    ("Saskia ten Zonnebloemhof", "Zonnebloemhof"),
    ("S. ten Zonnebloemhof", "Zonnebloemhof"),
    ("Mehmet Yıldızoğlu-Brakveld", "Brakveld"),
    ("drs. A.C.W. de Vlinderhaven", "Vlinderhaven"),
    ("Anouk de Vlinderhaven", "Vlinderhaven"),
    ("Geertruida Pannekoekstra", "Pannekoekstra"),
    ("Thijs van 't Klokkenspel", "Klokkenspel"),
    ("Zoë Kersenboom", "Kersenboom"),
    ("R.J. van den Heuvelrug-Stroop", "Heuvelrug"),
    ("Fenna Ijsvogelaar", "Ijsvogelaar"),
    ("Björn Sneeuwklokje", "Sneeuwklokje"),
    ("Noor el Mouwahidi-Korenbloem", "Korenbloem"),
    ("Wessel Dwarrelwind", "Dwarrelwind"),
    ("I.M. Zeegroenhuis", "Zeegroenhuis"),
    ("Kübra Şahinbloem", "Şahinbloem"),
]
# Civil servants not in the register: deduce and the patterns must find them.
UNREGISTERED_FIRST = [
    "Lotte",
    "Bram",
    "Sanne",
    "Daan",
    "Fleur",
    "Ruben",
    "Eva",
    "Thomas",
    "Iris",
    "Joris",
    "Femke",
    "Niels",
    "Esther",
    "Martijn",
    "Anne",
    "Koen",
    "Merel",
    "Jeroen",
    "Laura",
    "Sander",
    "Yasmina",
    "Özlem",
    "Hüseyin",
]
UNREGISTERED_LAST = [
    "Verhoef",
    "de Graaf",
    "Mulder",
    "Vermeulen",
    "van Dijk",
    "Hendriks",
    "Brouwer",
    "de Boer",
    "Dekker",
    "Kuipers",
    "van Leeuwen",
    "Dijkstra",
    "Smits",
    "de Jong",
    "Postma",
    "Veenstra",
    "Kramer",
    "Bosman",
    "Schouten",
    "van der Linden",
    "Yılmaz",
    "Öztürk",
    "El Idrissi",
]
UNREG_FORMS = [
    "{f} {l}",
    "{i}. {l}",
    "mevrouw {i}. {l}",
    "de heer {l_cap}",
    "drs. {i}. {l}",
    "collega {l_cap}",
    "{f} {l}",
]
# Public office holders: registered ones, and unregistered ones after a function word.
PUBLIC = [
    ("minister Grapperhaus", "Grapperhaus"),
    ("mr. F.B.J. Grapperhaus", "Grapperhaus"),
    ("minister Yeşilgöz-Zegerius", "Yeşilgöz-Zegerius"),
    ("Dilan Yeşilgöz-Zegerius", "Yeşilgöz-Zegerius"),
    ("minister Van Weel", "Van Weel"),
    ("David van Weel", "van Weel"),
    ("minister Weerwind", "Weerwind"),
    ("Ivo Opstelten", "Opstelten"),
    ("oud-minister Hirsch Ballin", "Hirsch Ballin"),
    ("burgemeester Aboutaleb", "Aboutaleb"),
    ("Ahmed Aboutaleb", "Aboutaleb"),
    ("burgemeester Hamming", "Hamming"),
    ("Burgemeester Hamming", "Hamming"),
    ("burgemeester Halsema", "Halsema"),
    ("staatssecretaris Struycken", "Struycken"),
    ("burgemeester Dijksma", "Dijksma"),
    ("Kamerlid Ellian", "Ellian"),
    ("burgemeester Bruls", "Bruls"),
    ("wethouder Moorman", "Moorman"),
    ("korpschef Van Essen", "Van Essen"),
]

SENTENCES = [
    "Het overleg met {cs} en {pub} over de aanpak van overvallen is goed verlopen.",
    "{cs} heeft de cijfers over woninginbraken voor 2023 geanalyseerd.",
    "Op verzoek van {pub} heeft {cs} een notitie opgesteld over straatroof.",
    "In het Bestuurlijk Overleg lichtte {pub} de lokale aanpak van ram- en plofkraken toe.",
    "De conceptbrief is afgestemd met {cs} (directie Veiligheid).",
    "Volgens {cs} is de daling van geweldsdelicten deels een Covid-effect.",
    "{pub} heeft de Tweede Kamer toegezegd de voortgang jaarlijks te melden.",
    "Voor vragen kunt u contact opnemen met {cs}.",
    "Tijdens het werkbezoek sprak {pub} met {cs} over de Taskforce Overvallen.",
    "De motie is uitgevoerd; {cs} houdt de monitor bij.",
]


@dataclass
class Mention:
    text: str
    key: str  # the part that must disappear (civil servant) or stay (public)
    role: str  # "ambtenaar" or "publiek"


@dataclass
class LabelledDoc:
    name: str
    doc: Doc
    mentions: list[Mention] = field(default_factory=list)


def _unregistered(rng: random.Random) -> Mention:
    f = rng.choice(UNREGISTERED_FIRST)
    last = rng.choice(UNREGISTERED_LAST)
    form = rng.choice(UNREG_FORMS)
    l_cap = last[0].upper() + last[1:]
    text = form.format(f=f, l=last, i=f[0], l_cap=l_cap)
    key = last.split()[-1]
    return Mention(text, key, "ambtenaar")


def build(n_docs: int = 22, seed: int = 20240601) -> list[LabelledDoc]:
    """Memos with at least 10 labelled mentions each."""
    rng = random.Random(seed)
    docs = []
    for d in range(n_docs):
        ld = LabelledDoc(f"memo{d:02d}", Doc())
        body = [heading(f"Beslisnota {d + 1}: voortgang aanpak High Impact Crimes")]

        def cs() -> Mention:
            if rng.random() < 0.55:
                text, key = rng.choice(REGISTERED)
                return Mention(text, key, "ambtenaar")
            return _unregistered(rng)

        def pub() -> Mention:
            text, key = rng.choice(PUBLIC)
            return Mention(text, key, "publiek")

        for _ in range(6):
            tpl = rng.choice(SENTENCES)
            m_cs, m_pub = cs(), pub()
            text = tpl.format(cs=m_cs.text, pub=m_pub.text)
            if "{cs}" in tpl:
                ld.mentions.append(m_cs)
            if "{pub}" in tpl:
                ld.mentions.append(m_pub)
            # Sometimes split the paragraph into runs in the middle of a name.
            if rng.random() < 0.3 and len(text) > 20:
                k = text.find(m_cs.text) + 3 if "{cs}" in tpl else len(text) // 2
                body.append(para(run(text[:k]), run(text[k:], bold=True)))
            else:
                body.append(para(text))
        m1, m2 = cs(), cs()
        body.append(table([["Opsteller", m1.text], ["Paraaf", m2.text]]))
        ld.mentions += [m1, m2]
        m3 = cs()
        ld.doc.header = [para(f"Contactpersoon: {m3.text}")]
        ld.mentions.append(m3)
        if rng.random() < 0.5:
            first, last = rng.choice(UNREGISTERED_FIRST), rng.choice(UNREGISTERED_LAST)
            m4 = Mention(f"{first} {last}", last.split()[-1], "ambtenaar")
            body += [
                para("Met vriendelijke groet,"),
                para(""),
                para(m4.text),
                para("Beleidsmedewerker HIC"),
            ]
            ld.mentions.append(m4)
        ld.doc.body = body
        docs.append(ld)
    return docs


def save_all(docs: list[LabelledDoc], folder: Path) -> list[Path]:
    return [ld.doc.save(folder / f"{ld.name}.docx") for ld in docs]
