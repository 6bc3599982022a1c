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
from hicmonitor.errors import HicError
from hicmonitor.format_nl import amount as _plural
from hicmonitor.format_nl import number as _n

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
_NabDatum = Annotated[
    str | None,
    typer.Option(
        "--datumformaat",
        help="Formaat van de datums in het bestand, bv. dd-mm-jjjj, mm/dd/jjjj (Amerikaans), "
        "jjjj-mm-dd of dd-mm-jjjj uu:mm. Zonder: herkend; dubbelzinnige datums worden geweigerd.",
    ),
]


def _nab_incidents(bestand, bron, crs, sla_over, datumformaat=None):  # noqa: ANN001, ANN202
    """The incidents of a file or a loaded source; skipped lines reported on stderr."""
    from hicmonitor.services import nearrepeat as svc

    data = svc.incidents(
        db_path(), bestand, bron, crs=crs, skip_invalid=sla_over, date_format=datumformaat
    )
    if data.skipped:
        first = data.skipped[0]
        err_console.print(
            f"{_plural(data.skipped_lines, 'regel', 'regels')} overgeslagen, eerste: regel "
            f"{first.line}, veld '{first.field}': {first.message}"
        )
    return data


def _nab_write(path: Path, text: str) -> None:
    """Write an output file whole or not at all (a failure is explained by the one handler)."""
    from hicmonitor.services.export import write_atomically

    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


@nabijheid_app.command("laad")
def nabijheid_laad(
    bestand: Annotated[Path, typer.Argument(help="Incidentbestand (CSV, ook .csv.gz).")],
    crs: _NabCrs = None,
    sla_over: _NabSla = False,
    delict: Annotated[
        str | None, typer.Option("--delict", help="HIC-categorie van alle incidenten.")
    ] = None,
    datumformaat: _NabDatum = None,
    wacht: Wacht = None,
) -> None:
    """Laad een incidentbestand in de (niet-openbare) incidententabel."""
    from hicmonitor.services import nearrepeat as svc

    code = svc.crime_code(delict)
    s = svc.read_file(bestand, crs=crs, skip_invalid=sla_over, date_format=datumformaat)
    res = svc.load(db_path(), s, crime_code=code, wait=wait_seconds(wacht), on_wait=say_waiting)
    if res.new:
        console.print(
            f"bron {res.source_id}: {_plural(res.rows, 'incident', 'incidenten')} geladen "
            f"uit {bestand.name} ({s.crs}, resolutie {s.precision}; "
            f"{_plural(len(s.skipped_lines), 'regel', 'regels')} overgeslagen, "
            f"{_plural(s.duplicates, 'dubbel id', 'dubbele id’s')} samengevoegd)"
        )
    else:
        console.print(f"{bestand.name} was al geladen als bron {res.source_id}; niets veranderd")


@nabijheid_app.command("bronnen")
def nabijheid_bronnen() -> None:
    """Toon de geladen incidentbestanden."""
    from rich.table import Table

    from hicmonitor.services import nearrepeat as svc

    frame = svc.loaded_sets(db_path())
    if frame.empty:
        console.print("nog geen incidentbestanden geladen (hic nabijheid laad BESTAND)")
        return
    table = Table(title="Geladen incidentbestanden", title_justify="left")
    for col in ("bron", "bestand", "incidenten", "stelsel", "resolutie", "overgeslagen", "dubbel"):
        table.add_column(col, justify="right" if col not in ("bestand", "stelsel") else "left")
    table.add_column("geladen")
    for row in frame.itertuples(index=False):
        table.add_row(
            str(row.bron),
            str(row.bestand),
            _n(row.incidenten),
            str(row.crs),
            str(row.resolutie),
            _n(row.overgeslagen),
            _n(row.dubbel),
            f"{row.geladen:%d-%m-%Y %H:%M}",
        )
    console.print(table)


@nabijheid_app.command("analyse")
def nabijheid_analyse(
    bestand: _NabBestand = None,
    bron: _NabBron = None,
    afstanden: Annotated[
        str,
        typer.Option(
            "--afstanden",
            help="Grenzen afstandsbanden in m; 'inf' = open; begin met 0,0 voor een band van "
            "precies 0 m (dezelfde locatie).",
        ),
    ] = "0,0.1,200,400,600",
    dagen: Annotated[
        str, typer.Option("--dagen", help="Grenzen tijdbanden in dagen; 'inf' = open.")
    ] = "0,7,14,21",
    nrc: Annotated[
        str | None,
        typer.Option(
            "--nrc",
            help="Banden en rekenwijze van de Near Repeat Calculator: 'afstand,aantal,dagen,"
            "aantal' (bv. 100,3,7,3); vervangt --afstanden/--dagen.",
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
        int | None,
        typer.Option("--zaad", help="Startwaarde toevalsgenerator (zonder: willekeurig, getoond)."),
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
    datumformaat: _NabDatum = None,
) -> None:
    """Knox-test: paren incidenten per afstands- en tijdband tegen permutaties van de data."""
    from hicmonitor.analysis import nearrepeat_report as rep
    from hicmonitor.services import nearrepeat as svc

    svc.check_delict(delict)
    svc.check_format(formaat)
    metric = svc.metric(metriek)
    if zaad is not None and zaad < 0:
        raise HicError(f"--zaad: een startwaarde is een geheel getal van 0 of meer (niet {zaad})")
    space, time = svc.knox_bands(
        afstanden, dagen, nrc, right_closed=rechts, include_lowest=inclusief
    )
    svc.check_permutations(permutaties, space, time)  # before reading: fail fast
    data = _nab_incidents(bestand, bron, crs, sla_over, datumformaat)
    name = data.name
    with _NabProgress(permutaties) as progress:
        result = svc.knox(
            data,
            space,
            time,
            metric=metric,
            permutations=permutaties,
            seed=zaad,
            moment=tijdstip,
            nrc=nrc is not None,
            progress=progress.update,
            on_estimate=progress.announce,
        )
    seed_text = (
        f"zaad {result.seed} (willekeurig gekozen; herhaal met --zaad {result.seed})"
        if result.seed_drawn
        else f"zaad {result.seed}"
    )
    if formaat == "csv":
        text = rep.write_csv(result)
    elif formaat == "json":
        text = rep.to_json(result, source=name, delict=delict)
    else:
        text = None
    if text is not None and uitvoer is not None:
        _nab_write(uitvoer, text)
        err_console.print(f"geschreven: {uitvoer} ({seed_text})")
    elif text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        if result.seed_drawn:
            err_console.print(seed_text)
    else:
        console.print(
            f"{name}: {_plural(result.n_events, 'incident', 'incidenten')}, "
            f"{_plural(result.permutations, 'permutatie', 'permutaties')}, {metriek}"
            f"{', rekenwijze Near Repeat Calculator (enkele precisie)' if nrc else ''}, "
            f"{seed_text}"
        )
        for table in rep.rich_tables(result):
            console.print(table)
        for line in rep.summary_nl(result, delict):
            console.print(line)
    if kaart is not None:
        rep.heatmap(result, kaart)
        err_console.print(f"kaart: {kaart}")


class _NabProgress:
    """Progress of the permutations on standard error: a Rich bar on a terminal; elsewhere
    (a pipe, a log) a line per tenth of a long run, and at least one a minute. A run estimated
    to take long is announced first, with the estimate."""

    def __init__(self, total: int) -> None:
        import time

        self.clock = time.monotonic
        self.total = total
        self.bar = None
        self.long = False
        self.next_tenth = 1
        self.started = self.last = self.clock()

    def __enter__(self) -> _NabProgress:
        if err_console.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err_console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("permutaties", total=self.total)
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        if self.bar is not None:
            self.bar.stop()

    @staticmethod
    def _span(seconds: float) -> str:
        if seconds < 120:
            return f"ongeveer {_n(round(seconds))} seconden"
        return f"ongeveer {_n(round(seconds / 60))} minuten"

    def announce(self, seconds: float) -> None:
        self.long = True
        fewer = " Minder permutaties (bv. 999) gaat sneller." if self.total > 999 else ""
        err_console.print(
            f"let op: {_n(self.total)} permutaties duren naar schatting nog "
            f"{self._span(seconds)}; de voortgang volgt.{fewer} Onderbreken met Ctrl-C."
        )

    def update(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)
            return
        now = self.clock()
        tenth = done * 10 >= self.next_tenth * total
        if self.long and (tenth or now - self.last >= 60):
            self.next_tenth = done * 10 // total + 1
            self.last = now
            left = (now - self.started) / done * (total - done)
            rest = f", nog {self._span(left)}" if done < total else ""
            err_console.print(
                f"permutaties: {_n(done)} van {_n(total)} ({done * 100 // total}%){rest}"
            )


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
    datumformaat: _NabDatum = None,
) -> None:
    """Herhaald slachtofferschap: aandeel locaties dat binnen 7/28/365 dagen opnieuw is getroffen."""
    import json

    from rich.table import Table

    from hicmonitor.analysis import nearrepeat_report as rep
    from hicmonitor.services import nearrepeat as svc

    svc.check_delict(delict)
    svc.check_format(formaat)
    windows = [int(v) for v in svc.parse_edges(vensters, "--vensters")]
    data = _nab_incidents(bestand, bron, crs, sla_over, datumformaat)
    res = svc.repeats(data, windows, moment=tijdstip)
    if formaat == "tabel":
        for line in rep.repeat_summary_nl(res, delict):
            console.print(line)
        table = Table(title="Tijd tot de herhaling (dagen)", title_justify="left")
        table.add_column("dagen")
        table.add_column("aantal", justify="right")
        table.add_column("aandeel", justify="right")
        for row in res.distribution.itertuples(index=False):
            table.add_row(str(row[0]), _n(int(row[1])), f"{_n(100 * float(row[2]), 1)}%")
        console.print(table)
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
        _nab_write(uitvoer, text)
    else:
        sys.stdout.write(text + "\n")
