"""Output (CSV, JSON, heat map, Dutch summary) and the `hic nabijheid` commands end to end."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from hicmonitor.analysis.nearrepeat import bands, knox_test
from hicmonitor.analysis.nearrepeat_report import heatmap, summary_nl, to_json, write_csv
from hicmonitor.cli import app


@pytest.fixture(scope="module")
def small(incidents_dir):
    df = pd.read_csv(incidents_dir / "chicago_be_month1.csv", header=None, names=["x", "y", "d"])
    t = (pd.to_datetime(df["d"]) - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    return knox_test(
        df["x"].to_numpy(),
        df["y"].to_numpy(),
        t,
        bands([0, 0.1, 200, 400, 600]),
        bands([0, 7, 14, 21]),
        nrep=199,
        seed=5,
    )


def test_summary_only_significant_and_meaningful_cells(small):
    lines = summary_nl(small, "woninginbraak")
    cells = [ln for ln in lines if "Knox-ratio" in ln]
    sig = (small.p_values <= 0.05) & (small.knox_ratio >= 1.2)
    assert len(cells) == sig.sum() == 2
    pct = round((small.knox_ratio[1, 0] - 1) * 100)
    assert any(
        ln.startswith("Op 0,1 tot 200 meter en binnen 7 dagen na een woninginbraak")
        and f"ongeveer {pct}% groter dan zonder patroon" in ln
        for ln in cells
    )
    assert cells[0].startswith("Op dezelfde locatie en binnen 7 dagen")


def test_summary_article_agrees_with_the_noun(small):
    de_word = " ".join(summary_nl(small, "woninginbraak"))
    het_word = " ".join(summary_nl(small, "incident"))
    assert "een volgende woninginbraak" in de_word and "een volgend " not in de_word
    assert "een volgend incident" in het_word and "een volgende incident" not in het_word
    assert "een volgend geweldsdelict" in " ".join(summary_nl(small, "geweld"))


def test_summary_without_pattern(small):
    strict = summary_nl(small, "straatroof", min_ratio=100)
    assert len(strict) == 1 and strict[0].startswith("Geen significant")


def test_csv_and_json_carry_the_tables(small):
    frame = pd.read_csv(io.StringIO(write_csv(small)))
    np.testing.assert_array_equal(frame["waargenomen"].to_numpy().reshape(4, 3), small.observed)
    doc = json.loads(to_json(small, source="x", delict="woninginbraak"))
    assert [c["waargenomen"] for c in doc["cellen"]] == small.observed.ravel().tolist()
    assert doc["afstandsbanden"]["grenzen"] == [0, 0.1, 200, 400, 600]
    assert doc["samenvatting"] == summary_nl(small, "woninginbraak")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_heatmap_files(small, tmp_path, suffix):
    out = heatmap(small, tmp_path / f"kaart{suffix}")
    head = out.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in out.read_bytes()


runner = CliRunner()


def test_cli_load_and_analyse_from_store(tmp_path, incidents_dir):
    db = tmp_path / "hic.duckdb"
    f = incidents_dir / "chicago_be_month1.csv"
    r = runner.invoke(
        app, ["--db", str(db), "nabijheid", "laad", str(f), "--delict", "woninginbraak"]
    )
    assert r.exit_code == 0, r.output
    assert "970 incidenten geladen" in r.output
    r = runner.invoke(app, ["--db", str(db), "nabijheid", "laad", str(f)])
    assert "al geladen" in r.output
    out = tmp_path / "knox.json"
    r = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "nabijheid",
            "analyse",
            "--bron",
            "1",
            "--permutaties",
            "99",
            "--zaad",
            "1",
            "--formaat",
            "json",
            "--uitvoer",
            str(out),
            "--kaart",
            str(tmp_path / "k.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert [c["waargenomen"] for c in doc["cellen"][:3]] == [28, 5, 5]
    assert (tmp_path / "k.png").exists()


def test_cli_nrc_table_and_repeat(incidents_dir):
    f = str(incidents_dir / "chicago_be_month1.csv")
    r = runner.invoke(
        app,
        [
            "nabijheid",
            "analyse",
            f,
            "--nrc",
            "100,3,7,3",
            "--permutaties",
            "19",
            "--formaat",
            "csv",
        ],
    )
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert frame["waargenomen"].iloc[:4].tolist() == [28, 5, 5, 2]
    assert (
        frame["afstand"].iloc[4] == "1 to 100" and frame["afstand_interval"].iloc[4] == "[1; 100)"
    )
    r = runner.invoke(app, ["nabijheid", "herhaling", f, "--formaat", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["incidenten"] == 970


def test_cli_refuses_month_data_and_bad_options(incidents_dir):
    r = runner.invoke(
        app, ["nabijheid", "analyse", str(incidents_dir / "nottingham_robbery_2022.csv.gz")]
    )
    assert r.exit_code == 1 and "alleen de maand" in " ".join(r.stderr.split())
    r = runner.invoke(
        app,
        [
            "nabijheid",
            "analyse",
            str(incidents_dir / "chicago_be_month1.csv"),
            "--afstanden",
            "0,honderd",
        ],
    )
    assert r.exit_code == 1 and "honderd" in r.stderr
