"""Write a frame in an open format: CSV, JSON, Parquet or Excel."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from hicmonitor.errors import HicError

FORMATS = ("csv", "json", "parquet", "xlsx")


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` to ``path``; the format comes from ``fmt`` or the file extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise HicError(f"onbekend formaat {fmt!r}; kies uit {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", "utf-8")
    elif fmt == "parquet":
        con = duckdb.connect()
        con.register("frame", frame)
        con.execute(f"COPY frame TO '{str(path).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
        con.close()
    else:
        frame.to_excel(path, index=False, engine="openpyxl")
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
