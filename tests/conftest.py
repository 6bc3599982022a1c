"""Shared fixtures: a real DuckDB store with the embedded data set, built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hicmonitor import store
from hicmonitor.services.database import connect_loaded

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def loaded_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "template.duckdb"
    con = connect_loaded(path)
    con.close()
    return path


@pytest.fixture
def loaded_db(loaded_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the loaded store (safe to modify)."""
    path = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, path)
    return path


@pytest.fixture(scope="session")
def chromium():
    """One real Chromium (Debian's, through Playwright) for every browser test of the
    session (tests/web and tests/workflow)."""
    from tests.web import browser

    why = browser.missing()
    if why:
        pytest.fail(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = browser.launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shared_con(loaded_db_template: Path):
    """A read-only connection to the loaded store, for tests that only read."""
    con = store.connect(loaded_db_template, read_only=True)
    yield con
    con.close()


def national_counts_by_category() -> dict[str, dict[int, int]]:
    """National counts per HIC category and year, summed straight from the raw CSV."""
    import csv

    from hicmonitor import taxonomy

    wanted = {code: c.id for c in taxonomy.police_categories() for code in c.codes}
    out: dict[str, dict[int, int]] = {}
    with (DATA / "nl" / "registered_crime_national_yearly.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["incident_type_code"].split(" ", 1)[0]
            if code in wanted:
                per_year = out.setdefault(wanted[code], {})
                year = int(row["year"])
                per_year[year] = per_year.get(year, 0) + int(row["incident_count"])
    return out


def dump(con) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal dumps mean an unchanged store."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
        ).fetchall()
    ]
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
