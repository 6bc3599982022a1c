"""Readers: one per outside format, each turning a file into canonical rows.

A reader knows its format and nothing of the store. It offers a precise path (Python, every
record checked, errors with file, line and field) and the same conversion as a fast path (a
DuckDB SQL expression over ``read_csv``) whose rows the loader checks in bulk.
"""

from __future__ import annotations

from pathlib import Path

from hicmonitor.errors import InputError
from hicmonitor.sources import cbs_opendata, sniff, tidy
from hicmonitor.sources.base import Reader, Vocabulary
from hicmonitor.sources.csvfile import read_header

READERS: tuple[Reader, ...] = (
    tidy.CRIME_MUNICIPAL,
    tidy.CRIME_NATIONAL,
    tidy.POPULATION,
    tidy.ATM_ATTACKS,
    cbs_opendata.CRIME,
)

__all__ = ["READERS", "Reader", "Vocabulary", "detect"]


def detect(path: Path) -> tuple[Reader, list[str]]:
    """The reader whose format the file's header matches."""
    header = read_header(path)
    for reader in READERS:
        if reader.matches(header):
            return reader, header
    hint = sniff.separator_hint(
        path, ",".join(header), lambda cols: any(r.matches(cols) for r in READERS)
    )
    if hint is not None:
        raise InputError(path, f"onbekend formaat: {hint}", line=1)
    best = max(READERS, key=lambda r: len(set(r.required) & set(header)))
    if not set(best.required) & set(header):
        formats = "; ".join(f"{r.name}: {', '.join(r.required)}" for r in READERS)
        raise InputError(
            path,
            "onbekend formaat: de kopregel past bij geen enkel bekend bestandstype "
            f"(gevonden: {', '.join(header)}). Bekende formaten: {formats}",
            line=1,
        )
    missing = [c for c in best.required if c not in header]
    raise InputError(
        path,
        "onbekend formaat: de kopregel past bij geen enkel bekend bestandstype. "
        f"Het meest lijkt het op '{best.name}', maar daarvoor ontbreken: {', '.join(missing)}. "
        f"Gevonden kolommen: {', '.join(header)}",
        line=1,
        field=missing[0] if missing else None,
    )
