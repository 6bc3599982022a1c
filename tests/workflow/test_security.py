"""Security of the workflow pages against the real server: CSRF, session fixation, cookie
flags, brute force, SQL injection and oversized input in every form field, uploads that are
not DOCX, headers and no inline code."""

from __future__ import annotations

import os
import re
import secrets
import shutil
from datetime import date

import httpx
import pytest

from hicmonitor.services import accounts
from hicmonitor.services import dossiers as D
from hicmonitor.services import workflow as wf
from hicmonitor.web.security import CSP
from tests.workflow import memos, scenario
from tests.workflow.conftest import CONFIG, CSRF_RE, PASSWORD, actors, login, stand


@pytest.fixture(scope="module")
def dossiers_(werk_server, server_ws, tmp_path_factory):  # noqa: ANN001, ANN201
    tmp = tmp_path_factory.mktemp("veilig")
    A = actors(server_ws)
    concept = scenario.new_dossier(server_ws, A, tmp, offer=False)
    signed = scenario.new_dossier(server_ws, A, tmp)
    scenario.sign(server_ws, A, signed)
    return {"concept": concept, "signed": signed, "A": A, "tmp": tmp}


def fresh_user(ws, role: tuple[str, str | None] = ("lezer", None)) -> str:  # noqa: ANN001
    name = f"doel.{secrets.token_hex(3)}"
    accounts.create_user(
        ws, accounts.cli_actor(), name, "Doel Wit", password=PASSWORD, grants=[role]
    )
    return name


# -- CSRF ---------------------------------------------------------------------------------------


def test_csrf_missing_or_wrong_is_refused(werk_server, server_ws, dossiers_) -> None:
    did = dossiers_["concept"]
    with werk_server.client() as c:
        csrf = login(c, "auteur")
        lock = stand(c, did)
        for data in (
            {"stand": lock},
            {"stand": lock, "csrf": ""},
            {"stand": lock, "csrf": "x" * 43},
        ):
            r = c.post(f"/werk/dossiers/{did}/aanbieden", data=data)
            assert r.status_code == 403 and "CSRF" in r.text
        # another session's token does not fit this session
        with werk_server.client() as other:
            foreign = login(other, "auteur")
        assert foreign != csrf
        r = c.post(f"/werk/dossiers/{did}/aanbieden", data={"stand": lock, "csrf": foreign})
        assert r.status_code == 403
    # nothing happened
    assert D.dossier_view(server_ws, dossiers_["A"]["auteur"], did).state == "concept"


def test_the_login_form_has_a_csrf_token_too(werk_server) -> None:
    with werk_server.client() as c:
        r = c.post("/werk/inloggen", data={"gebruikersnaam": "lezer", "wachtwoord": PASSWORD})
        assert r.status_code == 403
        pre = CSRF_RE.search(c.get("/werk/inloggen").text).group(1)
        r = c.post(
            "/werk/inloggen",
            data={"csrf": pre[::-1], "gebruikersnaam": "lezer", "wachtwoord": PASSWORD},
        )
        assert r.status_code == 403
    with werk_server.client() as c2:  # a token without its cookie
        r = c2.post(
            "/werk/inloggen", data={"csrf": pre, "gebruikersnaam": "lezer", "wachtwoord": PASSWORD}
        )
        assert r.status_code == 403


# -- sessions -----------------------------------------------------------------------------------


def cookie_header(r: httpx.Response, name: str) -> str:
    return next(h for h in r.headers.get_list("set-cookie") if h.startswith(name + "="))


def test_session_fixation_a_new_id_at_login(werk_server) -> None:
    planted = "aanvaller-koos-zijn-eigen-sessie-id-0123456789"
    with werk_server.client() as c:
        c.cookies.set("hic_sessie", planted)
        assert c.get("/werk/").status_code == 303  # a planted id is not a session
        pre = CSRF_RE.search(c.get("/werk/inloggen").text).group(1)
        r = c.post(
            "/werk/inloggen", data={"csrf": pre, "gebruikersnaam": "lezer", "wachtwoord": PASSWORD}
        )
        assert r.status_code == 303
        header = cookie_header(r, "hic_sessie")
        issued = header.split(";")[0].split("=", 1)[1]
        assert issued != planted and len(issued) >= 40
        flags = [f.strip().lower() for f in header.split(";")[1:]]
        assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
        assert "secure" not in flags  # plain http on loopback; see the https test
        assert c.get("/werk/").status_code == 200
        first = issued
        # logging in again (another account) gives yet another id and ends the old session
        pre = CSRF_RE.search(c.get("/werk/inloggen").text).group(1)
        r = c.post(
            "/werk/inloggen", data={"csrf": pre, "gebruikersnaam": "woo", "wachtwoord": PASSWORD}
        )
        second = cookie_header(r, "hic_sessie").split(";")[0].split("=", 1)[1]
        assert second != first
    with werk_server.client() as attacker:
        attacker.cookies.set("hic_sessie", planted)
        assert attacker.get("/werk/").status_code == 303
        attacker.cookies.set("hic_sessie", first)
        assert attacker.get("/werk/").status_code == 303  # ended by the second login


def test_logout_ends_the_session_on_the_server(werk_server) -> None:
    with werk_server.client() as c:
        csrf = login(c, "lezer")
        token = c.cookies.get("hic_sessie")
        r = c.post("/werk/uitloggen", data={"csrf": csrf})
        assert r.status_code == 303 and r.headers["location"] == "/werk/inloggen"
    with werk_server.client() as replay:
        replay.cookies.set("hic_sessie", token)
        assert replay.get("/werk/").status_code == 303


def test_cookies_are_secure_over_https(fresh, loaded_db_template, tmp_path, monkeypatch) -> None:
    """Served over https (or behind a TLS proxy with HICMONITOR_HTTPS=1): ``Secure`` and the
    ``__Host-`` prefix. The app is called in-process (httpx's ASGI transport)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from hicmonitor.web.app import create_app

    monkeypatch.setenv("HICMONITOR_WERKSTROOM_CONFIG", str(CONFIG))
    store = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, store)
    app = create_app(store, workflow_url=fresh.app, cache_dir=tmp_path / "cache")

    async def over(base: str) -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base) as c:
            first = await c.get("/werk/inloggen")
            pre = CSRF_RE.search(first.text).group(1)
            second = await c.post(
                "/werk/inloggen",
                data={"csrf": pre, "gebruikersnaam": "lezer", "wachtwoord": PASSWORD},
            )
            return first, second

    def run(base: str) -> tuple[httpx.Response, httpx.Response]:
        # in a thread of its own: Playwright's sync API may hold this thread's event loop
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, over(base)).result()

    first, second = run("https://testserver")
    assert "secure" in cookie_header(first, "__Host-hic_pre").lower()
    assert second.status_code == 303
    flags = [f.strip().lower() for f in cookie_header(second, "__Host-hic_sessie").split(";")[1:]]
    assert {"secure", "httponly", "samesite=strict", "path=/"} <= set(flags)
    monkeypatch.setenv("HICMONITOR_HTTPS", "1")
    # behind a proxy that ends TLS the app sees http, but the browser sees https
    first, _ = run("http://proxy.intern")
    assert "secure" in cookie_header(first, "__Host-hic_pre").lower()
    app.state.werk.get().close()


def test_brute_force_locks_the_account(werk_server, server_ws) -> None:
    name = fresh_user(server_ws)
    with werk_server.client() as c:
        for _ in range(5):
            pre = CSRF_RE.search(c.get("/werk/inloggen").text).group(1)
            r = c.post(
                "/werk/inloggen",
                data={"csrf": pre, "gebruikersnaam": name, "wachtwoord": "raden-123456"},
            )
            assert r.status_code == 400 and "onjuist" in r.text
        pre = CSRF_RE.search(c.get("/werk/inloggen").text).group(1)
        r = c.post(
            "/werk/inloggen", data={"csrf": pre, "gebruikersnaam": name, "wachtwoord": PASSWORD}
        )
        assert r.status_code == 429
        assert "tijdelijk vergrendeld" in r.text
        assert "hic_sessie" not in r.headers.get("set-cookie", "")


# -- every form field: injection and oversized input ------------------------------------------

INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE users; --",
    "x'); DELETE FROM audit; --",
    '" OR ""="',
    "1 UNION SELECT password_hash FROM users",
    "%27%20OR%201%3D1",
    "\x00",
    "-1",
    "99999999999999999999999",
    "<script>alert(1)</script>",
    "ｘ" * 50,
    "A" * 100_000,
]


def forms(did: int, signed: int, version_hash: str) -> list[tuple[str, dict[str, str]]]:
    """Every form of the workflow with valid values (payloads replace one field at a time)."""
    return [
        ("/werk/dossiers", {"jaar": "2023", "kenmerk": "K-" + secrets.token_hex(3), "titel": "Titel", "ondertekenaars": "Minister van Justitie en Veiligheid"}),
        (f"/werk/dossiers/{did}/aanbieden", {"stand": "999"}),
        (f"/werk/dossiers/{signed}/besluit", {"stand": "999", "stap": "0", "versie": version_hash, "besluit": "retour", "opmerkingen": "x"}),
        (f"/werk/dossiers/{signed}/verzonden", {"stand": "999", "datum": date.today().isoformat()}),
        (f"/werk/dossiers/{signed}/publiceren", {"stand": "999"}),
        (f"/werk/dossiers/{signed}/rapport", {"stand": "999", "opmerking": "x"}),
        (f"/werk/dossiers/{signed}/versies", {"stand": "999", "opmerking": "x", "sectie5_vanaf": "x"}),
        ("/werk/gebruikers/rol", {"gebruiker": "lezer", "rol": "lezer", "kwalificatie": "", "actie": "intrekken"}),
        ("/werk/gebruikers/blokkeer", {"gebruiker": "niemand", "actie": "opheffen"}),
    ]  # fmt: skip


ACTOR_FOR = {"/werk/gebruikers": "beheer", "besluit": "directeur", "publiceren": "woo"}


def _who(url: str) -> str:
    return next((who for key, who in ACTOR_FOR.items() if key in url), "auteur")


def test_injection_and_oversized_input_in_every_field_is_never_a_5xx(
    werk_server, server_ws, dossiers_
) -> None:
    A = dossiers_["A"]
    signed = dossiers_["signed"]
    h = D.dossier_view(server_ws, A["auteur"], signed).route_hash
    clients: dict[str, tuple[httpx.Client, str]] = {}
    failures = []
    try:
        for url, fields in forms(dossiers_["concept"], signed, h):
            who = _who(url)
            if who not in clients:
                c = werk_server.client()
                clients[who] = (c, login(c, who))
            c, csrf = clients[who]
            for field in fields:
                for payload in INJECTIONS:
                    data = {**fields, field: payload, "csrf": csrf}
                    r = c.post(url, data=data)
                    if r.status_code >= 500:
                        failures.append(f"{url} {field}={payload[:30]!r}: {r.status_code}")
                    if len(payload) > 10_000 and not 400 <= r.status_code < 500:
                        failures.append(f"{url} {field} oversized: {r.status_code}")
                    if "Traceback" in r.text:
                        failures.append(f"{url} {field}: traceback")
        # the login form too, anonymously
        with werk_server.client() as anon:
            for field in ("gebruikersnaam", "wachtwoord"):
                for payload in INJECTIONS:
                    pre = CSRF_RE.search(anon.get("/werk/inloggen").text).group(1)
                    data = {
                        "gebruikersnaam": "lezer.x",
                        "wachtwoord": "x" * 12,
                        field: payload,
                        "csrf": pre,
                    }
                    r = anon.post("/werk/inloggen", data=data)
                    if not 400 <= r.status_code < 500:
                        failures.append(f"inloggen {field}={payload[:30]!r}: {r.status_code}")
    finally:
        for c, _ in clients.values():
            c.close()
    assert failures == []
    # the store is intact: the accounts are there and the chain verifies
    assert wf.check_audit(server_ws).ok
    assert {"lezer", "beheer", "auteur"} <= {
        u.username for u in accounts.list_users(server_ws, accounts.cli_actor())
    }


def test_injected_text_is_stored_verbatim(werk_server, server_ws) -> None:
    title = 'Robert\'); DROP TABLE dossiers; -- "citaat" <b>vet</b>'
    with werk_server.client() as c:
        csrf = login(c, "auteur")
        r = c.post(
            "/werk/dossiers",
            data={"csrf": csrf, "jaar": "2023", "kenmerk": "INJ-1", "titel": title},
        )
        assert r.status_code == 303
        page = c.get(r.headers["location"]).text
    assert "Robert&#39;); DROP TABLE dossiers; -- &#34;citaat&#34; &lt;b&gt;vet&lt;/b&gt;" in page
    items = D.list_dossiers(server_ws, actors(server_ws)["lezer"])
    assert any(d.title == title for d in items)


# -- uploads --------------------------------------------------------------------------------------


def test_uploads_that_are_not_docx_are_refused(werk_server, dossiers_) -> None:
    tmp = dossiers_["tmp"]
    did = dossiers_["concept"]
    bad = {
        "zip-bom": (memos.zip_bomb(), "zip-bom"),
        "docm": (memos.docm(tmp), "macro"),
        "xlsx hernoemd": (memos.xlsx(), "Excel-bestand"),
        "macro in docx": (memos.macro_in_plain_docx(tmp), "macro"),
        "liegende groottes": (memos.lying_sizes(tmp), "gemanipuleerd"),
        "tekst": (b"dit is geen Word-document", "geen Word-document"),
        "oud doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "oude .doc"),
        "leeg": (b"", "het bestand is leeg"),
    }
    with werk_server.client() as c:
        csrf = login(c, "auteur")
        before = stand(c, did)
        for label, (data, message) in bad.items():
            r = c.post(
                f"/werk/dossiers/{did}/versies",
                data={"csrf": csrf, "stand": str(before)},
                files={
                    "beslisnota": (
                        "nota.docx",
                        data,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    )
                },
            )
            assert r.status_code == 400, (label, r.status_code)
            assert message in r.text, (label, re.search(r'role="alert">([^<]*)', r.text))
        # a real DOCX under another name is refused too
        r = c.post(
            f"/werk/dossiers/{did}/versies",
            data={"csrf": csrf, "stand": str(before)},
            files={"beslisnota": ("nota.pdf", memos.memo_bytes(tmp, "ok.docx"), "application/pdf")},
        )
        assert r.status_code == 400 and ".docx" in r.text
        # a body over the limit is refused before it is read
        r = c.post(
            f"/werk/dossiers/{did}/versies",
            data={"csrf": csrf, "stand": str(before)},
            files={
                "beslisnota": (
                    "groot.docx",
                    os.urandom(45 * 1024 * 1024),
                    "application/octet-stream",
                )
            },
        )
        assert r.status_code == 413

        # also when the body comes without a length (chunked)
        def chunks():  # noqa: ANN202
            yield (
                b'--grens\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
                + csrf.encode()
                + b"\r\n"
            )
            yield b'--grens\r\nContent-Disposition: form-data; name="beslisnota"; filename="g.docx"\r\n\r\n'
            for _ in range(45):
                yield b"\0" * (1024 * 1024)

        r = c.post(
            f"/werk/dossiers/{did}/versies",
            content=chunks(),
            headers={"content-type": "multipart/form-data; boundary=grens"},
        )
        assert r.status_code == 413
        assert stand(c, did) == before  # nothing changed


# -- headers and pages ------------------------------------------------------------------------------

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.I)


def test_headers_and_no_inline_code_on_the_workflow_pages(werk_server, dossiers_) -> None:
    did = dossiers_["concept"]
    with werk_server.client() as c:
        login(c, "beheer")
        pages = [
            "/werk/",
            "/werk/gebruikers",
            "/werk/audit",
            f"/werk/dossiers/{did}",
            f"/werk/dossiers/{did}/versies/1",
            "/werk/dossiers/424242",
        ]
        with werk_server.client() as author:
            login(author, "auteur")
            for path in pages + ["/werk/dossiers/nieuw"]:
                for client in (c, author):
                    r = client.get(path)
                    assert r.headers["content-security-policy"] == CSP
                    assert "unsafe-inline" not in r.headers["content-security-policy"]
                    assert r.headers["cache-control"] == "no-store"
                    assert r.headers["x-frame-options"] == "DENY"
                    assert r.headers["x-content-type-options"] == "nosniff"
                    assert r.headers["referrer-policy"] == "no-referrer"
                    assert INLINE.search(r.text) is None, path
    with werk_server.client() as anon:
        r = anon.get("/werk/inloggen")
        assert r.headers["content-security-policy"] == CSP and INLINE.search(r.text) is None
