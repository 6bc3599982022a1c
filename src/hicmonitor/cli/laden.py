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
    print_error,
    store_writer,
)
from hicmonitor.errors import HicError
from hicmonitor.format_nl import number as _n


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
        result = loading.load_download(con, download, out=uit)
    for line in result.summary_lines():
        console.print(line, highlight=False)


@app.command("laad")
def laad(
    bestanden: Annotated[list[Path], typer.Argument(help="Een of meer CSV-bestanden.")],
    wacht: Wacht = None,
) -> None:
    """Laad bestanden (tidy CSV of CBS/politie open data) in de database, elk in één transactie.

    Lezen blijft intussen mogelijk: de bestanden worden in een kopie geladen die pas aan het
    eind, in één keer, de database vervangt. Wordt de opdracht onderbroken, dan is er niets
    gewijzigd.
    """
    from hicmonitor.services import loading

    failed = False
    with store_writer(wacht) as con:
        for path in bestanden:
            try:
                with err_console.status(f"{path.name} laden…"):
                    result = loading.load_file(con, path)
            except HicError as exc:  # the other files are still loaded
                print_error(exc)
                failed = True
                continue
            console.print(result.summary(), highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command("status")
def status() -> None:
    """Wat er geladen is: bronnen, perioden, regio's, categorieën, rijen."""
    from rich.table import Table

    from hicmonitor.services.status import store_status

    st = store_status(open_store())
    table = Table(title="Bronnen", title_justify="left")
    for col in ("id", "bestand", "soort", "rijen", "geladen op", "sha256", "herziet"):
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
            row.sha256[:12],
            ", ".join(map(str, revises)),
        )
    console.print(table)
    t2 = Table(title="Misdrijfcijfers", title_justify="left")
    for col in ("periode", "niveau", "van", "tot en met", "regio's", "misdrijfsoorten", "rijen"):
        t2.add_column(col)
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
            t3.add_row(cat.label, "eigen reeks (NVB, politie)", f"{cat.own_series_rows} rijen")
    console.print(t3)
    pop = st.population
    console.print(
        f"Bevolking: {pop.first_year}–{pop.last_year}, {pop.regions} regio's, {_n(pop.rows)} rijen",
        highlight=False,
    )
