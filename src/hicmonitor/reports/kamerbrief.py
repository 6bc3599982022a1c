"""The Kamerbrief "Voortgangsrapportage High Impact Crimes": built as a document model.

The order of the real letters: the opening (with the motions and commitments it follows
up), 1 the HIC strategy (and the highlights of the year), 2 the figures with their duiding
(the synthesis across the categories first; the figures as public on the peildatum), 3 the
measures in the letters' three lines (each measure once), 4 legislation, 5 motions and
commitments (each worded after the spec's decision), an optional paragraph on Caribisch
Nederland, the closing and the signatories. The letter says 'ik' with one signatory and
'wij' with more. Every figure comes from the context (store).
"""

from __future__ import annotations

from hicmonitor import taxonomy
from hicmonitor.format_nl import long_date, percent
from hicmonitor.reports import texts
from hicmonitor.reports.common import (
    Treated,
    dutch_list,
    earlier_answers,
    free_text,
    header_block,
    margin_lines,
    measure_stand,
    measures_by_group,
    motion_label,
    motion_status_on,
    person_mismatch,
    subject,
    track_label,
    track_stand,
    tracks_on,
    treated_motions,
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
TO_DATE_TABLE = "hic-dit-jaar"
ATM_TABLE = "ram-plofkraken"
CONTROLEER_DECISION = "[controleer: leg de opvolging vast in de rapportspecificatie]"


class _Numbers:
    """Section numbers in order (sections come and go with the spec)."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return str(self.n)


def _opening(ctx: ReportContext) -> list[Block]:
    spec = ctx.spec
    out: list[Block] = list(
        free_text(ctx, spec.kamerbrief.opening, "kamerbrief.opening", letter=True)
    )
    out.append(para(texts.text("kamerbrief.opening", plural=spec.plural, jaar=spec.jaar)))
    here = [t for t in treated_motions(ctx) if t.decision and not t.decision.elsewhere]
    if here:
        out.append(para(texts.text("kamerbrief.opvolging", plural=spec.plural)))
        out.append(BulletList([Paragraph([Text(motion_label(ctx, t.motion))]) for t in here]))
    return out


def strategy_section(ctx: ReportContext, number: str) -> Section:
    spec = ctx.spec
    blocks: list[Block] = list(
        free_text(ctx, spec.kamerbrief.strategie, "kamerbrief.strategie", letter=True)
    ) or [para(texts.text("kamerbrief.strategie.tekst"))]
    if spec.kamerbrief.hoogtepunten:
        blocks.append(para(texts.text("kamerbrief.hoogtepunten", jaar=spec.jaar)))
        items = []
        for i, item in enumerate(spec.kamerbrief.hoogtepunten):
            text = ctx.from_spec(" ".join(item.split()), f"kamerbrief.hoogtepunten[{i}]")
            items.append(Paragraph([Text(text, mark=person_mismatch(text, spec.plural))]))
        blocks.append(BulletList(items))
    return Section(texts.text("kamerbrief.strategie.titel"), blocks, number=number, key="aanpak")


def _source_note(ctx: ReportContext) -> Footnote:
    files = ", ".join(ctx.source_files)
    geweld = taxonomy.category("geweld")
    return Footnote(
        [
            Text(
                "Bron: door de politie geregistreerde misdrijven (politie/CBS open data), "
                f"landelijk, zoals openbaar op {long_date(ctx.as_of)}; "
                f"{'bestand' if len(ctx.source_files) == 1 else 'bestanden'} in de "
                f"database: {files}. Geweld is hier de som van de politiecodes "
                f"{dutch_list(list(geweld.codes))}."
            )
        ]
    )


def figures_table(ctx: ReportContext) -> Table:
    """The HIC figures: one row per category, the base year and the last five years."""
    figs = ctx.figures
    cols = figs.columns
    prev = figs.year - 1
    rows = []
    provisional_years: set[int] = set()
    for row in figs.categories:
        cells: list = [row.label]
        for y in cols:
            cells.append(row.counts.get(y))
            if row.provisional.get(y, False):
                provisional_years.add(y)
        now, before = row.counts.get(figs.year), row.counts.get(prev)
        change = (now - before) / before * 100 if now is not None and before else None
        cells.append(percent(change, 0, sign=True) if change is not None else None)
        rows.append(cells)
    note: list = [Text("Aantal geregistreerde misdrijven in Nederland.")]
    if provisional_years:
        years = dutch_list([str(y) for y in sorted(provisional_years)])
        note.append(Text(f" Voorlopige cijfers: {years} (gemarkeerd met *)."))
    note.append(_source_note(ctx))
    return Table(
        caption=f"Tabel 1. Geregistreerde high impact crimes, {figs.base_year} en "
        f"{cols[-5] if len(cols) >= 5 else cols[0]}–{figs.year}",
        columns=[
            "Categorie",
            *[f"{y}*" if y in provisional_years else str(y) for y in cols],
            f"t.o.v. {prev}",
        ],
        rows=rows,
        note=note,
        key=FIGURES_TABLE,
    )


def to_date_table(ctx: ReportContext) -> Table | None:
    """The open year's months to date beside the same months a year earlier (provisional)."""
    from hicmonitor.format_nl import months_span

    rows_in = ctx.figures.to_date
    if rows_in is None or not len(rows_in):
        return None
    labels = {c.id: c.label for c in taxonomy.categories()}
    first = rows_in.iloc[0]
    year = int(first["year"])
    rows = []
    for _, r in rows_in.iterrows():
        prev = None if r["prev_count"] != r["prev_count"] else int(r["prev_count"])
        change = r["change_pct"]
        rows.append(
            [
                labels.get(r["category"], r["category"]),
                months_span(year, int(r["last_month"])),
                int(r["count"]),
                prev,
                percent(float(change), 0, sign=True) if change == change else None,
            ]
        )
    return Table(
        caption=f"Tabel 2. Geregistreerde high impact crimes in {year} tot nu toe (voorlopig)",
        columns=[
            "Categorie",
            "Periode",
            f"{year} (voorlopig)",
            f"zelfde maanden {year - 1}",
            "verschil",
        ],
        rows=rows,
        note=[
            Text(
                f"Voorlopige cijfers, openbaar op {long_date(ctx.as_of)}; een streepje: geen "
                "cijfer voor dezelfde maanden een jaar eerder."
            )
        ],
        key=TO_DATE_TABLE,
    )


def atm_section(ctx: ReportContext, number: str) -> Section:
    """Ram- en plofkraken: their own series per counter, never added up; a count that covers
    its year only partly says how far it runs."""
    from hicmonitor.format_nl import MONTHS

    figs = ctx.figures
    label = taxonomy.category("ram_plofkraak").label
    shown_years = {y for a in figs.atm for y in a.counts if y <= ctx.as_of.year}
    if not shown_years:
        return Section(label, [para(NOT_APPLICABLE)], number=number, key="ram-plofkraken")
    years = sorted(shown_years)

    def cell(a, y):  # noqa: ANN001, ANN202
        value = a.counts.get(y)
        if value is None or y not in a.partial:
            return value
        end = a.partial[y]
        return f"{value} (t/m {end.day} {MONTHS[end.month - 1]})"

    columns = ["Jaar", *[f"{a.counter}: {a.kind}" for a in figs.atm]]
    rows = [[str(y), *[cell(a, y) for a in figs.atm]] for y in years]
    refs = sorted({r for a in figs.atm for y, r in a.references.items() if y in shown_years})
    table = Table(
        caption=f"Tabel 3. {label} per teller",
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
    last = max(years)
    parts = []
    for a in figs.atm:
        if last in a.counts:
            part = f"{a.counts[last]} ({a.counter}, {a.kind}"
            if last in a.partial:
                end = a.partial[last]
                part += f"; geteld tot en met {end.day} {MONTHS[end.month - 1]}, het jaar is niet volledig"
            parts.append(part + ")")
    intro = (
        "Voor ram- en plofkraken bestaat geen politiecode in de open data; de cijfers komen uit "
        f"een eigen reeks. Het laatst bekende aantal, over {last}: {dutch_list(parts)}."
    )
    return Section(label, [para(intro), table], number=number, key="ram-plofkraken")


def signals_paragraph(ctx: ReportContext, category: str) -> Paragraph | None:
    """The early-warning signals of ``category`` the spec accepts (none: no paragraph)."""
    accepted = [s for s in ctx.signals if s.category == category]
    if not accepted:
        return None
    parts: list[Text] = [Text(texts.text("kamerbrief.cijfers.signalen"))]
    for s in accepted:
        parts.append(Text(" " + s.text))
        if s.note:
            note = ctx.from_spec(" ".join(s.note.split()), f"signalen[{s.index}].toelichting")
            parts.append(Text(" "))
            parts.append(Text(note, mark=person_mismatch(note, ctx.spec.plural)))
    return Paragraph(parts)


def figures_section(ctx: ReportContext, number: str) -> Section:
    figs = ctx.figures
    open_year = int(figs.to_date.iloc[0]["year"]) if len(figs.to_date) else None
    blocks: list[Block] = [
        para(
            texts.text(
                "kamerbrief.cijfers.intro",
                peildatum=long_date(ctx.as_of),
                laatste_jaar=figs.year,
                open_jaar=open_year,
            )
        )
    ]
    if ctx.synthesis.sentences:
        blocks.append(para(" ".join(ctx.synthesis.sentences)))
    blocks += [
        para(texts.text("kamerbrief.cijfers.tabel", basisjaar=figs.base_year)),
        figures_table(ctx),
        Figure(
            png=ctx.chart_png,
            svg=ctx.chart_svg,
            alt=(
                "Vier lijngrafieken met het aantal geregistreerde woninginbraken, straatroven, "
                f"overvallen en geweldsdelicten per jaar van {figs.base_year} tot en met "
                f"{figs.year}; de cijfers staan in tabel 1."
            ),
            caption=f"Figuur 1. Geregistreerde high impact crimes per jaar, "
            f"{figs.base_year}–{figs.year}",
            width_mm=120,
        ),
    ]
    table2 = to_date_table(ctx)
    if table2 is not None:
        blocks += [para(texts.text("kamerbrief.cijfers.open_jaar", open_jaar=open_year)), table2]
    n = 0
    for cat in taxonomy.police_categories():
        d = ctx.duiding.get(cat.id)
        n += 1
        sentences = d.sentences if d and d.sentences else [NOT_APPLICABLE]
        content: list[Block] = (
            [para(" ".join(sentences[:3])), *[para(s) for s in sentences[3:]]]
            if len(sentences) > 3
            else [para(s) for s in sentences]
        )
        signals = signals_paragraph(ctx, cat.id)
        if signals is not None:
            content.append(signals)
        blocks.append(Section(cat.label, content, number=f"{number}.{n}", key=f"duiding-{cat.id}"))
    blocks.append(atm_section(ctx, f"{number}.{n + 1}"))
    return Section(texts.text("kamerbrief.cijfers.titel"), blocks, number=number, key="cijfers")


def measures_section(ctx: ReportContext, number: str) -> Section:
    blocks: list[Block] = [
        para(texts.text("kamerbrief.maatregelen.intro", peildatum=long_date(ctx.as_of)))
    ]
    for i, (gid, label, ms) in enumerate(measures_by_group(ctx.catalog, ctx.as_of), start=1):
        sub: list[Block] = []
        for m in ms:
            sub.append(
                Paragraph(
                    [
                        Text(
                            ctx.from_catalog("maatregelen", m.id, "naam", m.name) + ". ", bold=True
                        ),
                        Text(ctx.from_catalog("maatregelen", m.id, "omschrijving", m.description)),
                        Text(" Stand: "),
                        Text(measure_stand(ctx, m)),
                        Text(". Erkenning: "),
                        Text(ctx.from_catalog("maatregelen", m.id, "erkenning", m.evidence.label)),
                        Text("."),
                    ]
                )
            )
        if not sub:
            sub = [para("In deze lijn staan op dit moment geen maatregelen in de catalogus.")]
        blocks.append(Section(label, sub, number=f"{number}.{i}", key=f"lijn-{gid}"))
    return Section(
        texts.text("kamerbrief.maatregelen.titel"), blocks, number=number, key="maatregelen"
    )


def legislation_section(ctx: ReportContext, number: str) -> Section:
    tracks = tracks_on(ctx.catalog, ctx.as_of)
    key = "wetgeving"
    title = texts.text("kamerbrief.wetgeving.titel")
    if not tracks:
        return Section(title, [para(NOT_APPLICABLE)], number=number, key=key)
    blocks: list[Block] = [
        para(texts.text("kamerbrief.wetgeving.intro", peildatum=long_date(ctx.as_of)))
    ]
    for t, s in tracks:
        blocks.append(
            Paragraph(
                [
                    Text(track_label(ctx, t) + ". ", bold=True),
                    Text(ctx.from_catalog("wetgeving", t.id, "omschrijving", t.description)),
                    Text(" Stand: "),
                    Text(track_stand(ctx, t, s)),
                    Text("."),
                ]
            )
        )
    return Section(title, blocks, number=number, key=key)


def _treatment(ctx: ReportContext, t: Treated) -> list[Text]:
    soort = t.kind
    if t.decision is None:
        src = ctx.from_catalog("moties", t.motion.id, "beantwoord_in", CONTROLEER_DECISION)
        return [Text(src)]
    if t.decision.elsewhere:
        brief = ctx.from_spec(t.decision.elsewhere, f"moties[{t.index}].opvolging")
        return [
            Text(
                texts.text(
                    "kamerbrief.moties.elders", plural=ctx.spec.plural, soort=soort, brief=brief
                )
            )
        ]
    key = "afgedaan" if t.decision.opvolging.startswith("afgedaan") else "voortgang"
    return [Text(texts.text(f"kamerbrief.moties.{key}", plural=ctx.spec.plural, soort=soort))]


def motions_section(ctx: ReportContext, number: str) -> Section:
    title = texts.text("kamerbrief.moties.titel")
    treated = treated_motions(ctx)
    if not treated:
        return Section(title, [para(NOT_APPLICABLE)], number=number, key="moties")
    blocks: list[Block] = []
    for t in treated:
        content: list = [Text(motion_label(ctx, t.motion) + ". ", bold=True)]
        if t.decision is not None and t.decision.tekst:
            said = ctx.from_spec(" ".join(t.decision.tekst.split()), f"moties[{t.index}].tekst")
            content += [Text(said, mark=person_mismatch(said, ctx.spec.plural)), Text(" ")]
        content += _treatment(ctx, t)
        content += [
            Text(f" Status op {long_date(ctx.as_of)}: "),
            Text(motion_status_on(ctx, t.motion)),
            Text("."),
        ]
        earlier = earlier_answers(t.motion, ctx.spec.jaar)
        if earlier:
            content.append(
                Text(
                    " "
                    + texts.text(
                        "kamerbrief.moties.eerder", soort=t.kind, stukken=dutch_list(earlier)
                    )
                )
            )
        blocks.append(Paragraph(content))
    return Section(title, blocks, number=number, key="moties")


def closing_section(ctx: ReportContext, number: str) -> Section:
    text = free_text(ctx, ctx.spec.kamerbrief.slot, "kamerbrief.slot", letter=True) or [
        para(texts.text("kamerbrief.slot", plural=ctx.spec.plural))
    ]
    return Section(texts.text("kamerbrief.slot.titel"), list(text), number=number, key="slot")


def signatories(ctx: ReportContext) -> list[Signatory]:
    out = []
    for i, s in enumerate(ctx.spec.ondertekenaars):
        name = ctx.from_spec(s.naam, f"ondertekenaars[{i}].naam") if s.naam else ""
        out.append(Signatory(name, ctx.from_spec(s.functie, f"ondertekenaars[{i}].functie")))
    return out


def build_kamerbrief(ctx: ReportContext) -> Document:
    """The Kamerbrief for ``ctx.spec`` as a document model."""
    spec = ctx.spec
    n = _Numbers()
    body: list[Block] = [
        *_opening(ctx),
        strategy_section(ctx, n.next()),
        figures_section(ctx, n.next()),
        measures_section(ctx, n.next()),
        legislation_section(ctx, n.next()),
        motions_section(ctx, n.next()),
    ]
    if spec.kamerbrief.caribisch_nederland:
        body.append(
            Section(
                texts.text("kamerbrief.caribisch_nederland"),
                free_text(
                    ctx,
                    spec.kamerbrief.caribisch_nederland,
                    "kamerbrief.caribisch_nederland",
                    letter=True,
                ),
                number=n.next(),
                key="caribisch-nederland",
            )
        )
    body.append(closing_section(ctx, n.next()))
    annexes = [
        ctx.from_spec(a, f"kamerbrief.bijlagen[{i}]")
        for i, a in enumerate(spec.kamerbrief.bijlagen)
    ]
    return Document(
        kind="kamerbrief",
        title="Kamerbrief",
        subject=ctx.from_spec(subject(spec), "kamerbrief.onderwerp")
        if spec.kamerbrief.onderwerp
        else subject(spec),
        date=spec.datum,
        reference=spec.kenmerk,
        header=header_block(ctx, with_date=False, annexes=annexes),
        margin=margin_lines(ctx),
        body=body,
        addressee=[
            ctx.from_spec(x, f"kamerbrief.geadresseerde[{i}]")
            for i, x in enumerate(spec.kamerbrief.geadresseerde)
        ],
        signatories=signatories(ctx),
        author=spec.auteur or spec.afzender.ministerie,
        concept=spec.status == "concept",
        created=ctx.created,
        logo=ctx.logo,
    )
