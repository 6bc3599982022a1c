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
from hicmonitor.errors import HicError


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
        frame["afstand"].iloc[4] == "1 to 100" and frame["afstand_interval"].iloc[4] == "(0; 100)"
    )
    assert frame["afstand_interval"].iloc[0] == "[0; 0]"  # Same location: distance exactly 0
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
    assert r.exit_code == 1 and "honderd" in " ".join(r.stderr.split())


# --- issue 11: summary wording, seed, heat map scale, caps, long runs, date formats -----------


def test_every_summary_sentence_ends_with_its_noun(small):
    for delict, noun in (("woninginbraak", "woninginbraak"), ("geweld", "geweldsdelict")):
        for line in summary_nl(small, delict)[:2]:
            assert line.endswith(f"{noun}."), line


def test_heatmap_scale_is_logarithmic_around_one_with_a_tick_at_one(small):
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from hicmonitor.analysis.nearrepeat_report import heatmap_figure

    fig, ax, bar = heatmap_figure(small)
    try:
        norm = ax.images[0].norm
        assert isinstance(norm, LogNorm)
        assert norm(1.0) == pytest.approx(0.5)  # 1 in the middle of the colours
        assert norm(2.0) - 0.5 == pytest.approx(0.5 - norm(0.5))  # 2 and 1/2 equally far
        ticks = list(bar.get_ticks())
        assert 1.0 in ticks
        assert "1" in [t.get_text() for t in bar.ax.get_yticklabels()]
        assert str(small.seed) in ax.get_title()
    finally:
        plt.close(fig)


def test_seed_is_drawn_recorded_and_printed_when_none_is_given(tmp_path, incidents_dir):
    f = str(incidents_dir / "chicago_be_month1.csv")
    out = tmp_path / "knox.json"
    args = ["nabijheid", "analyse", f, "--permutaties", "19", "--formaat", "json"]
    r = runner.invoke(app, [*args, "--uitvoer", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    seed = doc["zaad"]
    assert isinstance(seed, int) and doc["zaad_willekeurig_gekozen"] is True
    assert f"--zaad {seed}" in r.output
    # the printed seed reproduces the run exactly
    again = tmp_path / "again.json"
    r = runner.invoke(app, [*args, "--zaad", str(seed), "--uitvoer", str(again)])
    doc2 = json.loads(again.read_text())
    assert doc2["cellen"] == doc["cellen"] and doc2["zaad_willekeurig_gekozen"] is False
    r = runner.invoke(app, ["nabijheid", "analyse", f, "--permutaties", "9", "--formaat", "csv"])
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert frame["zaad"].nunique() == 1 and frame["permutaties"].iloc[0] == 9
    r = runner.invoke(app, ["nabijheid", "analyse", f, "--permutaties", "9"])
    assert "willekeurig gekozen; herhaal met --zaad" in r.output


@pytest.mark.parametrize("n", ["1000000000", "10000001", "0", "-5"])
def test_permutations_beyond_the_cap_are_refused_in_dutch(incidents_dir, n):
    f = str(incidents_dir / "chicago_be_month1.csv")
    r = runner.invoke(app, ["nabijheid", "analyse", f, "--permutaties", n])
    assert r.exit_code == 1
    assert r.stderr.startswith("fout:") and "--permutaties" in r.stderr


def test_permutations_that_do_not_fit_in_memory_are_refused():
    from hicmonitor.analysis.nearrepeat import check_permutations

    with pytest.raises(HicError, match=r"geheugen.*Kies hoogstens"):
        check_permutations(2_000_000, bands([0, 1, 2, 3]), bands([0, 7, 14]), memory=100 * 2**20)
    check_permutations(2_000_000, bands([0, 1, 2, 3]), bands([0, 7, 14]), memory=16 * 2**30)


def test_pairs_that_do_not_fit_in_memory_are_refused():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 1000, 3000), rng.uniform(0, 1000, 3000)
    t = rng.integers(0, 100, 3000)
    with pytest.raises(HicError, match=r"paren incidenten.*'inf'"):
        knox_test(x, y, t, bands([0, 5000]), bands([0, 7]), nrep=9, memory=20 * 2**20)
    # the open band is derived, not enumerated: the same question fits with 'inf'
    res = knox_test(x, y, t, bands([0, 1, np.inf]), bands([0, 7]), nrep=9, memory=20 * 2**20)
    gaps = np.abs(t[:, None] - t[None, :])[np.triu_indices(3000, 1)]
    assert res.observed.sum() == int((gaps < 7).sum())


def test_long_run_is_announced_with_progress(incidents_dir, monkeypatch):
    from hicmonitor.analysis import nearrepeat

    monkeypatch.setattr(nearrepeat, "LONG_RUN_SECONDS", 0.0)
    f = str(incidents_dir / "chicago_be_month1.csv")
    r = runner.invoke(app, ["nabijheid", "analyse", f, "--permutaties", "640", "--zaad", "1"])
    assert r.exit_code == 0, r.output
    assert "let op: 640 permutaties duren naar schatting nog" in r.output
    assert "permutaties: 640 van 640 (100%)" in r.output


US = "x,y,date\n155000,463000,03/04/2016\n155100,463000,05/06/2016\n155200,463100,01/02/2016\n"


def test_us_dates_are_refused_as_ambiguous_and_read_as_stated(tmp_path):
    f = tmp_path / "us.csv"
    f.write_text(US, encoding="utf-8")
    r = runner.invoke(app, ["nabijheid", "herhaling", str(f), "--formaat", "json"])
    assert r.exit_code == 1
    msg = " ".join(r.stderr.split())
    assert "dubbelzinnig" in msg and "regel 2" in msg and "--datumformaat mm/dd/jjjj" in msg
    for fmt, first in (("mm/dd/jjjj", "2016-03-04"), ("dd/mm/jjjj", "2016-04-03")):
        db = tmp_path / f"{fmt.replace('/', '')}.duckdb"
        r = runner.invoke(
            app, ["--db", str(db), "nabijheid", "laad", str(f), "--datumformaat", fmt]
        )
        assert r.exit_code == 0, r.output
        from hicmonitor.store import incidents as incidents_store

        con = incidents_store.connect(db)
        try:
            stored = incidents_store.read(con, 1).frame
        finally:
            con.close()
        assert str(stored["t_from"].iloc[0].date()) == first
    r = runner.invoke(app, ["nabijheid", "herhaling", str(f), "--datumformaat", "jjjj-dd"])
    assert r.exit_code == 1 and "--datumformaat" in " ".join(r.stderr.split())
    r = runner.invoke(app, ["nabijheid", "herhaling", str(f), "--datumformaat", "dd-mm-jjjj"])
    assert r.exit_code == 1 and "volgens --datumformaat" in " ".join(r.stderr.split())


def test_repeat_table_uses_decimal_commas(incidents_dir):
    r = runner.invoke(app, ["nabijheid", "herhaling", str(incidents_dir / "chicago_be_month1.csv")])
    assert r.exit_code == 0, r.output
    assert "48,7%" in r.output and "0.48" not in r.output


def test_nrc_run_in_the_cli_reproduces_the_arson_table_and_its_wording():
    from pathlib import Path

    f = Path(__file__).parent / "data" / "chicago_arson_2016.csv"
    r = runner.invoke(
        app,
        [
            "nabijheid",
            "analyse",
            str(f),
            "--nrc",
            "200,3,1,3",
            "--permutaties",
            "99",
            "--zaad",
            "4",
            "--formaat",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [c["waargenomen"] for c in doc["cellen"][:8]] == [0, 2, 0, 8, 9, 1, 1, 45]
    assert doc["rekenprecisie"] == "float32"
    text = " ".join(doc["samenvatting"])
    assert "Same location" not in text and "afstand [0; 1)" not in text
