"""Security headers on every kind of response, no inline script or style in any page, and no
route to incident data."""

from __future__ import annotations

import re

import pytest

from tests.test_architecture import ROOT, import_graph

PAGES = [
    "/",
    "/gemeenten",
    "/gemeente/GM0344",
    "/kaart",
    "/kaart?categorie=geweld&maat=verandering&jaar=2022",
    "/maatregelen?categorie=straatroof",
    "/moties",
    "/wetgeving",
    "/rapporten",
    "/toegankelijkheid",
    "/api",
    "/gemeente/Nergensdorp",  # an error page too
]
OTHER = ["/api/v1/landelijk", "/static/css/hic.css", "/static/js/hic.js", "/api/v1/kaart?jaar=x"]


@pytest.mark.parametrize("path", PAGES + OTHER)
def test_security_headers(client, path) -> None:
    h = client.get(path).headers
    csp = h["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert h["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_script_or_style(client, path) -> None:
    html = client.get(path).text
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "<style" not in html
    assert re.search(r"\sstyle=", html) is None
    assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith("//")  # nothing from another host at run time


def test_the_web_never_reaches_incident_data() -> None:
    graph = import_graph(ROOT, "hicmonitor")
    seen, todo = set(), [m for m in graph if m.startswith("hicmonitor.web")]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(graph.get(m, ()))
    assert "hicmonitor.store.incidents" not in seen
    assert "hicmonitor.services.nearrepeat" not in seen
