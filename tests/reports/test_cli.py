"""`hic rapport` through the real CLI (Typer's runner on the real app and a real store)."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from hicmonitor.cli import app

from .conftest import EXAMPLE_SPEC

runner = CliRunner()


def test_year_without_data_names_the_years(loaded_db_template, tmp_path):
    db = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, db)
    result = runner.invoke(
        app, ["--db", str(db), "rapport", "--jaar", "2031", "--uit", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert "2031" in result.output and "2012–2023" in result.output
    assert not (tmp_path / "o").exists()


def test_bad_spec_names_file_line_and_field(loaded_db_template, tmp_path):
    db = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, db)
    text = EXAMPLE_SPEC.read_text(encoding="utf-8").replace(
        "jaar: 2023", "jaar: 2023\nkleur: rood", 1
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "o"
    result = runner.invoke(
        app, ["--db", str(db), "rapport", "--jaar", "2023", "--spec", str(spec), "--uit", str(out)]
    )
    assert result.exit_code == 1
    line = text.splitlines().index("kleur: rood") + 1
    flat = " ".join(result.output.split())
    assert f"regel {line}" in flat and "kleur" in flat and "spec.yaml" in flat
    assert not out.exists()


def test_html_only_run(loaded_db_template, tmp_path):
    db = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, db)
    out = tmp_path / "o"
    result = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "rapport",
            "--jaar",
            "2023",
            "--spec",
            str(EXAMPLE_SPEC),
            "--uit",
            str(out),
            "--formaat",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "beslisnota_2023_VOORBEELD-2023-001.html",
        "kamerbrief_2023_VOORBEELD-2023-001.html",
    ]
