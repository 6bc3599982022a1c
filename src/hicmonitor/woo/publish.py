"""Publishing Word documents under the Woo: rebuild, redact, render, check, inventory.

Per document: the personal data of the original is collected everywhere in the file
(:mod:`hicmonitor.woo.collect`, the leak check's own list); what a reader sees is read
into the document model (:mod:`hicmonitor.woo.extract`); section 5 is cut
(:mod:`hicmonitor.woo.section5`); every paragraph and hyperlink is redacted
(:mod:`hicmonitor.woo.redactor`); a NEW DOCX is written from the model
(:mod:`hicmonitor.woo.rebuild`) and the PDF is rendered from that DOCX. Outputs go to a
staging folder; the leak check runs on every output, the inventory and the log, and only
when nothing leaked are they moved into the target folder. Output names are
``document-NN.openbaar.*``: they never carry the input's name.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hicmonitor.errors import HicError, explain_os_error
from hicmonitor.format_nl import amount
from hicmonitor.woo import proposal as prop
from hicmonitor.woo.collect import Hit, collect_original
from hicmonitor.woo.detect import Detector, vocabulary
from hicmonitor.woo.docmodel import Doc, paragraphs, parts
from hicmonitor.woo.docx_redact import Finding, Result
from hicmonitor.woo.extract import extract
from hicmonitor.woo.inventory import InventoryRow, assess, log_rows, write_inventory, write_log
from hicmonitor.woo.leakcheck import Leak, Needles, check_files, section5_needles
from hicmonitor.woo.ooxml import Package, qn
from hicmonitor.woo.rebuild import build_docx
from hicmonitor.woo.redactor import Slot, apply, find, kept_text, prune_notes, title_of
from hicmonitor.woo.register import fold
from hicmonitor.woo.render import render_pdf
from hicmonitor.woo.section5 import apply_cut, find_section5

STEM = "document-{nr:02d}.openbaar"


@contextmanager
def _timed(timings: dict[str, float] | None, phase: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[phase]`` (when timings are kept)."""
    t = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - t


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


@dataclass
class Analysis:
    """Everything known about one original before anything is written."""

    source: Path
    doc: Doc
    hits: list[Hit]
    slots: list[Slot]
    findings: list[Finding]
    result: Result


def analyse(
    src: Path,
    detector: Detector,
    *,
    vanaf: str | None = None,
    timings: dict[str, float] | None = None,
) -> Analysis:
    """Read, cut section 5 and detect; nothing is written. ``timings`` collects the wall
    time per phase (extraction, collection, section 5, detection)."""
    with _timed(timings, "lezen (extractie)"):
        pkg = Package.open(src)
        doc = extract(pkg)
        texts = [p.text for _, blocks in parts(doc) for p in paragraphs(blocks)]
    with _timed(timings, "detectie"):
        context = detector.register.context_for(texts)
        words = vocabulary(texts)
    detector.context = context
    detector.vocabulary = words
    # one document: civil servants found anywhere in it (also by the leak check's own
    # collection) make a shared public surname non-public in all of it
    detector.contested = set()
    detector.document = True
    try:
        try:
            with _timed(timings, "verzamelen origineel (lekcontrole)"):
                hits = collect_original(src, detector)
        finally:
            detector.context = set()
            detector.vocabulary = set()
        res = Result()
        with _timed(timings, "sectie 5"):
            cut = find_section5(doc, vanaf=vanaf, name=str(src))
            res.section5_texts = apply_cut(doc, cut)
        res.section5_found = cut.leaf is not None
        prune_notes(doc)
        if cut.leaf is None:
            res.warnings.append(
                "geen sectie 5 gevonden (kop '5' of de regel 'Alles onder deze streep wordt "
                "verwijderd'): het document wordt in zijn geheel gepubliceerd"
            )
        else:
            res.actions["alinea's van sectie 5 verwijderd"] = max(1, len(res.section5_texts))
        res.actions.update(doc.dropped)
        detector.context = context
        detector.vocabulary = words
        try:
            extra = {h.text: h.klasse for h in hits}
            with _timed(timings, "detectie"):
                sl, findings = find(doc, detector, extra)
        finally:
            detector.context = set()
            detector.vocabulary = set()
        res.findings = findings
        return Analysis(src, doc, hits, sl, findings, res)
    finally:
        detector.contested = set()
        detector.document = False


def _hit_findings(a: Analysis) -> list[Finding]:
    """Personal data found elsewhere in the original, as proposal lines (it never reaches
    the publication; deciding 'nee' says it is not personal data)."""
    out = []
    for i, h in enumerate(a.hits):
        out.append(
            Finding(
                f"origineel|{i}",
                f"{h.where} (wordt niet gepubliceerd)",
                0,
                len(h.text),
                h.klasse,
                "origineel",
                h.text,
            )
        )
    return out


def needles_for(a: Analysis, detector: Detector, rejected: list[str] | None = None) -> Needles:
    """What the leak check looks for: the original's personal data (collected
    independently), the redactor's findings, section 5, the register's civil servants;
    texts a person rejected in the proposal are allowed."""
    allowed = {fold(t) for t in rejected or []}
    redacted = sorted(
        {f.text for f in a.findings if "#link:" not in f.slot_id} | {h.text for h in a.hits}
    )
    redacted = [t for t in redacted if fold(t) not in allowed]
    register = [n for n in detector.register.civil_servant_needles() if fold(n) not in allowed]
    return Needles(
        redacted=redacted,
        section5=section5_needles(a.result.section5_texts, kept_text(a.doc)),
        register=register,
    )


def needles_for_result(res: Result, detector: Detector) -> Needles:
    """Needles of a redaction result alone (generated documents, redacted at the source)."""
    return Needles(
        redacted=[f.text for f in res.findings],
        section5=section5_needles(res.section5_texts, res.kept_text),
        register=detector.register.civil_servant_needles(),
    )


def _document_date(src: Path) -> str:
    pkg = Package.open(src)
    if pkg.has("docProps/core.xml"):
        root = pkg.xml("docProps/core.xml")
        for tag in ("created", "modified"):
            el = root.find(qn("dcterms", tag))
            if el is not None and el.text and len(el.text) >= 10:
                return el.text[:10]
    return dt.date.today().isoformat()


def write_proposal(
    src: Path, out_dir: Path, detector: Detector, *, nr: int = 1, vanaf: str | None = None
) -> Path:
    """Write ``voorstel-NN.csv`` with every suggested redaction in every place."""
    a = analyse(src, detector, vanaf=vanaf)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"voorstel-{nr:02d}.csv"
    texts = {s.id: s.text for s in a.slots}
    prop.write_proposal(path, src, a.findings + _hit_findings(a), texts)
    return path


Builder = Callable[[Analysis, Path, str, Detector], None]


def rebuild(a: Analysis, target: Path, title: str, detector: Detector) -> None:
    """The publication's DOCX: a new package written from the redacted model."""
    build_docx(a.doc, target, title=title, organisation=detector.register.organisatie)


def publish(
    sources: list[Path],
    out_dir: Path,
    detector: Detector,
    *,
    decisions: dict[Path, Path] | None = None,
    vanaf: dict[Path, str] | None = None,
    builder: Builder | None = None,
    timings: dict[str, float] | None = None,
) -> Publication:
    """Rebuild, redact and render each DOCX; write inventory and log; run the leak check.

    ``decisions`` maps a source to its reviewed proposal file, ``vanaf`` a source to the
    text where its section 5 begins. ``builder`` writes the DOCX (tests replace it to prove
    that the leak check does not depend on it). ``timings`` collects the wall time per
    phase (for the benchmark).
    """
    decisions = decisions or {}
    vanaf = vanaf or {}
    build = builder or rebuild
    stage = Path(tempfile.mkdtemp(prefix="hic-woo-"))
    try:
        outcomes: list[DocumentOutcome] = []
        inventory: list[InventoryRow] = []
        log: list[list[str | int]] = []
        all_leaks: list[Leak] = []
        needles: list[Needles] = []
        for nr, src in enumerate(sources, start=1):
            a = analyse(src, detector, vanaf=vanaf.get(src), timings=timings)
            rejected: list[str] = []
            if src in decisions:
                lines = a.findings + _hit_findings(a)
                chosen = prop.read_decisions(decisions[src], src, lines)
                rejected = [f.text for f in lines if not chosen[prop.key(f)]]
                a.findings = [f for f in a.findings if chosen[prop.key(f)]]
                a.hits = [
                    h for h, f in zip(a.hits, _hit_findings(a), strict=True) if chosen[prop.key(f)]
                ]
                a.result.findings = a.findings
            apply(a.doc, a.slots, a.findings)
            a.result.kept_text = kept_text(a.doc)
            stem = STEM.format(nr=nr)
            docx = stage / f"{stem}.docx"
            pdf = stage / f"{stem}.pdf"
            with _timed(timings, "herbouwen DOCX"):
                build(a, docx, title_of(a.doc), detector)
            with _timed(timings, "PDF renderen"):
                pages = render_pdf(docx, pdf)
            outcomes.append(DocumentOutcome(src, docx, pdf, a.result, pages, rejected))
            beoordeling, gronden, opmerking = assess(a.result)
            inventory.append(
                InventoryRow(nr, _document_date(src), stem, beoordeling, gronden, opmerking)
            )
            log += log_rows(stem, a.result)
            with _timed(timings, "lekcontrole uitvoer"):
                n = needles_for(a, detector, rejected)
                needles.append(n)
                all_leaks += check_files([docx, pdf], n)
        with _timed(timings, "inventaris, verslag en hun lekcontrole"):
            final = finish(
                stage,
                out_dir,
                [x for o in outcomes for x in (o.docx, o.pdf)],
                inventory,
                log,
                needles,
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
            f"lekcontrole mislukt: {amount(len(leaks), 'lek', 'lekken')} gevonden; er is niets "
            "gepubliceerd. "
            "Maak een voorstel met --voorstel: het noemt elke vindplaats (ook eigenschappen, "
            "koppelingen en afbeeldingen); zet 'besluit' op ja of nee en publiceer met "
            "--toepassen. Ontbreekt een naamvorm, voeg die dan toe aan content/personen.yaml.\n"
            f"{lines}{more}"
        )


def check_against(target: Path, original: Path, detector: Detector) -> list[Leak]:
    """``hic woo controleer``: leaks in ``target`` measured against the original DOCX."""
    if not target.is_file():
        raise HicError(f"{target}: bestand niet gevonden")
    try:
        a = analyse(original, detector)
    except HicError as exc:
        if "sectie 5" not in str(exc):
            raise
        a = analyse(original, detector, vanaf="geen")
    return check_files([target], needles_for(a, detector))


__all__ = [
    "Finding",
    "LeakError",
    "Publication",
    "analyse",
    "check_against",
    "finish",
    "publish",
    "write_proposal",
]
