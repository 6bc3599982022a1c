"""The 2023 report built from the example spec carries the decisions of the published memo of
18 December 2023 (kenmerk 5074177), and its synthesis states the memo's three claims, each
backed by the numbers it cites (recomputed here from the raw CSV)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import statsmodels.api as sm

from tests.trends import raw

from .readback import docx_items, docx_text, parse_html, pdf_pages, squash

CATS = ("woninginbraak", "straatroof", "overval", "geweld")
PLURAL = {
    "woninginbraak": "woninginbraken",
    "straatroof": "straatroven",
    "overval": "overvallen",
    "geweld": "geweldsdelicten",
}


def approx(p: float) -> str:
    p = abs(p)
    r = math.floor(p + 0.5)
    word = "ruim " if p - r > 0.05 else "bijna " if r - p > 0.05 else ""
    return f"{word}{r}%"


def nl(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def texts(outputs, kind: str) -> dict[str, str]:
    return {
        "docx": docx_text(outputs[f"{kind}.docx"]),
        "pdf": squash(" ".join(pdf_pages(outputs[f"{kind}.pdf"], "body"))),
        "html": squash(" ".join(parse_html(outputs[f"{kind}.html"]).text)),
    }


def section(items: list[tuple[str, str]], heading: str) -> str:
    """The text under a heading up to the next heading of the same or a higher level."""
    start = next(i for i, (_, t) in enumerate(items) if t == heading)
    level = items[start][0]
    out = []
    for kind, text in items[start + 1 :]:
        if kind.startswith("heading") and kind <= level:
            break
        out.append(text)
    return squash(" ".join(out))


@pytest.fixture(scope="module")
def memo(outputs) -> list[tuple[str, str]]:
    return docx_items(outputs["beslisnota.docx"])


def test_both_signatories_and_both_addressees(outputs, memo):
    kern = section(memo, "3 Kernpunten")
    assert "De brief wordt ondertekend door MJenV en MRb." in kern
    for text in texts(outputs, "beslisnota").values():
        assert "De minister van Justitie en Veiligheid" in text
        assert "De minister voor Rechtsbescherming" in text
    letter = texts(outputs, "kamerbrief")
    for text in letter.values():
        assert "De minister van Justitie en Veiligheid," in text
        assert "De minister voor Rechtsbescherming," in text
        # two signatories: the letter says "wij", never "ik"
        assert re.search(r"\bwij\b", text) and not re.search(r"\b[Ii]k\b", text)


def test_the_four_follow_ups_with_mutluer_deferred(memo):
    aanleiding = section(memo, "1 Aanleiding")
    assert "Start van de pilot met de re-integratieofficier" in aanleiding
    assert "Kwaliteitskader voor effectieve interventies" in aanleiding
    assert "succesfactoren voor kwetsbare groepen" in aanleiding
    assert re.search(
        r"Motie Mutluer[^.]*Cybercrime[^:]*: hierop wordt ingegaan in de eerstvolgende "
        r"voortgangsrapportage over de integrale aanpak van cybercrime",
        aanleiding,
    )
    assert "meldt de voortgang; de toezegging loopt nog" in aanleiding  # kwaliteitskader


def test_the_advice(memo):
    advice = section(memo, "2 Geadviseerd besluit")
    assert "te ondertekenen en in te stemmen met de verzending ervan aan de Tweede Kamer" in advice


def test_five_legislative_tracks_with_decrees_and_regulations(outputs, memo):
    juridisch = section(memo, "4.3 Juridische overwegingen")
    for part in (
        "Wet middelenonderzoek bij geweldplegers (WMG) met het Besluit en de Regeling",
        "Wetsvoorstel alcoholmeter",
        "(DOR en DOL verplicht) (Kamerstuk 36036)",
        "Ontwerpbesluit Digitaal Opkopersregister en Digitaal Opkopersloket",
        "Wet gegevensverwerking door samenwerkingsverbanden (WGS) en het bijbehorende besluit "
        "(Kamerstuk 35447)",
    ):
        assert part in juridisch, part
    bullets = [t for k, t in memo[memo.index(("heading2", "4.3 Juridische overwegingen")) :]][1:]
    assert sum(1 for t in bullets[:7] if t.endswith(".")) >= 5
    # dates in Dutch, as known on the letter's date
    assert "voorbereiding sinds mei 2020" in juridisch
    assert "Tweede Kamer sinds 17 december 2020" in juridisch  # WGS: Eerste Kamer only in 2024
    assert "in werking sinds 1 januari 2017" in juridisch
    letter = texts(outputs, "kamerbrief")["docx"]
    wetgeving = letter[letter.index("4 Wetgeving") : letter.index("5 Moties en toezeggingen")]
    assert wetgeving.count("Stand:") == 5


def test_the_partners_of_the_krachtenveld(memo):
    kracht = section(memo, "4.4 Krachtenveld")
    for partner in (
        "Zaanstad",
        "Taskforce Overvallen",
        "politie",
        "Openbaar Ministerie",
        "detailhandel",
        "Koninklijke Horeca Nederland",
        "Nederlandse Vereniging van Banken",
        "juweliersbranche",
        "VNO-NCW",
        "MKB-Nederland",
        "VWS, BZK, SZW en OCW",
        "WODC",
        "Nederlands Jeugdinstituut",
    ):
        assert partner in kracht, partner


def test_before_the_christmas_recess_and_the_local_domain_first(memo):
    strategie = section(memo, "4.5 Strategie")
    assert "vóór het kerstreces aan de Tweede Kamer" in strategie
    assert "ligt in de eerste plaats bij het lokale domein" in strategie


def test_the_standard_line_of_5_1_below_the_line(memo):
    line = "ALLES ONDER DEZE STREEP WORDT VERWIJDERD"
    texts_ = [t for _, t in memo]
    assert texts_.index(line) < texts_.index("5.1 Toelichting")
    assert section(memo, "5.1 Toelichting") == (
        "De persoonsgegevens van de ambtenaren zijn niet openbaar ter bescherming van de "
        "persoonlijke levenssfeer."
    )


def trend_pct(series: dict[int, int]) -> float:
    years = list(range(2012, 2020))
    x = sm.add_constant(np.array(years, float))
    y = np.array([series[y] for y in years], float)
    return (math.exp(sm.GLM(y, x, family=sm.families.Poisson()).fit().params[1]) - 1) * 100


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_the_synthesis_states_the_three_claims_with_their_numbers(outputs, memo, fmt):
    s = raw.national()
    total = {y: sum(s[c][y] for c in CATS) for y in range(2012, 2024)}
    kern = section(memo, "3 Kernpunten") if fmt == "docx" else texts(outputs, "beslisnota")[fmt]
    # 1. faster fall in the Covid years (the four together, against their pre-pandemic trend)
    covid = ((total[2021] / total[2019]) ** 0.5 - 1) * 100
    assert (
        "In de coronajaren 2020 en 2021 daalde het totale aantal geregistreerde high impact "
        f"crimes sneller dan de trend van vóór de pandemie: gemiddeld {approx(covid)} per jaar, "
        f"tegen {approx(trend_pct(total))} per jaar in 2012–2019."
    ) in kern
    # 2. rising since 2022
    rise = (total[2022] - total[2021]) / total[2021] * 100
    assert (
        f"In 2022 steeg het totale aantal weer, met {approx(rise)} tot {nl(total[2022])}." in kern
    )
    # 3. not back at the pre-pandemic level, per category
    items = [f"{PLURAL[c]} {approx((s[c][2022] / s[c][2019] - 1) * 100)}" for c in CATS]
    assert (
        "Geen van de vier categorieën is terug op het niveau van 2019: in 2022 lagen "
        f"{items[0]}, {items[1]}, {items[2]} en {items[3]} lager"
    ) in kern
    # and the letter gives the same synthesis, with the honest per-category detail
    letter = texts(outputs, "kamerbrief")[fmt]
    assert "ongeveer even snel als hun trend daalden geweldsdelicten" in letter
    assert "overvallen (bijna 2% minder) bleven vrijwel gelijk" in letter


def test_the_letter_shows_the_state_on_its_date(outputs):
    letter = texts(outputs, "kamerbrief")["docx"]
    motions = letter[letter.index("5 Moties en toezeggingen") :]
    kader = motions[motions.index("Toezegging: Kwaliteitskader") :]
    assert "Status op 18 december 2023: in uitvoering." in kader[:600]
    # never its own kamerstuk number (28684-733 is the letter itself)
    for kind in ("kamerbrief", "beslisnota"):
        for text in texts(outputs, kind).values():
            assert "28684-733" not in text and "28684, nr. 733" not in text
    # the letter never lists the memo as its annex; the memo lists the letter
    assert "Beslisnota bij" not in letter and "Bijlage(n) Beslisnota" not in letter


def test_each_measure_once_in_the_three_lines(outputs, catalog):
    items = docx_items(outputs["kamerbrief.docx"])
    start = items.index(("heading1", "3 Maatregelen en interventies"))
    end = items.index(("heading1", "4 Wetgeving"))
    paragraphs = [t for k, t in items[start:end] if k == "p"]
    for m in catalog.measures:
        opening = [p for p in paragraphs if p.startswith(m.name + ". ")]
        assert len(opening) == 1, (m.name, len(opening))
    groups = [t for k, t in items[start:end] if k == "heading2"]
    assert groups == [
        "3.1 Voorkomen van daderschap",
        "3.2 Terugdringen van recidive",
        "3.3 Voorkomen van slachtofferschap",
    ]
