"""The ``hic`` command. Thin: parses options, calls the modules, prints.

Every sub-command and option a user sees is Dutch. Errors a user can act on are
``HicError``; they are printed without a traceback and end the command with exit code 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hicmonitor.errors import HicError

app = typer.Typer(
    name="hic",
    help="hicmonitor: cijfers, analyse en rapportage over High Impact Crimes.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

_state: dict[str, Path | None] = {"db": None}


@app.callback()
def _root(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Pad naar het DuckDB-bestand (standaard: HICMONITOR_DB of de gebruikersmap).",
        ),
    ] = None,
) -> None:
    _state["db"] = db


def db_path() -> Path | None:
    """The --db option as given (None: the store picks its default)."""
    return _state["db"]


# --- foundation (issue 2): laad, haal, status, cijfers --------------------------------

# --- trends (issue 3): trend, vergelijk, afstemming ------------------------------------

# --- catalogus (issue 4): catalogus controleer, maatregelen, moties, wetgeving ---------

# --- rapport (issue 5) -----------------------------------------------------------------

# --- woo (issue 6) ---------------------------------------------------------------------

# --- nabijheid (issue 7) ---------------------------------------------------------------


def main() -> None:
    try:
        app()
    except HicError as exc:  # raised outside Typer's own handling
        err_console.print(f"[bold red]fout:[/] {exc}", highlight=False)
        sys.exit(1)
