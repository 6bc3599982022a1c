"""What every command of ``hic`` shares: the app, the ``--db`` state, the consoles, the one
error handler and the store's entry points for commands.

The error handler (:class:`HicGroup`) is the one error path of the CLI. Whatever a command
meets ends as ``fout: …`` in Dutch on stderr, saying what happened and what to do, with no
traceback unless ``--debug`` is given:

- a ``HicError`` (bad input, unknown region, …): exit code 1;
- a failure of the machine (a full disk, a folder without write permission, a damaged
  database, a lock, too little memory): translated by :func:`services.database.explain`,
  exit code 1;
- Ctrl-C (SIGINT): "onderbroken", exit code 130; a load in progress is rolled back;
- a usage error (unknown option, missing argument, a value of the wrong type): a Dutch
  message and the usage line, exit code 2 (:mod:`hicmonitor.cli.i18n`);
- anything else is a bug: a Dutch message asking to report it with ``--debug``, exit code 1.

Arguments echoed in a message are cut to 200 characters. The handler works the same under
``hic`` and under a test's ``CliRunner``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from hicmonitor.cli import i18n
from hicmonitor.errors import (
    ECHO_LIMIT,
    HicError,
    InputEnded,
    Interrupted,
    explain_os_error,
    shorten,
)

if TYPE_CHECKING:
    from hicmonitor.services.database import Connection

console = Console()
err_console = Console(stderr=True)

DEBUG_ENV = "HICMONITOR_DEBUG"
WAIT_ENV = "HICMONITOR_WACHT"

_state: dict[str, Any] = {"db": None, "debug": False, "argv": []}
_LONG_RUN = re.compile(r"\S{" + str(ECHO_LIMIT + 1) + ",}")


def cap_echoes(message: str, argv: list[str] | None = None) -> str:
    """``message`` with every echoed argument, and any run of text without spaces, cut to
    200 characters (a 100 KB argument is not printed back in full)."""
    for arg in sorted({a for a in argv or _state["argv"] if len(a) > ECHO_LIMIT}, key=len)[::-1]:
        for form in (arg, repr(arg)[1:-1]):
            if form in message:
                message = message.replace(form, shorten(arg))
    return _LONG_RUN.sub(lambda m: shorten(m.group(0)), message)


def print_error(exc: HicError) -> None:
    """``fout: …`` on stderr, in the one form every command uses."""
    from rich.markup import escape

    err_console.print(f"[bold red]fout:[/] {escape(cap_echoes(str(exc)))}", highlight=False)


def _debug() -> bool:
    return bool(_state["debug"]) or os.environ.get(DEBUG_ENV, "") not in ("", "0")


OUTPUT_OPTIONS = ("--uit", "--uitvoer", "--grafiek", "--kaart")


def _output_paths(argv: list[str]) -> list[str]:
    """The values of the output options on the command line (``--uit PAD``, ``--uit=PAD``)."""
    found = []
    for i, arg in enumerate(argv):
        name, eq, value = arg.partition("=")
        if name in OUTPUT_OPTIONS:
            if eq:
                found.append(value)
            elif i + 1 < len(argv):
                found.append(argv[i + 1])
    return found


def _as_hic_error(exc: BaseException) -> HicError:
    """The Dutch message for any failure (see the module docstring)."""
    if isinstance(exc, HicError):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return Interrupted()
    if isinstance(exc, OSError) and exc.filename is None:
        # a write that failed half-way (a full disk) does not name its file: the output
        # options of the command do
        outputs = _output_paths(_state["argv"])
        if outputs:
            exc.filename = " of ".join(outputs)
    known = explain_os_error(exc)
    if known is None:
        try:
            from hicmonitor.services.database import explain

            known = explain(exc, db_path())
        except Exception:  # noqa: BLE001 - the handler itself must not fail
            known = None
    if known is not None:
        return known
    return HicError(
        f"onverwachte fout ({type(exc).__name__}: {shorten(str(exc))}); dit is een fout in "
        "hicmonitor. Meld hem, met de uitvoer van dezelfde opdracht met --debug ervoor "
        "(hic --debug …)"
    )


def report(exc: BaseException) -> int:
    """Print the one Dutch message for ``exc`` (and its traceback with --debug); the exit code."""
    if _debug():
        err_console.print("".join(traceback.format_exception(exc)), highlight=False, markup=False)
    error = _as_hic_error(exc)
    print_error(error)
    return int(getattr(error, "exit_code", 1))


def _unraisable(info: Any) -> None:
    """Errors Python can only report while cleaning up (a half-written zip file closed by the
    garbage collector after a full disk): the command already said what went wrong, so they
    are shown only with --debug."""
    if _debug():
        sys.__unraisablehook__(info)


class HicGroup(i18n.DutchGroup, TyperGroup):
    """The root command group: the one error handler (see the module docstring)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            raise typer.Exit(report(exc)) from None

    def main(self, args: Any = None, prog_name: str | None = None, *a: Any, **kw: Any) -> Any:
        standalone = kw.pop("standalone_mode", True)
        argv = [str(x) for x in (sys.argv[1:] if args is None else args)]
        _state["argv"] = argv
        if standalone:
            sys.unraisablehook = _unraisable
        try:
            code = super().main(argv, prog_name, *a, standalone_mode=False, **kw)
            code = code if isinstance(code, int) else 0
        except typer.TyperException as exc:  # usage errors
            code = i18n.show_usage_error(exc, err_console, cap_echoes, prog_name or "hic")
        except typer.Abort as exc:
            # Click aborts on Ctrl-C and on the end of input during a prompt alike
            error = InputEnded() if isinstance(exc.__context__, EOFError) else Interrupted()
            print_error(error)
            code = int(getattr(error, "exit_code", 1))
        except (Exception, KeyboardInterrupt) as exc:  # raised outside a command's invoke
            code = report(exc)
        if standalone:
            sys.exit(code)
        return code


app = i18n.DutchTyper(
    name="hic",
    help="hicmonitor: cijfers, analyse en rapportage over High Impact Crimes.",
    cls=HicGroup,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    options_metavar=i18n.OPTIONS_METAVAR,
    subcommand_metavar=i18n.SUBCOMMAND_METAVAR,
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
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help=f"Toon bij een fout ook de technische details (traceback); ook met {DEBUG_ENV}=1.",
        ),
    ] = False,
) -> None:
    _state["db"] = db
    _state["debug"] = debug


def db_path() -> Path | None:
    """The --db option as given (None: the store picks its default)."""
    return _state["db"]


def _default_wait() -> float:
    from hicmonitor.store.snapshot import DEFAULT_WAIT

    try:
        return float(os.environ.get(WAIT_ENV, DEFAULT_WAIT))
    except ValueError:
        raise HicError(f"{WAIT_ENV}={os.environ[WAIT_ENV]!r} is geen aantal seconden") from None


Wacht = Annotated[
    float | None,
    typer.Option(
        "--wacht",
        metavar="SECONDEN",
        min=0,
        help="Loopt er al een lading, wacht dan hooguit zo lang (standaard 3600; "
        f"ook {WAIT_ENV}); 0: niet wachten.",
    ),
]


def say_waiting(message: str) -> None:
    """Print the "another load is running" message (``on_wait`` of the store's writer)."""
    err_console.print(message, highlight=False, markup=False)


def open_store() -> Connection:
    """A read-only connection to the current snapshot of ``--db`` (prepared on first use)."""
    from hicmonitor.services.database import open_store as _open

    return _open(db_path(), wait=_default_wait(), on_wait=say_waiting)


@contextmanager
def store_writer(wacht: float | None = None) -> Iterator[Connection]:
    """A writer on ``--db``: loads in the block are published together when it ends."""
    from hicmonitor.services.database import open_writer

    wait = _default_wait() if wacht is None else wacht
    with open_writer(db_path(), wait=wait, on_wait=say_waiting) as con:
        yield con


def wait_seconds(wacht: float | None) -> float:
    """The ``--wacht`` option, or its default."""
    return _default_wait() if wacht is None else wacht


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
    return i18n.DutchTyper(
        help=help,
        no_args_is_help=True,
        cls=i18n.DutchTyperGroup,
        options_metavar=i18n.OPTIONS_METAVAR,
        subcommand_metavar=i18n.SUBCOMMAND_METAVAR,
    )
