"""Queries on the catalogue, for the CLI, the report and the web. Pure functions on a
:class:`~hicmonitor.catalog.models.Catalog`.

The evidence levels are those of the Dutch recognition system (Samenwerkingsverband
Erkenning van Interventies, https://www.nji.nl/interventies/erkenningsprocedure); a level
recognised "onder voorbehoud" counts at its level.
"""

from __future__ import annotations

from dataclasses import dataclass

from hicmonitor.catalog.models import (
    UNKNOWN,
    Answer,
    Catalog,
    LegislativeTrack,
    Measure,
    Motion,
    StageEntry,
)
from hicmonitor.catalog.vocabulary import vocabulary
from hicmonitor.errors import HicError
from hicmonitor.regions import fold
from hicmonitor.taxonomy import categories


def _check_choice(value: str, allowed: tuple[str, ...], option: str) -> None:
    if value not in allowed:
        raise HicError(
            f"{option}: onbekende waarde {value!r}; kies uit: {', '.join(repr(a) for a in allowed)}"
        )


def evidence_rank(level: str) -> int:
    """Rank of an evidence level (0 = not recognised … 4 = strong indications)."""
    voc = vocabulary()
    _check_choice(level, voc.evidence_levels, "--erkenning-minimaal")
    return voc.evidence_rank[level]


def _runs_in_municipality(m: Measure, wanted: str, year: int | None) -> bool:
    for gm in m.municipalities:
        if gm.code != wanted and fold(gm.name) != fold(wanted):
            continue
        if year is None:
            return True
        started = gm.since == UNKNOWN or gm.since <= year  # type: ignore[operator]
        if started and (gm.until is None or gm.until >= year):
            return True
    status = m.status_in(year) if year is not None else m.latest_status[1]
    return status == "landelijk"


def find_measures(
    catalog: Catalog,
    *,
    category: str | None = None,
    approach: str | None = None,
    min_evidence: str | None = None,
    municipality: str | None = None,
    year: int | None = None,
) -> list[Measure]:
    """Measures matching every filter given, in id order.

    ``approach`` is an approach (dadergericht, slachtoffergericht, situationeel) or a
    character (preventief, repressief). ``municipality`` is a GM code or a name; a measure
    matches if it runs there or if it is national (status 'landelijk'). ``year`` keeps the
    measures running in that year (status set and not 'beëindigd').
    """
    voc = vocabulary()
    if category is not None:
        _check_choice(category, tuple(c.id for c in categories()), "--categorie")
    if approach is not None:
        _check_choice(approach, voc.approach_ids + voc.character_ids, "--aanpak")
    rank = evidence_rank(min_evidence) if min_evidence is not None else None
    out = []
    for m in catalog.measures:
        if category is not None and category not in m.categories:
            continue
        if approach is not None and approach not in m.approaches and approach not in m.character:
            continue
        if rank is not None and m.evidence.rank < rank:
            continue
        if year is not None and not m.runs_in(year):
            continue
        if municipality is not None and not _runs_in_municipality(m, municipality, year):
            continue
        out.append(m)
    return out


def measures_for_year(catalog: Catalog, year: int) -> dict[str, list[Measure]]:
    """The measures running in ``year``, grouped by approach in the vocabulary's order.

    A measure with several approaches appears in each of their groups; every approach has a
    key, possibly with an empty list. For the progress letter of a report year.
    """
    running = [m for m in catalog.measures if m.runs_in(year)]
    return {a: [m for m in running if a in m.approaches] for a in vocabulary().approach_ids}


def find_motions(
    catalog: Catalog, *, status: str | None = None, year: int | None = None
) -> list[Motion]:
    """Motions and commitments with ``status``, answered in the report of ``year``."""
    if status is not None:
        _check_choice(status, vocabulary().motion_statuses, "--status")
    return [
        m
        for m in catalog.motions
        if (status is None or m.current_status == status) and (year is None or m.answer_in(year))
    ]


@dataclass(frozen=True)
class AnsweredMotion:
    motion: Motion
    answer: Answer


def motions_answered_in(catalog: Catalog, year: int) -> list[AnsweredMotion]:
    """The motions and commitments answered in the progress letter of ``year``, with how."""
    out = []
    for m in catalog.motions:
        answer = m.answer_in(year)
        if answer is not None:
            out.append(AnsweredMotion(m, answer))
    return out


@dataclass(frozen=True)
class TrackStage:
    track: LegislativeTrack
    latest: StageEntry | None  # None: no stage known


def legislation_latest_stage(catalog: Catalog, year: int | None = None) -> list[TrackStage]:
    """Each legislative track with the latest stage it reached (by the end of ``year``).

    A stage whose date is 'onbekend' counts as reached when a later stage with a date is,
    or when no year is asked.
    """
    import datetime as dt

    out = []
    for track in catalog.legislation:
        if year is None:
            out.append(TrackStage(track, track.latest_stage))
        else:
            out.append(TrackStage(track, track.stage_on(dt.date(year, 12, 31))))
    return out
