"""Proposal mode: suggested redactions in a file a person accepts or rejects line by line.

``write_proposal`` lists every suggested redaction with its text and some context (the
file is internal and is never published); the column ``besluit`` is pre-filled with
``ja``. After review, ``read_decisions`` reads the file back: every line must say ``ja``
or ``nee``, and the file must belong to the same document (its SHA-256).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping
from pathlib import Path

from hicmonitor.errors import InputError
from hicmonitor.format_nl import amount
from hicmonitor.woo.docx_redact import Finding
from hicmonitor.woo.register import fold

COLUMNS = [
    "nr",
    "besluit",
    "locatie",
    "klasse",
    "grond",
    "bron",
    "tekst",
    "context",
    "plaats",
    "begin",
    "eind",
    "sha256",
]
_YES = {"ja", "j", "yes", "y"}
_NO = {"nee", "n", "no"}


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def key(f: Finding) -> tuple[str, int, int]:
    return (f.slot_id, f.start, f.end)


def write_proposal(
    path: Path, document: Path, findings: list[Finding], texts: Mapping[str, str]
) -> None:
    digest = sha256(document)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        wr = csv.writer(fh, delimiter=";")
        wr.writerow(COLUMNS)
        for i, f in enumerate(findings, start=1):
            t = texts.get(f.slot_id, "")
            ctx = t[max(0, f.start - 40) : f.start] + "[" + f.text + "]" + t[f.end : f.end + 40]
            wr.writerow(
                [
                    i,
                    "ja",
                    f.where,
                    f.klasse,
                    f.grond,
                    f.bron,
                    f.text,
                    ctx.replace("\n", " "),
                    f.slot_id,
                    f.start,
                    f.end,
                    digest,
                ]
            )


def read_decisions(
    path: Path, document: Path, findings: list[Finding]
) -> dict[tuple[str, int, int], bool]:
    """Decisions per finding; raises ``InputError`` naming line and field on bad input."""
    if not path.is_file():
        raise InputError(path, "voorstelbestand niet gevonden")
    digest = sha256(document)
    wanted = {key(f): f for f in findings}
    out: dict[tuple[str, int, int], bool] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        missing = [
            c
            for c in ("besluit", "plaats", "begin", "eind", "sha256", "tekst")
            if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise InputError(path, "kolom ontbreekt", line=1, field=missing[0])
        for row in reader:
            line = reader.line_num
            if row["sha256"] != digest:
                raise InputError(
                    path,
                    "het voorstel hoort bij een andere versie van het "
                    "document; maak een nieuw voorstel",
                    line=line,
                    field="sha256",
                )
            besluit = (row["besluit"] or "").strip().lower()
            if besluit not in _YES | _NO:
                raise InputError(
                    path, "vul 'ja' (lakken) of 'nee' (niet lakken) in", line=line, field="besluit"
                )
            try:
                k = (row["plaats"], int(row["begin"]), int(row["eind"]))
            except ValueError as exc:
                raise InputError(path, "geen geheel getal", line=line, field="begin") from exc
            f = wanted.get(k)
            if f is None or f.text != row["tekst"]:
                raise InputError(
                    path,
                    "deze lakking komt niet (meer) voor in het document",
                    line=line,
                    field="plaats",
                )
            out[k] = besluit in _YES
    by_text: dict[str, set[bool]] = {}
    for k, f in wanted.items():
        if k in out:
            by_text.setdefault(fold(f.text), set()).add(out[k])
    mixed = [t for t, v in by_text.items() if len(v) > 1]
    if mixed:
        raise InputError(
            path,
            f"{len(mixed)} tekst(en) staan op de ene regel op 'ja' en op een andere op 'nee'; "
            "kies per tekst één besluit (anders blijft de tekst elders zichtbaar of gelakt)",
            field="besluit",
        )
    absent = [f for k, f in wanted.items() if k not in out]
    if absent:
        raise InputError(
            path,
            f"{amount(len(absent), 'voorgestelde lakking ontbreekt', 'voorgestelde lakkingen ontbreken')} in het "
            f"voorstel, bijvoorbeeld op {absent[0].where}",
            field="besluit",
        )
    return out
