"""``hic woo``: publication under the Woo (Word documents, or the generated reports)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hicmonitor.cli.common import app, console, err_console, open_store
from hicmonitor.errors import HicError
from hicmonitor.format_nl import amount


@app.command("woo")
def woo(
    documenten: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Word-documenten (.docx) om te publiceren, of: controleer BESTAND --tegen ORIGINEEL."
        ),
    ] = None,
    uit: Annotated[Path, typer.Option("--uit", help="Map voor de publicatie.")] = Path(
        "woo-publicatie"
    ),
    rapport: Annotated[
        int | None,
        typer.Option(
            "--rapport",
            help="Publiceer de gegenereerde Kamerbrief en beslisnota van dit rapportjaar.",
        ),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            help="Rapportspecificatie bij --rapport (standaard content/rapporten/<jaar>.yaml).",
        ),
    ] = None,
    voorstel: Annotated[
        bool, typer.Option("--voorstel", help="Schrijf voorgestelde lakkingen ter beoordeling.")
    ] = False,
    toepassen: Annotated[
        list[Path] | None,
        typer.Option("--toepassen", help="Beoordeeld voorstelbestand (per document) toepassen."),
    ] = None,
    tegen: Annotated[
        Path | None, typer.Option("--tegen", help="Origineel document voor 'controleer'.")
    ] = None,
    personen: Annotated[
        Path | None, typer.Option("--personen", help="Personenregister (YAML).")
    ] = None,
    sectie5_vanaf: Annotated[
        list[str] | None,
        typer.Option(
            "--sectie5-vanaf",
            help='Begin van sectie 5 (de eerste woorden van die alinea), per document; "geen" '
            "als het document geen sectie 5 heeft.",
        ),
    ] = None,
) -> None:
    """Publiceer onder de Woo: sectie 5 eruit, persoonsgegevens gelakt (5.1.2e), lekcontrole."""
    from hicmonitor.services import woo as svc

    detector = svc.detector(personen)
    documenten = documenten or []
    if rapport is not None:
        if documenten:
            raise HicError("geef óf Word-documenten óf --rapport JAAR, niet allebei")
        _woo_rapport(rapport, spec, uit, detector)
        return
    if not documenten:
        raise HicError("geef Word-documenten (.docx) om te publiceren, of --rapport JAAR")
    if documenten and str(documenten[0]) == "controleer":
        if len(documenten) != 2 or tegen is None:
            raise HicError("gebruik: hic woo controleer BESTAND --tegen ORIGINEEL.docx")
        leaks = svc.check_leaks(documenten[1], tegen, detector)
        if leaks:
            for lk in leaks:
                err_console.print(f"[red]lek:[/] {lk}", highlight=False)
            raise HicError(
                f"lekcontrole mislukt: {amount(len(leaks), 'lek', 'lekken')} in {documenten[1]}"
            )
        console.print(f"[green]geen lekken[/] in {documenten[1]}")
        return
    vanaf: dict[Path, str] = {}
    if sectie5_vanaf:
        if len(sectie5_vanaf) == 1:
            vanaf = dict.fromkeys(documenten, sectie5_vanaf[0])
        elif len(sectie5_vanaf) == len(documenten):
            vanaf = dict(zip(documenten, sectie5_vanaf, strict=True))
        else:
            raise HicError("geef één --sectie5-vanaf voor alle documenten of één per document")
    if voorstel:
        for nr, doc in enumerate(documenten, start=1):
            path = svc.write_proposal(doc, uit, detector, nr=nr, vanaf=vanaf.get(doc))
            console.print(
                f"voorstel voor {doc.name} geschreven: {path} (zet 'besluit' op ja of nee)"
            )
        return
    decisions = {}
    if toepassen:
        if len(toepassen) != len(documenten):
            raise HicError("geef per document één --toepassen voorstelbestand")
        decisions = dict(zip(documenten, toepassen, strict=True))
    pub = svc.publish_documents(list(documenten), uit, detector, decisions=decisions, vanaf=vanaf)
    for o in pub.documents:
        for w_ in o.result.warnings:
            err_console.print(f"[yellow]waarschuwing:[/] {o.source.name}: {w_}")
        console.print(
            f"{o.source.name}: {amount(len(o.result.findings), 'lakking', 'lakkingen')}, "
            f"sectie 5 {'verwijderd' if o.result.section5_found else 'niet gevonden'}, "
            f"{amount(o.pages, 'pagina', 'pagina' + chr(39) + 's')} -> {o.docx.name}, {o.pdf.name}"
        )
    console.print(f"inventarislijst: {pub.inventory_csv}, {pub.inventory_xlsx}")
    console.print(f"lakverslag: {pub.log_csv}")
    console.print("[green]lekcontrole geslaagd[/]")


def _woo_rapport(year: int, spec: Path | None, uit: Path, detector) -> None:  # noqa: ANN001
    """`hic woo --rapport JAAR`: the generated documents, redacted at the source."""
    from hicmonitor.services import woo as svc
    from hicmonitor.services.reports import resolve_spec

    con = open_store()
    report_spec = resolve_spec(con, year, spec)
    with err_console.status("woo-publicatie maken") as status:
        pub = svc.publish_report(
            con, report_spec, uit, detector, progress=lambda msg: status.update(msg)
        )
    for o in pub.documents:
        for w_ in o.result.warnings:
            err_console.print(f"[yellow]waarschuwing:[/] {o.kind}: {w_}")
        console.print(
            f"{o.kind}: {amount(len(o.result.findings), 'lakking', 'lakkingen')}, sectie 5 "
            f"{'verwijderd' if o.result.section5_found else 'niet aanwezig'} -> "
            + ", ".join(f.name for f in o.files)
        )
    console.print(f"inventarislijst: {pub.inventory_csv}, {pub.inventory_xlsx}")
    console.print(f"lakverslag: {pub.log_csv}")
    console.print("[green]lekcontrole geslaagd[/]")
