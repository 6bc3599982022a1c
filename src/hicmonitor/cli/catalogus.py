"""``hic catalogus controleer``, ``hic maatregelen``, ``hic moties``, ``hic wetgeving``: the
catalogue of the approach."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hicmonitor.cli.common import app, console, err_console, open_store, sub_app
from hicmonitor.cli.output import FormaatOpt, UitOpt, choose
from hicmonitor.format_nl import amount

if TYPE_CHECKING:
    from hicmonitor.services.catalogue import Listing

catalogus_app = sub_app("De catalogus van de HIC-aanpak: maatregelen, moties, wetgeving, partners.")
app.add_typer(catalogus_app, name="catalogus")

_MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map", help="Map met de catalogusinhoud (standaard: HICMONITOR_CONTENT of content/)."
    ),
]
_JaarOpt = Annotated[int | None, typer.Option("--jaar", help="Verslagjaar, zoals 2023.")]


def _show(listing: Listing, fmt: str | None, uit: Path | None) -> None:
    """A listing as a table on the screen, or as json/csv (stdout or ``--uit``) or
    parquet/xlsx (``--uit``)."""
    from hicmonitor import format_nl as nl
    from hicmonitor.catalog import tables
    from hicmonitor.services.catalogue import export

    chosen = choose(fmt, uit)
    if chosen == "tabel":
        if listing.note:
            console.print(listing.note, highlight=False)
        if not listing.rows:
            console.print(f"{listing.title}: niets gevonden.")
            return
        console.print(tables.rich_table(listing.rows, listing.columns, listing.title))
        console.print(
            f"{listing.title}: {nl.amount(len(listing.rows), 'rij', 'rijen')}.", highlight=False
        )
        return
    text = export(listing, chosen, uit)
    if text is not None:
        sys.stdout.write(text)
    else:
        err_console.print(f"geschreven: {uit}", highlight=False)


@catalogus_app.command("controleer")
def catalogus_controleer(map_: _MapOpt = None) -> None:
    """Controleer alle catalogusinhoud: schema, gemeentecodes, verwijzingen, fases, bronnen."""
    from hicmonitor.services.catalogue import check

    con = open_store()
    try:
        result = check(con, map_)
    finally:
        con.close()
    for problem in result.problems:
        console.print(f"[red]fout:[/] {problem}", highlight=False, soft_wrap=True)
    if result.problems:
        console.print(
            f"{result.files} bestanden gecontroleerd: {amount(len(result.problems), 'fout', 'fouten')}.",
            highlight=False,
        )
        raise typer.Exit(1)
    c = result.catalog
    console.print(
        f"{result.files} bestanden gecontroleerd, geen fouten: {len(c.measures)} maatregelen, "
        f"{len(c.motions)} moties en toezeggingen, {len(c.legislation)} wetgevingstrajecten, "
        f"{len(c.partners)} partners.",
        highlight=False,
    )


@app.command("maatregelen")
def maatregelen(
    categorie: Annotated[
        str | None, typer.Option("--categorie", help="HIC-categorie, zoals straatroof.")
    ] = None,
    aanpak: Annotated[
        str | None,
        typer.Option(
            "--aanpak",
            help="dadergericht, slachtoffergericht, situationeel, preventief of repressief.",
        ),
    ] = None,
    erkenning_minimaal: Annotated[
        str | None,
        typer.Option(
            "--erkenning-minimaal",
            help='Minimaal erkenningsniveau, zoals "effectief volgens eerste aanwijzingen".',
        ),
    ] = None,
    gemeente: Annotated[
        str | None,
        typer.Option(
            "--gemeente", help="Gemeentecode of -naam; landelijke maatregelen tellen mee."
        ),
    ] = None,
    jaar: _JaarOpt = None,
    formaat: FormaatOpt = None,
    uit: UitOpt = None,
    map_: _MapOpt = None,
) -> None:
    """Maatregelen en interventies, met aanpak, status, erkenning en bron."""
    from hicmonitor.services import catalogue

    choose(formaat, uit)
    listing = catalogue.measures(
        open_store() if gemeente is not None else None,
        category=categorie,
        approach=aanpak,
        min_evidence=erkenning_minimaal,
        municipality=gemeente,
        year=jaar,
        content=map_,
    )
    _show(listing, formaat, uit)


@app.command("moties")
def moties(
    status: Annotated[
        str | None, typer.Option("--status", help="open, in uitvoering, afgedaan of onbekend.")
    ] = None,
    jaar: Annotated[
        int | None,
        typer.Option("--jaar", help="Alleen wat de voortgangsrapportage van dit jaar beantwoordt."),
    ] = None,
    formaat: FormaatOpt = None,
    uit: UitOpt = None,
    map_: _MapOpt = None,
) -> None:
    """Moties en toezeggingen, met hun status en afdoening."""
    from hicmonitor.services import catalogue

    _show(catalogue.motions(status=status, year=jaar, content=map_), formaat, uit)


@app.command("wetgeving")
def wetgeving(
    jaar: Annotated[
        int | None, typer.Option("--jaar", help="De stand aan het eind van dit jaar.")
    ] = None,
    formaat: FormaatOpt = None,
    uit: UitOpt = None,
    map_: _MapOpt = None,
) -> None:
    """Wetgevingstrajecten met hun laatste fase."""
    from hicmonitor.services import catalogue

    _show(catalogue.legislation(year=jaar, content=map_), formaat, uit)
