"""The beslisnota for the minister that goes with the Kamerbrief, as a document model.

Structure of the ministry's standard memo: header block and approval block (Minister:
datum/eindparaaf; SG: datum/paraaf), then 1 Aanleiding, 2 Geadviseerd besluit,
3 Kernpunten, 4 Toelichting (4.1-4.9), and below the marked line "Alles onder deze streep
wordt verwijderd" section 5 with what cannot be made public (5.1 Toelichting,
5.2 Informatie).

A free text from the spec wins; without it the text is generated from the data where the
data says something (aanleiding and geadviseerd besluit from the report itself, kernpunten
from the duiding and the catalogue, 4.3 from the legislative tracks, 4.6 from the measures);
otherwise the section says "Niet van toepassing".
"""

from __future__ import annotations

from collections import Counter

from hicmonitor import taxonomy
from hicmonitor.reports.common import (
    answered_in,
    dutch_list,
    header_block,
    margin_lines,
    measures_in_year,
    motion_ref,
    motions_in_year,
    subject,
    text_or,
    tracks_in_year,
)
from hicmonitor.reports.context import CategoryDuiding, ReportContext
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
LEVEL_FACTS = {"latest_vs_baseline_pct", "baseline_count"}


def _aanleiding(ctx: ReportContext) -> list[Block]:
    year = ctx.spec.jaar
    out: list[Block] = [
        para(
            "Jaarlijks informeert u de Tweede Kamer over de voortgang van de aanpak van High "
            f"Impact Crimes. Bijgaand treft u de voortgangsrapportage over {year} aan."
        )
    ]
    answered = answered_in(ctx.catalog, year)
    if answered:
        out.append(
            para(
                "Met de brief wordt ook invulling gegeven aan: "
                + dutch_list([motion_ref(m) for m in answered])
                + "."
            )
        )
    return out


def _besluit(ctx: ReportContext) -> list[Block]:
    return [
        para(
            f"Instemmen met de bijgevoegde Kamerbrief '{subject(ctx.spec)}' (kenmerk "
            f"{ctx.spec.kenmerk}) en deze ondertekenen."
        )
    ]


def level_sentence(d: CategoryDuiding, year: int) -> str | None:
    """The kernpunt of a category: the duiding sentences on the report year's change and on
    its level against the baseline (found by the facts they use), else the last sentence."""
    wanted = LEVEL_FACTS | {f"change_pct_{year}"}
    picked = [
        s for s, facts in zip(d.sentences, d.sentence_facts, strict=False) if wanted & set(facts)
    ]
    if picked:
        return " ".join(picked)
    return d.sentences[-1] if d.sentences else None


def _kernpunten(ctx: ReportContext) -> list[Block]:
    year = ctx.spec.jaar
    items: list[Paragraph] = []
    for cat in taxonomy.police_categories():
        d = ctx.duiding.get(cat.id)
        sentence = level_sentence(d, year) if d else None
        if sentence:
            items.append(Paragraph([Text(f"{cat.label}: ", bold=True), Text(sentence)]))
    measures = measures_in_year(ctx.catalog, year)
    if measures:
        statuses = Counter(m.status_in(year) for m in measures)
        parts = [f"{n} {s}" for s, n in sorted(statuses.items(), key=lambda kv: -kv[1])]
        items.append(
            Paragraph(
                [
                    Text("Maatregelen: ", bold=True),
                    Text(
                        f"de brief beschrijft {len(measures)} maatregelen; status in {year}: "
                        f"{dutch_list(parts)}."
                    ),
                ]
            )
        )
    motions = motions_in_year(ctx.catalog, year)
    if motions:
        done = sum(1 for m in motions if m.status == "afgedaan")
        items.append(
            Paragraph(
                [
                    Text("Moties en toezeggingen: ", bold=True),
                    Text(f"{len(motions)} in de brief, waarvan {done} afgedaan."),
                ]
            )
        )
    return [BulletList(items)] if items else []


def _juridisch(ctx: ReportContext) -> list[Block]:
    tracks = tracks_in_year(ctx.catalog, ctx.spec.jaar)
    if not tracks:
        return []
    return [
        para("De brief meldt de stand van deze wetgevingstrajecten:"),
        BulletList(
            [para(f"{t.name} ({t.kamerstuk}): fase '{s.stage}' sinds {s.date}.") for t, s in tracks]
        ),
    ]


def _uitvoering(ctx: ReportContext) -> list[Block]:
    year = ctx.spec.jaar
    measures = measures_in_year(ctx.catalog, year)
    if not measures:
        return []
    return [
        para(f"De maatregelen in de brief en hun status in {year}:"),
        BulletList([para(f"{m.name}: {m.status_in(year)}.") for m in measures]),
    ]


GENERATED = {"juridische_overwegingen": _juridisch, "uitvoering": _uitvoering}


def build_beslisnota(ctx: ReportContext) -> Document:
    """The beslisnota for ``ctx.spec.jaar`` as a document model."""
    spec = ctx.spec
    t = spec.beslisnota
    toelichting = []
    for number, title, name in TOELICHTING:
        generated = GENERATED[name](ctx) if name in GENERATED else None
        toelichting.append(
            Section(title, text_or(getattr(t, name), generated), number=number, key=f"s{number}")
        )
    kernpunten: list[Block]
    if t.kernpunten:
        kernpunten = [BulletList([para(k) for k in t.kernpunten])]
    else:
        kernpunten = _kernpunten(ctx)
    body: list[Block] = [
        Section("Aanleiding", text_or(t.aanleiding, _aanleiding(ctx)), number="1", key="s1"),
        Section(
            "Geadviseerd besluit",
            text_or(t.geadviseerd_besluit, _besluit(ctx)),
            number="2",
            key="s2",
        ),
        Section("Kernpunten", text_or(None, kernpunten), number="3", key="s3"),
        Section("Toelichting", toelichting, number="4", key="s4"),
        NonPublicLine(),
        Section(
            "Informatie die niet openbaar gemaakt kan worden",
            [
                Section(
                    "Toelichting",
                    text_or(t.niet_openbaar.toelichting),
                    number="5.1",
                    public=False,
                    key="s5.1",
                ),
                Section(
                    "Informatie",
                    text_or(t.niet_openbaar.informatie),
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
    return Document(
        kind="beslisnota",
        title="Beslisnota",
        subject=f"{subject(spec)} (Kamerbrief)",
        date=spec.datum,
        reference=spec.kenmerk,
        header=header_block(spec, with_date=True),
        margin=margin_lines(spec),
        body=body,
        to=t.aan,
        approval=ApprovalBlock(
            [
                ApprovalRow("Minister", ["datum", "eindparaaf"]),
                ApprovalRow("SG", ["datum", "paraaf"]),
            ]
        ),
        author=spec.afzender.ministerie,
    )
