"""The choropleth of the municipalities: boundaries simplified on the server, one value each.

``boundaries(year)`` reads the CBS boundary file of a year (``data/nl/gemeente_YYYY.geojson``),
projects it to RD New (EPSG:28992, metres), simplifies it as a coverage (shared borders stay
shared, no gaps or slivers; shapely's ``coverage_simplify``) and turns every municipality into
an SVG path. ``choropleth(frames, category, year, measure)`` gives each municipality its value
(rate per 1,000 inhabitants, or the change in the count since 2019 in %), its class and colour,
and the legend; ``geojson(...)`` is the same as a GeoJSON download (WGS84, the simplified
shapes). Municipality level only: the disclosure rule for small areas does not apply.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hicmonitor import format_nl as nl
from hicmonitor import taxonomy
from hicmonitor.errors import HicError
from hicmonitor.regions import UNKNOWN_MUNICIPALITY, boundary_years
from hicmonitor.services.trends import TrendFrames
from hicmonitor.store.loading import data_dir

MEASURES = {
    "per_1000": "per 1.000 inwoners",
    "verandering": "verandering sinds 2019 (%)",
}
CHANGE_BASE_YEAR = 2019
TOLERANCE_M = 200.0  # simplification tolerance in metres
WIDTH = 600.0  # SVG user units; the height follows the country's shape
MISSING_COLOUR = "#d9d9d9"
# sequential (rate): light to dark blue; diverging (change): blue (fall) to red (rise)
RATE_COLOURS = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")
CHANGE_COLOURS = ("#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b")
CHANGE_BREAKS = (-25.0, -5.0, 5.0, 25.0)  # % since 2019: falls, about the same, rises


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    path: str  # SVG path data in the map's user units
    geometry: Any  # the simplified shape, WGS84 (for GeoJSON)


@dataclass(frozen=True)
class Boundaries:
    year: int
    areas: list[Area]
    width: float
    height: float


def available_years(folder: Path | None = None) -> list[int]:
    return sorted(boundary_years((folder or data_dir()) / "nl"))


def _polygonal(geom: Any) -> Any:
    import shapely

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _svg_path(geom: Any, x0: float, y1: float, scale: float) -> str:
    import shapely

    out = []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:-1]
            if len(xy) < 3:
                continue
            px = np.round((xy[:, 0] - x0) * scale, 1)
            py = np.round((y1 - xy[:, 1]) * scale, 1)
            pts = " ".join(f"{a:g},{b:g}" for a, b in zip(px, py, strict=True))
            out.append(f"M{pts}Z")
    return "".join(out)


@cache
def boundaries(year: int, folder: Path | None = None) -> Boundaries:
    """The municipalities of the boundary file of ``year``, simplified, as SVG paths."""
    import pyproj
    import shapely
    from shapely.geometry import shape

    files = boundary_years((folder or data_dir()) / "nl")
    if year not in files:
        raise HicError(
            f"geen gemeentegrenzen voor {year}; wel voor {', '.join(map(str, sorted(files)))}"
        )
    features = json.loads(files[year].read_text("utf-8"))["features"]
    codes = [f["properties"]["statcode"] for f in features]
    names = [f["properties"]["statnaam"] for f in features]
    wgs = np.array([shape(f["geometry"]) for f in features])
    to_rd = pyproj.Transformer.from_crs(4326, 28992, always_xy=True)
    to_wgs = pyproj.Transformer.from_crs(28992, 4326, always_xy=True)
    rd = shapely.transform(wgs, lambda c: np.column_stack(to_rd.transform(c[:, 0], c[:, 1])))
    rd = np.array([_polygonal(g) for g in shapely.make_valid(rd)])
    simple = shapely.coverage_simplify(rd, TOLERANCE_M)
    x0, y0, x1, y1 = shapely.total_bounds(simple)
    scale = WIDTH / (x1 - x0)
    back = shapely.transform(
        simple, lambda c: np.round(np.column_stack(to_wgs.transform(c[:, 0], c[:, 1])), 5)
    )
    back = np.array([_polygonal(g) for g in shapely.make_valid(back)])  # after rounding
    areas = [
        Area(code, name, _svg_path(g, x0, y1, scale), w)
        for code, name, g, w in zip(codes, names, simple, back, strict=True)
    ]
    return Boundaries(year, areas, WIDTH, round((y1 - y0) * scale, 1))


def boundary_year_for(codes: set[str], year: int, folder: Path | None = None) -> int:
    """The boundary file that fits the municipalities with figures best (most codes in
    common; on a tie the file nearest to ``year``)."""
    years = available_years(folder)
    if not years:
        raise HicError("geen gemeentegrenzen in de gegevensmap")

    def fit(y: int) -> tuple[int, int]:
        have = {a.code for a in boundaries(y, folder).areas}
        return (len(have & codes), -abs(y - year))

    return max(years, key=fit)


@dataclass(frozen=True)
class MapClass:
    colour: str
    label: str


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    path: str
    value: float | None
    count: int | None
    inhabitants: int | None
    colour: str
    text: str  # the value in Dutch ("5,3 per 1.000 inwoners", "+12,0%", "geen cijfers")


@dataclass(frozen=True)
class Choropleth:
    category: str
    label: str
    year: int
    measure: str  # per_1000 | verandering
    measure_label: str
    boundary_year: int
    width: float
    height: float
    areas: list[MapArea]
    classes: list[MapClass]  # the legend, low to high, then "geen cijfers"


def map_categories(frames: TrendFrames) -> list[tuple[str, str]]:
    """(id, label) of the categories with municipal figures."""
    gm = frames.counts[frames.counts["region_code"].str.startswith("GM")]
    present = set(gm["category"])
    return [(c.id, c.label) for c in taxonomy.categories() if c.id in present]


def map_years(frames: TrendFrames, category: str) -> list[int]:
    gm = frames.counts[
        frames.counts["region_code"].str.startswith("GM") & (frames.counts["category"] == category)
    ]
    return sorted(int(y) for y in set(gm["year"]))


def check_choice(frames: TrendFrames, category: str, year: int | None, measure: str) -> int:
    """Check category, year and measure; returns the year (default: the latest)."""
    cats = dict(map_categories(frames))
    if category not in cats:
        raise HicError(
            f"categorie {category!r}: geen cijfers per gemeente; kies uit {', '.join(cats)}"
            + (
                " (straatroof en overval worden alleen landelijk gepubliceerd)"
                if category in ("straatroof", "overval")
                else ""
            )
        )
    if measure not in MEASURES:
        raise HicError(f"maat {measure!r}: kies uit {', '.join(MEASURES)}")
    years = map_years(frames, category)
    if year is None:
        return years[-1]
    if year not in years:
        raise HicError(
            f"jaar {year}: geen cijfers voor {cats[category].lower()}; "
            f"wel voor {years[0]}–{years[-1]}"
        )
    return year


def _rate_classes(values: pd.Series) -> tuple[list[float], list[MapClass]]:
    v = values.dropna()
    qs = (
        sorted(set(float(round(x, 2)) for x in np.quantile(v, [0.2, 0.4, 0.6, 0.8])))
        if len(v)
        else []
    )
    edges = [float(v.min()) if len(v) else 0.0, *qs, float(v.max()) if len(v) else 0.0]
    classes = []
    for i in range(len(edges) - 1):
        lo, hi = edges[i], edges[i + 1]
        classes.append(MapClass(RATE_COLOURS[i], f"{nl.number(lo, 2)} – {nl.number(hi, 2)}"))
    return qs, classes


def _change_classes() -> tuple[list[float], list[MapClass]]:
    b = CHANGE_BREAKS
    labels = [
        f"lager dan {nl.number(b[0])}%",
        f"{nl.number(b[0])}% tot {nl.number(b[1])}%",
        f"{nl.number(b[1])}% tot +{nl.number(b[2])}%",
        f"+{nl.number(b[2])}% tot +{nl.number(b[3])}%",
        f"+{nl.number(b[3])}% of meer",
    ]
    return list(b), [MapClass(c, t) for c, t in zip(CHANGE_COLOURS, labels, strict=True)]


def values(frames: TrendFrames, category: str, year: int, measure: str) -> pd.DataFrame:
    """region_code, count, inhabitants, value of every municipality with figures in ``year``."""
    c = frames.counts
    gm = c[
        c["region_code"].str.startswith("GM")
        & (c["region_code"] != UNKNOWN_MUNICIPALITY)
        & (c["category"] == category)
    ]
    now = gm[gm["year"] == year][["region_code", "count"]]
    pop = frames.population[frames.population["year"] == year][["region_code", "inhabitants"]]
    out = now.merge(pop, on="region_code", how="left")
    if measure == "per_1000":
        inh = out["inhabitants"].astype("Float64")
        out["value"] = (out["count"] / inh.where(inh > 0) * 1000).astype(float)
    else:
        base = gm[gm["year"] == CHANGE_BASE_YEAR][["region_code", "count"]]
        out = out.merge(base.rename(columns={"count": "base"}), on="region_code", how="left")
        b = out["base"].astype("Float64")
        out["value"] = ((out["count"] / b.where(b > 0) - 1) * 100).astype(float)
        out = out.drop(columns="base")
    return out


def choropleth(
    frames: TrendFrames,
    category: str,
    year: int | None = None,
    measure: str = "per_1000",
    folder: Path | None = None,
) -> Choropleth:
    """The map of ``category`` in ``year`` (default: the latest) by ``measure``."""
    year = check_choice(frames, category, year, measure)
    vals = values(frames, category, year, measure)
    by_code = {r.region_code: r for r in vals.itertuples()}
    byear = boundary_year_for(set(by_code), year, folder)
    b = boundaries(byear, folder)
    breaks, classes = _rate_classes(vals["value"]) if measure == "per_1000" else _change_classes()
    areas = []
    for a in b.areas:
        r = by_code.get(a.code)
        value = None if r is None or not math.isfinite(r.value) else float(r.value)
        if value is None:
            colour, text = MISSING_COLOUR, "geen cijfers"
        else:
            colour = classes[int(np.searchsorted(breaks, value, side="right"))].colour
            text = (
                f"{nl.number(value, 2)} per 1.000 inwoners"
                if measure == "per_1000"
                else f"{nl.percent(value, sign=True)} sinds {CHANGE_BASE_YEAR}"
            )
        count = None if r is None or pd.isna(r.count) else int(r.count)
        inh = None if r is None or pd.isna(r.inhabitants) else int(r.inhabitants)
        areas.append(MapArea(a.code, a.name, a.path, value, count, inh, colour, text))
    legend = [*classes, MapClass(MISSING_COLOUR, "geen cijfers")]
    return Choropleth(
        category,
        taxonomy.category(category).label,
        year,
        measure,
        MEASURES[measure],
        byear,
        b.width,
        b.height,
        areas,
        legend,
    )


def geojson(choro: Choropleth, folder: Path | None = None) -> dict[str, Any]:
    """The map as a GeoJSON FeatureCollection (WGS84, simplified shapes, one value each)."""
    from shapely.geometry import mapping

    shapes = {a.code: a.geometry for a in boundaries(choro.boundary_year, folder).areas}
    features = []
    for a in choro.areas:
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(shapes[a.code]),
                "properties": {
                    "code": a.code,
                    "naam": a.name,
                    "categorie": choro.category,
                    "jaar": choro.year,
                    "maat": choro.measure,
                    "waarde": None if a.value is None else round(a.value, 4),
                    "aantal": a.count,
                    "inwoners": a.inhabitants,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
