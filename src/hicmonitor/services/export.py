"""Write a frame in an open format: CSV, JSON, Parquet or Excel."""

from __future__ import annotations

import io
import json
import os
import secrets
from pathlib import Path

import pandas as pd

from hicmonitor.errors import HicError
from hicmonitor.store.engine import memory, private_copy

FORMATS = ("csv", "json", "parquet", "xlsx")


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` to ``path``; the format comes from ``fmt`` or the file extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise HicError(f"onbekend formaat {fmt!r}; kies uit {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed over it: a full disk or Ctrl-C leaves no
    # half-written file, and the error names the file.
    tmp = private_copy(path, os.getpid(), secrets.token_hex(4))
    try:
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
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.filename is None or exc.filename == str(tmp):
            exc.filename = str(path)
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
