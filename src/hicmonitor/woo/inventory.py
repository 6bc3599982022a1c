"""The inventory list (inventarislijst) and the redaction log (lakverslag) of a publication.

The log says which class of data was redacted, on which ground, where and by which
detector; it never contains the redacted text itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from hicmonitor.format_nl import amount
from hicmonitor.woo.docx_redact import Result

INVENTORY_COLUMNS = ["nr", "datum", "document", "beoordeling", "weigeringsgronden", "opmerking"]
LOG_COLUMNS = ["document", "nr", "soort", "locatie", "klasse", "grond", "bron", "lengte"]


@dataclass(frozen=True)
class InventoryRow:
    nr: int
    datum: str
    document: str
    beoordeling: str
    weigeringsgronden: str
    opmerking: str


def assess(result: Result) -> tuple[str, str, str]:
    """(beoordeling, weigeringsgronden, opmerking) for one redacted document."""
    grounds = sorted({f.grond for f in result.findings})
    notes = []
    if result.section5_found:
        notes.append("sectie 5 (onder de streep) niet openbaar gemaakt")
    if result.findings:
        notes.append(f"{amount(len(result.findings), 'lakking', 'lakkingen')} persoonsgegevens")
    if not result.section5_found:
        notes.append("geen sectie 5-markering gevonden")
    partly = bool(result.findings) or result.section5_found
    return ("deels openbaar" if partly else "openbaar", ", ".join(grounds), "; ".join(notes))


def write_inventory(rows: list[InventoryRow], csv_path: Path, xlsx_path: Path) -> None:
    """Write the inventory list as CSV (semicolon, UTF-8 with BOM for Excel) and XLSX."""
    with csv_path.open("w", newline="", encoding="utf-8-sig") as fh:
        wr = csv.writer(fh, delimiter=";")
        wr.writerow(INVENTORY_COLUMNS)
        for r in rows:
            wr.writerow(
                [r.nr, r.datum, r.document, r.beoordeling, r.weigeringsgronden, r.opmerking]
            )
    wb = Workbook()
    ws = wb.active
    ws.title = "Inventarislijst"
    ws.append(INVENTORY_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.nr, r.datum, r.document, r.beoordeling, r.weigeringsgronden, r.opmerking])
    for col, width in zip("ABCDEF", (6, 12, 40, 16, 20, 60), strict=True):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "hicmonitor"
    wb.save(xlsx_path)


def log_rows(document: str, result: Result) -> list[list[str | int]]:
    """Rows of the redaction log for one document (no redacted text, only its length)."""
    rows: list[list[str | int]] = []
    n = 0
    for action, count in result.actions.items():
        if count:
            n += 1
            rows.append([document, n, "handeling", action, "", "", "", count])
    for warning in result.warnings:
        n += 1
        rows.append([document, n, "waarschuwing", warning, "", "", "", ""])
    for f in result.findings:
        n += 1
        rows.append([document, n, "lakking", f.where, f.klasse, f.grond, f.bron, len(f.text)])
    return rows


def write_log(rows: list[list[str | int]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        wr = csv.writer(fh, delimiter=";")
        wr.writerow(LOG_COLUMNS)
        wr.writerows(rows)
