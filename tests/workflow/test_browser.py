"""The memo's whole route in a real browser (Debian's Chromium through Playwright) against the
real server, on both back-ends: the author uploads, three parafen, a retour with comments, a
new version voiding the parafen given, three parafen again, two eindparafen, sending, Woo
publication; axe-core finds no WCAG 2.1 A/AA violation on any workflow page."""

from __future__ import annotations

import io
import secrets
import zipfile
from datetime import date

import pytest

from tests.web import browser
from tests.workflow import memos
from tests.workflow.conftest import PASSWORD

TIMEOUT = 240_000  # the Woo publication runs deduce and renders PDFs on a shared machine


class People:
    """One browser context (own cookies) per person, logged in through the login page."""

    def __init__(self, chromium, base: str, run_axe: bool = True) -> None:  # noqa: ANN001
        self.chromium = chromium
        self.base = base
        self.run_axe = run_axe
        self.pages: dict = {}
        self.problems: list[str] = []
        self.checked: dict[str, list] = {}

    def __call__(self, who: str):  # noqa: ANN204
        if who not in self.pages:
            ctx = self.chromium.new_context(base_url=self.base, accept_downloads=True)
            pg = ctx.new_page()
            pg.set_default_timeout(TIMEOUT)
            pg.on(
                "console",
                lambda m: self.problems.append(m.text) if m.type in ("error", "warning") else None,
            )
            pg.on("pageerror", lambda e: self.problems.append(str(e)))
            pg.goto("/werk/inloggen")
            self.axe(pg, "inloggen")
            pg.get_by_label("Gebruikersnaam").fill(who)
            pg.get_by_label("Wachtwoord").fill(PASSWORD)
            pg.get_by_role("button", name="Inloggen").click()
            pg.wait_for_url("**/werk/")
            self.pages[who] = pg
        return self.pages[who]

    def axe(self, pg, name: str) -> None:  # noqa: ANN001
        # the pages are the same HTML on both back-ends: axe-core runs on the SQLite run
        if self.run_axe:
            self.checked[name] = browser.axe_violations(pg)

    def close(self) -> None:
        for pg in self.pages.values():
            pg.context.close()


@pytest.fixture
def people(chromium, werk_server):  # noqa: ANN001, ANN201
    why = browser.missing()
    if why:
        pytest.fail(why)
    p = People(chromium, werk_server.base, run_axe=werk_server.backend.kind == "sqlite")
    yield p
    p.close()


def state(pg) -> str:  # noqa: ANN001
    return pg.locator("#stand").inner_text()


def open_dossier(pg, url: str) -> None:  # noqa: ANN001
    pg.goto(url)


def initial(people: People, who: str, url: str, expected_after: str) -> None:
    pg = people(who)
    open_dossier(pg, url)
    pg.locator("#akkoord").click()
    pg.wait_for_url(url)
    assert state(pg) == expected_after


def test_the_whole_route_in_a_browser(people, werk_server, tmp_path) -> None:
    kenmerk = f"B-{secrets.token_hex(3)}"
    memo1 = memos.memo(tmp_path / "beslisnota-v1.docx")
    letter1 = memos.letter(tmp_path / "kamerbrief-v1.docx")
    memo2 = memos.memo(
        tmp_path / "beslisnota-v2.docx",
        kernpunten="De brief meldt ook de stijging van geweld sinds 2022.",
    )

    # the author creates the dossier and uploads the memo and the letter
    a = people("auteur")
    people.axe(a, "dossiers")
    a.get_by_role("link", name="Nieuw dossier").first.click()
    people.axe(a, "nieuw")
    a.get_by_label("Rapportjaar").fill("2023")
    a.get_by_label("Ons kenmerk").fill(kenmerk)
    a.get_by_label("Ondertekenaars").fill(
        "Minister van Justitie en Veiligheid\nMinister voor Rechtsbescherming"
    )
    a.get_by_role("button", name="Dossier aanmaken").click()
    a.wait_for_url("**/werk/dossiers/*")
    url = a.url
    assert state(a) == "concept"
    people.axe(a, "dossier-leeg")
    a.get_by_label("Beslisnota (Word, .docx)").set_input_files(str(memo1))
    a.get_by_label("Kamerbrief (Word, .docx; leeg: de vorige blijft)").set_input_files(str(letter1))
    a.get_by_label("Wat is er veranderd?").fill("Eerste versie")
    a.locator("#uploaden").click()
    a.wait_for_url(url)
    assert a.get_by_role("link", name="versie 1").count() == 1
    a.locator("#aanbieden").click()
    a.wait_for_url(url)
    assert state(a) == "ter parafering"
    people.axe(a, "dossier-route")

    # three parafen
    initial(people, "directeur", url, "ter parafering")
    people.axe(people("directeur"), "dossier-na-paraaf")
    initial(people, "dg", url, "ter parafering")
    initial(people, "sg", url, "ter eindparaaf")

    # the minister sends it back with comments
    m = people("mjenv")
    open_dossier(m, url)
    people.axe(m, "dossier-eindparaaf")
    m.get_by_label("Opmerkingen voor de opsteller").fill(
        "Graag de kernpunten aanvullen met geweld."
    )
    m.locator("#retour").click()
    m.wait_for_url(url)
    assert state(m) == "concept"

    # the author reads the comment and uploads a new version: the parafen are void
    a.goto(url)
    assert a.get_by_text("Graag de kernpunten aanvullen met geweld.").count() == 1
    a.get_by_label("Beslisnota (Word, .docx)").set_input_files(str(memo2))
    a.locator("#uploaden").click()
    a.wait_for_url(url)
    a.goto(url + "/versies/2")
    assert a.locator("section.deel-gewijzigd h2").all_inner_texts() == [
        "Beslisnota: 3. Kernpunten gewijzigd"
    ]
    assert "stijging van geweld" in a.locator("section.deel-gewijzigd p.bij").inner_text()
    assert a.locator("section.deel-gewijzigd ins").count() >= 1
    assert memos.CANARY in a.locator("section.deel-sectie5").text_content()
    people.axe(a, "versie-verschil")
    a.goto(url)
    a.locator("#aanbieden").click()
    a.wait_for_url(url)
    assert state(a) == "ter parafering"
    void = a.locator("tr.vervallen")
    assert void.count() == 4  # three parafen and the retour of the first round
    assert a.locator(".route li").first.inner_text().endswith("aan de beurt")

    # a reader sees the version without section 5
    r = people("lezer")
    r.goto(url + "/versies/2")
    assert "alleen zichtbaar voor de opsteller" in r.locator(".melding").inner_text()
    assert "Kwartiermakersfonds" not in r.content()
    people.axe(r, "versie-lezer")

    # three parafen again, two eindparafen
    initial(people, "directeur", url, "ter parafering")
    initial(people, "dg", url, "ter parafering")
    initial(people, "sg", url, "ter eindparaaf")
    initial(people, "mjenv", url, "ter eindparaaf")
    initial(people, "mrb", url, "getekend")

    # sending
    a.goto(url)
    a.get_by_label("Verzonden op (JJJJ-MM-DD)").fill(date.today().isoformat())
    a.locator("#verzonden").click()
    a.wait_for_url(url)
    assert state(a) == "verzonden"

    # the Woo publication
    w = people("woo")
    w.goto(url)
    people.axe(w, "dossier-publiceren")
    w.locator("#publiceren").click()
    w.wait_for_url(url, timeout=TIMEOUT)
    assert state(w) == "gepubliceerd"
    with w.expect_download() as dl:
        w.locator("#woo-pakket").click()
    package = dl.value.path().read_bytes()
    names = zipfile.ZipFile(io.BytesIO(package)).namelist()
    assert "document-01.openbaar.pdf" in names and "inventarislijst.xlsx" in names
    assert all(
        b"Kwartiermakersfonds" not in zipfile.ZipFile(io.BytesIO(package)).read(n) for n in names
    )
    people.axe(w, "dossier-gepubliceerd")

    # the beheerder's pages and an error page
    b = people("beheer")
    b.goto("/werk/gebruikers")
    people.axe(b, "gebruikers")
    b.goto("/werk/audit")
    assert "De keten is in orde" in b.locator("main").inner_text()
    people.axe(b, "audit")
    b.goto("/werk/dossiers/987654")
    people.axe(b, "fout")

    assert {k: v for k, v in people.checked.items() if v} == {}
    if people.run_axe:
        assert len(people.checked) == 14  # every page kind above
    assert [p for p in people.problems if "status of 4" not in p] == []


def test_the_workflow_pages_work_without_javascript(chromium, werk_server) -> None:
    ctx = chromium.new_context(base_url=werk_server.base, java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto("/werk/inloggen")
    pg.get_by_label("Gebruikersnaam").fill("lezer")
    pg.get_by_label("Wachtwoord").fill(PASSWORD)
    pg.get_by_role("button", name="Inloggen").click()
    pg.wait_for_url("**/werk/")
    assert pg.locator("h1").inner_text() == "Dossiers"
    pg.get_by_role("button", name="Uitloggen").click()
    pg.wait_for_url("**/werk/inloggen")
    ctx.close()
