"""Access, table-driven: every workflow route × every role (and anonymous) against the real
server, with the expected status; and a canary sentence in section 5 never appears in any
response, download or log line for a role without access (nor on any public page or API).

POST rows send a valid CSRF token but an incomplete form: a role that may act gets 400 (its
roles passed, the form did not), a role that may not gets 403, anonymous is sent to the login.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import httpx
import pytest

from hicmonitor.services import dossiers as D
from tests.workflow import memos, scenario
from tests.workflow.conftest import CAST, SEES_SECTION5, actors, login

ROLES = ["anoniem", *CAST]
OPSTELLERS = {"auteur", "opsteller2"}
ON_ROUTE = {"directeur", "directeur2", "dg", "sg", "mjenv", "mrb"}
ALL = set(CAST)


def expect(allowed: set[str], yes: int, no: int, anon: int = 303) -> dict[str, int]:
    out = {r: (yes if r in allowed else no) for r in CAST}
    out["anoniem"] = anon
    return out


# (method, path, expected per role); {d}: a dossier ter parafering, {p}: a published one
TABLE: list[tuple[str, str, dict[str, int]]] = [
    ("GET", "/werk/inloggen", expect(ALL, 200, 200, 200)),
    ("GET", "/werk/", expect(ALL, 200, 403)),
    ("GET", "/werk/dossiers/nieuw", expect(OPSTELLERS, 200, 403)),
    ("GET", "/werk/dossiers/{d}", expect(ALL, 200, 403)),
    ("GET", "/werk/dossiers/{d}/versies/1", expect(ALL, 200, 403)),
    (
        "GET",
        "/werk/dossiers/{d}/versies/1/bestanden/beslisnota.docx",
        expect(SEES_SECTION5, 200, 403),
    ),
    (
        "GET",
        "/werk/dossiers/{d}/versies/1/bestanden/kamerbrief.docx",
        expect(SEES_SECTION5, 200, 403),
    ),
    ("GET", "/werk/dossiers/{d}/versies/9", expect(ALL, 404, 403)),
    ("GET", "/werk/dossiers/{d}/woo.zip", expect(ALL, 404, 403)),
    ("GET", "/werk/dossiers/{p}", expect(ALL, 200, 403)),
    ("GET", "/werk/dossiers/{p}/versies/1", expect(ALL, 200, 403)),
    ("GET", "/werk/dossiers/{p}/woo.zip", expect(ALL, 200, 403)),
    # the signed copy of the published dossier's memo holds section 5 as well
    (
        "GET",
        "/werk/dossiers/{p}/versies/1/bestanden/beslisnota_getekend.docx",
        expect(SEES_SECTION5, 200, 403),
    ),
    (
        "GET",
        "/werk/dossiers/{p}/versies/1/bestanden/beslisnota_getekend.pdf",
        expect(SEES_SECTION5, 200, 403),
    ),
    ("GET", "/werk/dossiers/999999", expect(ALL, 404, 403)),
    ("GET", "/werk/dossiers/abc", expect(ALL, 400, 400, 400)),
    ("GET", "/werk/gebruikers", expect({"beheer"}, 200, 403)),
    ("GET", "/werk/audit", expect({"beheer"}, 200, 403)),
    ("POST", "/werk/dossiers", expect(OPSTELLERS, 400, 403)),
    ("POST", "/werk/dossiers/{d}/versies", expect({"auteur"}, 400, 403)),
    ("POST", "/werk/dossiers/{d}/rapport", expect({"auteur"}, 400, 403)),
    ("POST", "/werk/dossiers/{d}/aanbieden", expect({"auteur"}, 400, 403)),
    ("POST", "/werk/dossiers/{d}/besluit", expect(ON_ROUTE, 400, 403)),
    ("POST", "/werk/dossiers/{d}/verzonden", expect({"auteur"}, 400, 403)),
    ("POST", "/werk/dossiers/{d}/publiceren", expect({"woo"}, 400, 403)),
    ("POST", "/werk/gebruikers/rol", expect({"beheer"}, 400, 403)),
    ("POST", "/werk/gebruikers/blokkeer", expect({"beheer"}, 400, 403)),
    ("POST", "/werk/dossiers/999999/aanbieden", expect(ALL, 404, 403)),
]


@pytest.fixture(scope="module")
def site(werk_server, server_ws, tmp_path_factory):  # noqa: ANN001, ANN201
    """One dossier ter parafering (canary in section 5) and one published, logged-in clients."""
    tmp = tmp_path_factory.mktemp("toegang")
    A = actors(server_ws)
    d = scenario.new_dossier(server_ws, A, tmp)
    p = scenario.new_dossier(server_ws, A, tmp)
    scenario.sign(server_ws, A, p)
    D.record_sent(server_ws, A["auteur"], p, date.today())
    D.publish(server_ws, A["woo"], p)
    clients: dict[str, tuple[httpx.Client, str]] = {}
    for role in ROLES:
        c = werk_server.client()
        csrf = login(c, role) if role != "anoniem" else ""
        clients[role] = (c, csrf)
    yield {"d": d, "p": p, "clients": clients}
    for c, _ in clients.values():
        c.close()


def _responses(site, role: str) -> list:  # noqa: ANN001
    """Every row of the table as ``role`` (asked once per role and back-end)."""
    cache = site.setdefault("answers", {})
    if role not in cache:
        c, csrf = site["clients"][role]
        out = []
        for method, path, expected in TABLE:
            url = path.format(d=site["d"], p=site["p"])
            if method == "GET":
                r = c.get(url)
            else:
                r = c.post(url, data={"csrf": csrf} if csrf else {})
            out.append((method, url, expected[role], r))
        cache[role] = out
    return cache[role]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(site, role: str) -> None:
    wrong = []
    for method, url, status, r in _responses(site, role):
        if r.status_code != status:
            wrong.append(f"{method} {url}: {r.status_code}, verwacht {status}")
        if status == 303:
            assert r.headers["location"] == "/werk/inloggen"
        if r.status_code >= 400 and r.headers.get("content-type", "").startswith("text/html"):
            assert 'role="alert"' in r.text  # a Dutch message, not a bare status
    assert wrong == []


def _unpacked(data: bytes) -> list[bytes]:
    """A zip's files, and the parts of the DOCX files in it."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for n in z.namelist():
        out.append(z.read(n))
        if n.endswith((".docx", ".xlsx")):
            inner = zipfile.ZipFile(io.BytesIO(z.read(n)))
            out += [inner.read(m) for m in inner.namelist()]
    return out


@pytest.mark.parametrize("role", ROLES)
def test_the_canary_never_reaches_a_role_without_access(site, role: str) -> None:
    bodies = []
    for *_, r in _responses(site, role):
        bodies.append(r.content)
        if r.headers.get("content-type") == "application/zip":
            bodies += _unpacked(r.content)
        elif r.status_code == 200 and "wordprocessingml" in r.headers.get("content-type", ""):
            bodies += [
                zipfile.ZipFile(io.BytesIO(r.content)).read(n)
                for n in zipfile.ZipFile(io.BytesIO(r.content)).namelist()
            ]
    needle = b"Kwartiermakersfonds"
    seen = [b for b in bodies if needle in b]
    if role in SEES_SECTION5:
        # the canary is real: the version page and the download show it to the route
        assert seen, "section 5 should be visible on the route"
    else:
        assert seen == []


def test_the_canary_is_on_no_public_page_and_in_no_log_line(site, werk_server) -> None:
    with httpx.Client(base_url=werk_server.base, timeout=60) as c:
        for path in (
            "/",
            "/rapporten",
            "/api/v1/rapporten",
            "/api/v1/landelijk",
            "/api",
            "/gemeenten",
        ):
            r = c.get(path)
            assert r.status_code == 200, path
            assert b"Kwartiermakersfonds" not in r.content
    assert "Kwartiermakersfonds" not in werk_server.log.read_text("utf-8", "replace")
    assert memos.CANARY not in werk_server.log.read_text("utf-8", "replace")


def test_viewing_section_5_is_in_the_audit_trail(site, server_ws) -> None:
    from hicmonitor.services import workflow as wf

    A = actors(server_ws)
    lines = wf.recent_audit(server_ws, A["beheer"], limit=2000)
    viewers = {
        line.actor
        for line in lines
        if line.action == "sectie 5 bekeken" and line.dossier_id == site["d"]
    }
    assert {"auteur", "directeur", "dg", "sg", "mjenv", "mrb"} <= viewers
    assert not viewers & {"lezer", "woo", "beheer", "opsteller2", "stas"}


def test_the_author_makes_a_version_from_the_store_through_the_web(werk_server, server_ws) -> None:
    """The "hic rapport" button: the documents built from the server's store and the spec."""
    from hicmonitor.services import dossiers as D
    from tests.workflow.conftest import stand

    A = actors(server_ws)
    did = D.create_dossier(server_ws, A["auteur"], 2023, "VOORBEELD-2023-001")
    with werk_server.client() as c:
        csrf = login(c, "auteur")
        r = c.post(f"/werk/dossiers/{did}/rapport", data={"csrf": csrf, "stand": stand(c, did)})
        assert r.status_code == 303, r.text[:300]
    view = D.dossier_view(server_ws, A["auteur"], did)
    assert view.versions[0].source == "rapport"
    assert {f.fmt for f in view.versions[0].files} == {"docx", "pdf", "html", "yaml"}
