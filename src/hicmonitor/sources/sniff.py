"""What a file is when it is not the CSV text we read: told by its first bytes.

A UTF-16 file, an Excel workbook renamed to ``.csv`` or a gzip file would otherwise be
reported as "not UTF-8 (probably Latin-1)". :func:`diagnose` recognises them by their magic
bytes or byte-order mark (the table is data: ``file_kinds.yaml``) and says what the file is
and what to do. :func:`separator_hint` explains a header that only fails because the columns
are separated by semicolons or tabs (Excel with Dutch settings writes ``;`` and ``1.234``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hicmonitor import yamlload
from hicmonitor.errors import InputError

HEAD_BYTES = 4096


@dataclass(frozen=True)
class FileKind:
    magic: bytes
    what: str
    advice: str
    zip_member: str | None = None


@cache
def kinds() -> tuple[FileKind, ...]:
    raw = yamlload.safe_load((Path(__file__).with_name("file_kinds.yaml")).read_text("utf-8"))
    return tuple(
        FileKind(
            magic=bytes.fromhex(k["magic"]),
            what=k["what"],
            advice=k["advice"],
            zip_member=k.get("zip_member"),
        )
        for k in raw
    )


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


def _utf16_without_bom(head: bytes) -> str | None:
    """'little-endian' or 'big-endian' when every other byte is NUL (ASCII text in UTF-16)."""
    sample = head[:1024]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.2 * len(even):
        return "little-endian"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.2 * len(odd):
        return "big-endian"
    return None


def diagnose(path: Path, head: bytes) -> InputError | None:
    """An error saying what ``path`` is, if its first bytes show it is not CSV text."""
    names: list[str] | None = None
    for kind in kinds():
        if not head.startswith(kind.magic):
            continue
        if kind.zip_member is not None:
            names = _zip_names(path) if names is None else names
            if not any(n.startswith(kind.zip_member) for n in names):
                continue
        return InputError(path, f"dit bestand is {kind.what}; {kind.advice}", line=1)
    order = _utf16_without_bom(head)
    if order is not None:
        return InputError(
            path,
            f"dit bestand is tekst in UTF-16 ({order}, zonder BOM); sla het op als "
            "'CSV UTF-8 (door komma's gescheiden)' en laad het opnieuw",
            line=1,
        )
    return None


_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,])")
_SEPARATORS = {";": "puntkomma's (;)", "\t": "tabs"}


def separator_hint(path: Path, header_line: str, matches) -> str | None:  # noqa: ANN001
    """A hint when the header splits into known columns on ``;`` or a tab, not on commas.

    ``matches(columns)`` tells whether a list of column names is a known format. The first
    data lines are checked for thousands separators such as ``1.234``.
    """
    for sep, name in _SEPARATORS.items():
        if sep not in header_line:
            continue
        columns = [c.strip().strip('"') for c in header_line.split(sep)]
        if not matches(columns):
            continue
        hint = (
            f"de kolommen zijn gescheiden door {name}, niet door komma's; sla het bestand op "
            "als 'CSV UTF-8 (door komma's gescheiden)'"
        )
        if _has_thousands_separators(path):
            hint += (
                ", en schrijf getallen zonder punt als duizendtal (1234, niet 1.234): "
                "zet in Excel de scheidingstekens op Engels of verwijder de opmaak"
            )
        return hint
    return None


def _has_thousands_separators(path: Path, lines: int = 200) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            next(fh, None)
            for _, line in zip(range(lines), fh, strict=False):
                if _THOUSANDS.search(line):
                    return True
    except OSError:
        return False
    return False
