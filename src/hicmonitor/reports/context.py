"""Everything a report is built from, gathered once: spec, figures as of the peildatum,
duiding and synthesis, the early-warning signals the spec accepts, catalogue, chart, logo.

The builders (``kamerbrief.py``, ``beslisnota.py``) are pure functions of this context;
this module is the only place that talks to the store, the analysis and the catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hicmonitor import store
from hicmonitor.analysis.duiding import Synthesis
from hicmonitor.catalog.models import Catalog
from hicmonitor.errors import InputError
from hicmonitor.reports.figures import ReportFigures, figures_year, report_figures
from hicmonitor.reports.placeholders import Sourced
from hicmonitor.reports.signals import AcceptedSignal, accepted_signals
from hicmonitor.reports.spec import ReportSpec, field_lines


@dataclass(frozen=True)
class CategoryDuiding:
    """The duiding sentences of one category, with the names of the facts each one uses."""

    category: str
    sentences: list[str]
    sentence_facts: list[tuple[str, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class ReportContext:
    spec: ReportSpec
    figures: ReportFigures
    duiding: dict[str, CategoryDuiding]
    catalog: Catalog
    chart_png: bytes
    chart_svg: str
    source_files: list[str]  # the store's provenance: files the national counts came from
    synthesis: Synthesis = field(default_factory=Synthesis)
    logo: bytes | None = None
    created: dt.datetime | None = None
    spec_lines: dict[str, int] = field(default_factory=dict)
    # the early-warning signals the spec accepts, as of the peildatum (reports.signals)
    signals: list[AcceptedSignal] = field(default_factory=list)

    @property
    def as_of(self) -> dt.date:
        return self.spec.as_of

    def spec_file(self) -> str:
        return str(self.spec.bron) if self.spec.bron else "rapportspecificatie"

    def from_spec(self, value: str | None, field_path: str) -> Sourced | None:
        """A spec value with its file, field and line."""
        if value is None:
            return None
        return Sourced(value, self.spec_file(), field_path, self.spec_lines.get(field_path))

    def from_catalog(self, kind: str, item_id: str, field_path: str, value: str) -> Sourced:
        """A catalogue value with its content file and field."""
        path = self.catalog.files.get((kind, item_id))
        return Sourced(value, path or f"content/{kind}/{item_id}.yaml", field_path)


def duiding_for(figs: ReportFigures) -> dict[str, CategoryDuiding]:
    """The national duiding per category of the figures public on the peildatum, with the
    open year's months to date where there are any."""
    from hicmonitor.analysis.duiding import add_to_date, national_duiding

    out = {}
    for cat, d in national_duiding(figs.counts).items():
        rows = figs.to_date[figs.to_date["category"] == cat] if len(figs.to_date) else []
        if len(rows):
            add_to_date(d, rows.iloc[0].to_dict())
        facts = list(getattr(d, "sentence_facts", []) or [])
        out[cat] = CategoryDuiding(cat, list(d.sentences), [tuple(f) for f in facts])
    return out


def synthesis_for(figs: ReportFigures) -> Synthesis:
    from hicmonitor.analysis.duiding import synthesis

    return synthesis(figs.counts, to_date=figs.to_date if len(figs.to_date) else None)


def load_catalog_for_report(root: Path | None = None) -> Catalog:
    """The checked catalogue (adapter to issue 4's API)."""
    from hicmonitor.catalog.check import load_catalog

    return load_catalog(root)


def count_sources(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> list[str]:
    """File names of the sources behind the national counts (provenance for a footnote)."""
    return store.national_count_sources(con, as_of=as_of)


LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


def read_logo(spec: ReportSpec) -> bytes | None:
    """The beeldmerk file the spec names (relative to the spec), checked to be PNG or JPEG."""
    if not spec.beeldmerk:
        return None
    base = spec.bron.parent if spec.bron else Path.cwd()
    path = (base / spec.beeldmerk).resolve()
    file = spec.bron or "rapportspecificatie"
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(
            file, f"beeldmerk {path} niet gevonden of niet leesbaar", field="beeldmerk"
        ) from None
    if not any(data.startswith(magic) for magic in LOGO_TYPES):
        raise InputError(file, f"beeldmerk {path}: geen PNG- of JPEG-bestand", field="beeldmerk")
    return data


def gather(
    con: duckdb.DuckDBPyConnection,
    spec: ReportSpec,
    *,
    catalog: Catalog | None = None,
    content_root: Path | None = None,
) -> ReportContext:
    """Collect the context for ``spec``: the figures public on its peildatum, their duiding
    and synthesis, the catalogue, the chart and the logo."""
    from hicmonitor.reports.charts import hic_chart

    as_of = spec.as_of
    year = figures_year(con, spec.jaar, as_of)
    figs = report_figures(con, year, spec.basisjaar, as_of=as_of)
    lines: dict[str, int] = {}
    if spec.bron is not None and Path(spec.bron).exists():
        lines = field_lines(Path(spec.bron).read_text(encoding="utf-8"))
    signals = accepted_signals(con, spec, lines=lines)
    if catalog is None:
        catalog = load_catalog_for_report(content_root)
    png, svg = hic_chart(figs)
    return ReportContext(
        spec=spec,
        figures=figs,
        duiding=duiding_for(figs),
        catalog=catalog,
        chart_png=png,
        chart_svg=svg,
        source_files=count_sources(con, as_of),
        synthesis=synthesis_for(figs),
        logo=read_logo(spec),
        created=dt.datetime.now().replace(microsecond=0),
        spec_lines=lines,
        signals=signals,
    )
