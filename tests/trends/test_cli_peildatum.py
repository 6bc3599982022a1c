"""`hic cijfers --peildatum`, `hic trend --peildatum` and `hic laad --beschikbaar-vanaf`
through the real CLI on a real store: only figures public on the peildatum are shown, and
the open year's months to date where monthly figures are loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hicmonitor.cli import app
from tests.trends import raw

CBS_HEADER = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1"
# monthly woninginbraak 2022 and 2023 (to November) nationally, values chosen to be unmistakable
MONTHS_2022 = [1901 + m for m in range(12)]
MONTHS_2023 = [1701 + m for m in range(11)]


def run(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "250"})


def nl(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.fixture(scope="module")
def db(loaded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("peildatum")
    path = folder / "hic.duckdb"
    shutil.copy(loaded_db_template, path)
    rows = []
    for m, n in enumerate(MONTHS_2022, start=1):
        rows.append(f"{len(rows)},1.1.1 ,NL01,2022MM{m:02d},{n}")
    for m, n in enumerate(MONTHS_2023, start=1):
        rows.append(f"{len(rows)},1.1.1 ,NL01,2023MM{m:02d},{n}")
    months = folder / "maanden.csv"
    months.write_text("\n".join([CBS_HEADER, *rows]) + "\n", encoding="utf-8")
    result = run(
        path, "laad", str(months), "--beschikbaar-vanaf", "2023-12-12", "--accepteer-afwijkingen"
    )
    assert result.exit_code == 0, result.output
    # December 2023 only became public in January 2024
    dec = folder / "december.csv"
    dec.write_text(f"{CBS_HEADER}\n0,1.1.1 ,NL01,2023MM12,987654\n", encoding="utf-8")
    # (a marker value, far above the real December: accepted as an exception on purpose)
    late = run(
        path, "laad", str(dec), "--beschikbaar-vanaf", "2024-01-16", "--accepteer-afwijkingen"
    )
    assert late.exit_code == 0, late.output
    return path


def test_cijfers_as_of_the_letter(db: Path) -> None:
    s = raw.national()
    result = run(db, "cijfers", "--peildatum", "2023-12-18")
    assert result.exit_code == 0, result.output
    out = result.output
    assert nl(s["woninginbraak"][2022]) in out
    assert nl(s["woninginbraak"][2023]) not in out  # published January 2024
    # the months to date, provisional, beside the same months of 2022
    assert "januari–november 2023" in out and "voorlopig" in out
    assert nl(sum(MONTHS_2023)) in out and nl(sum(MONTHS_2022[:11])) in out
    assert "987.654" not in out
    # the ram- en plofkraken count of 14 December 2023 runs to 30 November
    assert "2023 (t/m 30 november)" in out
    later = run(db, "cijfers")
    assert nl(s["woninginbraak"][2023]) in later.output


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_as_of_a_date(db: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"x.{fmt}"
    result = run(db, "cijfers", "--peildatum", "2023-12-18", "--formaat", fmt, "--uit", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert str(raw.national()["woninginbraak"][2023]) not in text
    assert "987654" not in text
    if fmt == "json":
        rows = json.loads(text)
        atm = [r for r in rows if r["category"] == "ram_plofkraak"]
        rows = [r for r in rows if r["category"] != "ram_plofkraak"]
        open_year = [r for r in rows if r["maanden"] < 12]
        assert {(r["year"], r["maanden"], r["count"], r["provisional"]) for r in open_year} == {
            (2023, 11, sum(MONTHS_2023), True)
        }
        assert max(r["year"] for r in rows if r["maanden"] == 12) == 2022
        # the police count of 14 December 2023 covers January to November
        assert {(r["counter"], r["maanden"]) for r in atm if r["year"] == 2023} == {("politie", 11)}


def test_trend_as_of_the_letter(db: Path) -> None:
    s = raw.national()["woninginbraak"]
    result = run(db, "trend", "--categorie", "woninginbraak", "--peildatum", "2023-12-18")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "reeks 2012–2022" in out
    assert nl(s[2023]) not in out
    change = (sum(MONTHS_2023) - sum(MONTHS_2022[:11])) / sum(MONTHS_2022[:11]) * 100
    assert change < 0
    assert (
        f"In januari–november 2023 (voorlopige cijfers) registreerde de politie in Nederland "
        f"{nl(sum(MONTHS_2023))} woninginbraken"
    ) in out


def test_bad_peildatum_is_a_dutch_error(db: Path) -> None:
    result = run(db, "cijfers", "--peildatum", "18-12-2023")
    assert result.exit_code == 1
    assert "--peildatum" in result.output and "JJJJ-MM-DD" in result.output


def test_beschikbaar_vanaf_before_the_period_is_refused(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "m.csv"
    f.write_text(f"{CBS_HEADER}\n0,1.1.1 ,NL01,2024MM05,12\n", encoding="utf-8")
    result = run(db, "laad", str(f), "--beschikbaar-vanaf", "2024-04-01")
    assert result.exit_code == 1
    assert "vóór het begin van periode 2024-05-01" in " ".join(result.output.split())


def test_status_shows_when_figures_became_public(db: Path) -> None:
    result = run(db, "status")
    assert "openbaar vanaf" in result.output
    assert "2018-03-31 – 2024-01-18" in result.output  # the national file's years
