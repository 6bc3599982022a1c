"""``hic signalen`` through the real CLI on a real store.

The yearly signals of all municipalities are checked against the same method run on series
built straight from the raw CSV of ``data/`` (not through the store or the services); the
peildatum, the listing conventions (table, csv, json, parquet, xlsx), one region, the
categories published only nationally, monthly police figures loaded into a test store, and
the bad input of the issue -- each through the CLI, with tidy files loaded into a test store.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hicmonitor import taxonomy
from hicmonitor.cli import app
from tests.conftest import DATA
from tests.signals.raw import raw_signals

SERIES = ("woninginbraak", "geweld", "1.4.2", "1.4.4", "1.4.5")
CBS_HEADER = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1"
TIDY_HEADER = "crime_code,crime_label,region_code,year,registered_crimes,provisional"


def run(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "200"})


def as_json(db: Path, *args: str) -> list[dict]:
    result = run(db, "signalen", *args, "--formaat", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def db(loaded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signalen") / "hic.duckdb"
    shutil.copy(loaded_db_template, path)
    return path


# --------------------------------------------------------------------------- yearly


def test_all_municipalities_match_the_method_on_the_raw_files(db: Path) -> None:
    got = as_json(db, "--jaar", "2024")
    want = raw_signals(2024)
    assert want["region_code"].nunique() == 342
    assert set(want["series"]) == set(SERIES)
    alarms = want[want["alarm"]]
    assert len(alarms) > 20
    assert {(r["region_code"], r["series"]) for r in got} == set(
        zip(alarms["region_code"], alarms["series"], strict=True)
    )
    by_key = alarms.set_index(["region_code", "series"])
    for r in got:
        w = by_key.loc[(r["region_code"], r["series"])]
        assert r["period"] == "2024"
        assert r["observed"] == int(w["observed"])
        assert r["expected"] == pytest.approx(w["expected"], rel=1e-9)
        assert r["upperbound"] == pytest.approx(w["upperbound"], rel=1e-9)
        assert r["alarm"] is True and r["observed"] > r["upperbound"]
        assert r["provisional"] is True  # 2024 is provisional in the raw file
        assert r["text"].startswith(f"In {r['name']} lag het aantal ")
        assert "boven wat de jaren ervoor voorspellen" in r["text"]
        assert r["text"].endswith("Het cijfer over 2024 is voorlopig.")
    scores = [r["score"] for r in got]
    assert scores == sorted(scores, reverse=True) and min(scores) > 1
    assert [r["rank"] for r in got] == list(range(1, len(got) + 1))


def test_every_series_with_alle(db: Path) -> None:
    got = as_json(db, "--jaar", "2024", "--alle")
    want = raw_signals(2024)
    assert len(got) == len(want) == 342 * len(SERIES)
    reasons = {r["reason"] for r in got if r["reason"]}
    allowed = ("minder dan 10 gevallen", "te kort voor een basislijn", "alleen nullen")
    assert reasons and all(x.startswith(allowed) for x in reasons), reasons
    assert sum(r["alarm"] for r in got) == int(want["alarm"].sum())


def test_default_year_and_peildatum(db: Path) -> None:
    latest = as_json(db)
    assert {r["period"] for r in latest} == {"2025"}  # everything in the store: 2025 is latest
    # on the letter's date, 18 December 2023, the municipal figures of 2022 were the latest
    on_day = as_json(db, "--peildatum", "2023-12-18")
    assert {r["period"] for r in on_day} == {"2022"}
    assert not any(r["provisional"] for r in on_day)
    want = raw_signals(2022, last_year=2022)
    assert {(r["region_code"], r["series"]) for r in on_day} == set(
        zip(want.loc[want["alarm"], "region_code"], want.loc[want["alarm"], "series"], strict=True)
    )
    late = run(db, "signalen", "--jaar", "2023", "--peildatum", "2023-12-18")
    assert late.exit_code == 1
    assert "2023" in late.output and "2012 tot en met 2022" in late.output
    future = run(db, "signalen", "--jaar", "2031")
    assert future.exit_code == 1 and "geen jaarcijfers over 2031" in future.output


def test_table_says_what_was_searched(db: Path) -> None:
    got = as_json(db, "--jaar", "2024")
    result = run(db, "signalen", "--jaar", "2024")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Signalen 2024 — 342 gemeenten" in out
    assert "2024 (voorlopig)" in out
    assert f"{len(got)} signalen in 2024: 1.710 reeksen" in out
    first = got[0]
    assert f"1. {first['text'][:60]}" in " ".join(out.split())
    assert "Methode farrington: b 4, w 0" in " ".join(out.split())


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_exports_hold_the_same_rows(db: Path, tmp_path: Path, fmt: str) -> None:
    js = as_json(db, "--jaar", "2024")
    target = tmp_path / f"signalen.{fmt}"
    result = run(db, "signalen", "--jaar", "2024", "--uit", str(target))
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        frame = pd.read_csv(target, dtype={"period": str, "series": str})
    elif fmt == "parquet":
        frame = pd.read_parquet(target)
    else:
        frame = pd.read_excel(target, dtype={"period": str, "series": str})
    assert list(frame["region_code"]) == [r["region_code"] for r in js]
    assert list(frame["series"].astype(str)) == [r["series"] for r in js]
    assert [int(v) for v in frame["observed"]] == [r["observed"] for r in js]
    assert list(frame["upperbound"]) == pytest.approx([r["upperbound"] for r in js])


def test_one_region_lists_every_series(db: Path) -> None:
    got = as_json(db, "--regio", "Den Bosch", "--jaar", "2023")
    assert {r["region_code"] for r in got} == {"GM0796"}
    assert sorted(r["series"] for r in got) == sorted(SERIES)
    want = raw_signals(2023).set_index(["region_code", "series"])
    for r in got:
        w = want.loc[("GM0796", r["series"])]
        assert r["observed"] == int(w["observed"])
        assert r["alarm"] == bool(w["alarm"])
        assert ("boven" if r["alarm"] else "binnen") in r["text"]
    table = run(db, "signalen", "--regio", "Den Bosch", "--jaar", "2023")
    assert "signaal" in table.output and "Geweld: bedreiging" in table.output


def test_categories(db: Path) -> None:
    got = as_json(db, "--jaar", "2024", "--alle", "--categorie", "bedreiging")
    assert {r["series"] for r in got} == {"1.4.4"} and len(got) == 342
    assert {r["label"] for r in got} == {"Geweld: bedreiging"}
    for cat in ("straatroof", "overval"):
        result = run(db, "signalen", "--categorie", cat)
        assert result.exit_code == 1
        assert "alleen landelijk, niet per gemeente" in result.output
        assert "--regio NL01" in result.output
    atm = run(db, "signalen", "--categorie", "ram_plofkraak")
    assert atm.exit_code == 1 and "eigen landelijke reeks" in atm.output
    # with a category that has municipal figures, the national-only one is noted
    mixed = run(db, "signalen", "--jaar", "2024", "--categorie", "overval", "--categorie", "geweld")
    assert mixed.exit_code == 0 and "alleen landelijk" in mixed.output
    unknown = run(db, "signalen", "--categorie", "fietsdiefstal")
    assert unknown.exit_code == 1 and "--categorie: onbekende categorie" in unknown.output


def test_national_series_of_straatroof(db: Path) -> None:
    got = as_json(db, "--regio", "NL01", "--categorie", "straatroof", "--jaar", "2023")
    assert len(got) == 1
    with (DATA / "nl" / "registered_crime_national_yearly.csv").open(encoding="utf-8") as fh:
        raw = {
            int(r["year"]): int(r["incident_count"])
            for r in csv.DictReader(fh)
            if r["incident_type_code"].startswith("1.4.6 ")
        }
    assert got[0]["observed"] == raw[2023]
    assert got[0]["name"] == "Nederland"


def test_method_and_settings(db: Path) -> None:
    for method in ("ears_c1", "ears_c2", "ears_c3", "cusum"):
        # one category keeps it quick: 342 series, each through the method
        rows = as_json(db, "--jaar", "2024", "--methode", method, "--alle", "--categorie", "1.4.5")
        assert len(rows) == 342 and {r["series"] for r in rows} == {"1.4.5"}
        assert any(r["alarm"] for r in rows)
        assert all(r["observed"] > r["upperbound"] for r in rows if r["alarm"])
    loose = as_json(db, "--jaar", "2024", "--instelling", "alpha=0.05")
    strict = as_json(db, "--jaar", "2024")
    assert {(r["region_code"], r["series"]) for r in strict} <= {
        (r["region_code"], r["series"]) for r in loose
    }
    assert len(loose) > len(strict)
    for args, message in [
        (["--instelling", "alpha=0.7"], "--instelling alpha=0.7: ongeldige waarde"),
        (["--instelling", "kleur=rood"], "--instelling kleur: onbekende instelling"),
        (["--instelling", "alpha"], "geen NAAM=WAARDE"),
        (["--methode", "glr"], "--methode: onbekend 'glr'"),
        (["--periode", "2024-13"], "--periode: '2024-13' is geen periode"),
        (["--periode", "week"], "weekreeksen komen uit incidentdata"),
        (["--jaar", "2023", "--periode", "2024"], "spreken elkaar tegen"),
        (["--raster", "500"], "--raster en --delict gelden voor incidentdata"),
    ]:
        result = run(db, "signalen", *args)
        assert result.exit_code == 1, (args, result.output)
        assert message in " ".join(result.output.split()), (args, result.output)
        assert "Traceback" not in result.output


# --------------------------------------------------------------------------- monthly


@pytest.fixture(scope="module")
def monthly_db(db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The store with monthly figures 2019-2024 for Utrecht and Amsterdam (every code of
    woninginbraak and geweld), a spike in Utrecht's woninginbraak of November 2024."""
    import numpy as np

    folder = tmp_path_factory.mktemp("maanden")
    path = folder / "hic.duckdb"
    shutil.copy(db, path)
    rng = np.random.default_rng(2024)
    rows, values = [], {}
    for code, base in (("1.1.1", 60), ("1.4.2", 2), ("1.4.4", 40), ("1.4.5", 70)):
        for region, scale in (("GM0344", 1.0), ("GM0363", 2.5)):
            for year in range(2019, 2025):
                for month in range(1, 13):
                    v = int(rng.poisson(base * scale))
                    if (region, code, year, month) == ("GM0344", "1.1.1", 2024, 11):
                        v = 160
                    values[(region, code, year, month)] = v
                    rows.append(f"{len(rows)},{code} ,{region},{year}MM{month:02d},{v}")
    file = folder / "maanden.csv"
    file.write_text("\n".join([CBS_HEADER, *rows]) + "\n", encoding="utf-8")
    result = run(path, "laad", str(file), "--accepteer-afwijkingen")
    assert result.exit_code == 0, result.output
    return path, values


def test_no_monthly_figures_is_said(db: Path) -> None:
    result = run(db, "signalen", "--periode", "maand")
    assert result.exit_code == 1
    assert "geen maandcijfers" in result.output and "hic laad" in result.output


def test_monthly_police_figures(monthly_db) -> None:
    path, values = monthly_db
    latest = as_json(path, "--periode", "maand", "--alle")
    assert {r["period"] for r in latest} == {"2024-12"}
    assert {r["region_code"] for r in latest} == {"GM0344", "GM0363"}
    geweld = taxonomy.category("geweld").codes
    for r in latest:
        codes = (
            ["1.1.1"]
            if r["series"] == "woninginbraak"
            else (list(geweld) if r["series"] == "geweld" else [r["series"]])
        )
        assert r["observed"] == sum(values[(r["region_code"], c, 2024, 12)] for c in codes)
    spike = as_json(path, "--periode", "2024-11", "--regio", "Utrecht")
    top = spike[0]
    assert (top["series"], top["period"], top["alarm"]) == ("woninginbraak", "2024-11", True)
    assert top["observed"] == 160
    assert "in november 2024 (160) boven wat de maanden ervoor voorspellen" in top["text"]
    year = as_json(path, "--periode", "maand", "--jaar", "2024")
    assert ("GM0344", "woninginbraak", "2024-11") in {
        (r["region_code"], r["series"], r["period"]) for r in year
    }
    # monthly figures too are read as of a peildatum: none were dated (loaded today)
    early = run(path, "signalen", "--periode", "maand", "--peildatum", "2020-01-01")
    assert early.exit_code == 1 and "geen maandcijfers" in early.output


# --------------------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def bad_db(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Police regions with the series of the issue's bad input, loaded from tidy files."""
    folder = tmp_path_factory.mktemp("slecht")
    path = folder / "hic.duckdb"
    shutil.copy(db, path)
    rows = []

    def add(region: str, years, counts) -> None:
        for y, c in zip(years, counts, strict=True):
            rows.append(f"1.1.1,Diefstal/inbraak woning,{region},{y},{c},0")

    add("RE01", [2022, 2023, 2024], [30, 32, 35])  # shorter than the baseline of 4 years
    add("RE02", range(2012, 2025), [0] * 13)  # only zeros
    gap = [y for y in range(2012, 2025) if y != 2019]  # 2019 missing in the middle
    add("RE03", gap, [50 + i for i in range(len(gap))])
    add("RE04", range(2012, 2025), [50, 52, 49, 51, 50, 53, 48, 50, 52, 51, 49, 50, 80])
    counts = folder / "regios.csv"
    counts.write_text("\n".join([TIDY_HEADER, *rows]) + "\n", encoding="utf-8")
    pop = [f"RE04,{y},{0 if y == 2022 else 100000}" for y in range(2012, 2025)]
    population = folder / "regios_bevolking.csv"
    population.write_text("\n".join(["region_code,year,inhabitants", *pop]) + "\n", "utf-8")
    result = run(path, "laad", str(counts), str(population), "--accepteer-afwijkingen")
    assert result.exit_code == 0, result.output
    return path


def test_too_short_for_the_baseline(bad_db: Path) -> None:
    (row,) = as_json(bad_db, "--regio", "RE01", "--jaar", "2024")
    assert row["reason"] == "te kort voor een basislijn van 4 jaar"
    assert row["alarm"] is False and row["upperbound"] is None
    assert row["observed"] == 35
    assert "geen signaal berekend: te kort voor een basislijn van 4 jaar" in row["text"]
    longer = run(bad_db, "signalen", "--regio", "RE01", "--jaar", "2024", "--instelling", "b=6")
    assert "te kort voor een basislijn van 6 jaar" in " ".join(longer.output.split())


def test_only_zeros(bad_db: Path) -> None:
    (row,) = as_json(bad_db, "--regio", "RE02", "--jaar", "2024")
    assert row["reason"] == "alleen nullen in deze reeks"
    assert row["alarm"] is False and row["expected"] is None


def test_missing_period_in_the_middle(bad_db: Path) -> None:
    (missing,) = as_json(bad_db, "--regio", "RE03", "--jaar", "2019")
    assert missing["reason"] == "geen cijfer voor deze periode"
    assert missing["observed"] is None and missing["alarm"] is False
    (after,) = as_json(bad_db, "--regio", "RE03", "--jaar", "2021")
    assert after["reason"] is None and after["upperbound"] is not None
    assert after["note"] == "basislijn zonder 2019 (geen cijfer)"
    table = run(bad_db, "signalen", "--regio", "RE03", "--jaar", "2019")
    assert table.exit_code == 0 and "geen cijfer voor deze periode" in table.output


def test_population_zero_with_population_offset(bad_db: Path) -> None:
    (plain,) = as_json(bad_db, "--regio", "RE04", "--jaar", "2024")
    assert plain["alarm"] is True  # without the offset the rise to 80 is a signal
    (offset,) = as_json(
        bad_db, "--regio", "RE04", "--jaar", "2024", "--instelling", "population_offset=true"
    )
    assert offset["reason"] == "geen inwonertal voor 2022: met bevolkingscorrectie geen signaal"
    assert offset["alarm"] is False and offset["upperbound"] is None
    # a year whose baseline does not reach 2022 is computed with the offset
    (early,) = as_json(
        bad_db, "--regio", "RE04", "--jaar", "2021", "--instelling", "populationOffset=true"
    )
    assert early["reason"] is None and early["upperbound"] is not None


@pytest.mark.parametrize(
    ("value", "message"),
    [("-3", "aantal '-3' is negatief"), ("12.5", "aantal '12.5' is geen geheel getal")],
)
def test_negative_or_broken_counts_never_reach_the_signals(
    bad_db: Path, tmp_path: Path, value: str, message: str
) -> None:
    before = as_json(bad_db, "--jaar", "2024")
    file = tmp_path / "fout.csv"
    file.write_text(
        f"{TIDY_HEADER}\n1.1.1,Diefstal/inbraak woning,RE05,2020,12,0\n"
        f"1.1.1,Diefstal/inbraak woning,RE05,2021,{value},0\n",
        encoding="utf-8",
    )
    result = run(bad_db, "laad", str(file))
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert f"{file}, regel 3, veld 'registered_crimes': {message}" in out
    assert "RE05" in run(bad_db, "signalen", "--regio", "RE05").output  # not loaded
    assert as_json(bad_db, "--jaar", "2024") == before
