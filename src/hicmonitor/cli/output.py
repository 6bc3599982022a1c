"""The output options every listing command shares: ``--formaat`` and ``--uit``.

``--formaat tabel`` (the default) prints Rich tables with Dutch numbers. ``csv`` and
``json`` go to standard output, so they pipe, or to ``--uit PAD``; ``parquet`` and ``xlsx``
need ``--uit``. With ``--uit`` and no ``--formaat`` the format comes from the file extension.
Exports hold values, not their display: integers stay integers, rates keep full precision.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hicmonitor.cli.common import err_console
from hicmonitor.errors import HicError

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("tabel", "csv", "json", "parquet", "xlsx")

FormaatOpt = Annotated[
    str | None,
    typer.Option(
        "--formaat",
        help="tabel (standaard), csv, json, parquet of xlsx. csv en json zonder --uit gaan "
        "naar het scherm (standaarduitvoer); parquet en xlsx vragen --uit.",
    ),
]
UitOpt = Annotated[
    Path | None,
    typer.Option("--uit", help="Schrijf naar dit bestand (formaat uit --formaat of de extensie)."),
]


def choose(fmt: str | None, uit: Path | None) -> str:
    """The format asked for: ``tabel``, or an export format (checked, with Dutch errors)."""
    from hicmonitor.services.export import check_format

    if fmt is not None and fmt.lower() not in FORMATS:
        raise HicError(f"--formaat: onbekend {fmt!r}; kies uit {', '.join(FORMATS)}")
    if (fmt is None and uit is None) or (fmt or "").lower() == "tabel":
        if uit is not None:
            raise HicError("--uit werkt niet met --formaat tabel; kies csv, json, parquet of xlsx")
        return "tabel"
    return check_format(fmt, uit)


def emit(
    fmt: str | None,
    uit: Path | None,
    frame: Callable[[], pd.DataFrame],
    table: Callable[[], None],
) -> None:
    """Print the tables, or write the export (``frame`` is only built for an export)."""
    chosen = choose(fmt, uit)
    if chosen == "tabel":
        table()
        return
    from hicmonitor.services.export import frame_text, write_frame

    data = frame()
    if uit is None:
        sys.stdout.write(frame_text(data, chosen))
        sys.stdout.flush()
        return
    write_frame(data, uit, chosen)
    err_console.print(f"geschreven: {uit}", highlight=False)
