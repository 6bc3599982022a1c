"""CLI conventions: every listing command has the same `--formaat` set and `--uit`; csv and
json go to standard output (so they pipe); exports hold values (integers stay integers,
rates full precision); tables show Dutch decimals; counts meet their noun in the singular
or plural; and the small silent wrong answers of the tidy files are gone."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from hicmonitor import store
from hicmonitor.cli import app
from hicmonitor.errors import InputError
from hicmonitor.store import loading
from tests.catalog.conftest import CONTENT
from tests.conftest import dump
from tests.trends import raw

LISTINGS = {
    "cijfers": ["cijfers", "--regio", "Amsterdam", "--categorie", "woninginbraak"],
    "trend": ["trend", "--regio", "Amsterdam", "--categorie", "woninginbraak"],
    "vergelijk": ["vergelijk", "Amsterdam", "--categorie", "woninginbraak"],
    "maatregelen": ["maatregelen", "--categorie", "straatroof"],
    "moties": ["moties"],
    "wetgeving": ["wetgeving"],
    "status": ["status"],
    "signalen": ["signalen", "--jaar", "2024"],
}


@pytest.fixture(scope="module")
def db(loaded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    path = tmp_path_factory.mktemp("conventions") / "hic.duckdb"
    shutil.copy(loaded_db_template, path)
    return path


def run(db: Path, *args: str):
    return CliRunner().invoke(
        app,
        ["--db", str(db), *args],
        env={"COLUMNS": "250", "HICMONITOR_CONTENT": str(CONTENT)},
    )


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command", sorted(LISTINGS))
def test_csv_and_json_go_to_standard_output(db: Path, command: str) -> None:
    as_csv = run(db, *LISTINGS[command], "--formaat", "csv")
    assert as_csv.exit_code == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows and len(rows[0]) > 2
    as_json = run(db, *LISTINGS[command], "--formaat", "json")
    assert as_json.exit_code == 0, as_json.stderr
    records = json.loads(as_json.stdout)
    assert isinstance(records, list) and len(records) == len(rows)


@pytest.mark.parametrize("command", sorted(LISTINGS))
@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_binary_formats_need_uit(db: Path, command: str, fmt: str) -> None:
    result = run(db, *LISTINGS[command], "--formaat", fmt)
    assert result.exit_code == 1
    assert "geef met --uit het pad" in flat(result.stderr)
    assert result.stdout == ""


@pytest.mark.parametrize("command", sorted(LISTINGS))
def test_every_format_to_a_file(db: Path, command: str, tmp_path: Path) -> None:
    sizes = {}
    for fmt in ("csv", "json", "parquet", "xlsx"):
        out = tmp_path / f"{command}.{fmt}"
        result = run(db, *LISTINGS[command], "--formaat", fmt, "--uit", str(out))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "" and f"geschreven: {out}" in flat(result.stderr)
        if fmt == "csv":
            sizes[fmt] = len(list(csv.DictReader(out.open(encoding="utf-8"))))
        elif fmt == "json":
            sizes[fmt] = len(json.loads(out.read_text("utf-8")))
        elif fmt == "parquet":
            sizes[fmt] = pq.read_table(out).num_rows
        else:
            sizes[fmt] = openpyxl.load_workbook(out).active.max_row - 1
    assert len(set(sizes.values())) == 1 and sizes["csv"] > 0, sizes
    # the format may also come from the extension alone
    out = tmp_path / f"{command}-ext.json"
    assert run(db, *LISTINGS[command], "--uit", str(out)).exit_code == 0
    assert json.loads(out.read_text("utf-8"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--formaat", "pdf"], "--formaat: onbekend 'pdf'"),
        (["--formaat", "tabel", "--uit", "x.csv"], "--uit werkt niet met --formaat tabel"),
        (["--uit", "x.doc"], "onbekend formaat 'doc'"),
    ],
)
def test_format_errors_are_dutch(db: Path, args: list[str], words: str) -> None:
    for command in ("cijfers", "moties"):
        result = run(db, *LISTINGS[command], *args)
        assert result.exit_code == 1 and words in flat(result.stderr), result.stderr


def test_exports_keep_integers_and_full_precision(db: Path, tmp_path: Path) -> None:
    pop = raw.population_today()["GM0363"]
    counts = raw.municipal()[("woninginbraak", "GM0363")]
    records = json.loads(run(db, *LISTINGS["cijfers"], "--formaat", "json").stdout)
    for r in records:
        assert isinstance(r["count"], int) and isinstance(r["inhabitants"], int)
        assert r["per_1000"] == counts[r["year"]] / pop[r["year"]] * 1000  # not rounded
    text = run(db, *LISTINGS["cijfers"], "--formaat", "csv").stdout
    for r in csv.DictReader(io.StringIO(text)):
        assert re.fullmatch(r"\d+", r["count"]) and re.fullmatch(r"\d+", r["inhabitants"])
        assert float(r["per_1000"]) == counts[int(r["year"])] / pop[int(r["year"])] * 1000
    out = tmp_path / "c.parquet"
    run(db, *LISTINGS["cijfers"], "--formaat", "parquet", "--uit", str(out))
    schema = pq.read_table(out).schema
    assert str(schema.field("count").type) == "int64"
    assert str(schema.field("inhabitants").type) == "int64"
    trend = json.loads(run(db, *LISTINGS["trend"], "--formaat", "json").stdout)
    assert all(isinstance(r["count"], int) for r in trend)
    assert all(r["change_abs"] is None or isinstance(r["change_abs"], int) for r in trend)


def test_csv_pipes_in_a_real_subprocess(db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), *LISTINGS["cijfers"]]
        + ["--formaat", "csv"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("category,label,region_code,year,maanden,count")
    assert "geschreven" not in proc.stdout


def test_vergelijk_jaar(db: Path) -> None:
    result = run(db, "vergelijk", "Amsterdam", "--categorie", "woninginbraak", "--jaar", "2020")
    assert result.exit_code == 0, result.stderr
    assert "(GM0363), 2020" in result.stdout and "in 2020" in flat(result.stdout)
    records = json.loads(
        run(db, "vergelijk", "GM0363", "--jaar", "2019", "--formaat", "json").stdout
    )
    assert {r["year"] for r in records} == {2019}
    result = run(db, "vergelijk", "Amsterdam", "--jaar", "1990")
    assert result.exit_code == 1 and "--jaar 1990: geen cijfers voor Amsterdam" in result.stderr


def test_national_table_has_rates_per_1000_with_dutch_decimals(db: Path) -> None:
    result = run(db, "cijfers")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Per 1.000 inwoners — Nederland (NL01)" in text and "inwoners" in text
    total = sum(p[2023] for code, p in raw.population().items() if 2023 in p)
    rate = raw.national()["woninginbraak"][2023] / total * 1000
    row = next(line for line in text.split("Per 1.000")[1].splitlines() if "2023" in line)
    assert f"{rate:.2f}".replace(".", ",") in row
    assert not re.search(r"\b\d+\.\d{2}\b", text.split("Ram- en")[0])  # no decimal points
    records = json.loads(run(db, "cijfers", "--formaat", "json").stdout)
    nl = [r for r in records if r["category"] == "woninginbraak" and r["year"] == 2023][0]
    assert nl["inhabitants"] == total and nl["per_1000"] == pytest.approx(rate, rel=1e-15)


def test_ram_plofkraak_shows_its_own_rows(db: Path) -> None:
    result = run(db, "cijfers", "--categorie", "ram_plofkraak")
    assert result.exit_code == 0, result.stderr
    text = flat(result.stdout)
    assert "Ram- en plofkraken (eigen reeks; NVB en politie tellen anders: niet optellen)" in text
    with (raw.NL / "published_atm_attacks.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 15
    for r in rows:
        assert f"{r['year']} │ {r['counter']}" in result.stdout.replace("  ", " ") or (
            r["counter"] in text and r["year"] in text
        )
    records = json.loads(
        run(db, "cijfers", "--categorie", "ram_plofkraak", "--formaat", "json").stdout
    )
    assert len(records) == 15 and {r["counter"] for r in records} == {"NVB", "politie"}
    assert all(r["category"] == "ram_plofkraak" and r["per_1000"] is None for r in records)
    result = run(db, "cijfers", "--regio", "Amsterdam", "--categorie", "ram_plofkraak")
    assert result.exit_code == 1 and "eigen landelijke reeks" in result.stderr


def test_singular_and_plural(db: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("region_code,year,inhabitants\nGM0363,2026,935000\n", "utf-8")
    result = run(db, "laad", str(one))
    if result.exit_code == 0:
        assert "1 rij bevolking geladen" in result.stdout
    else:  # 2026 is only a possible year from 2026 on
        assert "onmogelijk jaar" in result.stderr
    two = tmp_path / "two.csv"
    two.write_text(
        "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1\n"
        "0,1.1.1 ,BU03630001,2023MM01,4\n1,1.1.1 ,BU03630001,2023MM02,\n",
        "utf-8",
    )
    result = run(db, "laad", str(two))
    assert result.exit_code == 0, result.stderr
    assert "1 rij misdrijven geladen" in result.stdout
    assert "1 lege cel (geen cijfer) overgeslagen" in result.stdout
    status = flat(run(db, "status").stdout)
    assert re.search(r"Bevolking: 2012–20\d\d, \d+ regio's, [\d.]+ rijen", status)


def test_trailing_empty_columns_are_reported(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text(
        "region_code,year,inhabitants,,\nGM0363,2024,932912,,\nGM0344,2024,374000,,\n", "utf-8"
    )
    result = run(db, "laad", str(path))
    assert result.exit_code == 0, result.stderr
    assert "kolommen 4 en 5 zonder naam in de kopregel (leeg) genegeerd" in flat(result.stdout)


def test_value_in_a_column_without_a_name_is_refused(loaded_db: Path, tmp_path: Path) -> None:
    """ "1,234" in a comma file shifts the row: the value lands in a column without a name."""
    path = tmp_path / "shifted.csv"
    path.write_text(
        "crime_code,crime_label,region_code,year,registered_crimes,provisional,\n"
        "1.1.1,Woninginbraak,GM0363,2023,1,234,0\n",
        "utf-8",
    )
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(InputError) as info:
        loading.load_file(con, path)
    assert info.value.line == 2 and info.value.field == "kolom 7"
    assert "geen naam" in str(info.value)
    assert dump(con) == before
    # the fast path checks the same (and the precise path names the line)
    big = tmp_path / "shifted_open.csv"
    big.write_text(
        "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1,\n"
        "0,1.1.1 ,BU03630001,2023MM01,4,\n1,1.1.1 ,BU03630001,2023MM02,1,234\n",
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        loading.load_file(con, big, fast=True)
    assert info.value.line == 3 and info.value.field == "kolom 6"
    assert dump(con) == before


def test_year_written_as_a_decimal(loaded_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "year.csv"
    path.write_text("region_code,year,inhabitants\nGM0363,2023.0,900000\n", "utf-8")
    con = store.connect(loaded_db)
    before = dump(con)
    con.close()
    result = run(loaded_db, "laad", str(path))
    assert result.exit_code == 1
    message = flat(result.stderr)
    assert "year.csv, regel 2, veld 'year'" in message
    assert "jaar '2023.0' is als decimaal getal geschreven" in message
    assert "schrijf het jaar zonder decimalen: 2023" in message
    con = store.connect(loaded_db)
    assert dump(con) == before
