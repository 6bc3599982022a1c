"""A municipality beside comparable municipalities (`hic vergelijk`): rate ratios with intervals.

The peers are the municipalities of the same CBS size class and all municipalities, in the
latest year in which every municipality has a population (:func:`trends.peer_year`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.errors import HicError
from hicmonitor.regions import UNKNOWN_MUNICIPALITY
from hicmonitor.services import trends
from hicmonitor.services.regions import resolve_region


@dataclass(frozen=True)
class PeerScope:
    """The municipality against one group of peers."""

    scope: str  # class | all
    label: str  # the size class's label, or "alle gemeenten"
    n: int  # municipalities in the group
    rank: int  # 1 = highest rate per inhabitant
    percentile: float  # share of the others with a lower rate
    peer_rate: float  # the group's rate per 1,000 (without the municipality)
    ratio: float  # rate ratio
    ratio_low: float  # 95% interval (exact, Poisson)
    ratio_high: float
    verdict: str  # "significant hoger" …


@dataclass(frozen=True)
class CategoryPeers:
    category: str
    label: str
    count: int
    inhabitants: int
    rate_per_1000: float
    scopes: list[PeerScope]  # size class first, then all municipalities
    sentences: list[str]  # the duiding's sentences about the peers


@dataclass(frozen=True)
class PeerComparison:
    code: str
    name: str
    year: int
    categories: list[CategoryPeers]
    note: str | None = None  # the municipality is not what was typed literally
    left_out: list[str] = field(default_factory=list)  # "Naam (code)" without inhabitants
    population_note: str | None = None  # how its inhabitants were counted

    def export_frame(self) -> pd.DataFrame:
        """One row per category and yardstick (size class, all municipalities): values only."""
        rows = []
        for cat in self.categories:
            for s in cat.scopes:
                rows.append(
                    {
                        "region_code": self.code,
                        "region_name": self.name,
                        "year": self.year,
                        "category": cat.category,
                        "count": cat.count,
                        "inhabitants": cat.inhabitants,
                        "rate_per_1000": cat.rate_per_1000,
                        "scope": s.scope,
                        "scope_label": s.label,
                        "n": s.n,
                        "rank": s.rank,
                        "percentile": s.percentile,
                        "peer_rate_per_1000": s.peer_rate,
                        "ratio": s.ratio,
                        "ratio_low": s.ratio_low,
                        "ratio_high": s.ratio_high,
                        "verdict": s.verdict,
                    }
                )
        frame = pd.DataFrame(rows)
        for col in ("year", "count", "inhabitants", "n", "rank"):
            if col in frame:
                frame[col] = frame[col].astype("Int64")
        return frame


def scopes(row: pd.Series) -> list[PeerScope]:
    """The two comparisons of one row of the peer table."""
    out = []
    for scope, label in (("class", row["size_class_label"]), ("all", "alle gemeenten")):
        out.append(
            PeerScope(
                scope=scope,
                label=str(label),
                n=row[f"n_{scope}"],
                rank=row[f"rank_{scope}"],
                percentile=row[f"percentile_{scope}"],
                peer_rate=row[f"peer_rate_{scope}"],
                ratio=row[f"rr_{scope}"],
                ratio_low=row[f"rr_{scope}_lo"],
                ratio_high=row[f"rr_{scope}_hi"],
                verdict=str(row[f"sig_{scope}"]),
            )
        )
    return out


def peer_sentences(duiding) -> list[str]:  # noqa: ANN001
    """The sentences of a duiding that are about the peers."""
    return [
        s
        for s, f in zip(duiding.sentences, duiding.sentence_facts, strict=True)
        if "peer_year" in f or "n_all" in f
    ]


def compare(
    con: duckdb.DuckDBPyConnection,
    region: str,
    categories: list[str] | None = None,
    *,
    frames: trends.TrendFrames | None = None,
    year: int | None = None,
) -> PeerComparison:
    """A municipality (code or name) against its size class and all municipalities, in
    ``year`` (default: the latest year with inhabitants for the municipalities)."""
    match = resolve_region(con, region)
    code, name = match.code, match.name
    if not code.startswith("GM") or code == UNKNOWN_MUNICIPALITY:
        raise HicError(f"{name} ({code}) is geen gemeente; vergelijken kan alleen per gemeente")
    frames = frames or trends.load_frames(con)
    cats = trends.check_categories(frames, categories, code)
    if not cats:
        raise HicError(f"geen HIC-cijfers voor {name} ({code}) in de database")
    if year is not None:
        have = sorted(set(frames.counts.loc[frames.counts["region_code"] == code, "year"]))
        if year not in have:
            span = f"{have[0]}–{have[-1]}" if have else "geen"
            raise HicError(f"--jaar {year}: geen cijfers voor {name}; wel voor {span}")
    result = trends.analyse(frames, regions=[code], categories=cats, year=year)
    if result.peers is None:
        raise HicError(
            f"geen jaar{f' {year}' if year else ''} met een inwonertal voor (bijna) alle "
            "gemeenten; vergelijken kan niet"
        )
    year = result.peer_year
    out = []
    for cat in cats:
        rows = result.peers[
            (result.peers["region_code"] == code) & (result.peers["category"] == cat)
        ]
        if rows.empty:
            raise HicError(
                f"geen inwonertal of geen cijfers voor {name} ({code}) in {year}; "
                "vergelijken kan niet"
            )
        r = rows.iloc[0]
        out.append(
            CategoryPeers(
                category=cat,
                label=taxonomy.category(cat).label,
                count=r["count"],
                inhabitants=r["inhabitants"],
                rate_per_1000=r["rate_per_1000"],
                scopes=scopes(r),
                sentences=peer_sentences(result.duidingen[(cat, code)]),
            )
        )
    left_out = [f"{frames.names.get(c, c)} ({c})" for c in result.peers_left_out]
    return PeerComparison(
        code,
        name,
        year,
        out,
        note=match.note,
        left_out=left_out,
        population_note=trends.population_note(frames, code, [year]),
    )
