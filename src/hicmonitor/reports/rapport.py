"""`hic rapport`: build the Kamerbrief and the beslisnota for a year and write them out.

Files are written to a temporary folder inside the output folder first and only moved into
place when every requested file rendered, so a failure leaves no half-written output. Names
carry the year and the kenmerk: ``kamerbrief_2023_<kenmerk>.pdf``.

Before anything is rendered the documents are scanned for placeholders
(:mod:`hicmonitor.reports.placeholders`): a ``definitief`` spec with any of them is refused
with the list, and nothing is written; a ``concept`` is written with them highlighted, and
the list comes back with the files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hicmonitor.catalog.models import Catalog
from hicmonitor.errors import HicError, explain_os_error
from hicmonitor.reports.beslisnota import build_beslisnota
from hicmonitor.reports.context import ReportContext, gather
from hicmonitor.reports.kamerbrief import build_kamerbrief
from hicmonitor.reports.model import Document
from hicmonitor.reports.placeholders import Finding, scan
from hicmonitor.reports.spec import ReportSpec

FORMATS: tuple[str, ...] = ("docx", "pdf", "html")
KINDS: tuple[str, ...] = ("kamerbrief", "beslisnota")

Progress = Callable[[str], None]


def parse_formats(text: str) -> list[str]:
    """``"docx,pdf"`` -> ``["docx", "pdf"]``; unknown formats raise a Dutch ``HicError``."""
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise HicError(
            f"onbekend formaat {', '.join(bad) or repr(text)}; kies uit {', '.join(FORMATS)}"
        )
    return list(dict.fromkeys(wanted))


def file_name(kind: str, spec: ReportSpec, fmt: str) -> str:
    return f"{kind}_{spec.jaar}_{spec.kenmerk}.{fmt}"


def render(doc: Document, fmt: str, target: Path) -> Path:
    if fmt == "docx":
        from hicmonitor.reports.render_docx import render_docx

        return render_docx(doc, target)
    if fmt == "pdf":
        from hicmonitor.reports.render_pdf import render_pdf

        return render_pdf(doc, target)
    if fmt == "html":
        from hicmonitor.reports.render_html import render_html

        return render_html(doc, target)
    raise HicError(f"onbekend formaat {fmt!r}")


def build_documents(ctx: ReportContext) -> dict[str, Document]:
    return {"kamerbrief": build_kamerbrief(ctx), "beslisnota": build_beslisnota(ctx)}


@dataclass
class Reports:
    """What ``make_reports`` wrote, and the placeholders of the concept (empty when final)."""

    paths: list[Path]
    placeholders: list[Finding] = field(default_factory=list)

    def __iter__(self):  # the paths, as before
        return iter(self.paths)


def placeholders(docs: dict[str, Document]) -> list[Finding]:
    """Every placeholder of the documents, document by document."""
    return [f for doc in docs.values() for f in scan(doc)]


def refuse_final_with_placeholders(spec: ReportSpec, found: list[Finding]) -> None:
    """A definitief spec may not leave a single placeholder: a Dutch error listing them."""
    if spec.status != "definitief" or not found:
        return
    shown = "\n".join(f"  {f}" for f in found[:40])
    more = f"\n  … en nog {len(found) - 40}" if len(found) > 40 else ""
    raise HicError(
        f"{spec.bron or 'de rapportspecificatie'}: status 'definitief', maar de documenten "
        f"bevatten {len(found)} plaatshouder(s); er is niets geschreven:\n{shown}{more}\n"
        "Vul ze in of zet status op 'concept'."
    )


def make_reports(
    con: duckdb.DuckDBPyConnection,
    spec: ReportSpec,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    *,
    catalog: Catalog | None = None,
    content_root: Path | None = None,
    progress: Progress | None = None,
) -> Reports:
    """Build both documents for ``spec`` and write them in ``formats`` to ``out_dir``
    (a definitief spec with placeholders is refused before anything is written)."""
    say = progress or (lambda _msg: None)
    say("cijfers, duiding en catalogus ophalen")
    ctx = gather(con, spec, catalog=catalog, content_root=content_root)
    say("documenten opbouwen")
    docs = build_documents(ctx)
    found = placeholders(docs)
    refuse_final_with_placeholders(spec, found)
    paths = write_documents(docs, spec, out_dir, formats, progress=say)
    return Reports(paths, found)


def write_documents(
    docs: dict[str, Document],
    spec: ReportSpec,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """Render ``docs`` in every format into a temporary folder, then move them into place.

    Nothing lands in ``out_dir`` unless every file rendered.
    """
    say = progress or (lambda _msg: None)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        exc.filename = str(out_dir)
        raise explain_os_error(exc) or HicError(
            f"{out_dir}: kan de uitvoermap niet maken"
        ) from None
    tmp = Path(tempfile.mkdtemp(prefix=".rapport-", dir=out_dir))
    try:
        written = []
        for fmt in formats:
            for kind, doc in docs.items():
                name = file_name(kind, spec, fmt)
                say(f"{name} maken")
                written.append(render(doc, fmt, tmp / name))
        final = []
        for path in written:
            dest = out_dir / path.name
            os.replace(path, dest)
            final.append(dest)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
