"""Publishing Word documents under the Woo: redact, render, check for leaks, inventory.

Outputs go to a staging folder first; only when the leak check passes on every output
are they moved into the target folder. A leak stops the command and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hicmonitor.errors import HicError, explain_os_error
from hicmonitor.woo import proposal as prop
from hicmonitor.woo.detect import Detector
from hicmonitor.woo.docx_redact import Finding, Result, Slot, apply, find, prepare
from hicmonitor.woo.inventory import (
    InventoryRow,
    assess,
    log_rows,
    write_inventory,
    write_log,
)
from hicmonitor.woo.leakcheck import Leak, Needles, check_files, section5_needles
from hicmonitor.woo.ooxml import Package, qn
from hicmonitor.woo.register import fold
from hicmonitor.woo.render import render_pdf


@dataclass
class DocumentOutcome:
    source: Path
    docx: Path
    pdf: Path
    result: Result
    pages: int
    rejected: list[str] = field(default_factory=list)


@dataclass
class Publication:
    documents: list[DocumentOutcome]
    inventory_csv: Path
    inventory_xlsx: Path
    log_csv: Path


def analyse(src: Path, detector: Detector) -> tuple[Package, Result, list[Slot]]:
    """Open, clean and detect; nothing is written."""
    pkg = Package.open(src)
    res = prepare(pkg)
    slots = find(pkg, detector, res)
    return pkg, res, slots


def needles_for(res: Result, detector: Detector, rejected: list[str] | None = None) -> Needles:
    """What the leak check looks for after ``res``; texts a person rejected are allowed."""
    allowed = {fold(t) for t in rejected or []}
    redacted = [f.text for f in res.findings if fold(f.text) not in allowed]
    register = [n for n in detector.register.civil_servant_needles() if fold(n) not in allowed]
    return Needles(
        redacted=redacted,
        section5=section5_needles(res.section5_texts, res.kept_text),
        register=register,
    )


def _document_date(pkg: Package) -> str:
    if pkg.has("docProps/core.xml"):
        root = pkg.xml("docProps/core.xml")
        for tag in ("created", "modified"):
            el = root.find(qn("dcterms", tag))
            if el is not None and el.text:
                return el.text[:10]
    return dt.date.today().isoformat()


def write_proposal(src: Path, out_dir: Path, detector: Detector) -> Path:
    """Write ``<stem>.voorstel.csv`` with every suggested redaction."""
    _, res, slots = analyse(src, detector)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{src.stem}.voorstel.csv"
    prop.write_proposal(path, src, res.findings, slots)
    return path


def publish(
    sources: list[Path],
    out_dir: Path,
    detector: Detector,
    *,
    decisions: dict[Path, Path] | None = None,
) -> Publication:
    """Redact each DOCX to DOCX and PDF, write inventory and log, and run the leak check.

    ``decisions`` maps a source to its reviewed proposal file (proposal mode).
    """
    decisions = decisions or {}
    stage = Path(tempfile.mkdtemp(prefix="hic-woo-"))
    try:
        outcomes: list[DocumentOutcome] = []
        inventory: list[InventoryRow] = []
        log: list[list[str | int]] = []
        all_leaks: list[Leak] = []
        for nr, src in enumerate(sources, start=1):
            pkg, res, slots = analyse(src, detector)
            date = _document_date(Package.open(src))
            rejected: list[str] = []
            if src in decisions:
                chosen = prop.read_decisions(decisions[src], src, res.findings)
                rejected = [f.text for f in res.findings if not chosen[prop.key(f)]]
                res.findings = [f for f in res.findings if chosen[prop.key(f)]]
            res.kept_text = "\n".join(s.text for s in slots if s.kind == "p")
            apply(pkg, slots, res.findings)
            docx = stage / f"{src.stem}.openbaar.docx"
            pdf = stage / f"{src.stem}.openbaar.pdf"
            pkg.save(docx)
            pages = render_pdf(docx, pdf)
            outcomes.append(DocumentOutcome(src, docx, pdf, res, pages, rejected))
            beoordeling, gronden, opmerking = assess(res)
            inventory.append(InventoryRow(nr, date, docx.name, beoordeling, gronden, opmerking))
            log += log_rows(docx.name, res)
            needles = needles_for(res, detector, rejected)
            all_leaks += check_files([docx, pdf], needles)
        final = finish(
            stage,
            out_dir,
            [x for o in outcomes for x in (o.docx, o.pdf)],
            inventory,
            log,
            [needles_for(o.result, detector, o.rejected) for o in outcomes],
            all_leaks,
        )
        for o in outcomes:
            o.docx = out_dir / o.docx.name
            o.pdf = out_dir / o.pdf.name
        return Publication(outcomes, *final[-3:])
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def finish(
    stage: Path,
    out_dir: Path,
    documents: list[Path],
    inventory: list[InventoryRow],
    log: list[list[str | int]],
    needles: list[Needles],
    leaks: list[Leak],
) -> list[Path]:
    """Complete a staged publication: write the inventory list and the redaction log, run
    the leak check on them (``leaks`` holds what the documents' own checks found), and
    only when nothing leaked move everything into ``out_dir``.

    Returns the final paths: the documents, then inventory CSV, XLSX and log.
    """
    inv_csv = stage / "inventarislijst.csv"
    inv_xlsx = stage / "inventarislijst.xlsx"
    log_csv = stage / "lakverslag.csv"
    write_inventory(inventory, inv_csv, inv_xlsx)
    write_log(log, log_csv)
    leaks = list(leaks)
    for n in needles:
        leaks += check_files([inv_csv, inv_xlsx, log_csv], n)
    if leaks:
        raise LeakError(leaks)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        exc.filename = str(out_dir)
        raise explain_os_error(exc) or HicError(
            f"{out_dir}: kan de uitvoermap niet maken"
        ) from None
    final = []
    for p in [*documents, inv_csv, inv_xlsx, log_csv]:
        target = out_dir / p.name
        shutil.move(str(p), target)
        final.append(target)
    return final


class LeakError(HicError):
    """The leak check found redacted or non-public text in an output."""

    def __init__(self, leaks: list[Leak]) -> None:
        self.leaks = leaks
        lines = "\n".join(f"  - {lk}" for lk in leaks[:20])
        more = f"\n  … en nog {len(leaks) - 20}" if len(leaks) > 20 else ""
        super().__init__(
            f"lekcontrole mislukt: {len(leaks)} lek(ken) gevonden; er is niets gepubliceerd. "
            "Voeg de ontbrekende vorm toe aan content/personen.yaml of lak via --voorstel.\n"
            f"{lines}{more}"
        )


def check_against(target: Path, original: Path, detector: Detector) -> list[Leak]:
    """``hic woo controleer``: leaks in ``target`` measured against the original DOCX."""
    _, res, slots = analyse(original, detector)
    res.kept_text = "\n".join(s.text for s in slots if s.kind == "p")
    if not target.is_file():
        raise HicError(f"{target}: bestand niet gevonden")
    return check_files([target], needles_for(res, detector))


__all__ = [
    "Finding",
    "LeakError",
    "Publication",
    "check_against",
    "finish",
    "publish",
    "write_proposal",
]
