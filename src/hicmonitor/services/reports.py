"""Building the Kamerbrief and the beslisnota for a year (`hic rapport`).

``resolve_spec`` picks the year (default: the latest complete one), loads its specification
and checks that the store held the figures the letter needs on its peildatum; ``make_reports``
builds and writes the documents and returns them with the placeholders of a concept (see
:mod:`hicmonitor.reports.rapport`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from hicmonitor.errors import HicError
from hicmonitor.reports import rapport
from hicmonitor.reports.figures import complete_years, figures_year, latest_complete_year
from hicmonitor.reports.figures import national_counts as _national_counts
from hicmonitor.reports.rapport import Reports
from hicmonitor.reports.spec import ReportSpec, default_spec_path, load_spec

FORMATS = rapport.FORMATS


def parse_formats(text: str) -> list[str]:
    """``"docx,pdf"`` -> ``["docx", "pdf"]``; unknown formats raise a Dutch ``HicError``."""
    return rapport.parse_formats(text)


def resolve_spec(
    con: duckdb.DuckDBPyConnection, year: int | None = None, spec: Path | None = None
) -> ReportSpec:
    """The report specification for ``year`` (default: the latest complete year), checked
    against the store: it must hold national figures for that year or the year before, and
    on the spec's peildatum the figures of the year before the report year must have been
    public."""
    year = year if year is not None else latest_complete_year(con)
    years = complete_years(_national_counts(con))
    if year not in years and year - 1 not in years:
        span = f"{years[0]}–{years[-1]}" if years else "geen"
        raise HicError(
            f"geen volledige landelijke HIC-cijfers voor {year} of {year - 1}; wel voor de "
            f"jaren {span}"
        )
    spec_path = spec if spec is not None else default_spec_path(year)
    report_spec = load_spec(spec_path)
    if report_spec.jaar != year:
        raise HicError(
            f"{spec_path}: de specificatie is voor {report_spec.jaar}, gevraagd is {year}"
        )
    figures_year(con, year, report_spec.as_of)
    return report_spec


def make_reports(
    con: duckdb.DuckDBPyConnection,
    spec: ReportSpec,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    *,
    progress: Callable[[str], None] | None = None,
) -> Reports:
    """Build both documents for ``spec`` and write them in ``formats`` to ``out_dir``; a
    definitief spec with placeholders is refused before anything is written."""
    return rapport.make_reports(con, spec, out_dir, formats, progress=progress)


def spec_years(content_root: Path | None = None) -> list[int]:
    """The years with a report specification (``<content>/rapporten/<year>.yaml``)."""
    folder = default_spec_path(2000, content_root).parent
    if not folder.is_dir():
        return []
    return sorted(int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit())


def report_years(con: duckdb.DuckDBPyConnection, content_root: Path | None = None) -> list[int]:
    """The years with a specification and full national figures in the store."""
    from hicmonitor.reports.figures import complete_years, national_counts

    have = set(complete_years(national_counts(con)))
    return [y for y in spec_years(content_root) if y in have]


def file_name(kind: str, spec: ReportSpec, fmt: str) -> str:
    """The file name ``make_reports`` gives document ``kind`` (kamerbrief, beslisnota)."""
    return rapport.file_name(kind, spec, fmt)
