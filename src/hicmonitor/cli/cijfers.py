"""``hic cijfers``, ``hic trend``, ``hic vergelijk``, ``hic afstemming``: the figures, their
trend and duiding, a municipality beside its peers, the store beside the published figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hicmonitor.cli.common import PEILDATUM_HELP, app, console, err_console, open_store, parse_day
from hicmonitor.cli.output import FormaatOpt, UitOpt, choose, emit
from hicmonitor.format_nl import number as _n

_Categorie = Annotated[
    list[str] | None, typer.Option("--categorie", help="HIC-categorie (herhaalbaar).")
]


def _notes(*notes: str | None) -> None:
    """Print the notes a service returned (a former municipality, how inhabitants count)."""
    for note in notes:
        if note:
            console.print(note, highlight=False)


@app.command("cijfers")
def cijfers(
    regio: Annotated[
        str, typer.Option("--regio", help="Regiocode (NL01, GM0363) of naam.")
    ] = "NL01",
    categorie: _Categorie = None,
    formaat: FormaatOpt = None,
    uit: UitOpt = None,
    peildatum: Annotated[str | None, typer.Option("--peildatum", help=PEILDATUM_HELP)] = None,
) -> None:
    """De HIC-tabel per categorie per jaar, landelijk of voor een regio (met inwoners en per 1.000)."""
    from hicmonitor.services.figures import region_figures

    choose(formaat, uit)
    day = parse_day(peildatum, "--peildatum")
    figs = region_figures(open_store(), regio, categorie, peildatum=day)
    emit(formaat, uit, figs.export_frame, lambda: _cijfers_tables(figs))


def _cijfers_tables(figs) -> None:  # noqa: ANN001 - RegionFigures (imported lazily)
    from rich.table import Table

    from hicmonitor import taxonomy
    from hicmonitor.services.figures import atm_year, change_text

    code, name, table = figs.code, figs.name, figs.table
    _notes(figs.note)
    if figs.peildatum is not None:
        console.print(
            f"Peildatum {figs.peildatum.isoformat()}: alleen cijfers die toen openbaar waren."
        )
    if figs.national and not table.empty:
        provisional = set(table.loc[table["provisional"], "year"])
        counts = figs.wide("count")
        rates = figs.wide("per_1000") if figs.with_population else None
        inhabitants = table.groupby("year")["inhabitants"].first()
        t = Table(title=f"HIC-misdrijven per jaar — {name} ({code})", title_justify="left")
        t.add_column("jaar")
        for cat_id in counts.columns:
            t.add_column(taxonomy.category(cat_id).label, justify="right")
        if rates is not None:
            t.add_column("inwoners", justify="right")
        for year, row in counts.iterrows():
            cells = [_n(v) for v in row]
            if rates is not None:
                cells.append(_n(inhabitants.get(year)))
            t.add_row(f"{year}{' (voorlopig)' if year in provisional else ''}", *cells)
        console.print(t)
        if rates is not None:
            t = Table(title=f"Per 1.000 inwoners — {name} ({code})", title_justify="left")
            t.add_column("jaar")
            for cat_id in rates.columns:
                t.add_column(taxonomy.category(cat_id).label, justify="right")
            for year, row in rates.iterrows():
                t.add_row(
                    f"{year}{' (voorlopig)' if year in provisional else ''}",
                    *(_n(v, 2) for v in row),
                )
            console.print(t)
    elif not table.empty:
        for cat_id, part in table.groupby("category", sort=False):
            label = taxonomy.category(cat_id).label
            t = Table(title=f"{label} — {name} ({code})", title_justify="left")
            t.add_column("jaar")
            t.add_column("aantal", justify="right")
            t.add_column("inwoners", justify="right")
            t.add_column("per 1.000 inw.", justify="right")
            for row in part.itertuples():
                t.add_row(
                    f"{row.year}{' (voorlopig)' if row.provisional else ''}",
                    _n(row.count),
                    _n(row.inhabitants),
                    _n(row.per_1000, 2),
                )
            console.print(t)
    if not figs.to_date.empty:
        t = Table(title=f"Dit jaar tot nu toe (voorlopig) — {name} ({code})", title_justify="left")
        for col in ("categorie", "periode", "aantal", "zelfde maanden jaar eerder", "verschil"):
            t.add_column(col, justify="left" if col in ("categorie", "periode") else "right")
        for _, row in figs.to_date.iterrows():
            t.add_row(
                row["label"],
                row["period"],
                _n(row["count"]),
                _n(row["prev_count"]),
                change_text(row),
            )
        console.print(t)
    if figs.atm is not None and not figs.atm.empty:
        t = Table(
            title="Ram- en plofkraken (eigen reeks; NVB en politie tellen anders: niet optellen)",
            title_justify="left",
        )
        for col in ("jaar", "teller", "soort", "aantal", "bron"):
            t.add_column(col, justify="right" if col == "aantal" else "left")
        for row in figs.atm.sort_values(["year", "counter"]).itertuples():
            t.add_row(atm_year(row), row.counter, row.kind, _n(row.count), row.reference)
        console.print(t)
    _notes(figs.population_note)


@app.command("trend")
def trend(
    regio: Annotated[
        str, typer.Option("--regio", help="Regiocode (NL01, GM0363) of naam (Amsterdam).")
    ] = "NL01",
    categorie: _Categorie = None,
    basisjaar: Annotated[
        str | None,
        typer.Option(
            "--basisjaar", help="Basisjaar van de index: 2019, of 2017-2019 (gemiddelde)."
        ),
    ] = None,
    grafiek: Annotated[
        Path | None,
        typer.Option(
            "--grafiek", help="Schrijf de grafiek: .svg, .png, .json (Vega-Lite) of een map."
        ),
    ] = None,
    formaat: FormaatOpt = None,
    uit: UitOpt = None,
    peildatum: Annotated[str | None, typer.Option("--peildatum", help=PEILDATUM_HELP)] = None,
) -> None:
    """Trend per categorie met de duiding: verandering, index, per 1.000 inwoners, trend vóór corona."""
    from hicmonitor.services import trends

    choose(formaat, uit)
    day = parse_day(peildatum, "--peildatum")
    result = trends.region_trend(open_store(), regio, categorie, basisjaar, peildatum=day)
    emit(formaat, uit, result.export_frame, lambda: _trend_tables(result, day))
    if grafiek is not None:
        for target in trends.write_charts(result, grafiek):
            err_console.print(f"grafiek geschreven: {target}", highlight=False)


def _trend_tables(result, day) -> None:  # noqa: ANN001 - RegionTrend (imported lazily)
    from rich.table import Table

    from hicmonitor.services import trends

    if day is not None:
        console.print(f"Peildatum {day.isoformat()}: alleen cijfers die toen openbaar waren.")
    code, name = result.code, result.name
    _notes(result.note)
    for cat in result.categories:
        t = Table(
            title=f"{cat.label} — {name} ({code}); index {result.baseline.label} = 100",
            title_justify="left",
        )
        for i, col in enumerate(trends.TREND_COLUMNS):
            t.add_column(col, justify="left" if i == 0 else "right")
        for row in cat.rows:
            t.add_row(*row)
        console.print(t)
        if cat.to_date is not None:
            period, count, previous, change = cat.to_date
            console.print(
                f"{period} (voorlopig): {count}; dezelfde maanden een jaar eerder: {previous} "
                f"({change})",
                highlight=False,
            )
        if cat.notes:
            console.print("– : " + "; ".join(cat.notes), highlight=False)
        console.print(cat.duiding.text + "\n", highlight=False, soft_wrap=False)
    if result.national_population_derived:
        console.print(
            "Inwoners van Nederland: de som van alle gemeenten in dat jaar.", highlight=False
        )
    _notes(result.population_note)


@app.command("vergelijk")
def vergelijk(
    regio: Annotated[str, typer.Argument(help="Gemeente: code (GM0363) of naam.")],
    categorie: _Categorie = None,
    jaar: Annotated[
        int | None,
        typer.Option("--jaar", help="Jaar van de vergelijking (standaard: het laatste jaar)."),
    ] = None,
    formaat: FormaatOpt = None,
    uit: UitOpt = None,
) -> None:
    """Een gemeente naast vergelijkbare gemeenten (CBS-grootteklasse) en alle gemeenten."""
    from hicmonitor.services.peers import compare

    choose(formaat, uit)
    result = compare(open_store(), regio, categorie, year=jaar)
    emit(formaat, uit, result.export_frame, lambda: _vergelijk_tables(result))


def _vergelijk_tables(result) -> None:  # noqa: ANN001 - PeerComparison (imported lazily)
    from rich.table import Table

    from hicmonitor import format_nl as nl

    code, name = result.code, result.name
    _notes(result.note)
    for cat in result.categories:
        t = Table(
            title=f"{cat.label} — {name} ({code}), {result.year}",
            title_justify="left",
        )
        for col in (
            "tegen",
            "gemeenten",
            "plaats",
            "percentiel",
            "per 1.000 (zij)",
            "verhouding",
            "95%-interval",
            "oordeel",
        ):
            t.add_column(col, justify="left" if col in ("tegen", "oordeel") else "right")
        for s in cat.scopes:
            t.add_row(
                s.label,
                nl.number(s.n),
                nl.number(s.rank),
                nl.number(s.percentile, 0),
                nl.number(s.peer_rate, 2),
                nl.number(s.ratio, 2),
                f"{nl.number(s.ratio_low, 2)}–{nl.number(s.ratio_high, 2)}",
                s.verdict,
            )
        console.print(
            f"{name}: {nl.number(cat.count)} geregistreerd, {nl.number(cat.inhabitants)} "
            f"inwoners, {nl.number(cat.rate_per_1000, 2)} per 1.000 inwoners",
            highlight=False,
        )
        console.print(t)
        console.print(" ".join(cat.sentences) + "\n", highlight=False)
    if result.left_out:
        console.print(
            f"Niet vergeleken (geen inwonertal in {result.year}): "
            + nl.enumerate_nl(result.left_out)
            + ".",
            highlight=False,
        )
    console.print(
        "Plaats 1 = hoogste cijfer per inwoner; percentiel = aandeel van de andere gemeenten "
        "met een lager cijfer. 'Significant' alleen als het 95%-interval van de verhouding "
        "geheel boven of onder 1 ligt (exact, Poisson).",
        highlight=False,
    )
    _notes(result.population_note)


@app.command("afstemming")
def afstemming(
    bestand: Annotated[
        Path | None,
        typer.Option(
            "--bestand", help="Gepubliceerde cijfers (standaard: de ingebouwde Kamerbrief-cijfers)."
        ),
    ] = None,
) -> None:
    """De landelijke reeks uit de database naast de gepubliceerde HIC-cijfers (2009–2019)."""
    from rich.table import Table

    from hicmonitor import format_nl as nl
    from hicmonitor import taxonomy
    from hicmonitor.services.reconciliation import reconcile_published

    result = reconcile_published(open_store(), bestand)
    for cat, part in result.table.groupby("category", sort=False):
        t = Table(
            title=f"{taxonomy.category(cat).label} — database ({part['definition'].iloc[0]}) "
            "tegen gepubliceerd",
            title_justify="left",
        )
        for col in ("jaar", "database", "gepubliceerd", "verschil", "verschil %"):
            t.add_column(col, justify="left" if col == "jaar" else "right")
        for r in part.itertuples():
            t.add_row(
                str(r.year),
                nl.number(r.store),
                nl.number(r.published),
                nl.signed(r.diff),
                nl.percent(r.diff_pct, sign=True),
            )
        console.print(t)
    console.print("Gemiddeld absoluut verschil per categorie:", highlight=False)
    for r in result.summary.itertuples():
        console.print(
            f"  {taxonomy.category(r.category).label} ({r.definition}), {r.first_year}–{r.last_year}: "
            f"{nl.number(r.mean_abs_diff)} per jaar ({nl.percent(r.mean_abs_diff_pct)})",
            highlight=False,
        )
    console.print(
        f"Bron gepubliceerd: {result.path.name}. Verschillen: cijfers worden na publicatie "
        "herzien, en 'geweld' is in de publicatie een eigen definitie (zie docs/afstemming.md).",
        highlight=False,
    )
