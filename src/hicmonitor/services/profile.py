"""One municipality on one page: figures and rates per year, trend, duiding and peers.

The web's municipality page renders this; so could any other front end. Categories the
police publish only nationally (straatroof, overval) and the national series of ram- en
plofkraken are listed in ``national_only`` instead of being shown empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.analysis.duiding import Duiding
from hicmonitor.errors import HicError
from hicmonitor.regions import UNKNOWN_MUNICIPALITY
from hicmonitor.reports.figures import hic_table
from hicmonitor.services import trends
from hicmonitor.services.peers import PeerScope, scopes
from hicmonitor.services.regions import resolve_region


@dataclass
class CategoryProfile:
    category: str
    label: str
    # year, count, provisional, inhabitants, per_1000 (rate per 1,000 inhabitants)
    figures: pd.DataFrame
    # the trend table of analysis.trends.yearly_trends for this category and municipality
    trend: pd.DataFrame
    duiding: Duiding
    peers: list[PeerScope] | None  # size class and all municipalities, in ``peer_year``


@dataclass
class MunicipalityProfile:
    code: str
    name: str
    peer_year: int | None
    categories: list[CategoryProfile]
    national_only: list[str]  # category ids without figures for this municipality
    note: str | None = None  # the municipality is not what was typed literally
    population_note: str | None = None  # how its inhabitants were counted


def municipality_profile(
    con: duckdb.DuckDBPyConnection,
    municipality: str,
    *,
    frames: trends.TrendFrames | None = None,
    analysis: trends.TrendAnalysis | None = None,
) -> MunicipalityProfile:
    """The profile of a municipality (code or name). ``frames``: loaded once and reused;
    ``analysis``: :func:`trends.analyse` of all regions on those frames, computed once (the
    web keeps it per snapshot, so a profile is a matter of picking rows)."""
    match = resolve_region(con, municipality)
    code, name = match.code, match.name
    if not code.startswith("GM") or code == UNKNOWN_MUNICIPALITY:
        raise HicError(f"{name} ({code}) is geen gemeente")
    frames = frames or trends.load_frames(con)
    cats = trends.check_categories(frames, None, code)
    if not cats:
        raise HicError(f"geen HIC-cijfers voor {name} ({code}) in de database")
    result = (
        analysis
        if analysis is not None
        else trends.analyse(frames, regions=[code], categories=cats)
    )
    counts = frames.counts[frames.counts["region_code"] == code]
    population = frames.population[frames.population["region_code"] == code]
    table = hic_table(counts, population, categories=cats)
    out = []
    for cat in cats:
        figures = table[table["category"] == cat][
            ["year", "count", "provisional", "inhabitants", "per_1000"]
        ].reset_index(drop=True)
        trend = result.table[
            (result.table["category"] == cat) & (result.table["region_code"] == code)
        ].reset_index(drop=True)
        duiding = result.duidingen[(cat, code)]
        duiding.region_name = name
        peers = None
        if result.peers is not None:
            rows = result.peers[
                (result.peers["region_code"] == code) & (result.peers["category"] == cat)
            ]
            if not rows.empty:
                peers = scopes(rows.iloc[0])
        out.append(
            CategoryProfile(cat, taxonomy.category(cat).label, figures, trend, duiding, peers)
        )
    national_only = [c.id for c in taxonomy.categories() if c.id not in cats]
    return MunicipalityProfile(
        code,
        name,
        result.peer_year,
        out,
        national_only,
        note=match.note,
        population_note=trends.population_note(frames, code),
    )


def problem_categories(profile: MunicipalityProfile) -> list[str]:
    """The categories that make a municipality's problem: significantly higher than its size
    class or than all municipalities, or in the latest year above its level of 2019 (the
    baseline of the trend table)."""
    from hicmonitor.analysis.peers import SIG_HIGHER

    out = []
    for c in profile.categories:
        higher = any(s.verdict == SIG_HIGHER for s in c.peers or [])
        last = c.trend.sort_values("year").iloc[-1] if not c.trend.empty else None
        above = last is not None and pd.notna(last["index"]) and float(last["index"]) > 100
        if higher or above:
            out.append(c.category)
    return out
