"""Woo publication of the documents hicmonitor generates (the Kamerbrief and the beslisnota).

The document model is redacted before it is rendered (:mod:`hicmonitor.woo.model_redact`),
then rendered by the report renderers to DOCX, PDF and HTML; box tokens left in plain
string fields become boxes here (white on black, with the ground). The leak check runs on
every output against the unredacted model, and the inventory list and the redaction log
are written by the same code as for Word input (:func:`hicmonitor.woo.publish.finish`).
Outputs are staged and moved into the target folder only when nothing leaked.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hicmonitor.reports.model import Document
from hicmonitor.woo.detect import Detector
from hicmonitor.woo.docx_redact import Finding, Result, apply, iter_slots
from hicmonitor.woo.inventory import InventoryRow, assess, log_rows
from hicmonitor.woo.leakcheck import Leak, Needles, _Matcher, check_files, mask
from hicmonitor.woo.model_redact import BOX_TOKEN_RE, plain_text, redact_document
from hicmonitor.woo.ooxml import Package
from hicmonitor.woo.publish import finish, needles_for_result

if TYPE_CHECKING:
    import duckdb

    from hicmonitor.catalog.models import Catalog
    from hicmonitor.reports.spec import ReportSpec

FORMATS: tuple[str, ...] = ("docx", "pdf", "html")

Progress = Callable[[str], None]

# Places in HTML where no element can go: tags (attribute values), <title>, <style>.
_HTML_NO_MARKUP = re.compile(
    r"(<style\b.*?</style\s*>|<title\b.*?</title\s*>|<script\b.*?</script\s*>|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)


def _html_box(m: re.Match[str]) -> str:
    ground = html.escape(m.group(1))
    return f'<span class="lak" title="Weggelakt: Woo {ground}">{ground}</span>'


def boxes_in_html(text: str) -> str:
    """Box tokens in rendered HTML -> box elements; ``[ground]`` inside tags, title, style."""
    parts = _HTML_NO_MARKUP.split(text)
    out = []
    for i, part in enumerate(parts):
        out.append(plain_text(part) if i % 2 else BOX_TOKEN_RE.sub(_html_box, part))
    return "".join(out)


def boxes_in_docx(path: Path) -> None:
    """Box tokens in a rendered DOCX -> white-on-black box runs (``[ground]`` elsewhere)."""
    pkg = Package.open(path)
    slots = list(iter_slots(pkg))
    findings = [
        Finding(s.id, s.where, m.start(), m.end(), "box", "model", m.group(0), m.group(1))
        for s in slots
        for m in BOX_TOKEN_RE.finditer(s.text)
    ]
    apply(pkg, slots, findings)
    # what no slot covers (core properties such as subject and author): plain [ground]
    for name in pkg.xml_names():
        root = pkg.xml(name)
        for el in root.iter():
            if isinstance(el.text, str) and BOX_TOKEN_RE.search(el.text):
                el.text = plain_text(el.text)
            if isinstance(el.tail, str) and BOX_TOKEN_RE.search(el.tail):
                el.tail = plain_text(el.tail)
            for k, v in el.attrib.items():
                if BOX_TOKEN_RE.search(v):
                    el.set(k, plain_text(v))
    pkg.save(path)


def render(doc: Document, fmt: str, target: Path) -> Path:
    """Render a redacted model with the report renderers, boxes included."""
    from hicmonitor.reports.render_html import build_html

    if fmt == "docx":
        from hicmonitor.reports.render_docx import render_docx

        render_docx(doc, target)
        boxes_in_docx(target)
    elif fmt == "html":
        target.write_text(boxes_in_html(build_html(doc, paged=False)), encoding="utf-8")
    elif fmt == "pdf":
        import weasyprint

        from hicmonitor.reports.render_pdf import PDF_VARIANT

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        page = weasyprint.HTML(string=boxes_in_html(build_html(doc, paged=True)), base_url=None)
        with warnings.catch_warnings():
            # deduce switches all warnings on at import; WeasyPrint's unclosed colour
            # profile file is not the user's concern
            warnings.simplefilter("ignore", ResourceWarning)
            page.write_pdf(target, pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=True)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return target


def html_text_leaks(files: Iterable[Path], needles: Needles) -> list[Leak]:
    """The leak check on the text of HTML outputs with entities decoded: the raw bytes
    hold "van &#39;t" where the text says "van 't", and a needle with an apostrophe or a
    quote would not match the bytes alone."""
    matcher = _Matcher(needles)
    out = []
    for f in files:
        if f.suffix.lower() in (".html", ".htm"):
            text = html.unescape(f.read_text(encoding="utf-8", errors="replace"))
            for kind, raw in matcher.search(text):
                out.append(Leak(f.name, "html-tekst (entiteiten gedecodeerd)", kind, mask(raw)))
    return out


@dataclass
class GeneratedOutcome:
    kind: str
    files: list[Path]
    result: Result


@dataclass
class GeneratedPublication:
    documents: list[GeneratedOutcome]
    inventory_csv: Path
    inventory_xlsx: Path
    log_csv: Path


def publish_documents(
    docs: dict[str, Document],
    names: dict[str, str],
    out_dir: Path,
    detector: Detector,
    *,
    deduce_texts: Iterable[str] | None = None,
    formats: Iterable[str] = FORMATS,
    progress: Progress | None = None,
) -> GeneratedPublication:
    """Redact, render and leak-check generated documents; write inventory and log.

    ``docs`` maps a kind ("kamerbrief") to its unredacted model, ``names`` the kind to the
    file stem ("kamerbrief_2023_<kenmerk>"); outputs are ``<stem>.openbaar.<fmt>``.
    ``deduce_texts`` are the texts people wrote (see :func:`redact_document`). Raises
    :class:`hicmonitor.woo.publish.LeakError` and writes nothing when anything leaked.
    """
    say = progress or (lambda _msg: None)
    deduce_texts = list(deduce_texts) if deduce_texts is not None else None
    formats = list(formats)
    stage = Path(tempfile.mkdtemp(prefix="hic-woo-"))
    try:
        outcomes: list[GeneratedOutcome] = []
        inventory: list[InventoryRow] = []
        log: list[list[str | int]] = []
        leaks: list[Leak] = []
        needles = []
        # first pass: what each document redacts; then every document redacts the strings
        # of all (an unregistered name found in the letter also goes in the memo)
        first = {
            k: redact_document(d, detector, deduce_texts=deduce_texts) for k, d in docs.items()
        }
        known = {f.text: f.klasse for _, res in first.values() for f in res.findings}
        for nr, (kind, doc) in enumerate(docs.items(), start=1):
            say(f"{kind} lakken")
            redacted, res = first[kind]
            if set(known) - {f.text for f in res.findings}:
                redacted, res = redact_document(
                    doc, detector, deduce_texts=deduce_texts, known=known
                )
            files = []
            for fmt in formats:
                path = stage / f"{names[kind]}.openbaar.{fmt}"
                say(f"{path.name} maken")
                files.append(render(redacted, fmt, path))
            say(f"lekcontrole {kind}")
            n = needles_for_result(res, detector)
            n.redacted = sorted(set(n.redacted) | set(known))
            needles.append(n)
            leaks += check_files(files, n) + html_text_leaks(files, n)
            label = files[0].name if len(files) == 1 else f"{names[kind]}.openbaar"
            inventory.append(InventoryRow(nr, doc.date.isoformat(), label, *assess(res)))
            log += log_rows(label, res)
            outcomes.append(GeneratedOutcome(kind, files, res))
        final = finish(
            stage, out_dir, [f for o in outcomes for f in o.files], inventory, log, needles, leaks
        )
        for o in outcomes:
            o.files = [out_dir / f.name for f in o.files]
        return GeneratedPublication(outcomes, *final[-3:])
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def spec_texts(spec: ReportSpec) -> list[str]:
    """Every text a person wrote in a report spec, paragraph by paragraph (as the report
    builders split free texts), for ``deduce_texts``."""
    out: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, str):
            out.extend(p for p in re.split(r"\n\s*\n", v) if p.strip())
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)

    walk(spec.model_dump())
    return out


def publish_report(
    con: duckdb.DuckDBPyConnection,
    spec: ReportSpec,
    out_dir: Path,
    detector: Detector,
    *,
    formats: Iterable[str] = FORMATS,
    catalog: Catalog | None = None,
    content_root: Path | None = None,
    progress: Progress | None = None,
) -> GeneratedPublication:
    """``hic woo --rapport JAAR``: build both documents for ``spec`` and publish them."""
    from hicmonitor.reports.context import gather
    from hicmonitor.reports.rapport import build_documents

    say = progress or (lambda _msg: None)
    say("cijfers, duiding en catalogus ophalen")
    ctx = gather(con, spec, catalog=catalog, content_root=content_root)
    docs = build_documents(ctx)
    names = {kind: f"{kind}_{spec.jaar}_{spec.kenmerk}" for kind in docs}
    return publish_documents(
        docs,
        names,
        out_dir,
        detector,
        deduce_texts=spec_texts(spec),
        formats=formats,
        progress=say,
    )


__all__ = [
    "GeneratedPublication",
    "boxes_in_docx",
    "boxes_in_html",
    "publish_documents",
    "publish_report",
    "render",
    "spec_texts",
]
