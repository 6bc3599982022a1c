"""Trends with their duiding: the store's frames handed to the trend analysis (CLI and web).

The analysis modules (:mod:`hicmonitor.analysis.trends`, ``peers``, ``duiding``) know frames
only; this module asks the store for the frames and hands them over.

``load_frames(con)`` -> :class:`TrendFrames` (category counts, population incl. a derived
national total, region names); ``analyse(frames, ...)`` -> :class:`TrendAnalysis` with the
trend table, the peer table of the latest year with a population for every municipality,
and the duiding of every (category, region).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from hicmonitor import store, taxonomy
from hicmonitor.analysis import duiding as duidingmod
from hicmonitor.analysis import peers as peersmod
from hicmonitor.analysis import trends
from hicmonitor.errors import HicError
from hicmonitor.regions import NATIONAL, UNKNOWN_MUNICIPALITY
from hicmonitor.services.regions import NATIONAL_POPULATION_NOTE, boundary_text, resolve_region

# A year can be the year of the peer comparison when at least this share of the
# municipalities with counts that year have inhabitants; the others are left out (and named).
PEER_COVERAGE = 0.95


@dataclass
class TrendFrames:
    counts: pd.DataFrame  # category, region_code, year, count, provisional
    # region_code, year, inhabitants: municipalities on today's boundaries (a merged
    # municipality counts its predecessors before the merger); NL01 derived if absent
    population: pd.DataFrame
    names: dict[str, str]  # region code -> name
    national_population_derived: bool = False
    # region_code, year, derived, parts: which figures include former municipalities
    population_parts: pd.DataFrame | None = None
    peildatum: dt.date | None = None  # the figures are those public on this day (None: all)


@dataclass
class TrendAnalysis:
    table: pd.DataFrame
    peers: pd.DataFrame | None
    peer_year: int | None
    duidingen: dict[tuple[str, str], duidingmod.Duiding] = field(default_factory=dict)
    # municipalities with counts in the peer year but no inhabitants: not compared
    peers_left_out: list[str] = field(default_factory=list)


def with_national_population(population: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Add NL01 as the sum of all municipalities of each year when the store has no NL01.

    The population series holds every municipality on the boundaries of its own year, so the
    sum per year is the national total. Returns the frame and whether NL01 was derived.
    """
    if (population["region_code"] == NATIONAL).any() or population.empty:
        return population, False
    gm = population[
        population["region_code"].str.startswith("GM")
        & (population["region_code"] != UNKNOWN_MUNICIPALITY)
    ]
    nat = gm.groupby("year", as_index=False)["inhabitants"].sum()
    nat["region_code"] = NATIONAL
    return pd.concat([population, nat[population.columns]], ignore_index=True), True


def load_frames(con: duckdb.DuckDBPyConnection, *, peildatum: dt.date | None = None) -> TrendFrames:
    """The frames of the trend analysis, as public on ``peildatum`` (default: everything)."""
    counts = store.category_counts(con, as_of=peildatum)
    counts = counts[["category", "region_code", "year", "count", "provisional"]]
    with_national, derived = with_national_population(store.population(con, as_of=peildatum))
    national = with_national[with_national["region_code"] == NATIONAL]
    boundary = store.boundary_population(con)
    if peildatum is not None:
        boundary = boundary[boundary["year"].isin(set(with_national["year"]))]
    regional = boundary.loc[boundary["region_code"] != NATIONAL]
    population = pd.concat(
        [regional[["region_code", "year", "inhabitants"]], national[regional.columns[:3]]],
        ignore_index=True,
    )
    regions = store.regions(con)
    names = {
        code: name
        for code, name in zip(regions["code"], regions["name"], strict=True)
        if isinstance(name, str)
    }
    parts = regional.loc[regional["derived"].fillna(False).astype(bool)]
    return TrendFrames(counts, population, names, derived, parts.reset_index(drop=True), peildatum)


def peer_year(frames: TrendFrames, year: int | None = None) -> tuple[int | None, list[str]]:
    """The year of the peer comparison and the municipalities left out of it.

    The latest year (or ``year``) in which at least ``PEER_COVERAGE`` of the municipalities
    with counts that year have inhabitants; those without (a municipality that no longer
    exists, a year without a population figure) are left out and listed.
    """
    gm = municipal_counts(frames.counts)
    if gm.empty:
        return None, []
    with_pop = frames.population[frames.population["inhabitants"] > 0]
    have = set(zip(with_pop["region_code"], with_pop["year"], strict=True))
    by_year: dict[int, tuple[int, list[str]]] = {}
    for y, group in gm.groupby("year"):
        codes = sorted(set(group["region_code"]))
        missing = [c for c in codes if (c, y) not in have]
        by_year[int(y)] = (len(codes), missing)
    if year is not None:
        if year not in by_year:
            return None, []
        candidates = [year]
    else:
        candidates = sorted(by_year, reverse=True)
    for y in candidates:
        n, missing = by_year[y]
        if n - len(missing) >= 2 and (n - len(missing)) >= PEER_COVERAGE * n:
            return y, missing
    return None, []


def municipal_counts(counts: pd.DataFrame) -> pd.DataFrame:
    return counts[
        counts["region_code"].str.startswith("GM") & (counts["region_code"] != UNKNOWN_MUNICIPALITY)
    ]


def check_categories(frames: TrendFrames, categories: list[str] | None, region: str) -> list[str]:
    """The categories asked for, checked against the taxonomy and what the region has."""
    known = [c.id for c in taxonomy.categories()]
    present = set(frames.counts.loc[frames.counts["region_code"] == region, "category"])
    if not categories:
        return [c for c in known if c in present]
    out = []
    for cat in categories:
        key = taxonomy.category(cat).id
        if key not in present:
            name = frames.names.get(region, region)
            have = ", ".join(c for c in known if c in present) or "geen"
            extra = (
                " (ram- en plofkraken zijn een eigen landelijke reeks: NVB en politie apart)"
                if key == "ram_plofkraak"
                else ""
            )
            raise HicError(f"geen cijfers voor categorie {key} in {name}{extra}; wel voor: {have}")
        out.append(key)
    return out


def analyse(
    frames: TrendFrames,
    *,
    regions: list[str] | None = None,
    categories: list[str] | None = None,
    baseline: int | str | trends.Baseline | None = None,
    with_peers: bool = True,
    year: int | None = None,
) -> TrendAnalysis:
    """Trend table, peer table and duiding for the given regions (all when None).

    ``year``: the year of the peer comparison (default: the latest year with inhabitants for
    the municipalities, see :func:`peer_year`).
    """
    counts = frames.counts
    if categories:
        counts = counts[counts["category"].isin(categories)]
    sel = counts if regions is None else counts[counts["region_code"].isin(regions)]
    table = trends.yearly_trends(sel, frames.population, baseline=baseline)
    pt, chosen, left_out = None, None, []
    if with_peers:
        chosen, left_out = peer_year(frames, year)
        if chosen is not None:
            gm = municipal_counts(counts)
            gm = gm[~gm["region_code"].isin(left_out)]
            pt = peersmod.peer_table(gm, frames.population, year=chosen)
    duid = duidingmod.duiding_all(table, peers=pt, region_names=frames.names, baseline=baseline)
    return TrendAnalysis(
        table=table, peers=pt, peer_year=chosen, duidingen=duid, peers_left_out=left_out
    )


def population_note(frames: TrendFrames, code: str, years: list[int] | None = None) -> str | None:
    """Dutch: which years of ``code`` (of ``years``, if given) count the inhabitants of former
    municipalities."""
    if code == NATIONAL:
        if frames.national_population_derived:
            return NATIONAL_POPULATION_NOTE
        return None
    parts = frames.population_parts
    if parts is None or parts.empty:
        return None
    mine = parts[parts["region_code"] == code]
    if years is not None:
        mine = mine[mine["year"].isin(years)]
    return boundary_text(frames.names.get(code, code), mine, frames.names)


# --- presentation helpers shared by the CLI and the web -----------------------------------

TREND_COLUMNS = [
    "jaar",
    "aantal",
    "verschil",
    "%",
    "index",
    "per 1.000",
    "trend",
    "t.o.v. trend",
    "",
]


def trend_rows(part: pd.DataFrame) -> tuple[list[list[str]], list[str]]:
    """Dutch table rows for one category in one region, and the reasons behind any "–".

    Columns as :data:`TREND_COLUMNS`: the change on the previous year (absolute, %), the
    index, the rate per 1,000 inhabitants, the pre-pandemic trend and the deviation from it,
    and a mark "corona" or "voorlopig".
    """
    from hicmonitor import format_nl as nl

    rows: list[list[str]] = []
    notes: list[str] = []
    for r in part.sort_values("year").itertuples():
        mark = "voorlopig" if r.provisional else ("corona" if r.covid else "")
        rows.append(
            [
                str(r.year),
                nl.number(r.count),
                nl.signed(r.change_abs),
                nl.percent(r.change_pct, sign=True),
                nl.number(r.index, 1),
                nl.number(r.rate_per_1000, 2),
                nl.number(r.trend_expected),
                nl.percent(r.trend_deviation_pct, sign=True),
                mark,
            ]
        )
        for note in (r.change_note, r.index_note, r.rate_note):
            if note and note not in notes:
                notes.append(note)
    return rows, notes


def resolve_baseline(frames: TrendFrames, spec: str | None, region: str) -> trends.Baseline:
    """The baseline asked for, checked against the years the region has."""
    base = trends.parse_baseline(spec)
    years = trends.available_years(frames.counts[frames.counts["region_code"] == region])
    missing = [y for y in base.years if y not in years]
    if missing:
        span = f"{years[0]}–{years[-1]}" if years else "geen"
        raise HicError(
            f"basisjaar {', '.join(map(str, missing))}: geen cijfers voor "
            f"{frames.names.get(region, region)}; er zijn cijfers voor de jaren {span}"
        )
    return base


def chart_targets(path: Path, categories: list[str]) -> list[tuple[str, Path]]:
    """Where to write the charts: a file (suffix .svg/.png/.json; with several categories
    the category id is added to the name) or a folder (all three formats per category)."""
    from hicmonitor.reports.charts import FORMATS

    suffix = path.suffix.lower()
    if suffix and suffix not in FORMATS:
        raise HicError(f"{path}: grafiek als .svg, .png of .json (Vega-Lite), of geef een map")
    if not suffix:
        return [(c, path / f"{c}{ext}") for c in categories for ext in FORMATS]
    if len(categories) == 1:
        return [(categories[0], path)]
    return [(c, path.with_name(f"{path.stem}-{c}{path.suffix}")) for c in categories]


def write_chart(
    table: pd.DataFrame,
    category: str,
    region: str,
    region_name: str,
    target: Path,
    *,
    baseline: trends.Baseline | None = None,
) -> Path:
    """Write the chart of one category in one region to ``target`` (SVG, PNG or JSON)."""
    import json

    from hicmonitor.reports import charts

    part = table[(table["category"] == category) & (table["region_code"] == region)]
    title = f"{taxonomy.category(category).label} — {region_name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".json":
        spec = charts.vega_lite(part, title=title, baseline=baseline)
        target.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
        return target
    return charts.save_figure(charts.trend_figure(part, title=title, baseline=baseline), target)


# --- the users' questions: a region's trend, its peers -----------------------------------


@dataclass
class CategoryTrend:
    category: str
    label: str
    rows: list[list[str]]  # Dutch table rows, columns as TREND_COLUMNS
    notes: list[str]  # the reasons behind any "–" in the rows
    duiding: duidingmod.Duiding
    to_date: list[str] | None = None  # the open year's months to date as a Dutch table row


@dataclass
class RegionTrend:
    code: str
    name: str
    baseline: trends.Baseline
    categories: list[CategoryTrend]
    table: pd.DataFrame  # the trend table (all asked categories, this region)
    national_population_derived: bool  # NL01 inhabitants are the sum of all municipalities
    note: str | None = None  # the region is not what was typed literally
    population_note: str | None = None  # how the inhabitants were counted
    peildatum: dt.date | None = None

    def export_frame(self) -> pd.DataFrame:
        """The trend table for a file: values, not their display (integers stay integers)."""
        out = self.table.drop(columns=["in_fit"], errors="ignore").copy()
        for col in ("year", "count", "change_abs", "inhabitants"):
            if col in out:
                out[col] = out[col].round().astype("Int64")
        return out


def region_trend(
    con: duckdb.DuckDBPyConnection,
    region: str = NATIONAL,
    categories: list[str] | None = None,
    baseline: str | None = None,
    *,
    frames: TrendFrames | None = None,
    peildatum: dt.date | None = None,
) -> RegionTrend:
    """The trend of a region (code or name) per category, with its duiding (`hic trend`),
    from the figures public on ``peildatum`` (default: everything), with the open year's
    months to date where monthly figures are in the store."""
    from hicmonitor.services.figures import change_text, to_date_rows

    match = resolve_region(con, region)
    code, name = match.code, match.name
    frames = frames or load_frames(con, peildatum=peildatum)
    cats = check_categories(frames, categories, code)
    if not cats:
        raise HicError(f"geen HIC-cijfers voor {name} ({code}) in de database")
    base = resolve_baseline(frames, baseline, code)
    result = analyse(frames, regions=[code], categories=cats, baseline=base)
    yearly = frames.counts[frames.counts["region_code"] == code]
    to_date = to_date_rows(con, [code], yearly, frames.peildatum, cats)
    out = []
    for cat in cats:
        part = result.table[
            (result.table["category"] == cat) & (result.table["region_code"] == code)
        ]
        rows, notes = trend_rows(part)
        d = result.duidingen[(cat, code)]
        d.region_name = name
        row = None
        open_year = to_date[to_date["category"] == cat]
        if len(open_year):
            r = open_year.iloc[0]
            duidingmod.add_to_date(d, r.to_dict())
            row = [r["period"], nl_number(r["count"]), nl_number(r["prev_count"]), change_text(r)]
        out.append(CategoryTrend(cat, taxonomy.category(cat).label, rows, notes, d, row))
    return RegionTrend(
        code,
        name,
        base,
        out,
        result.table,
        frames.national_population_derived and code == NATIONAL,
        note=match.note,
        population_note=population_note(frames, code) if code != NATIONAL else None,
        peildatum=frames.peildatum,
    )


def nl_number(value: object) -> str:
    from hicmonitor.format_nl import number

    return number(value)  # type: ignore[arg-type]


def write_charts(trend: RegionTrend, path: Path) -> Iterator[Path]:
    """Write the charts of ``trend`` to ``path`` (see :func:`chart_targets`), one by one."""
    for cat, target in chart_targets(path, [c.category for c in trend.categories]):
        yield write_chart(trend.table, cat, trend.code, trend.name, target, baseline=trend.baseline)
