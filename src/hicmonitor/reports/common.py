"""Pieces shared by the Kamerbrief and the beslisnota: sender column, margin, free texts with
their source, and the catalogue as it stood on the peildatum (measures by letter group,
legislative tracks with their stage, the motions this letter treats)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hicmonitor.catalog.models import (
    UNKNOWN,
    Catalog,
    LegislativeTrack,
    Measure,
    Motion,
    StageEntry,
    date_bounds,
    history_on,
)
from hicmonitor.catalog.vocabulary import vocabulary
from hicmonitor.errors import InputError
from hicmonitor.format_nl import long_date, partial_date
from hicmonitor.reports import texts
from hicmonitor.reports.context import ReportContext
from hicmonitor.reports.model import (
    NOT_APPLICABLE,
    Block,
    HeaderBlock,
    HeaderField,
    Paragraph,
    Text,
)
from hicmonitor.reports.placeholders import REQUIRED_EMPTY, rules
from hicmonitor.reports.spec import MotieOpvolging, ReportSpec


def subject(spec: ReportSpec) -> str:
    return spec.kamerbrief.onderwerp or texts.text("kamerbrief.onderwerp", jaar=spec.jaar)


def header_block(ctx: ReportContext, *, with_date: bool, annexes: list[str]) -> HeaderBlock:
    spec = ctx.spec
    a = spec.afzender

    def src(value: str | None, name: str) -> str | None:
        return ctx.from_spec(value, f"afzender.{name}")

    sender = [src(a.ministerie, "ministerie"), src(a.directoraat_generaal, "directoraat_generaal")]
    sender += [src(a.directie, "directie")] + ([src(a.team, "team")] if a.team else [])
    fields = [
        HeaderField(
            "Bezoekadres",
            [ctx.from_spec(x, f"afzender.bezoekadres[{i}]") for i, x in enumerate(a.bezoekadres)],
        ),
        HeaderField(
            "Postadres",
            [ctx.from_spec(x, f"afzender.postadres[{i}]") for i, x in enumerate(a.postadres)],
        ),
        HeaderField("", [src(a.website, "website")]),
    ]
    if with_date:
        fields.append(HeaderField("Datum", [long_date(spec.datum)]))
    fields.append(HeaderField("Ons kenmerk", [spec.kenmerk]))
    if annexes:
        fields.append(HeaderField("Bijlage(n)", annexes))
    if spec.voorbeeld:
        fields.append(HeaderField("Status", ["VOORBEELD – geen officieel document"]))
    return HeaderBlock([s for s in sender if s], fields)


def margin_lines(ctx: ReportContext) -> list[str]:
    """Repeated on every page after the first: directorate-general, directorate, date and
    kenmerk (and VOORBEELD for an example)."""
    spec = ctx.spec
    lines = [
        ctx.from_spec(spec.afzender.directoraat_generaal, "afzender.directoraat_generaal"),
        ctx.from_spec(spec.afzender.directie, "afzender.directie"),
        f"Datum {long_date(spec.datum)}",
        f"Ons kenmerk {spec.kenmerk}",
    ]
    if spec.voorbeeld:
        lines.append("VOORBEELD")
    return lines


# --- free texts -------------------------------------------------------------------------

_IK = re.compile(r"\b(ik|mij|mijn)\b", re.IGNORECASE)
_WIJ = re.compile(r"\b(wij|we|ons|onze)\b", re.IGNORECASE)


def person_mismatch(text: str, plural: bool) -> str | None:
    """The reason a letter text does not fit its signatories ('ik' with two of them, 'wij'
    with one), or None."""
    if plural and _IK.search(text):
        return "'ik' in een brief met meer ondertekenaars: schrijf 'wij'"
    if not plural and _WIJ.search(text):
        return "'wij' in een brief met één ondertekenaar: schrijf 'ik'"
    return None


def paragraphs(text: str) -> list[str]:
    """A free text's paragraphs (blank lines separate them), whitespace squashed."""
    parts = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text.strip())]
    return [p for p in parts if p]


def free_text(
    ctx: ReportContext, value: str | None, field_path: str, *, letter: bool = False
) -> list[Paragraph]:
    """A spec's free text as paragraphs carrying their source; in the letter a text whose
    'ik'/'wij' does not fit the number of signatories is marked."""
    if value is None or not value.strip():
        return []
    out = []
    for part in paragraphs(value):
        sourced = ctx.from_spec(part, field_path)
        mark = person_mismatch(part, ctx.spec.plural) if letter else None
        out.append(Paragraph([Text(sourced, mark=mark)]))
    return out


def section_text(
    ctx: ReportContext,
    value: str | None,
    field_path: str,
    key: str,
    generated: list[Block] | None = None,
) -> list[Block]:
    """The spec's text; else the text generated from data; else 'Niet van toepassing',
    marked as a placeholder where the memo requires the section (``key``)."""
    written = free_text(ctx, value, field_path)
    if written:
        return list(written)
    if generated:
        return generated
    required = key in rules().required_sections
    text = ctx.from_spec(NOT_APPLICABLE, field_path)
    return [Paragraph([Text(text, mark=REQUIRED_EMPTY if required else None)])]


# --- the catalogue on the peildatum -------------------------------------------------------


def measures_on(catalog: Catalog, day: dt.date) -> list[Measure]:
    """Measures that existed on ``day`` (an ended one only in the year it ended)."""
    out = []
    for m in catalog.measures:
        status = m.status_on(day)
        if status is None:
            continue
        if status == "beëindigd":
            since = date_bounds(m.status_since(day) or "")
            if since is None or since[0].year < day.year:
                continue
        out.append(m)
    return out


def letter_group(m: Measure) -> str:
    return vocabulary().letter_group(m.approaches, m.character, m.letter_group)


def measures_by_group(catalog: Catalog, day: dt.date) -> list[tuple[str, str, list[Measure]]]:
    """The letter's groups in order, each with its measures (every measure in one group)."""
    ms = measures_on(catalog, day)
    return [
        (t.id, t.label, [m for m in ms if letter_group(m) == t.id])
        for t in vocabulary().letter_groups
    ]


def measure_stand(ctx: ReportContext, m: Measure) -> str:
    """'uitrol (sinds 2021)' on the peildatum, traced to the measure's file."""
    day = ctx.as_of
    status, since = m.status_on(day) or UNKNOWN, m.status_since(day)
    text = status + (f" (sinds {partial_date(since)})" if since and since != UNKNOWN else "")
    return ctx.from_catalog("maatregelen", m.id, "status", text)


def tracks_on(catalog: Catalog, day: dt.date) -> list[tuple[LegislativeTrack, StageEntry | None]]:
    """The legislative tracks that existed on ``day``, each with its stage then (None: not
    known)."""
    return [(t, t.stage_on(day)) for t in catalog.legislation if t.started_by(day)]


def track_stand(ctx: ReportContext, t: LegislativeTrack, s: StageEntry | None) -> str:
    """'in werking sinds 1 januari 2017', or 'onbekend' traced to the track's file."""
    if s is None:
        return ctx.from_catalog("wetgeving", t.id, "fases", UNKNOWN)
    when = partial_date(s.date)
    text = s.stage + (f" sinds {when}" if s.date != UNKNOWN else f" ({UNKNOWN} sinds wanneer)")
    return ctx.from_catalog("wetgeving", t.id, "fases", text)


def track_label(ctx: ReportContext, t: LegislativeTrack) -> str:
    """The name with its kamerstuk where known: 'Naam (Kamerstuk 35447)'."""
    if t.kamerstuk == UNKNOWN:
        return ctx.from_catalog("wetgeving", t.id, "naam", t.name)
    dossier, _, nr = t.kamerstuk.partition("-")
    ref = f"Kamerstuk {dossier}" + (f", nr. {nr}" if nr else "")
    return ctx.from_catalog("wetgeving", t.id, "naam", f"{t.name} ({ref})")


@dataclass(frozen=True)
class Treated:
    """A motion or commitment and how this letter treats it (the spec's decision)."""

    motion: Motion
    decision: MotieOpvolging | None  # None: in the catalogue for this year, not in the spec
    index: int | None = None  # place in the spec's list

    @property
    def kind(self) -> str:
        return self.motion.kind


def treated_motions(ctx: ReportContext) -> list[Treated]:
    """The motions and commitments of the spec, in its order, followed by those the
    catalogue has as answered in this year's letter but the spec does not mention."""
    out = []
    ids = set()
    for i, decision in enumerate(ctx.spec.moties):
        try:
            motion = ctx.catalog.motion(decision.id)
        except Exception:
            raise InputError(
                ctx.spec_file(),
                f"onbekende motie of toezegging {decision.id!r}; kies een id uit content/moties",
                line=ctx.spec_lines.get(f"moties[{i}].id"),
                field=f"moties[{i}].id",
            ) from None
        out.append(Treated(motion, decision, i))
        ids.add(motion.id)
    for m in ctx.catalog.motions:
        if m.id not in ids and m.answer_in(ctx.spec.jaar) is not None:
            out.append(Treated(m, None))
    return out


def motion_label(ctx: ReportContext, m: Motion) -> str:
    kind = "Motie" if m.kind == "motie" else "Toezegging"
    who = ", ".join(s for s in m.submitters if s != UNKNOWN)
    text = f"{kind} {who}: {m.title}" if who else f"{kind}: {m.title}"
    if m.kamerstuk != UNKNOWN:
        text += f" (Kamerstuk {m.kamerstuk})"
    return ctx.from_catalog("moties", m.id, "titel", text)


def motion_status_on(ctx: ReportContext, m: Motion) -> str:
    return ctx.from_catalog("moties", m.id, "status", m.status_on(ctx.as_of))


def earlier_answers(m: Motion, year: int) -> list[str]:
    """Where earlier letters answered it: never this letter itself, whose kamerstuk number
    it cannot know."""
    return [
        f"Kamerstuk {a.document} ({a.year})"
        for a in m.answers
        if a.year < year and a.document != UNKNOWN
    ]


def status_entry(m: Motion, day: dt.date) -> tuple[str, str] | None:
    return history_on(m.status, day)


def dutch_list(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " en " + items[-1]
