"""Write a frame in an open format: CSV, JSON, Parquet or Excel."""

from __future__ import annotations

import io
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from hicmonitor.errors import HicError
from hicmonitor.store.engine import memory, private_copy

FORMATS = ("csv", "json", "parquet", "xlsx")
T = TypeVar("T")


def write_atomically(path: Path, write: Callable[[Path], T]) -> T:
    """Run ``write`` on a file beside ``path`` and rename it over ``path`` when it succeeds.

    A full disk, a refused folder or Ctrl-C leaves no half-written file, and an error of the
    operating system names ``path`` (a write that fails half-way names no file itself).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_copy(path, os.getpid(), secrets.token_hex(4))
    try:
        result = write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.filename is None or exc.filename == str(tmp):
            exc.filename = str(path)
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return result


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` to ``path``; the format comes from ``fmt`` or the file extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise HicError(f"onbekend formaat {fmt!r}; kies uit {', '.join(FORMATS)}")

    def write(tmp: Path) -> None:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "json":
            records = json.loads(
                frame.to_json(orient="records", date_format="iso", force_ascii=False)
            )
            tmp.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", "utf-8")
        elif fmt == "parquet":
            con = memory()
            try:
                con.register("frame", frame)
                literal = str(tmp).replace("'", "''")
                con.execute(f"COPY frame TO '{literal}' (FORMAT parquet)")
            finally:
                con.close()
        else:
            buffer = io.BytesIO()  # an unfinished zip on a full disk is never left open
            frame.to_excel(buffer, index=False, engine="openpyxl")
            tmp.write_bytes(buffer.getvalue())

    write_atomically(path, write)
    return path
