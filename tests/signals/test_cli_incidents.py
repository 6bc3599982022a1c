"""``hic signalen --incidenten|--bron``: weekly and monthly signals per grid cell on incident
data, through the real CLI. Counts are checked against the incident file read with the
standard library; the output names cells, never an incident's coordinates."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hicmonitor.cli import app
from tests.conftest import DATA

CHICAGO = DATA / "incidents" / "chicago_burglary_2014_2017.csv"
SPIKE_CELL = (131, 487)  # the 1 km cell of the planted outbreak (x // 1000, y // 1000)
SPIKE_WEEK = dt.date(2017, 7, 24)  # a Monday: ISO week 30 of 2017


def run(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "200"})


def signals(db: Path, *args: str) -> list[dict]:
    result = run(db, "signalen", *args, "--formaat", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def iso_label(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


@pytest.fixture(scope="module")
def db(loaded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("incidenten") / "hic.duckdb"
    shutil.copy(loaded_db_template, path)
    return path


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple]]:
    """Four years of incidents on a 5 x 5 km area (RD New), about one a week per cell, and an
    outbreak of 14 incidents in one cell in one week of 2017."""
    rng = np.random.default_rng(30)
    rows = []
    days = (dt.date(2017, 12, 31) - dt.date(2014, 1, 1)).days + 1
    for _ in range(25 * days // 7):
        x = rng.uniform(129_000, 134_000)
        y = rng.uniform(485_000, 490_000)
        rows.append((x, y, dt.date(2014, 1, 1) + dt.timedelta(days=int(rng.integers(0, days)))))
    for _ in range(14):
        x = SPIKE_CELL[0] * 1000 + rng.uniform(100, 900)
        y = SPIKE_CELL[1] * 1000 + rng.uniform(100, 900)
        rows.append((x, y, SPIKE_WEEK + dt.timedelta(days=int(rng.integers(0, 7)))))
    path = tmp_path_factory.mktemp("geplant") / "incidenten.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["x", "y", "date_single"])
        for x, y, d in rows:
            w.writerow([f"{x:.3f}", f"{y:.3f}", d.strftime("%d/%m/%Y")])
    return path, rows


def test_planted_outbreak_is_found(db: Path, planted) -> None:
    path, rows = planted
    got = signals(db, "--incidenten", str(path), "--periode", iso_label(SPIKE_WEEK))
    assert got, "the outbreak was not found"
    top = got[0]
    assert top["cell"] == f"1kmE{SPIKE_CELL[0]}N{SPIKE_CELL[1]}"
    assert (top["x_min"], top["y_min"]) == (SPIKE_CELL[0] * 1000, SPIKE_CELL[1] * 1000)
    want = sum(
        1
        for x, y, d in rows
        if (int(x // 1000), int(y // 1000)) == SPIKE_CELL and monday(d) == SPIKE_WEEK
    )
    assert top["observed"] == want >= 14
    assert top["alarm"] is True and top["score"] > 1
    assert top["period"] == "2017-W30"
    assert top["text"].startswith(f"In cel {top['cell']} lag het aantal incidenten in week 30")
    # the same week with --delict names the crime; a week without the outbreak has no alarm
    named = signals(
        db, "--incidenten", str(path), "--periode", "2017-W30", "--delict", "woninginbraak"
    )
    assert "aantal woninginbraken in week 30 van 2017" in named[0]["text"]
    quiet = signals(db, "--incidenten", str(path), "--periode", "2017-W20", "--alle")
    cell = next(r for r in quiet if r["cell"] == top["cell"])
    assert cell["alarm"] is False


def test_output_names_cells_not_addresses(db: Path, planted) -> None:
    path, rows = planted
    result = run(db, "signalen", "--incidenten", str(path), "--jaar", "2017", "--formaat", "csv")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for x, y, _ in rows[:200]:
        assert f"{x:.3f}" not in out and f"{y:.3f}" not in out
    for r in csv.DictReader(out.splitlines()):
        assert int(r["x_min"]) % 1000 == 0 and int(r["y_min"]) % 1000 == 0
    refused = run(db, "signalen", "--incidenten", str(path), "--raster", "50")
    assert refused.exit_code == 1 and "cellen van minstens 100 meter" in refused.output


def test_chicago_last_week_per_km_cell(db: Path) -> None:
    got = signals(db, "--incidenten", str(CHICAGO), "--raster", "1000", "--alle")
    assert {r["period"] for r in got} == {"2017-W52"}  # 25-31 December 2017: complete
    counts: Counter = Counter()
    cells = set()
    with CHICAGO.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            x, y = float(r["x"]), float(r["y"])
            cell = f"1kmE{int(x // 1000)}N{int(y // 1000)}"
            cells.add(cell)
            day = dt.datetime.strptime(r["date_single"], "%d/%m/%Y").date()
            if monday(day) == dt.date(2017, 12, 25):
                counts[cell] += 1
    assert {r["cell"] for r in got} == cells
    assert {r["cell"]: r["observed"] for r in got if r["observed"]} == dict(counts)
    assert sum(r["observed"] for r in got) == sum(counts.values())
    alarms = [r for r in got if r["alarm"]]
    assert all(r["observed"] > r["upperbound"] for r in alarms)
    # the table names the scope
    table = run(db, "signalen", "--incidenten", str(CHICAGO))
    assert table.exit_code == 0
    assert f"{len(cells)} cellen van 1 km met incidenten" in " ".join(table.output.split())


def test_loaded_source_gives_the_same(db: Path, tmp_path: Path, planted) -> None:
    path, _ = planted
    own = tmp_path / "hic.duckdb"
    shutil.copy(db, own)
    loaded = run(own, "nabijheid", "laad", str(path))
    assert loaded.exit_code == 0, loaded.output
    source = loaded.output.split()[1].rstrip(":")
    a = signals(own, "--bron", source, "--periode", "2017-W30", "--alle")
    b = signals(own, "--incidenten", str(path), "--periode", "2017-W30", "--alle")
    assert a == b


def test_monthly_and_the_peildatum(db: Path, planted) -> None:
    path, rows = planted
    months = signals(db, "--incidenten", str(path), "--periode", "maand", "--alle")
    assert {r["period"] for r in months} == {"2017-12"}
    want: Counter = Counter(
        f"1kmE{int(x // 1000)}N{int(y // 1000)}"
        for x, y, d in rows
        if (d.year, d.month) == (2017, 12)
    )
    assert {r["cell"]: r["observed"] for r in months if r["observed"]} == dict(want)
    # as of 1 August 2017 the last complete week is week 30 (24-30 July): the outbreak
    early = signals(db, "--incidenten", str(path), "--peildatum", "2017-08-01")
    assert {r["period"] for r in early} == {"2017-W30"}
    assert early[0]["cell"] == f"1kmE{SPIKE_CELL[0]}N{SPIKE_CELL[1]}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--periode", "jaar"], "incidentdata geeft week- of maandreeksen"),
        (["--regio", "Utrecht"], "--regio en --categorie gelden voor de politiecijfers"),
        (["--tijdstip", "straks"], "--tijdstip: onbekend 'straks'"),
        (["--periode", "2019-W02"], "geen incidenten over week 2 van 2019"),
    ],
)
def test_incident_errors(db: Path, planted, args, message) -> None:
    path, _ = planted
    result = run(db, "signalen", "--incidenten", str(path), *args)
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())


def test_month_resolution_refuses_weeks(db: Path) -> None:
    path = DATA / "incidents" / "nottingham_burglary_2022.csv.gz"
    result = run(db, "signalen", "--incidenten", str(path), "--periode", "week")
    assert result.exit_code == 1
    assert "alleen de maand bekend" in result.output and "--periode maand" in result.output
    monthly = run(db, "signalen", "--incidenten", str(path), "--periode", "maand")
    # one year of months: too short for a baseline of 3 years, and said so
    assert monthly.exit_code == 0, monthly.output
    rows = signals(db, "--incidenten", str(path), "--periode", "maand", "--alle")
    assert rows and {r["reason"] for r in rows} == {"te kort voor een basislijn van 3 jaar"}
    # the table without --alle says why no upper bound could be computed, with the count
    text = " ".join(monthly.output.split())
    assert f"Zonder bovengrens: {len(rows)} × te kort voor een basislijn van 3 jaar." in text
