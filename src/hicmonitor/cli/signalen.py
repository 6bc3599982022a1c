"""``hic signalen``: the early warning -- which series rose beyond what their history predicts.

On the police figures in the store (per municipality, yearly or monthly, as public on a
peildatum) or on incident data counted per grid cell and week or month (``--incidenten``,
``--bron``). Thin: the work is in :mod:`hicmonitor.services.signals`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hicmonitor.cli.common import PEILDATUM_HELP, app, console, db_path, open_store, parse_day
from hicmonitor.cli.output import FormaatOpt, UitOpt, choose, emit
from hicmonitor.errors import HicError
from hicmonitor.format_nl import amount
from hicmonitor.format_nl import number as _n

METHOD_HELP = "farrington (standaard), ears_c1, ears_c2, ears_c3 of cusum."


@app.command("signalen")
def signalen(
    jaar: Annotated[
        int | None,
        typer.Option(
            "--jaar",
            help="Jaar van de signalen (standaard: het laatste volledige jaar, openbaar op de "
            "peildatum); met --periode maand of week: alle maanden of weken van dat jaar.",
        ),
    ] = None,
    periode: Annotated[
        str | None,
        typer.Option(
            "--periode",
            help="jaar, maand of week (de reeks), of één periode: 2024, 2024-03, 2024-W05.",
        ),
    ] = None,
    regio: Annotated[
        str | None,
        typer.Option(
            "--regio",
            help="Eén regio (code of naam; ook NL01); standaard alle gemeenten.",
        ),
    ] = None,
    categorie: Annotated[
        list[str] | None,
        typer.Option(
            "--categorie",
            help="woninginbraak, geweld of een onderdeel van geweld (bedreiging, mishandeling, "
            "moord en doodslag; of de code, 1.4.4); herhaalbaar.",
        ),
    ] = None,
    methode: Annotated[str, typer.Option("--methode", help=METHOD_HELP)] = "farrington",
    instelling: Annotated[
        list[str] | None,
        typer.Option(
            "--instelling",
            metavar="NAAM=WAARDE",
            help="Wijzig een instelling van de methode (herhaalbaar), bv. alpha=0.05, "
            "population_offset=true, limit54=5,1 (zie docs/signalen.md).",
        ),
    ] = None,
    peildatum: Annotated[str | None, typer.Option("--peildatum", help=PEILDATUM_HELP)] = None,
    alle: Annotated[
        bool,
        typer.Option(
            "--alle",
            help="Toon ook reeksen zonder signaal (met --regio altijd).",
        ),
    ] = False,
    incidenten: Annotated[
        Path | None,
        typer.Option(
            "--incidenten",
            metavar="BESTAND",
            help="Incidentbestand (CSV, ook .csv.gz): signalen per rastercel en week of maand.",
        ),
    ] = None,
    bron: Annotated[
        int | None, typer.Option("--bron", help="Geladen incidentbestand (id; hic nabijheid).")
    ] = None,
    raster: Annotated[
        float | None,
        typer.Option(
            "--raster", metavar="METERS", help="Celgrootte bij incidentdata (standaard 1000 m)."
        ),
    ] = None,
    tijdstip: Annotated[
        str, typer.Option("--tijdstip", help="Bij een tijdvenster: begin, midden of eind.")
    ] = "midden",
    delict: Annotated[
        str | None,
        typer.Option("--delict", help="Soort incident voor de tekst, bv. woninginbraak."),
    ] = None,
    crs: Annotated[
        str | None,
        typer.Option("--crs", help="Stelsel van x/y (bv. EPSG:28992), of doelstelsel bij lon/lat."),
    ] = None,
    datumformaat: Annotated[
        str | None,
        typer.Option("--datumformaat", help="Formaat van de datums, bv. dd-mm-jjjj."),
    ] = None,
    sla_over: Annotated[
        bool,
        typer.Option("--sla-ongeldige-over", help="Regels met ongeldige waarden overslaan."),
    ] = False,
    formaat: FormaatOpt = None,
    uit: UitOpt = None,
) -> None:
    """Vroegsignalering: welke reeksen liggen boven wat hun eigen verleden voorspelt.

    Op de politiecijfers: per gemeente woninginbraak, geweld en de onderdelen van geweld
    (straatroof en overval alleen landelijk), per jaar of (waar geladen) per maand, gerangschikt
    op score. Op incidentdata: per rastercel en week of maand (de uitvoer noemt cellen, geen
    adressen).
    """
    from hicmonitor.analysis.signals.listing import parse_period
    from hicmonitor.services import signals as svc

    choose(formaat, uit)
    day = parse_day(peildatum, "--peildatum")
    choice = parse_period(periode) if periode is not None else None
    settings = svc.parse_settings(instelling)
    if incidenten is not None or bron is not None:
        if regio is not None or categorie:
            raise HicError(
                "--regio en --categorie gelden voor de politiecijfers, niet voor incidentdata"
            )
        from hicmonitor.services import nearrepeat

        data = nearrepeat.incidents(
            db_path(), incidenten, bron, crs=crs, skip_invalid=sla_over, date_format=datumformaat
        )
        noun = _incident_noun(delict)
        result = svc.incident_signals(
            data.frame,
            precision=data.precision,
            name=data.name,
            cell_size=raster,
            choice=choice,
            year=jaar,
            method=methode,
            settings=settings,
            moment=tijdstip,
            peildatum=day,
            show_all=alle,
            noun=noun,
        )
    else:
        if raster is not None or delict is not None:
            raise HicError("--raster en --delict gelden voor incidentdata (--incidenten of --bron)")
        result = svc.police_signals(
            open_store(),
            year=jaar,
            choice=choice,
            region=regio,
            categories=categorie,
            method=methode,
            settings=settings,
            peildatum=day,
            show_all=True if alle else None,
        )
    emit(formaat, uit, result.export_frame, lambda: _tables(result))


def _incident_noun(delict: str | None) -> str | None:
    if delict is None:
        return None
    from hicmonitor.analysis.signals import noun_for
    from hicmonitor.analysis.signals.listing import find_series

    return noun_for(find_series(delict))


def _tables(result) -> None:  # noqa: ANN001 - SignalList (imported lazily)
    from rich.table import Table

    for note in result.notes:
        console.print(note, highlight=False)
    if result.peildatum is not None:
        console.print(
            f"Peildatum {result.peildatum.isoformat()}: alleen cijfers die toen openbaar waren.",
            highlight=False,
        )
    periods = (
        result.periods[0]
        if len(result.periods) == 1
        else (f"{result.periods[0]} tot en met {result.periods[-1]}")
    )
    rows = result.rows
    what = "gemeente" if result.kind == "regio" else "cel"
    title = f"Signalen {periods} — {result.scope}"
    t = Table(title=title, title_justify="left")
    t.add_column("nr", justify="right")
    t.add_column(what if result.kind == "cel" else "regio")
    if result.kind == "regio":
        t.add_column("reeks")
    t.add_column("periode")
    for col in ("aantal", "verwacht", "bovengrens", "score"):
        t.add_column(col, justify="right")
    if result.all_rows:
        t.add_column("signaal")
    for r in rows.to_dict("records"):
        cells = [str(r["rank"])]
        cells.append(str(r["cell"]) if result.kind == "cel" else f"{r['name']}")
        if result.kind == "regio":
            cells.append(str(r["label"]))
        period = str(r["period_text"]) + (" (voorlopig)" if r.get("provisional") is True else "")
        cells.append(period)
        cells += [
            _n(r["observed"]),
            _n(r["expected"], 1),
            _n(r["upperbound"], 1),
            _n(r["score"], 2),
        ]
        if result.all_rows:
            cells.append("ja" if r["alarm"] else "nee")
        t.add_row(*cells)
    if len(rows):
        console.print(t)
        for r in rows.to_dict("records"):
            console.print(f"{r['rank']}. {r['text']}", highlight=False)
    else:
        console.print(f"Geen signalen in {periods} — {result.scope}.", highlight=False)
    searched = amount(result.series, "reeks", "reeksen")
    if len(result.periods) > 1:
        searched += f" × {len(result.periods)} perioden ({_n(result.values)} waarden)"
    console.print(
        f"{amount(result.alarms, 'signaal', 'signalen')} in {periods}: {searched}, waarvan "
        f"{_n(result.computed)} met een berekende bovengrens. Score = (aantal − verwacht) / "
        "(bovengrens − verwacht); boven 1: boven de bovengrens.",
        highlight=False,
    )
    if result.uncomputed:
        why = "; ".join(f"{_n(n)} × {reason}" for reason, n in result.uncomputed.items())
        console.print(f"Zonder bovengrens: {why}.", highlight=False)
    if result.provisional:
        console.print("Voorlopige cijfers zijn gemarkeerd met (voorlopig).", highlight=False)
    console.print(f"Methode {result.setting}.", highlight=False)
