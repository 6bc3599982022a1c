"""The `hic` command end to end, in a real subprocess against a real store."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq

from tests.conftest import DATA

NL = DATA / "nl"


def hic(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def amsterdam_raw() -> dict[int, tuple[int, int]]:
    with (NL / "registered_crime_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        crimes = {
            int(r["year"]): int(r["registered_crimes"])
            for r in csv.DictReader(fh)
            if r["region_code"] == "GM0363" and r["crime_code"] == "1.1.1"
        }
    # on today's boundaries: Weesp (GM0457) became part of Amsterdam in 2022
    pop: dict[int, int] = {}
    with (NL / "population_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["region_code"] in ("GM0363", "GM0457"):
                year = int(r["year"])
                pop[year] = pop.get(year, 0) + int(r["inhabitants"])
    return {y: (crimes[y], pop[y]) for y in crimes}


def dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_cijfers_amsterdam_woninginbraak(loaded_db: Path) -> None:
    proc = hic(loaded_db, "cijfers", "--regio", "GM0363", "--categorie", "woninginbraak")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for year, (count, inhabitants) in amsterdam_raw().items():
        rate = f"{count / inhabitants * 1000:.2f}".replace(".", ",")
        row = next(line for line in lines if line.strip("│ ").startswith(str(year)))
        assert dutch(count) in row and dutch(inhabitants) in row and rate in row


def test_cijfers_national_table_2012_2023(loaded_db: Path) -> None:
    proc = hic(loaded_db, "cijfers")
    assert proc.returncode == 0, proc.stderr
    for year in range(2012, 2024):
        assert any(line.strip("│ ").startswith(str(year)) for line in proc.stdout.splitlines())
    assert "22.706" in proc.stdout  # woninginbraak 2023, national file


def test_cijfers_exports(loaded_db: Path, tmp_path: Path) -> None:
    raw = amsterdam_raw()
    for fmt in ("csv", "json", "parquet", "xlsx"):
        out = tmp_path / f"a.{fmt}"
        proc = hic(
            loaded_db,
            "cijfers",
            "--regio",
            "Amsterdam",
            "--categorie",
            "woninginbraak",
            "--formaat",
            fmt,
            "--uit",
            str(out),
        )
        assert proc.returncode == 0, proc.stderr
        if fmt == "csv":
            rows = [(int(r["year"]), int(r["count"])) for r in csv.DictReader(out.open())]
        elif fmt == "json":
            rows = [(r["year"], r["count"]) for r in json.loads(out.read_text())]
        elif fmt == "parquet":
            t = pq.read_table(out).to_pydict()
            rows = list(zip(t["year"], t["count"], strict=True))
        else:
            ws = openpyxl.load_workbook(out).active
            head = [c.value for c in ws[1]]
            rows = [
                (r[head.index("year")], r[head.index("count")])
                for r in ws.iter_rows(min_row=2, values_only=True)
            ]
        assert dict(rows) == {y: c for y, (c, _) in raw.items()}


def test_laad_twice_reports_already_loaded(loaded_db: Path) -> None:
    proc = hic(loaded_db, "laad", str(NL / "population_gemeente_yearly.csv"))
    assert proc.returncode == 0 and "al geladen" in proc.stdout


def test_status(loaded_db: Path) -> None:
    proc = hic(loaded_db, "status")
    assert proc.returncode == 0, proc.stderr
    for word in ("registered_crime_gemeente_yearly.csv", "57.624", "Woninginbraak", "2012", "2025"):
        assert word in proc.stdout


def test_unknown_region_error(loaded_db: Path) -> None:
    proc = hic(loaded_db, "cijfers", "--regio", "Amsterdm")
    assert proc.returncode == 1
    assert "onbekende regio" in proc.stderr and "Amsterdam (GM0363)" in proc.stderr


def test_status_shows_revisions(loaded_db: Path, tmp_path: Path) -> None:
    header = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1\n"
    (tmp_path / "v1.csv").write_text(header + "0,1.1.1 ,GM0363,2024MM01,150\n", "utf-8")
    (tmp_path / "v2.csv").write_text(header + "0,1.1.1 ,GM0363,2024MM01,151\n", "utf-8")
    first = hic(loaded_db, "laad", str(tmp_path / "v1.csv"))
    second = hic(loaded_db, "laad", str(tmp_path / "v2.csv"))
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "herzien" in second.stdout
    status = hic(loaded_db, "status").stdout
    v1_id = next(line for line in status.splitlines() if "v1.csv" in line).split("│")[1].strip()
    v2_line = next(line for line in status.splitlines() if "v2.csv" in line)
    assert v2_line.rstrip(" │").endswith(v1_id)


def test_unknown_category_error_without_traceback(loaded_db: Path) -> None:
    proc = hic(loaded_db, "cijfers", "--categorie", "inbraak")
    assert proc.returncode == 1
    assert "onbekende categorie 'inbraak'; bedoelde u: woninginbraak" in proc.stderr
    assert "Traceback" not in proc.stderr
