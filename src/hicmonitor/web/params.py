"""The parameters of pages and API, validated once (FastAPI answers a wrong one with a 400 and
a Dutch message). Choices come from the taxonomy and the catalogue's vocabulary."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from hicmonitor.errors import HicError


class ParameterError(HicError):
    """A parameter with a wrong value (answered with 400; other user errors are 404)."""


# HIC categories with figures per municipality or nationally (taxonomy ids)
Categorie = Literal["woninginbraak", "straatroof", "overval", "geweld"]
KaartCategorie = Literal["woninginbraak", "straatroof", "overval", "geweld"]
Maat = Literal["per_1000", "verandering"]
Aanpak = Literal["dadergericht", "slachtoffergericht", "situationeel", "preventief", "repressief"]
Erkenning = Literal[
    "goed onderbouwd",
    "effectief volgens eerste aanwijzingen",
    "effectief volgens goede aanwijzingen",
    "effectief volgens sterke aanwijzingen",
]
MotieStatus = Literal["open", "in uitvoering", "afgedaan", "onbekend"]
Formaat = Literal["json", "csv", "parquet"]
KaartFormaat = Literal["json", "csv", "geojson"]
CatalogusFormaat = Literal["json", "csv"]

Jaar = Annotated[int | None, Query(ge=1900, le=2100, description="Jaar, zoals 2023")]
Tekst = Annotated[str | None, Query(max_length=100)]
