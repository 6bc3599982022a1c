"""``hic rapport``: the Kamerbrief and the beslisnota for a report year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hicmonitor.cli.common import app, console, err_console, open_store


@app.command("rapport")
def rapport(
    jaar: Annotated[
        int | None,
        typer.Option("--jaar", help="Rapportjaar (standaard: het laatste volledige jaar)."),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            help="Rapportspecificatie (YAML); standaard content/rapporten/<jaar>.yaml.",
        ),
    ] = None,
    uit: Annotated[Path, typer.Option("--uit", help="Uitvoermap.")] = Path("out"),
    formaat: Annotated[
        str, typer.Option("--formaat", help="Formaten, komma-gescheiden: docx,pdf,html.")
    ] = "docx,pdf,html",
) -> None:
    """Maak de Kamerbrief en de beslisnota (Word, PDF, HTML) voor een rapportjaar."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from hicmonitor.services import reports

    formats = reports.parse_formats(formaat)
    con = open_store()
    report_spec = reports.resolve_spec(con, jaar, spec)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("rapport maken", total=None)
        made = reports.make_reports(
            con,
            report_spec,
            uit,
            formats,
            progress=lambda msg: bar.update(task, description=msg),
        )
    for p in made.paths:
        console.print(f"geschreven: {p}", highlight=False)
    if made.placeholders:
        console.print(
            f"\nPlaatshouders in dit concept ({len(made.placeholders)}; geel gemarkeerd in de "
            "documenten; bij status 'definitief' wordt niets geschreven zolang er één is):",
            highlight=False,
        )
        console.print("document | sectie | bron | tekst", highlight=False)
        for f in made.placeholders:
            console.print(f"  {f}", highlight=False, markup=False, soft_wrap=True)
    else:
        console.print("Geen plaatshouders.", highlight=False)
