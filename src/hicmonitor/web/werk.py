"""The workflow pages under ``/werk``, behind a login: dossiers, versions with their
differences, the paraaf route, sending, Woo publication, accounts and the audit trail.

Only services are called (:mod:`hicmonitor.services.accounts`, ``.dossiers``, ``.workflow``);
they check every role. Here: the session cookie (HttpOnly, SameSite=Strict, ``Secure`` and
the ``__Host-`` prefix over https or with ``HICMONITOR_HTTPS=1``), the CSRF token in every
form (the session's own token; before the login a pre-session cookie, double-submit), form
fields read with limits (a wrong or oversized field is a 400, never a 500), and the Dutch
pages. Responses under ``/werk`` are never cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from hicmonitor.errors import HicError
from hicmonitor.services import accounts, dossiers
from hicmonitor.services import workflow as wf
from hicmonitor.web.render import render_werk
from hicmonitor.web.werk_guard import BodyTooLarge

router = APIRouter(prefix="/werk", include_in_schema=False)

DossierId = Annotated[int, Path(ge=1, le=2_147_483_647)]
VersionNo = Annotated[int, Path(ge=1, le=100_000)]

HTTPS_ENV = "HICMONITOR_HTTPS"
SESSION = "hic_sessie"
PRE = "hic_pre"
TEXT_MAX = 200
ROLES = ("opsteller", "parafeerder", "bewindspersoon", "woo-coördinator", "lezer", "beheerder")


class WerkState:
    """The workflow store of the app, opened on first use (or at start by ``hic web``)."""

    def __init__(self, store_path: Any, url: str | None = None) -> None:
        self.store_path = store_path
        self.url = url
        self._ws: wf.Workflow | None = None
        self._lock = threading.Lock()

    def upload_limits(self) -> Any:
        return wf.settings().upload

    def get(self) -> wf.Workflow:
        """The open store; when it cannot be opened, a 503 (tried again at the next request)."""
        if self._ws is None:
            with self._lock:
                if self._ws is None:
                    try:
                        self._ws = wf.open_workflow(self.store_path, self.url)
                    except wf.WorkflowError:
                        raise
                    except HicError as exc:
                        raise wf.Unavailable(
                            f"de werkstroom is nu niet beschikbaar: {exc}"
                        ) from None
        return self._ws


# -- cookies, sessions, forms -------------------------------------------------------------


def secure(request: Request) -> bool:
    return request.url.scheme == "https" or os.environ.get(HTTPS_ENV, "") in ("1", "ja", "true")


def cookie_name(request: Request, base: str) -> str:
    return f"__Host-{base}" if secure(request) else base


def set_cookie(request: Request, response: Response, base: str, value: str) -> None:
    response.set_cookie(
        cookie_name(request, base),
        value,
        httponly=True,
        samesite="strict",
        secure=secure(request),
        path="/",
    )


def clear_cookie(request: Request, response: Response, base: str) -> None:
    response.delete_cookie(
        cookie_name(request, base),
        path="/",
        secure=secure(request),
        httponly=True,
        samesite="strict",
    )


def _ws(request: Request) -> wf.Workflow:
    return request.app.state.werk.get()


async def call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """A service call off the event loop; a user error of the services that is not a
    workflow error (a spec that is missing, say) becomes a 400."""
    try:
        return await run_in_threadpool(fn, *args, **kwargs)
    except wf.WorkflowError:
        raise
    except HicError as exc:
        raise wf.InvalidInput(str(exc)) from None


async def viewer(request: Request) -> wf.Actor | None:
    token = request.cookies.get(cookie_name(request, SESSION))
    if not token:
        return None
    return await call(accounts.session_actor, _ws(request), token)


async def need(request: Request) -> wf.Actor:
    actor = await viewer(request)
    if actor is None:
        raise wf.NotLoggedIn("log eerst in")
    return actor


async def read_form(request: Request) -> Any:
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise wf.InvalidInput("verwacht een formulier")
    try:
        return await request.form(max_files=2, max_fields=20, max_part_size=64 * 1024)
    except (HicError, BodyTooLarge):
        raise
    except Exception:  # noqa: BLE001 - any malformed body is the client's error
        raise wf.InvalidInput("het formulier kon niet worden gelezen") from None


def check_csrf(form: Any, expected: str) -> None:
    got = form.get("csrf")
    if (
        not isinstance(got, str)
        or not expected
        or not hmac.compare_digest(
            got.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
        )
    ):
        raise wf.AccessDenied(
            "het formulier is verlopen of ongeldig (CSRF-controle); laad de pagina opnieuw"
        )


async def protected_form(
    request: Request, dossier_id: int | None = None, action: str | None = None
) -> tuple[wf.Actor, Any]:
    """The logged-in user and the form, its CSRF token checked, and (for a dossier's
    ``action``) the user's roles checked before any field is read."""
    actor = await need(request)
    form = await read_form(request)
    check_csrf(form, actor.csrf)
    if dossier_id is not None and action is not None:
        await call(dossiers.require, _ws(request), actor, dossier_id, action)
    return actor, form


def text(form: Any, name: str, *, limit: int = TEXT_MAX, required: bool = False) -> str:
    value = form.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise wf.InvalidInput(f"veld '{name}' ontbreekt")
        return ""
    if not isinstance(value, str):
        raise wf.InvalidInput(f"veld '{name}' moet tekst zijn")
    if len(value) > limit:
        raise wf.InvalidInput(f"veld '{name}' is te lang (hoogstens {limit} tekens)")
    if "\x00" in value:
        raise wf.InvalidInput(f"veld '{name}' bevat ongeldige tekens")
    return value


def number(form: Any, name: str, lo: int = 0, hi: int = 10**9) -> int:
    value = text(form, name, limit=12, required=True).strip()
    if not value.isdigit() or not lo <= int(value) <= hi:
        raise wf.InvalidInput(f"veld '{name}' moet een geheel getal van {lo} tot {hi} zijn")
    return int(value)


async def upload(form: Any, name: str) -> tuple[str, bytes] | None:
    value = form.get(name)
    if value is None or isinstance(value, str):
        if isinstance(value, str) and value:
            raise wf.InvalidInput(f"veld '{name}' moet een bestand zijn")
        return None
    assert isinstance(value, UploadFile)
    data = await value.read()
    if not value.filename and not data:
        return None
    return (value.filename or "")[:255], data


def page(
    request: Request, template: str, actor: wf.Actor | None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    return HTMLResponse(
        render_werk(request, template, actor=actor, csrf=actor.csrf if actor else "", **ctx),
        status_code=status,
    )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- logging in ---------------------------------------------------------------------------


@router.get("/inloggen")
async def login_page(request: Request) -> HTMLResponse:
    pre = request.cookies.get(cookie_name(request, PRE))
    if not pre or len(pre) > 100:
        pre = secrets.token_urlsafe(32)
    resp = page(request, "werk/inloggen.html.j2", None, title="Inloggen", pre=pre)
    set_cookie(request, resp, PRE, pre)
    return resp


@router.post("/inloggen")
async def login(request: Request) -> Response:
    form = await read_form(request)
    check_csrf(form, request.cookies.get(cookie_name(request, PRE)) or "")
    username = text(form, "gebruikersnaam", limit=64, required=True)
    password = text(form, "wachtwoord", limit=1024, required=True)
    ws = _ws(request)
    old = await viewer(request)
    if old is not None:
        await call(accounts.logout, ws, old)
    address = request.client.host if request.client else ""
    result = await call(accounts.login, ws, username, password, address)
    resp = see_other("/werk/")
    set_cookie(request, resp, SESSION, result.token)  # always a new id: no session fixation
    clear_cookie(request, resp, PRE)
    return resp


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    actor, _ = await protected_form(request)
    await call(accounts.logout, _ws(request), actor)
    resp = see_other("/werk/inloggen")
    clear_cookie(request, resp, SESSION)
    return resp


# -- dossiers -----------------------------------------------------------------------------


@router.get("/")
async def home(request: Request) -> HTMLResponse:
    actor = await need(request)
    items = await call(dossiers.list_dossiers, _ws(request), actor)
    return page(request, "werk/dossiers.html.j2", actor, title="Dossiers", items=items)


@router.get("/dossiers/nieuw")
async def new_dossier_page(request: Request) -> HTMLResponse:
    actor = await need(request)
    if not actor.has("opsteller"):
        raise wf.AccessDenied("alleen een opsteller kan een dossier aanmaken")
    return page(request, "werk/nieuw.html.j2", actor, title="Nieuw dossier")


@router.post("/dossiers")
async def create_dossier(request: Request) -> Response:
    actor, form = await protected_form(request)
    if not actor.has("opsteller"):
        raise wf.AccessDenied("alleen een opsteller kan een dossier aanmaken")
    year = number(form, "jaar", 2000, 2100)
    kenmerk = text(form, "kenmerk", limit=64, required=True)
    title = text(form, "titel", limit=300)
    sigs = [s for s in text(form, "ondertekenaars", limit=2000).splitlines() if s.strip()]
    did = await call(
        dossiers.create_dossier,
        _ws(request),
        actor,
        year,
        kenmerk,
        title=title or None,
        signatories=sigs,
    )
    return see_other(f"/werk/dossiers/{did}")


@router.get("/dossiers/{dossier_id}")
async def dossier_page(request: Request, dossier_id: DossierId) -> HTMLResponse:
    actor = await need(request)
    view = await call(dossiers.dossier_view, _ws(request), actor, dossier_id)
    return page(request, "werk/dossier.html.j2", actor, title=view.title, d=view)


def _back(dossier_id: int) -> RedirectResponse:
    return see_other(f"/werk/dossiers/{dossier_id}")


@router.post("/dossiers/{dossier_id}/versies")
async def upload_version(request: Request, dossier_id: DossierId) -> Response:
    actor, form = await protected_form(request, dossier_id, "versie")
    lock = number(form, "stand")
    note = text(form, "opmerking", limit=2000)
    section5 = text(form, "sectie5_vanaf", limit=500)
    memo = await upload(form, "beslisnota")
    letter = await upload(form, "kamerbrief")
    await call(
        dossiers.add_version_upload,
        _ws(request),
        actor,
        dossier_id,
        memo=memo,
        letter=letter,
        note=note,
        section5_from=section5 or None,
        lock=lock,
    )
    return _back(dossier_id)


@router.post("/dossiers/{dossier_id}/rapport")
async def report_version(request: Request, dossier_id: DossierId) -> Response:
    from hicmonitor.services.database import open_reader

    actor, form = await protected_form(request, dossier_id, "rapport")
    lock = number(form, "stand")
    note = text(form, "opmerking", limit=2000)

    def build() -> Any:
        con = open_reader(request.app.state.hic.path)
        try:
            return dossiers.add_version_from_report(
                _ws(request), actor, dossier_id, con, note=note, lock=lock
            )
        finally:
            con.close()

    await call(build)
    return _back(dossier_id)


@router.post("/dossiers/{dossier_id}/aanbieden")
async def offer(request: Request, dossier_id: DossierId) -> Response:
    actor, form = await protected_form(request, dossier_id, "aanbieden")
    lock = number(form, "stand")
    await call(dossiers.offer, _ws(request), actor, dossier_id, lock=lock)
    return _back(dossier_id)


@router.post("/dossiers/{dossier_id}/besluit")
async def decide(request: Request, dossier_id: DossierId) -> Response:
    actor, form = await protected_form(request, dossier_id, "besluit")
    lock = number(form, "stand")
    step = number(form, "stap", 0, 100)
    version_hash = text(form, "versie", limit=64, required=True)
    choice = text(form, "besluit", limit=20, required=True)
    comment = text(form, "opmerkingen", limit=_ws(request).config.tekst.max_opmerking)
    if choice not in ("akkoord", "retour"):
        raise wf.InvalidInput("veld 'besluit': kies akkoord of retour")
    await call(
        dossiers.decide,
        _ws(request),
        actor,
        dossier_id,
        step,
        version_hash,
        approve=choice == "akkoord",
        comment=comment,
        lock=lock,
    )
    return _back(dossier_id)


@router.post("/dossiers/{dossier_id}/verzonden")
async def sent(request: Request, dossier_id: DossierId) -> Response:
    actor, form = await protected_form(request, dossier_id, "verzonden")
    lock = number(form, "stand")
    when = dossiers.parse_date(text(form, "datum", limit=10, required=True))
    await call(dossiers.record_sent, _ws(request), actor, dossier_id, when, lock=lock)
    return _back(dossier_id)


@router.post("/dossiers/{dossier_id}/publiceren")
async def publish(request: Request, dossier_id: DossierId) -> Response:
    actor, form = await protected_form(request, dossier_id, "publiceren")
    lock = number(form, "stand")
    await call(dossiers.publish, _ws(request), actor, dossier_id, lock=lock)
    return _back(dossier_id)


@router.get("/dossiers/{dossier_id}/versies/{nummer}")
async def version_page(request: Request, dossier_id: DossierId, nummer: VersionNo) -> HTMLResponse:
    actor = await need(request)
    view = await call(dossiers.version_view, _ws(request), actor, dossier_id, nummer)
    return page(
        request, "werk/versie.html.j2", actor, title=f"{view.title}, versie {view.number}", v=view
    )


@router.get("/dossiers/{dossier_id}/versies/{nummer}/bestanden/{naam}")
async def version_file(
    request: Request,
    dossier_id: DossierId,
    nummer: VersionNo,
    naam: Annotated[str, Path(max_length=255)],
) -> Response:
    actor = await need(request)
    if len(naam) > 255:
        raise wf.InvalidInput("bestandsnaam te lang")
    data, media, fname = await call(
        dossiers.version_file, _ws(request), actor, dossier_id, nummer, naam
    )
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(fname)}"},
    )


@router.get("/dossiers/{dossier_id}/woo.zip")
async def woo_package(request: Request, dossier_id: DossierId) -> Response:
    actor = await need(request)
    data, fname = await call(dossiers.publication_package, _ws(request), actor, dossier_id)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(fname)}"},
    )


# -- accounts and audit -------------------------------------------------------------------


@router.get("/gebruikers")
async def users_page(request: Request) -> HTMLResponse:
    actor = await need(request)
    users = await call(accounts.list_users, _ws(request), actor)
    ws = _ws(request)
    return page(
        request,
        "werk/gebruikers.html.j2",
        actor,
        title="Gebruikers en rollen",
        users=users,
        roles=ROLES,
        levels=ws.config.niveaus,
    )


@router.post("/gebruikers/rol")
async def change_role(request: Request) -> Response:
    actor, form = await protected_form(request)
    if not actor.has("beheerder"):
        raise wf.AccessDenied("alleen een beheerder kan accounts en rollen beheren")
    username = text(form, "gebruiker", limit=64, required=True)
    role = text(form, "rol", limit=40, required=True)
    qualifier = text(form, "kwalificatie", limit=200)
    action = text(form, "actie", limit=20, required=True)
    if action not in ("toekennen", "intrekken"):
        raise wf.InvalidInput("veld 'actie': kies toekennen of intrekken")
    await call(
        accounts.change_role,
        _ws(request),
        actor,
        username,
        role,
        qualifier or None,
        revoke=action == "intrekken",
    )
    return see_other("/werk/gebruikers")


@router.post("/gebruikers/blokkeer")
async def block(request: Request) -> Response:
    actor, form = await protected_form(request)
    if not actor.has("beheerder"):
        raise wf.AccessDenied("alleen een beheerder kan accounts en rollen beheren")
    username = text(form, "gebruiker", limit=64, required=True)
    action = text(form, "actie", limit=20, required=True)
    if action not in ("blokkeren", "opheffen"):
        raise wf.InvalidInput("veld 'actie': kies blokkeren of opheffen")
    await call(accounts.set_blocked, _ws(request), actor, username, blocked=action == "blokkeren")
    return see_other("/werk/gebruikers")


@router.get("/audit")
async def audit_page(request: Request) -> HTMLResponse:
    actor = await need(request)
    lines = await call(wf.recent_audit, _ws(request), actor)
    verdict = await call(wf.check_audit, _ws(request))
    return page(
        request, "werk/audit.html.j2", actor, title="Auditspoor", lines=lines, verdict=verdict
    )


TITLES = {
    400: "Ongeldige invoer",
    403: "Geen toegang",
    404: "Niet gevonden",
    409: "Conflict",
    413: "Te groot",
    429: "Te veel pogingen",
    503: "Werkstroom niet beschikbaar",
}


async def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A workflow error as a Dutch page (with the user's navigation when logged in)."""
    try:
        actor = await viewer(request)
    except Exception:  # noqa: BLE001 - the error page must not fail itself
        actor = None
    parts = request.url.path.split("/")
    back = (
        f"/werk/dossiers/{parts[3]}"
        if len(parts) > 3 and parts[2] == "dossiers" and parts[3].isdigit()
        else None
    )
    return page(
        request,
        "werk/fout.html.j2",
        actor,
        status=status,
        title=TITLES.get(status, "Fout"),
        message=message[:1:].upper() + message[1:],
        back=back,
    )
