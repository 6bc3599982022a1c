"""Fixtures of the report tests: the real store, the real catalogue and the example spec,
and the six output files made once per session with the real renderers."""

from __future__ import annotations

from pathlib import Path

import pytest

from hicmonitor import store
from hicmonitor.catalog.check import load_catalog
from hicmonitor.catalog.models import Catalog
from hicmonitor.reports.rapport import make_reports
from hicmonitor.reports.spec import ReportSpec, load_spec
from tests.conftest import national_counts_by_category

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SPEC = REPO / "content" / "rapporten" / "2023.yaml"


@pytest.fixture(scope="session")
def spec() -> ReportSpec:
    return load_spec(EXAMPLE_SPEC)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REPO / "content")


@pytest.fixture(scope="session")
def outputs(
    loaded_db_template: Path, spec: ReportSpec, catalog: Catalog, tmp_path_factory
) -> dict[str, Path]:
    """All six files for the example spec: keys like 'kamerbrief.pdf'."""
    out = tmp_path_factory.mktemp("out")
    con = store.connect(loaded_db_template, read_only=True)
    try:
        paths = make_reports(con, spec, out, catalog=catalog)
    finally:
        con.close()
    return {f"{p.name.split('_')[0]}.{p.suffix[1:]}": p for p in paths}


@pytest.fixture(scope="session")
def csv_counts() -> dict[str, dict[int, int]]:
    """National counts per category and year, summed straight from the raw CSV."""
    return national_counts_by_category()
