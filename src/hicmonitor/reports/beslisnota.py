"""The beslisnota for the minister(s) that goes with the Kamerbrief, as a document model.

Structure of the ministry's standard memo: header block and approval block (Minister:
datum/eindparaaf; SG: datum/paraaf), then 1 Aanleiding, 2 Geadviseerd besluit,
3 Kernpunten, 4 Toelichting (4.1-4.9), and below the marked line "Alles onder deze streep
wordt verwijderd" section 5 with what cannot be made public (5.1 Toelichting, 5.2
Informatie).

The memo carries the decisions of the spec: its addressees, the letter as its annex, who
signs the letter, how the letter treats each motion and commitment. A free text from the
spec wins; without it the text is generated from the data where the data says something
(aanleiding and geadviseerd besluit, the kernpunten from the synthesis of the figures and the
catalogue, 4.3 from the legislative tracks, 4.6 from the measures, 5.1 the standard line);
otherwise the section says "Niet van toepassing", a placeholder where the memo requires the
section.
"""

from __future__ import annotations

from collections import Counter

from hicmonitor.format_nl import long_date
from hicmonitor.reports import texts
from hicmonitor.reports.common import (
    dutch_list,
    header_block,
    margin_lines,
    measure_stand,
    measures_by_group,
    measures_on,
    motion_label,
    section_text,
    subject,
    track_label,
    track_stand,
    tracks_on,
    treated_motions,
)
from hicmonitor.reports.context import ReportContext
from hicmonitor.reports.model import (
    ApprovalBlock,
    ApprovalRow,
    Block,
    BulletList,
    Document,
    NonPublicLine,
    Paragraph,
    Section,
    Text,
    para,
)

# (number, title, spec field) of section 4, in the template's order
TOELICHTING: tuple[tuple[str, str, str], ...] = (
    ("4.1", "Politieke context", "politieke_context"),
    ("4.2", "Financiële overwegingen", "financiele_overwegingen"),
    ("4.3", "Juridische overwegingen", "juridische_overwegingen"),
    ("4.4", "Krachtenveld", "krachtenveld"),
    ("4.5", "Strategie", "strategie"),
    ("4.6", "Uitvoering", "uitvoering"),
    ("4.7", "Implementatie", "implementatie"),
    ("4.8", "Communicatie", "communicatie"),
    ("4.9", "Ontwikkelingen hiervoor", "ontwikkelingen_hiervoor"),
)


def _aanleiding(ctx: ReportContext) -> list[Block]:
    out: list[Block] = [para(texts.text("beslisnota.aanleiding", jaar=ctx.spec.jaar))]
    treated = [t for t in treated_motions(ctx) if t.decision is not None]
    if treated:
        out.append(para(texts.text("beslisnota.opvolging")))
        items = []
        for t in treated:
            d = t.decision
            if d.elsewhere:
                how = texts.text(
                    "beslisnota.opvolging_elders",
                    brief=ctx.from_spec(d.elsewhere, f"moties[{t.index}].opvolging"),
                )
            elif d.opvolging.startswith("afgedaan"):
                how = texts.text("beslisnota.opvolging_afgedaan", soort=t.kind)
            else:
                how = texts.text("beslisnota.opvolging_voortgang", soort=t.kind)
            items.append(Paragraph([Text(motion_label(ctx, t.motion)), Text(f": {how}.")]))
        out.append(BulletList(items))
    return out


def _besluit(ctx: ReportContext) -> list[Block]:
    return [para(texts.text("beslisnota.besluit", onderwerp=subject(ctx.spec)))]


def _signers(ctx: ReportContext) -> str:
    return dutch_list([s.afkorting or s.functie for s in ctx.spec.ondertekenaars])


def _measures_kernpunt(ctx: ReportContext) -> str | None:
    measures = measures_on(ctx.catalog, ctx.as_of)
    if not measures:
        return None
    order = list(texts.raw("maatregel_status"))
    counts = Counter(m.status_on(ctx.as_of) for m in measures)
    parts = []
    for status in sorted(counts, key=lambda s: (-counts[s], order.index(s) if s in order else 99)):
        n = counts[status]
        verb = (
            texts.raw("maatregel_status").get(status, {}).get("een" if n == 1 else "meer", status)
        )
        parts.append(f"{n} {verb}")
    return texts.text(
        "beslisnota.kernpunt_maatregelen", aantal=len(measures), stand=dutch_list(parts)
    )


def _kernpunten(ctx: ReportContext) -> list[Block]:
    spec = ctx.spec
    items: list[Paragraph] = [para(texts.text("beslisnota.kernpunt_strategie"))]
    syn = ctx.synthesis
    if syn.sentences:
        chosen = [syn.sentences[i] for k, i in sorted(syn.claims.items(), key=lambda kv: kv[1])]
        items.append(
            para(
                texts.text("beslisnota.kernpunt_cijfers", peildatum=long_date(ctx.as_of))
                + " "
                + " ".join(chosen)
                + " "
                + texts.text("beslisnota.kernpunt_cijfers_slot")
            )
        )
    for i, extra in enumerate(spec.beslisnota.kernpunten or []):
        items.append(
            Paragraph([Text(ctx.from_spec(" ".join(extra.split()), f"beslisnota.kernpunten[{i}]"))])
        )
    measures = _measures_kernpunt(ctx)
    if measures:
        items.append(para(measures))
    tracks = tracks_on(ctx.catalog, ctx.as_of)
    if tracks:
        items.append(para(texts.text("beslisnota.kernpunt_wetgeving", aantal=len(tracks))))
    return [
        para(texts.text("beslisnota.kernpunten_intro", ondertekenaars=_signers(ctx))),
        BulletList(items),
    ]


def _juridisch(ctx: ReportContext) -> list[Block]:
    tracks = tracks_on(ctx.catalog, ctx.as_of)
    if not tracks:
        return []
    return [
        para(texts.text("beslisnota.juridisch")),
        BulletList(
            [
                Paragraph(
                    [Text(track_label(ctx, t)), Text(": "), Text(track_stand(ctx, t, s)), Text(".")]
                )
                for t, s in tracks
            ]
        ),
    ]


def _uitvoering(ctx: ReportContext) -> list[Block]:
    out: list[Block] = []
    groups = [(label, ms) for _, label, ms in measures_by_group(ctx.catalog, ctx.as_of) if ms]
    if not groups:
        return []
    out.append(para(texts.text("beslisnota.uitvoering", peildatum=long_date(ctx.as_of))))
    items = []
    for label, ms in groups:
        parts: list = [Text(f"{label}: ", bold=True)]
        for i, m in enumerate(ms):
            parts += [
                Text(ctx.from_catalog("maatregelen", m.id, "naam", m.name) + " ("),
                Text(measure_stand(ctx, m)),
                Text(")" + (", " if i < len(ms) - 1 else ".")),
            ]
        items.append(Paragraph(parts))
    out.append(BulletList(items))
    return out


GENERATED = {"juridische_overwegingen": _juridisch, "uitvoering": _uitvoering}


def build_beslisnota(ctx: ReportContext) -> Document:
    """The beslisnota for ``ctx.spec`` as a document model."""
    spec = ctx.spec
    t = spec.beslisnota
    toelichting = []
    for number, title, name in TOELICHTING:
        generated = GENERATED[name](ctx) if name in GENERATED else None
        toelichting.append(
            Section(
                title,
                section_text(ctx, getattr(t, name), f"beslisnota.{name}", f"s{number}", generated),
                number=number,
                key=f"s{number}",
            )
        )
    niet_openbaar = section_text(
        ctx,
        t.niet_openbaar.toelichting,
        "beslisnota.niet_openbaar.toelichting",
        "s5.1",
        [para(texts.text("beslisnota.niet_openbaar_standaard"))],
    )
    body: list[Block] = [
        Section(
            "Aanleiding",
            section_text(ctx, t.aanleiding, "beslisnota.aanleiding", "s1", _aanleiding(ctx)),
            number="1",
            key="s1",
        ),
        Section(
            "Geadviseerd besluit",
            section_text(
                ctx, t.geadviseerd_besluit, "beslisnota.geadviseerd_besluit", "s2", _besluit(ctx)
            ),
            number="2",
            key="s2",
        ),
        Section("Kernpunten", _kernpunten(ctx), number="3", key="s3"),
        Section("Toelichting", toelichting, number="4", key="s4"),
        NonPublicLine(),
        Section(
            "Informatie die niet openbaar gemaakt kan worden",
            [
                Section("Toelichting", niet_openbaar, number="5.1", public=False, key="s5.1"),
                Section(
                    "Informatie",
                    section_text(
                        ctx,
                        t.niet_openbaar.informatie,
                        "beslisnota.niet_openbaar.informatie",
                        "s5.2",
                    ),
                    number="5.2",
                    public=False,
                    key="s5.2",
                ),
            ],
            number="5",
            public=False,
            key="s5",
        ),
    ]
    letter = f"Kamerbrief '{subject(spec)}'"
    annexes = [f"1. {letter}"] + [
        f"{i}. " + ctx.from_spec(a, f"beslisnota.bijlagen[{i - 2}]")
        for i, a in enumerate(t.bijlagen, start=2)
    ]
    return Document(
        kind="beslisnota",
        title="Beslisnota",
        subject=f"{subject(spec)} (Kamerbrief)",
        date=spec.datum,
        reference=spec.kenmerk,
        header=header_block(ctx, with_date=True, annexes=annexes),
        margin=margin_lines(ctx),
        body=body,
        to="\n".join(t.aan),
        approval=ApprovalBlock(
            [
                ApprovalRow("Minister", ["datum", "eindparaaf"]),
                ApprovalRow("SG", ["datum", "paraaf"]),
            ]
        ),
        author=spec.auteur or spec.afzender.ministerie,
        concept=spec.status == "concept",
        created=ctx.created,
        logo=ctx.logo,
    )
