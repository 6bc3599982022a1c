"""The ``hic`` command. Thin: parses options, calls the services, renders what they return.

Every sub-command and option a user sees is Dutch. Errors a user can act on are
``HicError``; one handler (:mod:`hicmonitor.cli.common`) prints them without a traceback and
ends the command with exit code 1. One module per command group:

- ``laden``      laad, haal, status
- ``cijfers``    cijfers, trend, vergelijk, afstemming
- ``signalen``   signalen (early warning)
- ``catalogus``  catalogus controleer, maatregelen, moties, wetgeving
- ``rapport``    rapport
- ``woo``        woo
- ``nabijheid``  nabijheid laad, bronnen, analyse, herhaling
- ``web``        web (the dashboard and the API)
- ``werkstroom`` gebruiker, dossier, audit, werkstroom (the memo's route)

Start-up stays fast: the modules import typer and rich only; every command imports the
services it needs when it runs.
"""

from __future__ import annotations

import importlib

from hicmonitor.cli import i18n  # noqa: F401  (first: Typer's texts in Dutch)
from hicmonitor.cli.common import app

__all__ = ["app", "main"]

# Importing a command module registers its commands, in the order `hic --help` lists them.
COMMAND_MODULES = (
    "laden",
    "cijfers",
    "signalen",
    "catalogus",
    "rapport",
    "woo",
    "nabijheid",
    "web",
    "werkstroom",
)
for _module in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_module}")


def main() -> None:
    """The ``hic`` console script (and ``python -m hicmonitor``)."""
    app()
