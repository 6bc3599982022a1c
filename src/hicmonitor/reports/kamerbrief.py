"""The Kamerbrief "Voortgangsrapportage High Impact Crimes": built as a document model.

Order of the letter: opening (which motions and commitments it answers), 1 the HIC figures
(table: base year and the last five years; the chart; the duiding per category; ram- en
plofkraken from their own series), 2 the measures per approach with status and evidence
level, 3 the legislative tracks with their stage, 4 the follow-up of each motion and
commitment, 5 closing, and the signatories. Every figure comes from the context (store).
"""

from __future__ import annotations

from hicmonitor import taxonomy
from hicmonitor.format_nl import percent
from hicmonitor.reports.common import (
    answered_in,
    dutch_list,
    free_text,
    header_block,
    margin_lines,
    measures_by_group,
    motion_label,
    motion_ref,
    motion_status,
    motions_in_year,
    subject,
    tracks_in_year,
)
from hicmonitor.reports.context import ReportContext
from hicmonitor.reports.model import (
    NOT_APPLICABLE,
    Block,
    BulletList,
    Document,
    Figure,
    Footnote,
    Paragraph,
    Section,
    Signatory,
    Table,
    Text,
    para,
)

FIGURES_TABLE = "hic-cijfers"
ATM_TABLE = "ram-plofkraken"
MEASURES_TABLE = "maatregelen-{group}"
TRACKS_TABLE = "wetgeving"
MOTIONS_TABLE = "moties"


def _opening(ctx: ReportContext) -> list[Block]:
    spec = ctx.spec
    year = spec.jaar
    out: list[Block] = list(free_text(spec.kamerbrief.opening))
    out.append(
        para(
            "Met deze brief informeer ik uw Kamer over de voortgang van de aanpak van High "
            f"Impact Crimes (HIC) in {year}: de ontwikkeling van de geregistreerde HIC-cijfers, "
            "de stand van de maatregelen en van de wetgevingstrajecten, en de opvolging van "
            "moties en toezeggingen."
        )
    )
    answered = answered_in(ctx.catalog, year)
    if answered:
        items = [motion_ref(m) for m in answered]
        out.append(para("Met deze brief geef ik invulling aan:"))
        out.append(BulletList([para(i) for i in items]))
    return out


def _source_note(ctx: ReportContext) -> Footnote:
    files = ", ".join(ctx.source_files) or "onbekend"
    geweld = taxonomy.category("geweld")
    return Footnote(
        [
            Text(
                "Bron: door de politie geregistreerde misdrijven (politie/CBS open data), "
                f"landelijk; {'bestand' if len(ctx.source_files) == 1 else 'bestanden'} in de "
                f"database: {files}. Geweld is hier de som van de "
                f"politiecodes {dutch_list(list(geweld.codes))}."
            )
        ]
    )


def figures_table(ctx: ReportContext) -> Table:
    """The HIC figures: one row per category, the base year and the last five years."""
    figs = ctx.figures
    cols = figs.columns
    prev = figs.year - 1
    rows = []
    provisional = False
    for row in figs.categories:
        cells: list = [row.label]
        for y in cols:
            cells.append(row.counts.get(y))
            provisional |= row.provisional.get(y, False)
        now, before = row.counts.get(figs.year), row.counts.get(prev)
        change = (now - before) / before * 100 if now is not None and before else None
        cells.append(percent(change, 0, sign=True) if change is not None else None)
        rows.append(cells)
    note: list = [Text("Aantal geregistreerde misdrijven in Nederland.")]
    if provisional:
        note.append(Text(" Een deel van de cijfers is voorlopig."))
    note.append(_source_note(ctx))
    return Table(
        caption=f"Tabel 1. Geregistreerde High Impact Crimes, {figs.base_year} en "
        f"{cols[-5] if len(cols) >= 5 else cols[0]}–{figs.year}",
        columns=["Categorie", *[str(y) for y in cols], f"t.o.v. {prev}"],
        rows=rows,
        note=note,
        key=FIGURES_TABLE,
    )


def atm_section(ctx: ReportContext, number: str) -> Section:
    """Ram- en plofkraken: their own series per counter, never added up."""
    figs = ctx.figures
    label = taxonomy.category("ram_plofkraak").label
    if not figs.atm:
        return Section(label, [para(NOT_APPLICABLE)], number=number, key="ram-plofkraken")
    years = sorted({y for a in figs.atm for y in a.counts if y <= figs.year})
    columns = ["Jaar", *[f"{a.counter}: {a.kind}" for a in figs.atm]]
    rows = [[str(y), *[a.counts.get(y) for a in figs.atm]] for y in years]
    refs = sorted({r for a in figs.atm for y, r in a.references.items() if y <= figs.year})
    table = Table(
        caption=f"Tabel 2. {label} per teller",
        columns=columns,
        rows=rows,
        note=[
            Text(
                "De NVB en de politie tellen verschillend; de reeksen staan naast elkaar en "
                "worden niet opgeteld. Een streepje: geen gepubliceerd cijfer."
            ),
            Footnote([Text("Bronnen: " + "; ".join(refs) + ".")]),
        ],
        key=ATM_TABLE,
    )
    blocks: list[Block] = []
    this_year = [a for a in figs.atm if figs.year in a.counts]
    if this_year:
        parts = [f"{a.counts[figs.year]} ({a.counter}, {a.kind})" for a in this_year]
        blocks.append(
            para(
                f"Voor ram- en plofkraken bestaat geen politiecode in de open data; de cijfers "
                f"komen uit een eigen reeks. In {figs.year} was het aantal: {dutch_list(parts)}."
            )
        )
    else:
        last = max(years) if years else None
        blocks.append(
            para(
                "Voor ram- en plofkraken bestaat geen politiecode in de open data; de cijfers "
                f"komen uit een eigen reeks. Voor {figs.year} is er geen cijfer"
                + (f"; het laatste bekende jaar is {last}." if last else ".")
            )
        )
    blocks.append(table)
    return Section(label, blocks, number=number, key="ram-plofkraken")


def figures_section(ctx: ReportContext) -> Section:
    figs = ctx.figures
    blocks: list[Block] = [
        para(
            "Tabel 1 toont het aantal door de politie geregistreerde misdrijven per HIC-categorie "
            f"in het basisjaar {figs.base_year} en in de laatste vijf jaar. Figuur 1 toont het "
            "verloop per jaar; de grijze banden markeren de coronajaren."
        ),
        figures_table(ctx),
        Figure(
            png=ctx.chart_png,
            svg=ctx.chart_svg,
            alt=(
                "Vier lijngrafieken met het aantal geregistreerde woninginbraken, straatroven, "
                f"overvallen en geweldsdelicten per jaar van {figs.base_year} tot en met "
                f"{figs.year}; de cijfers staan in tabel 1."
            ),
            caption=f"Figuur 1. Geregistreerde High Impact Crimes per jaar, "
            f"{figs.base_year}–{figs.year}",
            width_mm=120,
        ),
    ]
    n = 0
    for cat in taxonomy.police_categories():
        d = ctx.duiding.get(cat.id)
        n += 1
        sentences = d.sentences if d and d.sentences else [NOT_APPLICABLE]
        blocks.append(
            Section(
                cat.label,
                [para(s) for s in sentences],
                number=f"1.{n}",
                key=f"duiding-{cat.id}",
            )
        )
    blocks.append(atm_section(ctx, f"1.{n + 1}"))
    return Section("De cijfers", blocks, number="1", key="cijfers")


def measures_section(ctx: ReportContext) -> Section:
    year = ctx.spec.jaar
    blocks: list[Block] = [
        para(
            "De aanpak combineert dadergerichte, slachtoffergerichte en situationele "
            "maatregelen, preventief en repressief. Per maatregel staat de status in "
            f"{year} en het niveau in de erkenningssystematiek van interventies."
        )
    ]
    described: set[str] = set()
    for i, (gid, label, ms) in enumerate(measures_by_group(ctx.catalog, year), start=1):
        if not ms:
            sub: list[Block] = [para(NOT_APPLICABLE)]
        else:
            sub = [
                Table(
                    caption=f"Maatregelen: {label.lower()}",
                    columns=["Maatregel", f"Status {year}", "Erkenning"],
                    rows=[[m.name, m.status_in(year), m.evidence.label] for m in ms],
                    key=MEASURES_TABLE.format(group=gid),
                )
            ]
            # each measure is described once, under the first group that lists it
            for m in ms:
                if m.id not in described:
                    described.add(m.id)
                    sub.append(Paragraph([Text(f"{m.name}. ", bold=True), Text(m.description)]))
        blocks.append(Section(label, sub, number=f"2.{i}", key=f"aanpak-{gid}"))
    return Section("Maatregelen", blocks, number="2", key="maatregelen")


def legislation_section(ctx: ReportContext) -> Section:
    year = ctx.spec.jaar
    tracks = tracks_in_year(ctx.catalog, year)
    if not tracks:
        return Section("Wetgeving", [para(NOT_APPLICABLE)], number="3", key="wetgeving")
    rows = [[t.name, t.kamerstuk, s.stage, s.date] for t, s in tracks]
    blocks: list[Block] = [
        para(f"De stand van de wetgevingstrajecten aan het eind van {year}:"),
        Table(
            caption="Wetgevingstrajecten",
            columns=["Traject", "Kamerstuk", "Fase", "Sinds"],
            rows=rows,
            key=TRACKS_TABLE,
        ),
    ]
    blocks += [Paragraph([Text(f"{t.name}. ", bold=True), Text(t.description)]) for t, _ in tracks]
    return Section("Wetgeving", blocks, number="3", key="wetgeving")


def motions_section(ctx: ReportContext) -> Section:
    year = ctx.spec.jaar
    motions = motions_in_year(ctx.catalog, year)
    if not motions:
        return Section("Moties en toezeggingen", [para(NOT_APPLICABLE)], number="4", key="moties")
    rows = [[motion_label(m), m.kamerstuk, motion_status(m, year)] for m in motions]
    return Section(
        "Moties en toezeggingen",
        [
            para("De opvolging van de moties en toezeggingen over de aanpak van HIC:"),
            Table(
                caption="Moties en toezeggingen",
                columns=["Motie of toezegging", "Kamerstuk", "Opvolging"],
                rows=rows,
                key=MOTIONS_TABLE,
            ),
        ],
        number="4",
        key="moties",
    )


def closing_section(ctx: ReportContext) -> Section:
    text = free_text(ctx.spec.kamerbrief.slot) or [
        para(
            "Ik blijf uw Kamer jaarlijks informeren over de ontwikkeling van de High Impact "
            "Crimes en de voortgang van de aanpak."
        )
    ]
    return Section("Tot slot", list(text), number="5", key="slot")


def build_kamerbrief(ctx: ReportContext) -> Document:
    """The Kamerbrief for ``ctx.spec.jaar`` as a document model."""
    spec = ctx.spec
    body: list[Block] = [
        *_opening(ctx),
        figures_section(ctx),
        measures_section(ctx),
        legislation_section(ctx),
        motions_section(ctx),
        closing_section(ctx),
    ]
    return Document(
        kind="kamerbrief",
        title="Kamerbrief",
        subject=subject(spec),
        date=spec.datum,
        reference=spec.kenmerk,
        header=header_block(spec, with_date=False),
        margin=margin_lines(spec),
        body=body,
        addressee=list(spec.kamerbrief.geadresseerde),
        signatories=[Signatory(s.naam or "", s.functie) for s in spec.ondertekenaars],
        author=spec.afzender.ministerie,
    )
