"""Publication under the Woo (`hic woo`): Word documents and the generated reports.

Section 5 removed, personal data redacted (5.1.2e), inventory, redaction log and leak check:
see :mod:`hicmonitor.woo`. These are the entry points the CLI (and later the web) call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from hicmonitor.reports.spec import ReportSpec
from hicmonitor.woo import generated, publish
from hicmonitor.woo.detect import Detector
from hicmonitor.woo.generated import GeneratedPublication
from hicmonitor.woo.leakcheck import Leak
from hicmonitor.woo.publish import Publication
from hicmonitor.woo.register import load_register


def detector(persons: Path | None = None) -> Detector:
    """The detector of personal data, with the register of persons (YAML; default: content/)."""
    return Detector(load_register(persons))


def check_leaks(target: Path, original: Path, detector: Detector) -> list[Leak]:
    """``hic woo controleer``: leaks in ``target`` measured against the original DOCX."""
    return publish.check_against(target, original, detector)


def write_proposal(
    document: Path,
    out_dir: Path,
    detector: Detector,
    *,
    nr: int = 1,
    vanaf: str | None = None,
) -> Path:
    """Write the suggested redactions of ``document`` for review; returns the proposal file
    (named by ``nr``, never by the input's name). ``vanaf``: where section 5 starts, as the
    user pointed it out (``--sectie5-vanaf``)."""
    return publish.write_proposal(document, out_dir, detector, nr=nr, vanaf=vanaf)


def publish_documents(
    documents: list[Path],
    out_dir: Path,
    detector: Detector,
    *,
    decisions: dict[Path, Path] | None = None,
    vanaf: dict[Path, str] | None = None,
) -> Publication:
    """Redact Word documents to DOCX and PDF, with inventory, log and leak check."""
    return publish.publish(
        documents, out_dir, detector, decisions=decisions or {}, vanaf=vanaf or {}
    )


def publish_report(
    con: duckdb.DuckDBPyConnection,
    spec: ReportSpec,
    out_dir: Path,
    detector: Detector,
    *,
    progress: Callable[[str], None] | None = None,
) -> GeneratedPublication:
    """``hic woo --rapport JAAR``: the generated documents of ``spec.jaar`` (see
    :func:`hicmonitor.services.reports.resolve_spec`), redacted at the source."""
    return generated.publish_report(con, spec, out_dir, detector, progress=progress)
