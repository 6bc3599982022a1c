"""Everything a report is built from, gathered once: spec, figures, duiding, catalogue, chart.

The builders (``kamerbrief.py``, ``beslisnota.py``) are pure functions of this context;
this module is the only place that talks to the store, the analysis and the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hicmonitor import store
from hicmonitor.catalog.models import Catalog
from hicmonitor.reports.figures import ReportFigures, report_figures
from hicmonitor.reports.spec import ReportSpec


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


def duiding_for(figs: ReportFigures) -> dict[str, CategoryDuiding]:
    """The national duiding per category for the report year (adapter to issue 3's API).

    Only the years up to the report year are passed on, so a report on an earlier year reads
    as it would have then.
    """
    from hicmonitor.analysis.duiding import national_duiding

    frame = figs.counts[figs.counts["year"] <= figs.year]
    out = {}
    for cat, d in national_duiding(frame).items():
        facts = list(getattr(d, "sentence_facts", []) or [])
        out[cat] = CategoryDuiding(cat, list(d.sentences), [tuple(f) for f in facts])
    return out


def load_catalog_for_report(root: Path | None = None) -> Catalog:
    """The checked catalogue (adapter to issue 4's API)."""
    from hicmonitor.catalog.check import load_catalog

    return load_catalog(root)


def count_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """File names of the sources behind the national counts (provenance for a footnote)."""
    return store.national_count_sources(con)


def gather(
    con: duckdb.DuckDBPyConnection,
    spec: ReportSpec,
    *,
    catalog: Catalog | None = None,
    content_root: Path | None = None,
) -> ReportContext:
    """Collect the context for ``spec.jaar`` from the store, the analysis and the catalogue."""
    from hicmonitor.reports.charts import hic_chart

    figs = report_figures(con, spec.jaar, spec.basisjaar)
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
        source_files=count_sources(con),
    )
