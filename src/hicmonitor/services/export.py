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
