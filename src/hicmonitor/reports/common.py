"""Pieces shared by the Kamerbrief and the beslisnota: sender column, margin, free texts, and
the selections from the catalogue that both documents use (as they stood in the report year).
"""

from __future__ import annotations

import datetime as dt
import re

from hicmonitor.catalog.models import (
    UNKNOWN,
    Catalog,
    LegislativeTrack,
    Measure,
    Motion,
    StageEntry,
    date_bounds,
)
from hicmonitor.catalog.vocabulary import vocabulary
from hicmonitor.reports.context import ReportContext
from hicmonitor.reports.model import (
    NOT_APPLICABLE,
    Block,
    HeaderBlock,
    HeaderField,
    Paragraph,
    Text,
)
from hicmonitor.reports.render_html import long_date
from hicmonitor.reports.spec import ReportSpec

# The four groups of measures in the letter. "repressief" is a character in the catalogue,
# not an approach. A measure is listed under each group it belongs to.
GROUPS: tuple[tuple[str, str], ...] = (
    ("dadergericht", "Dadergerichte aanpak"),
    ("slachtoffergericht", "Slachtoffergerichte aanpak"),
    ("situationeel", "Situationele aanpak"),
    ("repressief", "Repressieve aanpak"),
)


def subject(spec: ReportSpec) -> str:
    return spec.kamerbrief.onderwerp or f"Voortgangsrapportage High Impact Crimes {spec.jaar}"


def header_block(spec: ReportSpec, *, with_date: bool) -> HeaderBlock:
    a = spec.afzender
    sender = [a.ministerie, a.directoraat_generaal, a.directie] + ([a.team] if a.team else [])
    fields = [
        HeaderField("Bezoekadres", list(a.bezoekadres)),
        HeaderField("Postadres", list(a.postadres)),
        HeaderField("", [a.website]),
    ]
    if with_date:
        fields.append(HeaderField("Datum", [long_date(spec.datum)]))
    fields.append(HeaderField("Ons kenmerk", [spec.kenmerk]))
    fields.append(HeaderField("Bijlage(n)", list(spec.bijlagen) or ["geen"]))
    if spec.voorbeeld:
        fields.append(HeaderField("Status", ["VOORBEELD – geen officieel document"]))
    return HeaderBlock(sender, fields)


def margin_lines(spec: ReportSpec) -> list[str]:
    """Repeated on every page after the first: directorate, date and kenmerk."""
    lines = [
        spec.afzender.directie,
        f"Datum {long_date(spec.datum)}",
        f"Ons kenmerk {spec.kenmerk}",
    ]
    if spec.voorbeeld:
        lines.append("VOORBEELD")
    return lines


def free_text(text: str | None) -> list[Paragraph]:
    """A spec's free text as paragraphs (blank lines separate them); None when absent."""
    if text is None or not text.strip():
        return []
    parts = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text.strip())]
    return [Paragraph([Text(p)]) for p in parts if p]


def text_or(text: str | None, generated: list[Block] | None = None) -> list[Block]:
    """The spec's text; else the text generated from data; else 'Niet van toepassing'."""
    written = free_text(text)
    if written:
        return list(written)
    if generated:
        return generated
    return [Paragraph([Text(NOT_APPLICABLE)])]


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _started_by(value: str, year: int) -> bool:
    bounds = date_bounds(value)
    return bounds is not None and bounds[0] <= year_end(year)


def groups_of(m: Measure) -> list[str]:
    """The groups a measure is listed in: each of its approaches, and 'repressief' when its
    character includes it."""
    out = list(m.approaches)
    if "repressief" in m.character:
        out.append("repressief")
    return out


def measures_in_year(catalog: Catalog, year: int) -> list[Measure]:
    """Measures that existed in ``year`` (ended ones only in the year they ended)."""
    out = []
    for m in catalog.measures:
        status = m.status_in(year)
        if status is None:
            continue
        if status == "beëindigd" and max(y for y in m.status if y <= year) < year:
            continue
        out.append(m)
    return out


def measures_by_group(catalog: Catalog, year: int) -> list[tuple[str, str, list[Measure]]]:
    ms = measures_in_year(catalog, year)
    return [(gid, label, [m for m in ms if gid in groups_of(m)]) for gid, label in GROUPS]


def stage_in_year(track: LegislativeTrack, year: int) -> StageEntry | None:
    """The last stage a track had reached by the end of ``year`` (unknown dates skipped)."""
    reached = [s for s in track.stages if _started_by(s.date, year)]
    return reached[-1] if reached else None


def tracks_in_year(catalog: Catalog, year: int) -> list[tuple[LegislativeTrack, StageEntry]]:
    out = []
    for t in catalog.legislation:
        s = stage_in_year(t, year)
        if s is not None:
            out.append((t, s))
    return out


def motions_in_year(catalog: Catalog, year: int) -> list[Motion]:
    """Motions and commitments made by the end of ``year``."""
    return [m for m in catalog.motions if _started_by(m.date, year) or m.date == "onbekend"]


def answered_in(catalog: Catalog, year: int) -> list[Motion]:
    """Motions and commitments this year's report answers."""
    return [m for m in catalog.motions if m.answer_in(year) is not None]


def motion_label(m: Motion) -> str:
    kind = "Motie" if m.kind == "motie" else "Toezegging"
    who = ", ".join(s for s in m.submitters if s != UNKNOWN)
    return f"{kind} {who}: {m.title}" if who else f"{kind}: {m.title}"


def motion_ref(m: Motion) -> str:
    """'label (kamerstuk)', without an unknown kamerstuk."""
    return motion_label(m) + (f" ({m.kamerstuk})" if m.kamerstuk != UNKNOWN else "")


def motion_status(m: Motion, year: int) -> str:
    """The follow-up as known for the report year."""
    parts = [f"status: {m.status}"]
    given = [a for a in m.answers if a.year <= year]
    if given:
        last = max(given, key=lambda a: a.year)
        if last.how != UNKNOWN:
            parts.append(last.how)
        if last.document != UNKNOWN:
            parts.append(f"beantwoord in {last.document} ({last.year})")
    return "; ".join(parts)


def evidence_label(m: Measure) -> str:
    return m.evidence.label


def stage_order() -> list[str]:
    return list(vocabulary().legislative_stages)


def dutch_list(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " en " + items[-1]


def ctx_year(ctx: ReportContext) -> int:
    return ctx.spec.jaar
