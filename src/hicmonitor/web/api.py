"""The JSON API ``/api/v1``: the same data as the pages, with CSV, Parquet and GeoJSON
downloads. Municipality JSON is served from bytes rendered once per snapshot.

Incident data is never served: no route reads the incident table. Counts below municipality
level go through the disclosure rule (``services.disclosure``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from hicmonitor.regions import fold
from hicmonitor.services.export import MEDIA_TYPES, frame_bytes
from hicmonitor.web import models, views
from hicmonitor.web.params import (
    Aanpak,
    CatalogusFormaat,
    Categorie,
    Erkenning,
    Formaat,
    Jaar,
    KaartCategorie,
    KaartFormaat,
    Maat,
    MotieStatus,
    Tekst,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": models.Fout, "description": "Ongeldige parameter of niet gevonden"}
}
GEOJSON = "application/geo+json"

router = APIRouter(tags=["hicmonitor"])


def _json(data: bytes | Any) -> Response:
    if not isinstance(data, bytes):
        data = json.dumps(data, ensure_ascii=False).encode()
    return Response(data, media_type="application/json")


def _download(data: bytes, fmt: str, name: str) -> Response:
    return Response(
        data,
        media_type=MEDIA_TYPES.get(fmt, GEOJSON if fmt == "geojson" else "application/json"),
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


GEOJSON_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "features"],
}


def _responses(model: Any, *media: str) -> dict[int | str, dict[str, Any]]:
    content: dict[str, Any] = {
        m: {"schema": GEOJSON_SCHEMA if m == GEOJSON else {"type": "string", "format": "binary"}}
        for m in media
    }
    return {200: {"model": model, "content": content}, **ERRORS}


@router.get(
    "/gemeenten",
    response_model=list[models.GemeenteKort],
    responses=ERRORS,
    summary="Alle gemeenten met cijfers",
)
async def gemeenten(request: Request) -> Response:
    snap = request.app.state.hic.snapshot()
    data = snap.cached("municipalities_json")
    if data is None:
        items = await run_in_threadpool(views.municipalities, snap)
        data = snap.memo(
            "municipalities_json", lambda: json.dumps([g.model_dump() for g in items]).encode()
        )
    return _json(data)


@router.get(
    "/gemeenten/{gemeente}",
    response_model=models.GemeenteProfiel,
    responses=ERRORS,
    summary="Een gemeente: cijfers, trend, duiding, vergelijking, signalen, maatregelen",
)
async def gemeente(
    request: Request,
    gemeente: Annotated[
        str,
        Path(
            max_length=100,
            description="Code (GM0344) of naam (Utrecht)",
            examples=["GM0344", "Utrecht", "'s-Hertogenbosch"],
        ),
    ],
) -> Response:
    state = request.app.state.hic
    snap = state.snapshot()
    found = snap.cached(("resolve", fold(gemeente)))  # the fast path: bytes rendered before
    if found is not None:
        view = snap.cached(("profile", found[0]))
        if view is not None:
            return _json(view.json)

    def compute() -> bytes:
        c, _ = views.resolve_municipality(snap, gemeente)
        return views.municipality_profile(snap, c, state.rule, state.content).json

    return _json(await run_in_threadpool(compute))


@router.get(
    "/landelijk",
    response_model=models.Landelijk,
    responses=ERRORS,
    summary="De landelijke HIC-tabel met duiding; ram- en plofkraken (NVB en politie apart)",
)
async def landelijk(request: Request) -> Response:
    snap = request.app.state.hic.snapshot()
    view = snap.cached("national")
    if view is None:
        view = await run_in_threadpool(views.national, snap)
    return _json(view.json)


@router.get(
    "/cijfers",
    response_model=list[models.RegioCijfer],
    responses=_responses(list[models.RegioCijfer], MEDIA_TYPES["csv"], MEDIA_TYPES["parquet"]),
    summary="De cijfers van een regio (ook wijk of buurt: 1–4 als '< 5'); JSON, CSV of Parquet",
)
async def cijfers(
    request: Request,
    regio: Annotated[
        str,
        Query(
            max_length=100,
            description="Regiocode of naam",
            examples=["NL01", "GM0344", "Amsterdam", "WK034401"],
        ),
    ] = "NL01",
    categorie: Categorie | None = None,
    formaat: Formaat = "json",
) -> Response:
    state = request.app.state.hic
    snap = state.snapshot()

    def compute() -> Response:
        table = views.region_table(snap, regio, categorie, state.rule)
        if formaat == "json":
            return _json([r.model_dump() for r in views.region_rows(table)])
        code = str(table["region_code"].iloc[0]) if not table.empty else "regio"
        return _download(
            frame_bytes(views.download_frame(table), formaat), formaat, f"hic_cijfers_{code}"
        )

    return await run_in_threadpool(compute)


@router.get(
    "/kaart",
    response_model=models.Kaart,
    responses=_responses(models.Kaart, MEDIA_TYPES["csv"], GEOJSON),
    summary="De kaart: per gemeente de waarde (per 1.000 inwoners of verandering sinds 2019)",
)
async def kaart(
    request: Request,
    categorie: KaartCategorie = "woninginbraak",
    jaar: Jaar = None,
    maat: Maat = "per_1000",
    formaat: KaartFormaat = "json",
) -> Response:
    snap = request.app.state.hic.snapshot()

    def compute() -> Response:
        choro = views.choropleth(snap, categorie, jaar, maat)
        name = f"hic_kaart_{choro.category}_{choro.year}_{choro.measure}"
        if formaat == "geojson":
            from hicmonitor.services import maps

            data = snap.memo(
                ("geojson", categorie, jaar, maat),
                lambda: json.dumps(maps.geojson(choro), ensure_ascii=False).encode(),
            )
            return _download(data, "geojson", name)
        model = views.map_model(choro)
        if formaat == "csv":
            import pandas as pd

            frame = pd.DataFrame([g.model_dump(exclude={"url", "kleur"}) for g in model.gemeenten])
            return _download(frame_bytes(frame, "csv"), "csv", name)
        return _json(model.model_dump_json().encode())

    return await run_in_threadpool(compute)


def _listing(listing: Any, fmt: str, name: str) -> Response:
    if fmt == "csv":
        from hicmonitor.catalog import tables

        return _download(tables.rows_csv(listing.rows).encode(), "csv", name)
    return _json(views.listing_items(listing))


@router.get(
    "/maatregelen",
    response_model=list[models.CatalogusItem],
    responses=_responses(list[models.CatalogusItem], MEDIA_TYPES["csv"]),
    summary="Maatregelen en interventies, met filters",
)
async def maatregelen(
    request: Request,
    categorie: Categorie | None = None,
    aanpak: Aanpak | None = None,
    erkenning: Erkenning | None = None,
    gemeente: Tekst = None,
    formaat: CatalogusFormaat = "json",
) -> Response:
    state = request.app.state.hic
    snap = state.snapshot()

    def compute() -> Response:
        listing = views.measures(
            snap,
            state.content,
            category=categorie,
            approach=aanpak,
            min_evidence=erkenning,
            municipality=gemeente,
        )
        return _listing(listing, formaat, "maatregelen")

    return await run_in_threadpool(compute)


@router.get(
    "/moties",
    response_model=list[models.CatalogusItem],
    responses=_responses(list[models.CatalogusItem], MEDIA_TYPES["csv"]),
    summary="Moties en toezeggingen",
)
async def moties(
    request: Request, status: MotieStatus | None = None, formaat: CatalogusFormaat = "json"
) -> Response:
    state = request.app.state.hic
    snap = state.snapshot()
    return await run_in_threadpool(
        lambda: _listing(views.motions(snap, state.content, status), formaat, "moties")
    )


@router.get(
    "/wetgeving",
    response_model=list[models.CatalogusItem],
    responses=_responses(list[models.CatalogusItem], MEDIA_TYPES["csv"]),
    summary="Wetgevingstrajecten met hun laatste fase",
)
async def wetgeving(request: Request, formaat: CatalogusFormaat = "json") -> Response:
    state = request.app.state.hic
    snap = state.snapshot()
    return await run_in_threadpool(
        lambda: _listing(views.legislation(snap, state.content), formaat, "wetgeving")
    )


@router.get(
    "/rapporten",
    response_model=list[models.Rapport],
    responses=ERRORS,
    summary="De rapportjaren en hun downloads (Kamerbrief en beslisnota in DOCX, PDF, HTML)",
)
async def rapporten(request: Request) -> Response:
    state = request.app.state.hic
    snap = state.snapshot()
    years = await run_in_threadpool(views.report_years, snap, state.content)
    return _json(
        [
            {
                "jaar": y,
                "documenten": {
                    d: {f: f"/rapporten/{y}/{d}.{f}" for f in views.REPORT_FORMATS}
                    for d in views.REPORT_DOCUMENTS
                },
            }
            for y in years
        ]
    )
