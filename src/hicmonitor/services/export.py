"""Write a frame in an open format: CSV, JSON, Parquet or Excel.

Exports carry the values, not their display: integers stay integers (nullable where
unknown), rates keep full precision, dates are ISO. CSV and JSON can also be returned as
text (for standard output); Parquet and Excel are binary and need a file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from hicmonitor.errors import HicError
from hicmonitor.store.engine import memory, private_copy

FORMATS = ("csv", "json", "parquet", "xlsx")
TEXT_FORMATS = ("csv", "json")


def _plain(value: Any) -> Any:
    """A JSON value for one cell: NA/NaN -> null, numpy scalars -> Python, dates -> ISO."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in value]
    return value


def frame_json(frame: pd.DataFrame) -> str:
    """Records as JSON text (full precision: Python's float repr, not a fixed number of digits)."""
    records = [
        {str(k): _plain(v) for k, v in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def frame_text(frame: pd.DataFrame, fmt: str) -> str:
    """CSV or JSON text of ``frame``."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt == "json":
        return frame_json(frame)
    raise HicError(f"--formaat {fmt}: gaat niet als tekst; geef met --uit een bestand")


def check_format(fmt: str | None, path: Path | None) -> str:
    """The export format: ``fmt``, or else the extension of ``path``; a Dutch error otherwise."""
    chosen = (fmt or (path.suffix.lstrip(".") if path is not None else "")).lower()
    if chosen not in FORMATS:
        shown = f"{chosen!r}" if chosen else "(geen)"
        raise HicError(f"onbekend formaat {shown}; kies uit {', '.join(FORMATS)}")
    if chosen not in TEXT_FORMATS and path is None:
        raise HicError(
            f"--formaat {chosen}: geef met --uit het pad van het bestand "
            f"({chosen} is een binair formaat en gaat niet naar het scherm)"
        )
    return chosen


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
    fmt = check_format(fmt, path)

    def write(tmp: Path) -> None:
        if fmt in TEXT_FORMATS:
            tmp.write_text(frame_text(frame, fmt), "utf-8")
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


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def frame_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """``frame`` as the bytes of a file in ``fmt`` (for a download)."""
    import tempfile

    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="hic-export-") as tmp:
        path = write_frame(frame, Path(tmp) / f"export.{fmt}", fmt)
        return path.read_bytes()
