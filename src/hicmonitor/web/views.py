"""From the services' answers to what the pages and the API show (one shape for both).

Every function takes the current :class:`~hicmonitor.web.state.Snapshot` and keeps its
result in the snapshot's cache, so a second request for the same thing costs a lookup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.errors import HicError
from hicmonitor.regions import NATIONAL, UNKNOWN_MUNICIPALITY, fold
from hicmonitor.services import catalogue, maps, profile, signals
from hicmonitor.services import figures as figures_service
from hicmonitor.services import regions as regions_service
from hicmonitor.services.disclosure import DisclosureRule
from hicmonitor.web import models
from hicmonitor.web.params import ParameterError
from hicmonitor.web.state import Snapshot

NATIONAL_ONLY_NOTE = {
    "straatroof": "De politie publiceert straatroven alleen landelijk, niet per gemeente.",
    "overval": "De politie publiceert overvallen alleen landelijk, niet per gemeente.",
    "ram_plofkraak": (
        "Ram- en plofkraken zijn een eigen landelijke reeks (NVB en politie apart), "
        "niet per gemeente."
    ),
}


def _num(v: Any) -> float | None:
    if v is None or pd.isna(v):
        return None
    f = float(v)
    return f if math.isfinite(f) else None


def _int(v: Any) -> int | None:
    f = _num(v)
    return None if f is None else int(round(f))


# --- municipalities --------------------------------------------------------------------------


def municipalities(snap: Snapshot) -> list[models.GemeenteKort]:
    """The current municipalities with figures, by name."""

    def compute() -> list[models.GemeenteKort]:
        have = set(snap.frames.counts["region_code"])
        out = [
            models.GemeenteKort(code=code, naam=name, url=f"/gemeente/{code}")
            for code, name, level, valid_to in snap.region_rows
            if level == "gemeente"
            and code != UNKNOWN_MUNICIPALITY
            and name
            and valid_to is None
            and code in have
        ]
        return sorted(out, key=lambda g: g.naam.casefold())

    return snap.memo("municipalities", compute)


def resolve_municipality(snap: Snapshot, text: str) -> tuple[str, str]:
    """(code, name) of a municipality by code or name; a Dutch ``HicError`` otherwise."""
    text = text.strip()
    if not text:
        raise ParameterError("geef een gemeente: een naam (Utrecht) of een code (GM0344)")
    if len(text) > 100:
        raise ParameterError("de gemeentenaam is te lang (hoogstens 100 tekens)")

    def compute() -> tuple[str, str]:
        with snap.reader() as con:
            match = regions_service.resolve_municipality(con, text)
        return match.code, match.name

    return snap.memo(("resolve", text.casefold()), compute)


@dataclass
class ProfileView:
    model: models.GemeenteProfiel
    charts: dict[str, dict[str, str]]  # category -> {"count": svg, "rate": svg}
    json: bytes


def _trend_rows(trend: pd.DataFrame) -> list[models.TrendJaar]:
    return [
        models.TrendJaar(
            jaar=int(r.year),
            aantal=int(r.count),
            verandering=_int(r.change_abs),
            verandering_pct=_num(r.change_pct),
            index=_num(r.index),
            inwoners=_int(r.inhabitants),
            per_1000=_num(r.rate_per_1000),
            trend_verwacht=_num(r.trend_expected),
            afwijking_trend_pct=_num(r.trend_deviation_pct),
            voorlopig=bool(r.provisional),
            corona=bool(r.covid),
        )
        for r in trend.sort_values("year").itertuples()
    ]


def _measure(m: Any, code: str | None) -> models.MaatregelKort:
    latest = max(m.status)
    return models.MaatregelKort(
        id=m.id,
        naam=m.name,
        aanpak=list(m.approaches),
        categorieen=list(m.categories),
        erkenning=m.evidence.label,
        status=f"{m.status[latest]} (sinds {latest})",
        lokaal=code is not None and any(g.code == code for g in m.municipalities),
    )


def municipality_profile(
    snap: Snapshot, code: str, rule: DisclosureRule, content: Any
) -> ProfileView:
    """The municipality page and ``/api/v1/gemeenten/{code}``, computed once per snapshot."""

    def compute() -> ProfileView:
        from hicmonitor.reports import charts

        with snap.reader() as con:
            prof = profile.municipality_profile(
                con, code, frames=snap.frames, analysis=snap.analysis
            )
            sigs = snap.memo("signals", lambda: signals.by_region(con)).get(code, [])
            sub = figures_service.subregion_figures(con, code, rule)
        problem = profile.problem_categories(prof)
        catalog = snap.memo("catalog", lambda: catalogue.load(content))
        mm = catalogue.municipality_measures(code, problem, catalog=catalog)
        cats = []
        chart_svgs: dict[str, dict[str, str]] = {}
        for c in prof.categories:
            cats.append(
                models.CategorieProfiel(
                    categorie=c.category,
                    label=c.label,
                    cijfers=[
                        models.Cijfer(
                            jaar=int(r.year),
                            aantal=int(r.count),
                            voorlopig=bool(r.provisional),
                            inwoners=_int(r.inhabitants),
                            per_1000=_num(r.per_1000),
                        )
                        for r in c.figures.itertuples()
                    ],
                    trend=_trend_rows(c.trend),
                    duiding=c.duiding.text,
                    vergelijking=None
                    if c.peers is None
                    else [
                        models.Vergelijking(
                            groep=s.scope,
                            label=s.label,
                            gemeenten=int(s.n),
                            plaats=int(s.rank),
                            percentiel=float(s.percentile),
                            cijfer_groep=float(s.peer_rate),
                            verhouding=float(s.ratio),
                            ondergrens=float(s.ratio_low),
                            bovengrens=float(s.ratio_high),
                            oordeel=s.verdict,
                        )
                        for s in c.peers
                    ],
                )
            )
            chart_svgs[c.category] = {
                "count": charts.trend_svg(
                    c.trend,
                    title=f"{c.label} in {prof.name}: aantal per jaar",
                    chart_id=f"grafiek-{c.category}-aantal",
                    value="count",
                ),
                "rate": charts.trend_svg(
                    c.trend,
                    title=f"{c.label} in {prof.name}: per 1.000 inwoners",
                    chart_id=f"grafiek-{c.category}-per1000",
                    value="rate_per_1000",
                ),
            }
        sub_rows = []
        if not sub.empty:
            for r in sub.itertuples():
                sub_rows.append(
                    models.Deelgebied(
                        code=r.region_code,
                        naam=r.name if isinstance(r.name, str) else None,
                        niveau=r.level,
                        categorie=r.category,
                        jaar=int(r.year),
                        aantal=r.count if isinstance(r.count, str) else int(r.count),
                        voorlopig=bool(r.provisional),
                        per_1000=_num(getattr(r, "per_1000", None)),
                    )
                )
        model = models.GemeenteProfiel(
            code=prof.code,
            naam=prof.name,
            vergelijkingsjaar=prof.peer_year,
            categorieen=cats,
            alleen_landelijk=[
                models.AlleenLandelijk(
                    categorie=c,
                    label=taxonomy.category(c).label,
                    toelichting=NATIONAL_ONLY_NOTE.get(
                        c, "Voor deze categorie zijn geen cijfers per gemeente geladen."
                    ),
                )
                for c in prof.national_only
            ],
            signalen=[
                models.Signaal(
                    categorie=s.category,
                    label=s.label,
                    periode=s.period,
                    tekst=s.text,
                    aantal=s.observed,
                    verwacht=_num(s.expected),
                    bovengrens=_num(s.upperbound),
                    score=_num(s.score),
                    voorlopig=s.provisional,
                )
                for s in sigs
            ],
            maatregelen=models.Maatregelen(
                lopend=[_measure(m, code) for m in mm.running],
                probleemcategorieen=mm.problem_categories,
                minimale_erkenning=mm.min_evidence,
                met_bewijs=[_measure(m, code) for m in mm.with_evidence],
            ),
            deelgebieden=sub_rows,
        )
        return ProfileView(model, chart_svgs, model.model_dump_json().encode())

    return snap.memo(("profile", code), compute)


# --- the national overview ------------------------------------------------------------------


@dataclass
class NationalView:
    model: models.Landelijk
    charts: dict[str, str]
    years: list[int]
    wide: list[tuple[int, bool, list[int | None]]]  # year, provisional, counts per category
    json: bytes


def national(snap: Snapshot) -> NationalView:
    def compute() -> NationalView:
        from hicmonitor.reports import charts

        with snap.reader() as con:
            figs = figures_service.region_figures(con, NATIONAL)
        analysis = snap.analysis
        cats = []
        chart_svgs = {}
        for cat, part in figs.table.groupby("category", sort=False):
            d = analysis.duidingen.get((cat, NATIONAL))
            label = taxonomy.category(cat).label
            cats.append(
                models.LandelijkeCategorie(
                    categorie=cat,
                    label=label,
                    cijfers=[
                        models.Cijfer(
                            jaar=int(r.year), aantal=int(r.count), voorlopig=bool(r.provisional)
                        )
                        for r in part.itertuples()
                    ],
                    duiding=d.text if d is not None else "",
                )
            )
            trend = analysis.table[
                (analysis.table["category"] == cat) & (analysis.table["region_code"] == NATIONAL)
            ]
            chart_svgs[cat] = charts.trend_svg(
                trend,
                title=f"{label} in Nederland: aantal per jaar",
                chart_id=f"grafiek-{cat}",
                value="count",
            )
        atm = []
        if figs.atm is not None:
            for r in figs.atm.sort_values(["counter", "kind", "year"]).itertuples():
                atm.append(
                    models.Plofkraak(
                        jaar=int(r.year),
                        teller=str(r.counter),
                        soort=str(r.kind),
                        aantal=int(r.count),
                        bron=r.reference if isinstance(r.reference, str) else None,
                    )
                )
        wide = figs.wide("count")
        prov = set(figs.table.loc[figs.table["provisional"], "year"])
        rows = [(int(y), int(y) in prov, [_int(v) for v in row]) for y, row in wide.iterrows()]
        model = models.Landelijk(
            code=figs.code,
            naam=figs.name,
            categorieen=cats,
            ram_en_plofkraken=atm,
            toelichting=[
                "Geregistreerde misdrijven (politie, CBS open data); jaren met 'voorlopig' "
                "kunnen nog worden herzien.",
                "Ram- en plofkraken: NVB en politie tellen verschillend; de reeksen staan "
                "naast elkaar en worden nooit opgeteld.",
            ],
        )
        return NationalView(
            model, chart_svgs, [r[0] for r in rows], rows, model.model_dump_json().encode()
        )

    return snap.memo("national", compute)


# --- figures of any region (downloads) -------------------------------------------------------


def region_table(
    snap: Snapshot, region: str, category: str | None, rule: DisclosureRule
) -> pd.DataFrame:
    """The published table of a region (code or name; any level), the disclosure rule applied."""
    if len(region) > 100:
        raise ParameterError("de regio is te lang (hoogstens 100 tekens)")

    def compute() -> pd.DataFrame:
        with snap.reader() as con:
            figs = figures_service.region_figures(con, region, [category] if category else None)
        table = figures_service.published_figures(figs, rule)
        return table

    return snap.memo(("region", fold(region), category), compute)


def region_rows(table: pd.DataFrame) -> list[models.RegioCijfer]:
    return [
        models.RegioCijfer(
            regio=r.region_code,
            categorie=r.category,
            label=r.label,
            jaar=int(r.year),
            aantal=r.count if isinstance(r.count, str) else int(r.count),
            voorlopig=bool(r.provisional),
            inwoners=_int(getattr(r, "inhabitants", None)),
            per_1000=_num(getattr(r, "per_1000", None)),
        )
        for r in table.itertuples()
    ]


def download_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Dutch column names for a CSV or Parquet download."""
    names = {
        "region_code": "regio",
        "name": "naam",
        "level": "niveau",
        "category": "categorie",
        "label": "label",
        "year": "jaar",
        "count": "aantal",
        "provisional": "voorlopig",
        "inhabitants": "inwoners",
        "per_1000": "per_1000",
    }
    out = table[[c for c in names if c in table.columns]].rename(columns=names)
    if out["aantal"].dtype == object:  # "< 5" in the column: text throughout (Parquet)
        out["aantal"] = out["aantal"].astype(str)
    return out


# --- the map ---------------------------------------------------------------------------------


def choropleth(snap: Snapshot, category: str, year: int | None, measure: str) -> maps.Choropleth:
    return snap.memo(
        ("map", category, year, measure),
        lambda: maps.choropleth(snap.frames, category, year, measure),
    )


def map_model(choro: maps.Choropleth) -> models.Kaart:
    return models.Kaart(
        categorie=choro.category,
        label=choro.label,
        jaar=choro.year,
        maat=choro.measure,
        maat_label=choro.measure_label,
        grenzen_jaar=choro.boundary_year,
        legenda=[models.Legenda(kleur=c.colour, label=c.label) for c in choro.classes],
        gemeenten=[
            models.KaartGebied(
                code=a.code,
                naam=a.name,
                waarde=None if a.value is None else round(a.value, 4),
                aantal=a.count,
                inwoners=a.inhabitants,
                tekst=a.text,
                kleur=a.colour,
                url=f"/gemeente/{a.code}",
            )
            for a in choro.areas
        ],
    )


def map_options(snap: Snapshot) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        cats = maps.map_categories(snap.frames)
        return {
            "categories": cats,
            "years": {c: maps.map_years(snap.frames, c) for c, _ in cats},
            "measures": maps.MEASURES,
        }

    return snap.memo("map_options", compute)


# --- catalogue and reports ------------------------------------------------------------------

EVIDENCE_CHOICES = (
    "goed onderbouwd",
    "effectief volgens eerste aanwijzingen",
    "effectief volgens goede aanwijzingen",
    "effectief volgens sterke aanwijzingen",
)


def measures(
    snap: Snapshot,
    content: Any,
    *,
    category: str | None,
    approach: str | None,
    min_evidence: str | None,
    municipality: str | None,
) -> catalogue.Listing:
    code = None
    if municipality:
        code, _ = resolve_municipality(snap, municipality)

    def compute() -> catalogue.Listing:
        with snap.reader() as con:
            return catalogue.measures(
                con,
                category=category,
                approach=approach,
                min_evidence=min_evidence,
                municipality=code,
                content=content,
            )

    return snap.memo(("measures", category, approach, min_evidence, code), compute)


def motions(snap: Snapshot, content: Any, status: str | None) -> catalogue.Listing:
    return snap.memo(("motions", status), lambda: catalogue.motions(status=status, content=content))


def legislation(snap: Snapshot, content: Any) -> catalogue.Listing:
    return snap.memo("legislation", lambda: catalogue.legislation(content=content))


def listing_items(listing: catalogue.Listing) -> list[dict[str, Any]]:
    """The full items of a listing as JSON-ready dicts (the content files' field names)."""
    import json

    from hicmonitor.catalog import tables

    return json.loads(tables.item_json(listing.items, listing.extra))


REPORT_DOCUMENTS = ("kamerbrief", "beslisnota")
REPORT_FORMATS = ("docx", "pdf", "html")


def report_years(snap: Snapshot, content: Any) -> list[int]:
    from hicmonitor.services import reports

    def compute() -> list[int]:
        with snap.reader() as con:
            return reports.report_years(con, content)

    return snap.memo("report_years", compute)


def report_file(
    snap: Snapshot, content: Any, cache_dir: Any, year: int, document: str, fmt: str
) -> Any:
    """The path of a report file of ``year``, built once per snapshot (all formats at once)."""
    import hashlib
    from pathlib import Path

    from hicmonitor.services import reports

    if year not in report_years(snap, content):
        years = report_years(snap, content)
        raise HicError(
            f"geen rapport voor {year}; wel voor: {', '.join(map(str, years)) or 'geen jaar'}"
        )

    def compute() -> dict[tuple[str, str], Path]:
        folder = Path(cache_dir) / hashlib.sha256(snap.id.encode()).hexdigest()[:16] / str(year)
        with snap.reader() as con:
            spec = reports.resolve_spec(con, year, reports.default_spec_path(year, content))
            wanted = {
                (kind, f): folder / reports.file_name(kind, spec, f)
                for kind in REPORT_DOCUMENTS
                for f in REPORT_FORMATS
            }
            if not all(p.exists() for p in wanted.values()):
                reports.make_reports(con, spec, folder, REPORT_FORMATS)
        return wanted

    return snap.memo(("report", year), compute)[(document, fmt)]
