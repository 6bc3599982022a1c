"""The web application: FastAPI with server-rendered Dutch pages and the JSON API /api/v1.

``create_app(db)`` builds it around one store; ``hic web`` serves it with uvicorn. Pages work
without JavaScript (the script only adds hover values, a chart switch and auto-submitting
filters); everything a page uses comes from the site itself (no CDN). Every response carries
the security headers of :mod:`hicmonitor.web.security`. A user's error (an unknown
municipality, a wrong parameter) is a 4xx with a Dutch message, as a page or as JSON.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from hicmonitor.errors import HicError
from hicmonitor.services import disclosure
from hicmonitor.services.workflow import NotLoggedIn, WorkflowError
from hicmonitor.web.params import ParameterError
from hicmonitor.web.render import FONT_DIR, STATIC_DIR, render
from hicmonitor.web.security import SecurityHeaders
from hicmonitor.web.state import WebState
from hicmonitor.web.werk_guard import WerkGuard

API_PREFIX = "/api/v1"

FIELD_NAMES = {"query": "parameter", "path": "padonderdeel"}


def dutch_validation(exc: RequestValidationError) -> str:
    """One Dutch sentence per invalid parameter."""
    parts = []
    for err in exc.errors():
        loc = err.get("loc", ())
        name = str(loc[-1]) if loc else "?"
        kind = err.get("type", "")
        ctx = err.get("ctx") or {}
        if kind == "missing":
            what = "ontbreekt"
        elif kind in ("int_parsing", "int_type", "int_from_float"):
            what = "is geen geheel getal"
        elif kind == "greater_than_equal":
            what = f"moet minstens {ctx.get('ge')} zijn"
        elif kind == "less_than_equal":
            what = f"mag hoogstens {ctx.get('le')} zijn"
        elif kind == "literal_error":
            what = f"kies uit {ctx.get('expected', '')}".replace(" or ", " of ")
        elif kind == "string_too_long":
            what = f"is te lang (hoogstens {ctx.get('max_length')} tekens)"
        elif kind == "string_pattern_mismatch":
            what = "heeft niet de juiste vorm"
        else:
            what = "is ongeldig"
        parts.append(
            f"{FIELD_NAMES.get(str(loc[0]), 'parameter') if loc else 'parameter'} '{name}' {what}"
        )
    return "; ".join(parts) or "ongeldige aanvraag"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


async def error_response(request: Request, status: int, message: str) -> Any:
    if request.url.path.startswith("/werk"):
        from hicmonitor.web import werk

        return await werk.error_page(request, status, message)
    if _wants_json(request):
        return JSONResponse({"fout": message}, status_code=status)
    titles = {400: "Ongeldige aanvraag", 404: "Niet gevonden", 405: "Niet toegestaan"}
    return HTMLResponse(
        render(
            request,
            "fout.html.j2",
            title=titles.get(status, "Fout"),
            message=message,
            status=status,
        ),
        status_code=status,
    )


def create_app(
    db: str | Path | None = None,
    *,
    content: Path | None = None,
    cache_dir: Path | None = None,
    threshold: int | None = None,
    workflow_url: str | None = None,
) -> FastAPI:
    """The app over the store at ``db`` (default: the store's default path); the workflow
    pages (``/werk``) over the workflow store at ``workflow_url`` (default:
    ``HICMONITOR_WORKFLOW_DB`` or a SQLite file beside the store)."""
    from hicmonitor import store
    from hicmonitor.web import api, pages, werk

    path = Path(db) if db is not None else store.default_db_path()
    cache = cache_dir or Path(
        os.environ.get("HICMONITOR_WEBCACHE") or Path(tempfile.gettempdir()) / "hicmonitor-web"
    )
    app = FastAPI(
        title="hicmonitor API",
        version="1",
        description=(
            "De HIC-cijfers per gemeente, de landelijke tabel, de kaart en de catalogus van de "
            "aanpak. Aantallen onder gemeenteniveau (wijk, buurt) van 1 tot de drempel worden "
            "getoond als '< 5'. Incidentgegevens worden nooit geserveerd."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.hic = WebState(
        path, content=content, cache_dir=cache, rule=disclosure.rule(threshold)
    )

    app.state.werk = werk.WerkState(path, workflow_url)

    @app.exception_handler(WorkflowError)
    async def _workflow_error(request: Request, exc: WorkflowError) -> Any:
        if isinstance(exc, NotLoggedIn):
            return RedirectResponse("/werk/inloggen", status_code=303)
        return await werk.error_page(request, exc.status, str(exc))

    @app.exception_handler(HicError)
    async def _hic_error(request: Request, exc: HicError) -> Any:
        # a wrong parameter value is a 400; a region, year or file that is not there a 404
        status = 400 if isinstance(exc, ParameterError) else 404
        return await error_response(request, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Any:
        return await error_response(request, 400, dutch_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        if exc.status_code == 404:
            msg = "deze pagina bestaat niet" if not _wants_json(request) else "onbekend adres"
        elif exc.status_code == 405:
            msg = "deze methode is hier niet toegestaan"
        else:
            msg = str(exc.detail)
        return await error_response(request, exc.status_code, msg)

    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.include_router(werk.router)
    app.mount("/static/lettertypen", StaticFiles(directory=FONT_DIR), name="fonts")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    limits = app.state.werk.upload_limits()
    app.add_middleware(WerkGuard, max_body=2 * limits.max_mb * 1024 * 1024 + 1024 * 1024)
    app.add_middleware(SecurityHeaders)
    return app
