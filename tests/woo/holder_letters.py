"""Letters that name public office holders the way real letters do, with holders drawn
from the public lists (content/publiek/*.csv), and civil servants who share a holder's
surname (issue 15, point 4). Built by the tests with their own writer (docxbuild).

Every holder is kept wherever named: a bare surname before any function word ("Halsema
noemde ..."), a possessive ("Halsema's"), initials ("D.M. van Weel"), a capitalised
tussenvoegsel at the start of a sentence ("Van der Burg"), a double surname and its parts,
"het lid X", "de leden X en Y", the first name of a holder listed by initials only ("Henri
Bontenbal"). A civil servant named as such ("Contactpersoon: ...", "beleidsmedewerker X",
"X, senior adviseur bij de directie ...", a signature) is redacted even when a holder bears
the same surname. Holders are drawn per seed, so the builders catch the class, not one name.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import yaml

from .classes import BACKGROUND, FIRST, Case
from .docxbuild import Doc, heading, para

ROOT = Path(__file__).resolve().parents[2]
PUBLIEK = ROOT / "content" / "publiek"

# Surnames that are also ordinary words or too short to be a fair test of a bare mention.
_WORDS = {
    "boon",
    "born",
    "pool",
    "ram",
    "white",
    "deen",
    "joseph",
    "holman",
    "esser",
    "visser",
    "smit",
    "kok",
    "bos",
    "vos",
    "groot",
    "klein",
    "wit",
    "berg",
    "kamp",
    "veld",
    "haan",
}


def _rows(name: str) -> list[dict[str, str]]:
    with (PUBLIEK / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _common() -> set[str]:
    data = yaml.safe_load((ROOT / "content" / "woo.yaml").read_text(encoding="utf-8"))
    return {str(x).casefold() for x in data.get("veelvoorkomende_achternamen") or []}


_TV = {"van", "de", "der", "den", "het", "ter", "ten", "te", "'t", "op", "in", "el"}


def split_name(naam: str) -> tuple[str, str, str]:
    """(first name or initials, tussenvoegsel, surname) of a list name."""
    tokens = naam.split()
    head = []
    while len(tokens) > 1 and (re.fullmatch(r"(?:[A-ZÀ-Þ][a-z]?\.)+", tokens[0]) or not head):
        if tokens[0].lower() in _TV:
            break
        head.append(tokens.pop(0))
        if not re.fullmatch(r"(?:[A-ZÀ-Þ][a-z]?\.)+", head[-1]):
            break
    tv = []
    while len(tokens) > 1 and tokens[0].lower() in _TV:
        tv.append(tokens.pop(0))
    return " ".join(head), " ".join(tv), " ".join(tokens)


def bare(naam: str, *, start: bool = False) -> str:
    """The bare surname as a letter writes it ("Van der Burg" at the start of a sentence
    and without a first name)."""
    _, tv, sn = split_name(naam)
    if not tv:
        return sn
    return f"{tv[0].upper()}{tv[1:]} {sn}"


def _pool(name: str, rng: random.Random, *, n: int, exclude: set[str]) -> list[str]:
    """``n`` list names whose surname is a fair bare mention: not common, not a word, not
    shared by another listed person, not excluded."""
    common = _common()
    by_surname: dict[str, set[str]] = {}
    names = sorted({r["naam"] for r in _rows(name)})
    for rname in (
        r["naam"] for f in ("tweede_kamer", "bewindspersonen", "burgemeesters") for r in _rows(f)
    ):
        _, tv, sn = split_name(rname)
        by_surname.setdefault(sn.casefold(), set()).add(rname)
    good = []
    seen: set[str] = set()
    for naam in names:
        first, tv, sn = split_name(naam)
        low = sn.casefold()
        if low in seen:
            continue
        seen.add(low)
        if (
            not first
            or len(sn) < 5
            or " " in sn
            or low in common
            or low in _WORDS
            or low.split("-")[0] in common
            or low in exclude
            or not sn[:1].isupper()
        ):
            continue
        firsts = {split_name(x)[0] for x in by_surname.get(low, ())}
        if len({f[:1] for f in firsts}) > 1:
            continue  # two holders with this surname: not a fair test of one
        good.append(naam)
    rng.shuffle(good)
    return good[:n]


def _letter(title: str, *body: str) -> Doc:
    return Doc(body=[heading(title), *(b if b.startswith("<") else para(b) for b in body)])


def build_letters(seed: int = 15) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    bg = BACKGROUND
    used: set[str] = set()

    # 1. mayors by bare surname, before any function word
    fixed = ["Femke Halsema", "Ahmed Marcouch", "Wouter Kolff"]
    mayors = fixed + _pool("burgemeesters", rng, n=3, exclude={"halsema", "marcouch", "kolff"})
    s = [bare(m) for m in mayors]
    used |= {split_name(m)[2].casefold() for m in mayors}
    lines = [
        f"{s[0]} noemde de aanpak van woninginbraken in haar stad een succes.",
        f"{s[1]} en {s[2]} steunden het voorstel om de winkelstraten beter te verlichten.",
        f"Volgens {s[3]} is de daling van het aantal overvallen blijvend.",
        f"In het overleg wees {s[4]} op de rol van de regionale informatie-eenheid.",
        f"{s[5]} vroeg om extra middelen; {s[0]}'s reactie volgt.",
    ]
    out.append(
        Case(
            "brief-burgemeesters-kaal",
            _letter("Verslag bestuurlijk overleg High Impact Crimes", bg[0], *lines),
            [],
            public=[
                s[0],
                f"{s[1]} en {s[2]}",
                f"Volgens {s[3]}",
                f"wees {s[4]} op",
                f"{s[5]} vroeg",
                f"{s[0]}'s",
            ],
            keep=[bg[0]],
            hidden=False,
        )
    )

    # 2. ministers and state secretaries in the forms letters use
    with_tv = [n for n in _pool("bewindspersonen", rng, n=400, exclude=used) if split_name(n)[1]][
        :2
    ]
    plain = [n for n in _pool("bewindspersonen", rng, n=400, exclude=used) if not split_name(n)[1]][
        :2
    ]
    used |= {split_name(m)[2].casefold() for m in with_tv + plain}
    lines = [
        "De minister van Justitie en Veiligheid, D.M. van Weel, stuurt de Kamer deze brief.",
        "Yeşilgöz-Zegerius kondigde het plan aan; Yeşilgöz was toen minister.",
        f"{bare(with_tv[0], start=True)} heeft de eerdere brief ondertekend.",
        f"Daarna nam {bare(with_tv[1], start=True)} het dossier over van {bare(plain[0])}.",
        f"Het kabinet verwijst naar de toezegging van {split_name(plain[1])[0]} {split_name(plain[1])[2]}.",
        "De minister van Justitie en Veiligheid,",
        "D.M. van Weel",
    ]
    out.append(
        Case(
            "brief-bewindspersonen-vormen",
            _letter("Voortgangsbrief aanpak ram- en plofkraken", bg[1], *lines),
            [],
            public=[
                "D.M. van Weel",
                "Yeşilgöz-Zegerius",
                "Yeşilgöz was",
                bare(with_tv[0], start=True),
                bare(with_tv[1], start=True),
                bare(plain[0]),
                split_name(plain[1])[2],
            ],
            keep=[bg[1]],
            hidden=False,
        )
    )

    # 3. members of parliament in a motion and a report of a debate
    mps = _pool("tweede_kamer", rng, n=4, exclude=used)
    used |= {split_name(m)[2].casefold() for m in mps}
    b = [bare(m) for m in mps]
    lines = [
        "De Kamer, gehoord de beraadslaging,",
        f"verzoekt de regering de motie uit te voeren, en gaat over tot de orde van de dag. {b[0]}",
        f"Het lid {b[1]} vroeg naar de cijfers over straatroof.",
        f"De leden {b[2]} en {b[3]} dienden een amendement in.",
        f"{b[1]} vond het antwoord onvoldoende; {b[2]} sloot zich daarbij aan.",
        "Het lid Mutluer vroeg de minister om een jaarlijkse rapportage.",
    ]
    out.append(
        Case(
            "motie-en-verslag-leden",
            _letter("Motie over de aanpak van straatroof", bg[2], *lines),
            [],
            public=[
                b[0],
                f"Het lid {b[1]}",
                f"De leden {b[2]} en {b[3]}",
                f"{b[1]} vond",
                f"{b[2]} sloot",
                "Mutluer",
            ],
            keep=[bg[2]],
            hidden=False,
        )
    )

    # 4. holders listed by initials only, named with their own first name
    lines = [
        "Henri Bontenbal sprak in het debat over de begroting.",
        "Ook Gideon van Meijeren en Stephan van Baarle voerden het woord.",
        "Claudia van Zanten diende een motie in.",
    ]
    out.append(
        Case(
            "leden-met-voornaam-bij-initialen",
            _letter("Verslag plenair debat", bg[3], *lines),
            [],
            public=[
                "Henri Bontenbal",
                "Gideon van Meijeren",
                "Stephan van Baarle",
                "Claudia van Zanten",
            ],
            keep=[bg[3]],
            hidden=False,
        )
    )

    # 5. civil servants who share a holder's surname, named as civil servants
    namesakes = _pool("tweede_kamer", rng, n=4, exclude=used)
    used |= {split_name(m)[2].casefold() for m in namesakes}
    sn = [split_name(m)[2] for m in namesakes]
    firsts = rng.sample([f for f in FIRST if " " not in f], 4)
    lines = [
        f"Contactpersoon: {firsts[0]} {sn[0]}",
        f"De cijfers zijn aangeleverd door beleidsmedewerker {sn[1]}.",
        f"{sn[2]}, senior adviseur bij de directie Veiligheid, heeft de tabel gecontroleerd.",
        bg[0],
        "Met vriendelijke groet,",
        f"{firsts[3]} {sn[3]}",
    ]
    out.append(
        Case(
            "ambtenaren-met-naam-van-kamerlid",
            _letter("Notitie cijfers woninginbraak", *lines),
            [sn[0], sn[1], sn[2], sn[3]],
            keep=[bg[0], "senior adviseur bij de directie Veiligheid"],
            hidden=False,
        )
    )

    # 6. a civil servant who shares a holder's surname, next to other holders named bare
    other = _pool("tweede_kamer", rng, n=3, exclude=used)
    used |= {split_name(m)[2].casefold() for m in other}
    cs = split_name(other[0])[2]
    h1, h2 = bare(other[1]), bare(other[2])
    lines = [
        f"{h1} vroeg in het commissiedebat naar de aanpak van heling.",
        f"{cs} (beleidsmedewerker) zoekt uit welke gemeenten meedoen; {cs} meldt de uitkomst.",
        f"Het lid {h2} steunde de vraag van {h1}.",
    ]
    out.append(
        Case(
            "ambtenaar-naast-kamerleden",
            _letter("Notitie heling", bg[1], *lines),
            [cs],
            public=[f"{h1} vroeg", f"Het lid {h2}", f"vraag van {h1}"],
            keep=[bg[1]],
            hidden=False,
        )
    )
    return out
