"""The Dutch pages, rendered on the server: they work without JavaScript.

Filters are plain GET forms (an empty choice means "alle"); a wrong value gets a page with a
Dutch message and a 4xx status.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from hicmonitor.errors import HicError
from hicmonitor.services.disclosure import THRESHOLD_ENV
from hicmonitor.web import params, views
from hicmonitor.web.render import render

router = APIRouter(include_in_schema=False)

Opt = Annotated[str | None, Query(max_length=100)]


def choice(value: str | None, literal: Any, name: str) -> str | None:
    """An optional choice from a form: empty means none; anything else must be allowed."""
    if value is None or value.strip() == "":
        return None
    allowed = get_args(literal)
    if value not in allowed:
        raise params.ParameterError(
            f"{name}: onbekende waarde {value!r}; kies uit {', '.join(allowed)}"
        )
    return value


def year(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    if not value.strip().isdigit() or not 1900 <= int(value) <= 2100:
        raise params.ParameterError(f"jaar: {value!r} is geen jaartal (zoals 2023)")
    return int(value)


def page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(request, template, **context))


@router.get("/")
async def overview(request: Request) -> HTMLResponse:
    snap = request.app.state.hic.snapshot()
    view = snap.cached("national") or await run_in_threadpool(views.national, snap)
    html = snap.memo(
        ("html", "/"),
        lambda: render(request, "landelijk.html.j2", title="HIC-cijfers van Nederland", view=view),
    )
    return HTMLResponse(html)


@router.get("/gemeenten")
async def municipalities(request: Request) -> HTMLResponse:
    snap = request.app.state.hic.snapshot()
    items = await run_in_threadpool(views.municipalities, snap)
    return page(request, "gemeenten.html.j2", title="Gemeenten", municipalities=items)


@router.get("/zoek")
async def search(request: Request, q: Opt = None) -> Any:
    snap = request.app.state.hic.snapshot()
    items = await run_in_threadpool(views.municipalities, snap)
    query = (q or "").strip()
    if query:
        try:
            code, _ = await run_in_threadpool(views.resolve_municipality, snap, query)
        except HicError as exc:
            from hicmonitor.regions import fold

            key = fold(query)
            matches = [g for g in items if key and key in fold(g.naam)][:20]
            html = render(
                request,
                "gemeenten.html.j2",
                title="Gemeente zoeken",
                municipalities=items,
                query=query,
                matches=matches,
                message=str(exc),
            )
            return HTMLResponse(html, status_code=200 if matches else 404)
        return RedirectResponse(f"/gemeente/{code}", status_code=303)
    return page(request, "gemeenten.html.j2", title="Gemeenten", municipalities=items)


@router.get("/gemeente/{gemeente}")
async def municipality(
    request: Request, gemeente: Annotated[str, Path(max_length=100)]
) -> HTMLResponse:
    state = request.app.state.hic
    snap = state.snapshot()

    def compute() -> views.ProfileView:
        code, _ = views.resolve_municipality(snap, gemeente)
        return views.municipality_profile(snap, code, state.rule, state.content)

    view = await run_in_threadpool(compute)
    html = snap.memo(
        ("html", "gemeente", view.model.code),
        lambda: render(
            request,
            "gemeente.html.j2",
            title=f"HIC-cijfers van {view.model.naam}",
            view=view,
            p=view.model,
            threshold=state.rule.label,
        ),
    )
    return HTMLResponse(html)


@router.get("/kaart")
async def map_page(
    request: Request, categorie: Opt = None, jaar: Opt = None, maat: Opt = None
) -> HTMLResponse:
    snap = request.app.state.hic.snapshot()
    cat = choice(categorie, params.KaartCategorie, "categorie") or "woninginbraak"
    measure = choice(maat, params.Maat, "maat") or "per_1000"
    yr = year(jaar)
    choro = await run_in_threadpool(views.choropleth, snap, cat, yr, measure)
    options = await run_in_threadpool(views.map_options, snap)
    html = snap.memo(
        ("html", "kaart", cat, yr, measure),
        lambda: render(
            request,
            "kaart.html.j2",
            title=f"Kaart: {choro.label.lower()} {choro.year}",
            map=choro,
            options=options,
        ),
    )
    return HTMLResponse(html)


@router.get("/maatregelen")
async def measures(
    request: Request,
    categorie: Opt = None,
    aanpak: Opt = None,
    erkenning: Opt = None,
    gemeente: Opt = None,
) -> HTMLResponse:
    state = request.app.state.hic
    snap = state.snapshot()
    chosen = {
        "categorie": choice(categorie, params.Categorie, "categorie"),
        "aanpak": choice(aanpak, params.Aanpak, "aanpak"),
        "erkenning": choice(erkenning, params.Erkenning, "erkenning"),
        "gemeente": (gemeente or "").strip() or None,
    }
    listing = await run_in_threadpool(
        lambda: views.measures(
            snap,
            state.content,
            category=chosen["categorie"],
            approach=chosen["aanpak"],
            min_evidence=chosen["erkenning"],
            municipality=chosen["gemeente"],
        )
    )
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return page(
        request,
        "maatregelen.html.j2",
        title="Maatregelen en interventies",
        listing=listing,
        chosen=chosen,
        categories=get_args(params.Categorie),
        approaches=get_args(params.Aanpak),
        levels=get_args(params.Erkenning),
        municipalities=await run_in_threadpool(views.municipalities, snap),
        query=query,
    )


@router.get("/moties")
async def motions(request: Request, status: Opt = None) -> HTMLResponse:
    state = request.app.state.hic
    snap = state.snapshot()
    st = choice(status, params.MotieStatus, "status")
    listing = await run_in_threadpool(views.motions, snap, state.content, st)
    return page(
        request,
        "lijst.html.j2",
        title="Moties en toezeggingen",
        listing=listing,
        statuses=get_args(params.MotieStatus),
        status=st,
        api="/api/v1/moties",
    )


@router.get("/wetgeving")
async def legislation(request: Request) -> HTMLResponse:
    state = request.app.state.hic
    snap = state.snapshot()
    listing = await run_in_threadpool(views.legislation, snap, state.content)
    return page(
        request, "lijst.html.j2", title="Wetgeving", listing=listing, api="/api/v1/wetgeving"
    )


@router.get("/rapporten")
async def reports(request: Request) -> HTMLResponse:
    state = request.app.state.hic
    snap = state.snapshot()
    years = await run_in_threadpool(views.report_years, snap, state.content)
    return page(
        request,
        "rapporten.html.j2",
        title="Rapporten",
        years=years,
        documents=views.REPORT_DOCUMENTS,
        formats=views.REPORT_FORMATS,
    )


MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@router.get("/rapporten/{jaar}/{bestand}")
async def report_file(
    request: Request,
    jaar: Annotated[int, Path(ge=1900, le=2100)],
    bestand: Annotated[str, Path(max_length=40)],
) -> FileResponse:
    state = request.app.state.hic
    snap = state.snapshot()
    document, _, fmt = bestand.partition(".")
    if document not in views.REPORT_DOCUMENTS or fmt not in views.REPORT_FORMATS:
        raise params.ParameterError(
            f"onbekend rapportbestand {bestand!r}; kies uit "
            + ", ".join(f"{d}.{f}" for d in views.REPORT_DOCUMENTS for f in views.REPORT_FORMATS)
        )
    path = await run_in_threadpool(
        views.report_file, snap, state.content, state.cache_dir, jaar, document, fmt
    )
    return FileResponse(path, media_type=MEDIA[fmt], filename=path.name)


@router.get("/toegankelijkheid")
async def accessibility(request: Request) -> HTMLResponse:
    return page(request, "toegankelijkheid.html.j2", title="Toegankelijkheidsverklaring")


@router.get("/api")
async def open_data(request: Request) -> HTMLResponse:
    state = request.app.state.hic
    return page(
        request,
        "api.html.j2",
        title="Open data en API",
        threshold=state.rule.label,
        threshold_env=THRESHOLD_ENV,
    )
