"""The site in a real browser (Debian's Chromium through Playwright) against the real server:
the user's tasks, axe-core on every page, no CSP violation, and pages without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.web import browser

PAGES = {
    "landelijk": "/",
    "gemeenten": "/gemeenten",
    "zoeken": "/zoek?q=berg",
    "gemeente": "/gemeente/GM0344",
    "kaart": "/kaart",
    "kaart-verandering": "/kaart?categorie=geweld&jaar=2023&maat=verandering",
    "maatregelen": "/maatregelen?categorie=woninginbraak",
    "moties": "/moties",
    "wetgeving": "/wetgeving",
    "rapporten": "/rapporten",
    "toegankelijkheid": "/toegankelijkheid",
    "api": "/api",
    "fout": "/gemeente/Nergensdorp",
}


@pytest.fixture
def page(chromium, server) -> Iterator:
    context = chromium.new_context(base_url=server.base, accept_downloads=True)
    pg = context.new_page()
    problems: list[str] = []
    pg.on(
        "console",
        lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
    )
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.problems = problems
    yield pg
    context.close()


def expected_problems(msgs: list[str]) -> list[str]:
    # the error page's own 404 is expected; anything else (a CSP refusal, a script error) not
    return [m for m in msgs if "status of 404" not in m]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_violations(page, name) -> None:
    page.goto(PAGES[name])
    assert page.locator("h1").count() == 1
    assert browser.axe_violations(page) == []
    assert expected_problems(page.problems) == []


def test_overview(page) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text() == "HIC-cijfers van Nederland"
    assert page.locator("figure svg.grafiek").count() == 4
    assert page.locator("table").first.locator("tbody tr").count() >= 12
    assert page.get_by_text("nooit opgeteld").count() == 1
    # hovering a point shows its value (the script is on)
    page.locator("svg.grafiek circle.punt").first.hover()
    assert re.match(r"^\d{4}: [\d.]+", page.locator("p.waarde").first.inner_text())


def test_search_a_municipality_by_name(page) -> None:
    page.goto("/")
    page.get_by_label("Zoek een gemeente").fill("utrecht")
    page.get_by_label("Zoek een gemeente").press("Enter")
    page.wait_for_url("**/gemeente/GM0344")
    assert "Utrecht" in page.locator("h1").inner_text()
    assert page.get_by_text("alleen landelijk", exact=False).count() >= 2


def test_municipality_chart_switch(page) -> None:
    page.goto("/gemeente/GM0344")
    block = page.locator("[data-wissel]").first
    count_fig, rate_fig = block.locator(".grafiek-aantal"), block.locator(".grafiek-per1000")
    assert count_fig.is_visible() and not rate_fig.is_visible()
    block.get_by_role("button", name="Per 1.000 inwoners").click()
    assert rate_fig.is_visible() and not count_fig.is_visible()
    assert (
        block.get_by_role("button", name="Per 1.000 inwoners").get_attribute("aria-pressed")
        == "true"
    )


def test_filter_the_catalogue(page, client) -> None:
    page.goto("/maatregelen")
    total = page.locator("table.catalogus tbody tr").count()
    page.get_by_label("Categorie").select_option("straatroof")
    page.get_by_label("Minimaal erkenningsniveau").select_option("goed onderbouwd")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"categorie=straatroof"))
    want = client.get(
        "/api/v1/maatregelen", params={"categorie": "straatroof", "erkenning": "goed onderbouwd"}
    ).json()
    names = page.locator("table.catalogus tbody th").all_inner_texts()
    assert names == [m["naam"] for m in want] and len(names) < total


def test_click_a_municipality_on_the_map(page) -> None:
    page.goto("/kaart")
    assert page.locator("#kaart-svg a").count() == 342
    page.locator('#kaart-svg a[data-code="GM0363"]').click()
    page.wait_for_url("**/gemeente/GM0363")
    assert "Amsterdam" in page.locator("h1").inner_text()


def test_map_is_keyboard_reachable(page) -> None:
    page.goto("/kaart")
    area = page.locator('#kaart-svg a[data-code="GM0344"]')
    area.focus()
    assert page.locator("#kaart-info").inner_text().startswith("Utrecht:")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gemeente/GM0344")


def test_map_areas_are_reached_with_tab(page) -> None:
    page.goto("/kaart")
    page.locator("#k-maat").focus()
    for _ in range(3):  # the button, then into the map
        page.keyboard.press("Tab")
    code = page.evaluate("document.activeElement.getAttribute('data-code')")
    assert code and code.startswith("GM")


def test_download_a_csv(page) -> None:
    page.goto("/gemeente/GM0344")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("regio,categorie,label,jaar,aantal")
    assert "GM0344,woninginbraak" in text


def test_download_a_report(page) -> None:
    page.goto("/rapporten")
    with page.expect_download(timeout=120_000) as info:
        page.locator('a[href="/rapporten/2023/kamerbrief.pdf"]').click()
    assert open(info.value.path(), "rb").read(4) == b"%PDF"
    assert info.value.suggested_filename.startswith("kamerbrief_2023")


@pytest.mark.parametrize("name", ["landelijk", "gemeente", "kaart", "maatregelen"])
def test_pages_work_without_javascript(chromium, server, name) -> None:
    context = chromium.new_context(base_url=server.base, java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto(PAGES[name])
        assert pg.locator("h1").count() == 1
        if name == "gemeente":  # both charts shown, no switch buttons
            assert pg.locator(".grafiek-per1000").first.is_visible()
            assert pg.locator(".knoppen").count() == 0
        if name == "kaart":
            pg.locator('#kaart-svg a[data-code="GM0344"]').click()
            pg.wait_for_url("**/gemeente/GM0344")
        if name == "maatregelen":
            pg.get_by_label("Aanpak").select_option("situationeel")
            pg.get_by_role("button", name="Filter").click()
            pg.wait_for_url(re.compile("aanpak=situationeel"))
    finally:
        context.close()


def test_axe_finds_a_planted_violation(page) -> None:
    # the check above cannot pass because axe did not run: a button without a name is caught
    page.goto("/toegankelijkheid")
    page.evaluate("document.querySelector('main').appendChild(document.createElement('button'))")
    assert "button-name" in [v["id"] for v in browser.axe_violations(page)]
