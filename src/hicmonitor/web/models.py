"""The JSON shapes of the API (``/api/v1``): pydantic models, so the OpenAPI document says
exactly what every answer holds. Field names are Dutch, like the CLI's JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Fout(BaseModel):
    """An error a user can act on, in Dutch."""

    fout: str = Field(description="Wat er mis is, in het Nederlands")


class GemeenteKort(BaseModel):
    code: str
    naam: str
    url: str


class Cijfer(BaseModel):
    jaar: int
    aantal: int
    voorlopig: bool
    inwoners: int | None = None
    per_1000: float | None = None


class TrendJaar(BaseModel):
    jaar: int
    aantal: int
    verandering: int | None = None
    verandering_pct: float | None = None
    index: float | None = Field(None, description="index, basisjaar = 100")
    inwoners: int | None = None
    per_1000: float | None = None
    trend_verwacht: float | None = Field(None, description="volgens de trend van vóór corona")
    afwijking_trend_pct: float | None = None
    voorlopig: bool
    corona: bool


class Vergelijking(BaseModel):
    groep: str = Field(description="klasse (grootteklasse) of alle (alle gemeenten)")
    label: str
    gemeenten: int
    plaats: int = Field(description="1 = hoogste cijfer per inwoner")
    percentiel: float
    cijfer_groep: float = Field(description="per 1.000 inwoners, de groep zonder de gemeente")
    verhouding: float
    ondergrens: float = Field(description="95%-interval van de verhouding")
    bovengrens: float
    oordeel: str


class CategorieProfiel(BaseModel):
    categorie: str
    label: str
    cijfers: list[Cijfer]
    trend: list[TrendJaar]
    duiding: str
    vergelijking: list[Vergelijking] | None


class AlleenLandelijk(BaseModel):
    categorie: str
    label: str
    toelichting: str


class Signaal(BaseModel):
    categorie: str = Field(description="de reeks: een categorie of een politiecode van geweld")
    label: str
    periode: str
    tekst: str
    aantal: int | None = Field(default=None, description="het waargenomen aantal")
    verwacht: float | None = Field(default=None, description="wat de jaren ervoor voorspellen")
    bovengrens: float | None = Field(default=None, description="de bovengrens (alpha 0,01)")
    score: float | None = Field(
        default=None, description="(aantal - verwacht) / (bovengrens - verwacht); > 1: signaal"
    )
    voorlopig: bool = False


class MaatregelKort(BaseModel):
    id: str
    naam: str
    aanpak: list[str]
    categorieen: list[str]
    erkenning: str
    status: str
    lokaal: bool = Field(description="loopt in deze gemeente zelf (niet alleen landelijk)")


class Maatregelen(BaseModel):
    lopend: list[MaatregelKort]
    probleemcategorieen: list[str]
    minimale_erkenning: str
    met_bewijs: list[MaatregelKort]


class Deelgebied(BaseModel):
    code: str
    naam: str | None
    niveau: str
    categorie: str
    jaar: int
    aantal: int | str = Field(description='aantal, of "< 5" (onthullingsregel)')
    voorlopig: bool
    per_1000: float | None = None


class GemeenteProfiel(BaseModel):
    code: str
    naam: str
    vergelijkingsjaar: int | None
    categorieen: list[CategorieProfiel]
    alleen_landelijk: list[AlleenLandelijk]
    signalen: list[Signaal]
    maatregelen: Maatregelen
    deelgebieden: list[Deelgebied]


class LandelijkeCategorie(BaseModel):
    categorie: str
    label: str
    cijfers: list[Cijfer]
    duiding: str


class Plofkraak(BaseModel):
    jaar: int
    teller: str = Field(description="NVB of politie: tellen verschillend, nooit optellen")
    soort: str
    aantal: int
    bron: str | None


class Landelijk(BaseModel):
    code: str
    naam: str
    categorieen: list[LandelijkeCategorie]
    ram_en_plofkraken: list[Plofkraak]
    toelichting: list[str]


class RegioCijfer(BaseModel):
    regio: str
    categorie: str
    label: str
    jaar: int
    aantal: int | str = Field(description='aantal, of "< 5" onder gemeenteniveau')
    voorlopig: bool
    inwoners: int | None = None
    per_1000: float | None = None


class KaartGebied(BaseModel):
    code: str
    naam: str
    waarde: float | None
    aantal: int | None
    inwoners: int | None
    tekst: str
    kleur: str
    url: str


class Legenda(BaseModel):
    kleur: str
    label: str


class Kaart(BaseModel):
    categorie: str
    label: str
    jaar: int
    maat: str
    maat_label: str
    grenzen_jaar: int
    legenda: list[Legenda]
    gemeenten: list[KaartGebied]


class Rapport(BaseModel):
    jaar: int
    documenten: dict[str, dict[str, str]] = Field(
        description="document (kamerbrief, beslisnota) -> formaat -> url"
    )


class CatalogusItem(BaseModel):
    model_config = {"extra": "allow"}

    id: str


JSONValue = Any
