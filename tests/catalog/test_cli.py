"""The catalogue commands end to end, in a real subprocess against a real store."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.catalog.conftest import BROKEN, CONTENT


def invoke(db: Path, *args: str):
    """In-process run of the same command (one interpreter start for the export tests)."""
    from typer.testing import CliRunner

    from hicmonitor.cli import app

    runner = CliRunner(env={"COLUMNS": "400", "HICMONITOR_CONTENT": str(CONTENT)})
    return runner.invoke(app, ["--db", str(db), *args])


def hic(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400", "HICMONITOR_CONTENT": str(CONTENT)},
    )


def test_straatroof_with_first_indications_lists_ajb(loaded_db: Path, seed) -> None:
    run = hic(
        loaded_db,
        "maatregelen",
        "--categorie",
        "straatroof",
        "--erkenning-minimaal",
        "effectief volgens eerste aanwijzingen",
    )
    assert run.returncode == 0, run.stderr
    ajb = seed["maatregelen"]["alleen-jij-bepaalt-wie-je-bent"]
    for text in [
        "Alleen Jij Bepaalt Wie Je Bent",
        "effectief volgens eerste aanwijzingen",
        "2019-03-13",
        ajb["bronnen"][0],
    ]:
        assert text in run.stdout, text
    # nothing else qualifies: every other measure is below that level or not about straatroof
    assert "Kapot Sterk" not in run.stdout and "IPTA" not in run.stdout


def test_controleer_passes_the_seed_and_rejects_a_broken_file(
    loaded_db: Path, tmp_path: Path
) -> None:
    ok = hic(loaded_db, "catalogus", "controleer")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "geen fouten" in ok.stdout

    root = tmp_path / "content"
    for kind in ("maatregelen", "moties", "wetgeving", "partners"):
        shutil.copytree(CONTENT / kind, root / kind)
    bad = BROKEN / "04-onbekende-gemeentecode" / "maatregelen" / "test-maatregel.yaml"
    shutil.copy(bad, root / "maatregelen" / bad.name)
    run = hic(loaded_db, "catalogus", "controleer", "--map", str(root))
    assert run.returncode == 1
    out = " ".join(run.stdout.split())
    assert (
        f"{root / 'maatregelen' / bad.name}, regel 16, veld 'gemeenten[0].code': "
        "gemeentecode GM9999 (Amsterdam) staat niet in de store" in out
    )
    assert "1 fout." in out


def test_exports(loaded_db: Path, tmp_path: Path, seed) -> None:
    # JSON on stdout: the full items with the content's field names
    run = invoke(loaded_db, "maatregelen", "--aanpak", "situationeel", "--formaat", "json")
    assert run.exit_code == 0, run.output
    items = json.loads(run.stdout)
    expected = sorted(i for i, m in seed["maatregelen"].items() if "situationeel" in m["aanpak"])
    assert [i["id"] for i in items] == expected
    assert all(i["bronnen"] == seed["maatregelen"][i["id"]]["bronnen"] for i in items)

    # CSV to a file
    out = tmp_path / "moties.csv"
    run = invoke(loaded_db, "moties", "--jaar", "2023", "--formaat", "csv", "--uit", str(out))
    assert run.exit_code == 0, run.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    answered = sorted(
        i
        for i, m in seed["moties"].items()
        if any(a["jaar"] == 2023 for a in m.get("beantwoord_in", []))
    )
    assert [r["id"] for r in rows] == answered
    assert {r["kamerstuk"] for r in rows} == {seed["moties"][i]["kamerstuk"] for i in answered}

    # Excel
    xlsx = tmp_path / "wetgeving.xlsx"
    run = invoke(loaded_db, "wetgeving", "--formaat", "xlsx", "--uit", str(xlsx))
    assert run.exit_code == 0, run.output
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    values = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)
    ]
    assert sorted(v["id"] for v in values) == sorted(seed["wetgeving"])
    for v in values:
        fases = seed["wetgeving"][v["id"]]["fases"]
        assert v["laatste fase"] == (fases[-1]["fase"] if fases else "onbekend")


def test_user_errors_are_dutch_and_exit_1(loaded_db: Path) -> None:
    run = hic(loaded_db, "maatregelen", "--formaat", "xlsx")
    assert run.returncode == 1
    assert "geef met --uit het pad" in run.stderr
    # in-process too: the one error handler turns the HicError into "fout: …", exit code 1
    run = invoke(loaded_db, "moties", "--status", "klaar")
    assert run.exit_code == 1
    assert "fout: --status: onbekende waarde 'klaar'" in run.stderr
    assert "Traceback" not in run.output
