"""What every command of ``hic`` shares: the app, the ``--db`` state, the consoles, the one
error handler and the output-format checks.

The error handler: every ``HicError`` a command raises is printed as ``fout: …`` on stderr,
without a traceback, and ends the command with exit code 1. It wraps the invocation of every
command (:class:`HicGroup`), so commands do not catch errors themselves, and it works the
same under ``hic`` and under a test's ``CliRunner``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

from hicmonitor.errors import HicError

if TYPE_CHECKING:
    from hicmonitor.services.database import Connection

console = Console()
err_console = Console(stderr=True)

_state: dict[str, Path | None] = {"db": None}


def print_error(exc: HicError) -> None:
    """``fout: …`` on stderr, in the one form every command uses (the message as it is:
    brackets in it, such as "[controleer]", are text, not markup)."""
    from rich.markup import escape

    err_console.print(f"[bold red]fout:[/] {escape(str(exc))}", highlight=False)


class HicGroup(TyperGroup):
    """The root command group: turns a ``HicError`` of any sub-command into ``fout: …``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HicError as exc:
            print_error(exc)
            raise typer.Exit(1) from None


app = typer.Typer(
    name="hic",
    help="hicmonitor: cijfers, analyse en rapportage over High Impact Crimes.",
    cls=HicGroup,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


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


def open_store() -> Connection:
    """The store of ``--db``, with the embedded data loaded on first use."""
    from hicmonitor.services.database import connect_loaded

    return connect_loaded(db_path())


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A date option (``2023-12-18``) as a date; a Dutch error naming the option otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise HicError(
            f"{option}: ongeldige datum {text!r}; verwacht JJJJ-MM-DD, bijvoorbeeld 2023-12-18"
        ) from None


PEILDATUM_HELP = (
    "Peildatum JJJJ-MM-DD: alleen cijfers die op die dag openbaar waren "
    "(standaard: alles in de database)."
)


def sub_app(help: str) -> typer.Typer:
    """A command group under ``hic`` (``hic catalogus …``, ``hic nabijheid …``)."""
    return typer.Typer(help=help, no_args_is_help=True)
