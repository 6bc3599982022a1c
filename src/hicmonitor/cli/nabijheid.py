"""``hic nabijheid laad|bronnen|analyse|herhaling``: near repeat (Knox test) and repeat
victimisation on incident data. Incident data is not public and never published."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from hicmonitor.cli.common import (
    Wacht,
    app,
    console,
    db_path,
    err_console,
    say_waiting,
    sub_app,
    wait_seconds,
)

nabijheid_app = sub_app(
    "Bijna-herhaling (near repeat) en herhaald slachtofferschap op incidentdata "
    "(Knox-test). Incidentdata is niet openbaar en wordt nooit gepubliceerd."
)
app.add_typer(nabijheid_app, name="nabijheid")

_NabBestand = Annotated[
    Path | None, typer.Argument(help="Incidentbestand (CSV, ook .csv.gz); of gebruik --bron.")
]
_NabBron = Annotated[int | None, typer.Option("--bron", help="Geladen incidentbestand (id).")]
_NabCrs = Annotated[
    str | None,
    typer.Option("--crs", help="Stelsel van x/y (bv. EPSG:28992), of doelstelsel bij lon/lat."),
]
_NabSla = Annotated[
    bool,
    typer.Option("--sla-ongeldige-over", help="Regels met ongeldige waarden overslaan en tellen."),
]
_NabDelict = Annotated[
    str, typer.Option("--delict", help="Soort incident voor de tekst, bv. woninginbraak.")
]
_NabTijdstip = Annotated[
    str, typer.Option("--tijdstip", help="Bij een tijdvenster: begin, midden of eind.")
]
_NabFormaat = Annotated[str, typer.Option("--formaat", help="tabel, csv of json.")]
_NabUitvoer = Annotated[
    Path | None, typer.Option("--uitvoer", help="Schrijf csv/json naar dit bestand.")
]


def _nab_incidents(bestand, bron, crs, sla_over):  # noqa: ANN001, ANN202
    """The incidents of a file or a loaded source; skipped lines reported on stderr."""
    from hicmonitor.services import nearrepeat as svc

    data = svc.incidents(db_path(), bestand, bron, crs=crs, skip_invalid=sla_over)
    if data.skipped:
        first = data.skipped[0]
        err_console.print(
            f"{data.skipped_lines} regel(s) overgeslagen, eerste: regel "
            f"{first.line}, veld '{first.field}': {first.message}"
        )
    return data


@nabijheid_app.command("laad")
def nabijheid_laad(
    bestand: Annotated[Path, typer.Argument(help="Incidentbestand (CSV, ook .csv.gz).")],
    crs: _NabCrs = None,
    sla_over: _NabSla = False,
    delict: Annotated[
        str | None, typer.Option("--delict", help="HIC-categorie van alle incidenten.")
    ] = None,
    wacht: Wacht = None,
) -> None:
    """Laad een incidentbestand in de (niet-openbare) incidententabel."""
    from hicmonitor.services import nearrepeat as svc

    code = svc.crime_code(delict)
    s = svc.read_file(bestand, crs=crs, skip_invalid=sla_over)
    res = svc.load(db_path(), s, crime_code=code, wait=wait_seconds(wacht), on_wait=say_waiting)
    if res.new:
        console.print(
            f"bron {res.source_id}: {res.rows} incidenten geladen uit {bestand.name} "
            f"({s.crs}, resolutie {s.precision}; {len(s.skipped_lines)} regels overgeslagen, "
            f"{s.duplicates} dubbele id's samengevoegd)"
        )
    else:
        console.print(f"{bestand.name} was al geladen als bron {res.source_id}; niets veranderd")


@nabijheid_app.command("bronnen")
def nabijheid_bronnen() -> None:
    """Toon de geladen incidentbestanden."""
    from hicmonitor.services import nearrepeat as svc

    frame = svc.loaded_sets(db_path())
    if frame.empty:
        console.print("nog geen incidentbestanden geladen (hic nabijheid laad BESTAND)")
        return
    console.print(frame.to_string(index=False))


@nabijheid_app.command("analyse")
def nabijheid_analyse(
    bestand: _NabBestand = None,
    bron: _NabBron = None,
    afstanden: Annotated[
        str, typer.Option("--afstanden", help="Grenzen afstandsbanden in m; 'inf' = open.")
    ] = "0,0.1,200,400,600",
    dagen: Annotated[
        str, typer.Option("--dagen", help="Grenzen tijdbanden in dagen; 'inf' = open.")
    ] = "0,7,14,21",
    nrc: Annotated[
        str | None,
        typer.Option(
            "--nrc",
            help="Banden als de Near Repeat Calculator: 'afstand,aantal,dagen,aantal' "
            "(bv. 100,3,7,3); vervangt --afstanden/--dagen.",
        ),
    ] = None,
    rechts: Annotated[
        bool, typer.Option("--rechts-gesloten", help="Banden (a, b] in plaats van [a, b).")
    ] = False,
    inclusief: Annotated[
        bool, typer.Option("--inclusief-laagste", help="Als R cut(include.lowest=TRUE).")
    ] = False,
    metriek: Annotated[
        str, typer.Option("--metriek", help="manhattan of euclidisch.")
    ] = "manhattan",
    permutaties: Annotated[int, typer.Option("--permutaties", help="Aantal permutaties.")] = 999,
    zaad: Annotated[
        int | None, typer.Option("--zaad", help="Startwaarde toevalsgenerator.")
    ] = None,
    tijdstip: _NabTijdstip = "midden",
    formaat: _NabFormaat = "tabel",
    uitvoer: _NabUitvoer = None,
    kaart: Annotated[
        Path | None, typer.Option("--kaart", help="Heatmap van de Knox-ratio's (.png/.svg).")
    ] = None,
    delict: _NabDelict = "incident",
    crs: _NabCrs = None,
    sla_over: _NabSla = False,
) -> None:
    """Knox-test: paren incidenten per afstands- en tijdband tegen permutaties van de data."""
    from rich.progress import Progress

    from hicmonitor.analysis import nearrepeat_report as rep
    from hicmonitor.services import nearrepeat as svc

    svc.check_delict(delict)
    svc.check_format(formaat)
    metric = svc.metric(metriek)
    space, time = svc.knox_bands(
        afstanden, dagen, nrc, right_closed=rechts, include_lowest=inclusief
    )
    data = _nab_incidents(bestand, bron, crs, sla_over)
    name = data.name
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("permutaties", total=permutaties)
        result = svc.knox(
            data,
            space,
            time,
            metric=metric,
            permutations=permutaties,
            seed=zaad,
            moment=tijdstip,
            progress=lambda done, total: progress.update(task, completed=done),
        )
    if formaat == "csv":
        text = rep.write_csv(result)
    elif formaat == "json":
        text = rep.to_json(result, source=name, delict=delict)
    else:
        text = None
    if text is not None and uitvoer is not None:
        uitvoer.write_text(text, encoding="utf-8")
        err_console.print(f"geschreven: {uitvoer}")
    elif text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        console.print(
            f"{name}: {result.n_events} incidenten, {result.permutations} permutaties, "
            f"{metriek}, zaad {zaad}"
        )
        for table in rep.rich_tables(result):
            console.print(table)
        for line in rep.summary_nl(result, delict):
            console.print(line)
    if kaart is not None:
        rep.heatmap(result, kaart)
        err_console.print(f"kaart: {kaart}")


@nabijheid_app.command("herhaling")
def nabijheid_herhaling(
    bestand: _NabBestand = None,
    bron: _NabBron = None,
    vensters: Annotated[
        str, typer.Option("--vensters", help="Vensters in dagen, bv. 7,28,365.")
    ] = "7,28,365",
    tijdstip: _NabTijdstip = "midden",
    formaat: _NabFormaat = "tabel",
    uitvoer: _NabUitvoer = None,
    delict: _NabDelict = "incident",
    crs: _NabCrs = None,
    sla_over: _NabSla = False,
) -> None:
    """Herhaald slachtofferschap: aandeel locaties dat binnen 7/28/365 dagen opnieuw is getroffen."""
    import json

    from hicmonitor.analysis import nearrepeat_report as rep
    from hicmonitor.services import nearrepeat as svc

    svc.check_delict(delict)
    svc.check_format(formaat)
    windows = [int(v) for v in svc.parse_edges(vensters, "--vensters")]
    data = _nab_incidents(bestand, bron, crs, sla_over)
    res = svc.repeats(data, windows, moment=tijdstip)
    if formaat == "tabel":
        for line in rep.repeat_summary_nl(res, delict):
            console.print(line)
        console.print(res.distribution.to_string(index=False))
        return
    if formaat == "csv":
        text = res.summary_frame().to_csv(index=False) + "\n" + res.distribution.to_csv(index=False)
    else:
        text = json.dumps(
            {
                "bron": data.name,
                "locatie": res.key,
                "incidenten": res.n_incidents,
                "locaties": res.n_locations,
                "locaties_herhaald": res.n_repeat_locations,
                "vensters": res.summary_frame().to_dict("records"),
                "verdeling": res.distribution.to_dict("records"),
            },
            ensure_ascii=False,
            indent=2,
        )
    if uitvoer is not None:
        uitvoer.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
