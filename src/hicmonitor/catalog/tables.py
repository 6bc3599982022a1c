"""Flat rows of catalogue items (for tables, CSV and Excel) and writing them out.

Column names are Dutch: users read them. JSON keeps the full items, with the field names
of the content files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hicmonitor.catalog.api import TrackStage
from hicmonitor.catalog.models import UNKNOWN, Measure, Motion, history_entries
from hicmonitor.errors import HicError
from hicmonitor.taxonomy import categories

FORMATS = ("tabel", "json", "csv", "xlsx")

Row = dict[str, str]


def _join(values: Sequence[object], sep: str = ", ") -> str:
    return sep.join(str(v) for v in values)


def _category_labels(ids: Sequence[str]) -> str:
    labels = {c.id: c.label for c in categories()}
    return _join([labels.get(i, i) for i in ids])


def measure_row(m: Measure) -> Row:
    latest, latest_status = m.latest_status
    ev = m.evidence
    return {
        "id": m.id,
        "naam": m.name,
        "aanpak": _join(m.approaches),
        "karakter": _join(m.character),
        "categorieën": _category_labels(m.categories),
        "doelgroep": m.target_group.group
        + (f" ({m.target_group.ages} jaar)" if m.target_group.ages not in (None, UNKNOWN) else ""),
        "status": f"{latest_status} (sinds {latest})",
        "erkenning": ev.label,
        "erkend door": ev.body or "",
        "erkend op": ev.date or "",
        "gemeenten": _join([g.code for g in m.municipalities]),
        "bron": m.sources[0],
        "bronnen": _join(m.sources, " "),
    }


def motion_row(m: Motion, year: int | None = None) -> Row:
    answer = m.answer_in(year) if year is not None else (m.answers[-1] if m.answers else None)
    return {
        "id": m.id,
        "soort": m.kind,
        "titel": m.title,
        "kamerstuk": m.kamerstuk,
        "indieners": _join(m.submitters),
        "datum": m.date,
        "status": _join([f"{s} ({d})" for d, s in history_entries(m.status)], " → ")
        if len(m.status) > 1 or UNKNOWN not in m.status
        else m.current_status,
        "beantwoord in": _join([f"{a.year} ({a.document})" for a in m.answers]),
        "wijze": answer.how if answer else "",
        "maatregelen": _join(m.measures),
        "bron": m.sources[0],
        "bronnen": _join(m.sources, " "),
    }


def track_row(ts: TrackStage) -> Row:
    t = ts.track
    return {
        "id": t.id,
        "naam": t.name,
        "kamerstuk": t.kamerstuk,
        "artikelen": _join(t.articles),
        "laatste fase": ts.latest.stage if ts.latest else UNKNOWN,
        "datum": ts.latest.date if ts.latest else UNKNOWN,
        "fases": _join([f"{s.stage} ({s.date})" for s in t.stages], " → "),
        "maatregelen": _join(t.measures),
        "bron": t.sources[0],
        "bronnen": _join(t.sources, " "),
    }


def item_json(items: Sequence[BaseModel], extra: Sequence[dict[str, Any]] | None = None) -> str:
    """Full items as JSON, with the content files' field names."""
    out = []
    for i, item in enumerate(items):
        d = item.model_dump(by_alias=True, mode="json", exclude_none=True)
        if extra is not None:
            d.update(extra[i])
        out.append(d)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def rows_csv(rows: Sequence[Row]) -> str:
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buf.getvalue()


def write_xlsx(rows: Sequence[Row], path: Path, sheet: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    if rows:
        ws.append(list(rows[0]))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(list(row.values()))
        ws.freeze_panes = "A2"
    wb.save(path)


def export(
    fmt: str,
    rows: Sequence[Row],
    items: Sequence[BaseModel],
    path: Path | None,
    *,
    sheet: str,
    extra: Sequence[dict[str, Any]] | None = None,
) -> str | None:
    """Write ``rows`` (csv, xlsx) or ``items`` (json) to ``path``; without a path the text
    is returned (json, csv). xlsx needs a path."""
    if fmt not in FORMATS[1:]:
        raise HicError(f"--formaat: onbekend formaat {fmt!r}; kies uit {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if path is None:
            raise HicError("--formaat xlsx: geef met --uit het pad van het Excel-bestand op")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(rows, path, sheet)
        return None
    text = item_json(items, extra) if fmt == "json" else rows_csv(rows)
    if path is None:
        return text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return None


def rich_table(rows: Sequence[Row], columns: Sequence[str], title: str) -> Any:
    """A Rich table of ``columns`` of ``rows``; long values (URLs) wrap instead of being cut."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=True)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(row[c] for c in columns))
    return table


MEASURE_COLUMNS = ("naam", "aanpak", "categorieën", "status", "erkenning", "erkend op", "bron")
MOTION_COLUMNS = ("titel", "soort", "kamerstuk", "datum", "status", "beantwoord in", "wijze")
TRACK_COLUMNS = ("naam", "kamerstuk", "artikelen", "laatste fase", "datum", "bron")
