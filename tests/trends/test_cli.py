"""`hic trend`, `hic vergelijk`, `hic afstemming` on a real store.

Most run in-process through Typer's runner (the real app, the real store file); one runs
the installed command in a subprocess to check the exit code and the message on stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hicmonitor.cli import app
from tests.trends import raw


@pytest.fixture(scope="module")
def db(loaded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    path = tmp_path_factory.mktemp("cli") / "hic.duckdb"
    shutil.copy(loaded_db_template, path)
    return path


def run(db: Path, *args: str):
    result = CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "250"})
    return result


def nl(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_trend_woninginbraak_national(db: Path, tmp_path: Path) -> None:
    s = raw.national()["woninginbraak"]
    out = run(db, "trend", "--categorie", "woninginbraak", "--grafiek", str(tmp_path / "w.svg"))
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert f"van {nl(s[2012])} naar {nl(s[2019])}" in text
    assert "daalde het aantal sneller dan de trend" in text
    assert f"tot {nl(s[2022])}" in text and f"tot {nl(s[2023])}" in text
    assert f"onder het niveau van 2019 ({nl(s[2019])})" in text
    assert (tmp_path / "w.svg").exists()


def test_trend_by_name_with_baseline_range(db: Path, tmp_path: Path) -> None:
    out = run(
        db,
        "trend",
        "--regio",
        "s-hertogenbosch",
        "--categorie",
        "geweld",
        "--basisjaar",
        "2017-2019",
        "--grafiek",
        str(tmp_path / "m"),
    )
    assert out.exit_code == 0, out.output
    assert "'s-Hertogenbosch (GM0796)" in out.output
    assert "gemiddelde 2017–2019 = 100" in out.output
    spec = json.loads((tmp_path / "m" / "geweld.json").read_text("utf-8"))
    assert {v["jaar"]: v["waarde"] for v in spec["data"]["values"]} == raw.municipal()[
        ("geweld", "GM0796")
    ]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["trend", "--regio", "Amsterdm"], "Amsterdam"),
        (["trend", "--categorie", "woninginbrak"], "bedoelde u: woninginbraak"),
        (
            ["trend", "--regio", "Utrecht", "--categorie", "straatroof"],
            "wel voor: woninginbraak, geweld",
        ),
        (["trend", "--basisjaar", "2030"], "er zijn cijfers voor de jaren 2012–2023"),
        (["trend", "--basisjaar", "vorig jaar"], "basisjaar 'vorig jaar'"),
        (["vergelijk", "NL01"], "is geen gemeente"),
        (["trend", "--grafiek", "x.gif"], ".svg, .png of .json"),
    ],
)
def test_bad_input_gets_a_dutch_error(db: Path, args: list[str], needle: str) -> None:
    out = run(db, *args)
    assert out.exit_code == 1, out.output
    message = " ".join(out.stderr.split())
    assert message.startswith("fout: ") and needle in message


def test_vergelijk(db: Path) -> None:
    out = run(db, "vergelijk", "amsterdam", "--categorie", "woninginbraak")
    assert out.exit_code == 0, out.output
    assert "250.000 inwoners of meer" in out.output and "alle gemeenten" in out.output
    count = raw.municipal()[("woninginbraak", "GM0363")][2025]
    assert f"{nl(count)} geregistreerd" in out.output


def test_afstemming(db: Path) -> None:
    out = run(db, "afstemming")
    assert out.exit_code == 0, out.output
    pub, nat = raw.published()["geweld"], raw.national()["geweld"]
    mad = sum(abs(nat[y] - pub[y]) for y in range(2012, 2020)) / 8
    assert f"Geweld (1.4.2 + 1.4.4 + 1.4.5), 2012–2019: {nl(round(mad))} per jaar" in out.output


def test_subprocess_exit_code_and_stderr(db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), "trend", "--regio", "Bergen"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 1
    assert "Bergen (NH.)" in proc.stderr and "Bergen (L.)" in proc.stderr
    assert "Traceback" not in proc.stderr
