"""``hic laad``, ``hic haal``, ``hic status``: getting data into the store and seeing what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hicmonitor.cli.common import (
    Wacht,
    app,
    console,
    err_console,
    open_store,
    parse_day,
    print_error,
    store_writer,
)
from hicmonitor.cli.output import FormaatOpt, UitOpt, choose, emit
from hicmonitor.errors import HicError
from hicmonitor.format_nl import number as _n

_AccepteerOpt = Annotated[
    bool,
    typer.Option(
        "--accepteer-afwijkingen",
        help="Laad ook als de controle op aannemelijkheid afwijkingen vindt; ze worden bij de "
        "bron vastgelegd (hic status).",
    ),
]


@app.command("haal")
def haal(
    tabel: Annotated[
        str,
        typer.Argument(
            help="CBS-tabel: 47022NED of 47018NED (politie: geregistreerde misdrijven) "
            "of 70072ned (bevolking per gemeente)."
        ),
    ],
    filter_: Annotated[
        str | None,
        typer.Option(
            "--filter",
            help="OData-filter dat de server toepast, bijv. "
            "\"SoortMisdrijf eq '1.1.1 ' and startswith(Perioden,'2023')\".",
        ),
    ] = None,
    uit: Annotated[
        Path | None,
        typer.Option("--uit", help="Bewaar de gedownloade gegevens als CSV op dit pad."),
    ] = None,
    basis_url: Annotated[
        str | None,
        typer.Option(
            "--basis-url",
            envvar="HICMONITOR_CBS_URL",
            help="Andere server dan die van CBS, bijv. http://127.0.0.1:8000.",
        ),
    ] = None,
    accepteer_afwijkingen: _AccepteerOpt = False,
    wacht: Wacht = None,
) -> None:
    """Download een tabel van CBS (met cbsodata) en laad hem in de database, in één transactie."""
    from hicmonitor.services import loading

    with err_console.status(f"{tabel} downloaden…") as shown:
        download = loading.fetch(
            tabel,
            filter=filter_,
            base_url=basis_url,
            progress=lambda entity, page: shown.update(
                f"{tabel} downloaden… {entity}, pagina {page}"
            ),
        )
    with store_writer(wacht) as con, err_console.status(f"{tabel} laden…"):
        result = loading.load_download(con, download, out=uit, accept=accepteer_afwijkingen)
    for line in result.summary_lines():
        console.print(line, highlight=False)


@app.command("laad")
def laad(
    bestanden: Annotated[list[Path], typer.Argument(help="Een of meer CSV-bestanden.")],
    accepteer_afwijkingen: _AccepteerOpt = False,
    beschikbaar_vanaf: Annotated[
        str | None,
        typer.Option(
            "--beschikbaar-vanaf",
            help="Datum JJJJ-MM-DD waarop de cijfers openbaar werden (standaard: vandaag; "
            "een kolom beschikbaar_vanaf in het bestand gaat voor).",
        ),
    ] = None,
    wacht: Wacht = None,
) -> None:
    """Laad bestanden (tidy CSV of CBS/politie open data) in de database, elk in één transactie.

    Bevolkingsbestanden eerst: cijfers worden getoetst aan de inwoners. Een bestand met
    onaannemelijke cijfers wordt geweigerd, tenzij --accepteer-afwijkingen is gegeven.
    Lezen blijft intussen mogelijk: de bestanden worden in een kopie geladen die pas aan het
    eind, in één keer, de database vervangt. Wordt de opdracht onderbroken, dan is er niets
    gewijzigd.
    """
    from hicmonitor.cli.progress import bytes_bar
    from hicmonitor.services import loading

    published = parse_day(beschikbaar_vanaf, "--beschikbaar-vanaf")
    failed = False
    with store_writer(wacht) as con:
        for path in loading.load_order(bestanden):
            try:
                with bytes_bar(err_console, f"{path.name} laden") as progress:
                    result = loading.load_file(
                        con,
                        path,
                        accept=accepteer_afwijkingen,
                        published=published,
                        progress=progress,
                    )
            except HicError as exc:  # the other files are still loaded
                print_error(exc)
                failed = True
                continue
            console.print(result.summary(), highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command("status")
def status(formaat: FormaatOpt = None, uit: UitOpt = None) -> None:
    """Wat er geladen is: bronnen, perioden, regio's, categorieën, rijen, geaccepteerde afwijkingen."""
    from hicmonitor.services.status import store_status

    choose(formaat, uit)
    st = store_status(open_store())
    emit(formaat, uit, st.export_frame, lambda: _status_tables(st))


def _status_tables(st) -> None:  # noqa: ANN001 - StoreStatus (imported lazily)
    from rich.table import Table

    from hicmonitor import plausibility
    from hicmonitor.format_nl import amount

    table = Table(title="Bronnen", title_justify="left")
    for col in (
        "id",
        "bestand",
        "soort",
        "rijen",
        "geladen op",
        "openbaar vanaf",
        "sha256",
        "herziet",
    ):
        table.add_column(col, justify="right" if col in {"id", "rijen"} else "left")
    for row in st.sources.itertuples():
        # a list column comes back as an array, or as None/NA for sources that revise nothing
        revises = list(row.revises) if hasattr(row.revises, "__iter__") else []
        table.add_row(
            str(row.id),
            row.file_name,
            row.kind,
            _n(row.rows),
            f"{row.loaded_at:%Y-%m-%d %H:%M}",
            st.public_span(row),
            row.sha256[:12],
            ", ".join(map(str, revises)),
        )
    console.print(table)
    t2 = Table(title="Misdrijfcijfers", title_justify="left")
    for col in ("periode", "niveau", "van", "tot en met", "regio's", "misdrijfsoorten", "rijen"):
        t2.add_column(
            col, justify="right" if col in {"regio's", "misdrijfsoorten", "rijen"} else "left"
        )
    for s in st.series:
        fmt = "%Y" if s.period_kind == "jaar" else "%Y-%m"
        t2.add_row(
            s.period_kind,
            s.level or "?",
            s.first.strftime(fmt),
            s.last.strftime(fmt),
            _n(s.regions),
            _n(s.crime_codes),
            _n(s.rows),
        )
    console.print(t2)
    t3 = Table(title="HIC-categorieën", title_justify="left")
    for col in ("categorie", "codes", "aanwezig"):
        t3.add_column(col)
    for cat in st.categories:
        if cat.own_series_rows is None:
            t3.add_row(
                cat.label, ", ".join(cat.codes), f"{len(cat.present_codes)}/{len(cat.codes)} codes"
            )
        else:
            t3.add_row(
                cat.label,
                "eigen reeks (NVB, politie)",
                amount(cat.own_series_rows, "rij", "rijen"),
            )
    console.print(t3)
    pop = st.population
    regions = amount(pop.regions, "regio", "regio's")
    console.print(
        f"Bevolking: {pop.first_year}–{pop.last_year}, {regions}, "
        f"{amount(pop.rows, 'rij', 'rijen')}",
        highlight=False,
    )
    if st.exceptions is not None and not st.exceptions.empty:
        labels = {k: c.label for k, c in plausibility.settings().checks.items()}
        t4 = Table(
            title="Geaccepteerde afwijkingen (--accepteer-afwijkingen)", title_justify="left"
        )
        for col in ("bron", "bestand", "regel", "veld", "controle", "afwijking"):
            t4.add_column(col, justify="right" if col in {"bron", "regel"} else "left")
        for e in st.exceptions.itertuples():
            t4.add_row(
                str(e.source_id),
                e.file_name,
                "" if e.line is None or e.line != e.line else _n(e.line),
                e.field if isinstance(e.field, str) else "",
                labels.get(e.check_id, e.check_id),
                e.message,
            )
        console.print(t4)
