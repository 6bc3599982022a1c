"""Plausibility checks on load: implausible figures are refused with the reasons (file, line,
field) and the store unchanged, unless `--accepteer-afwijkingen`; then the exceptions are kept
with the source and shown by `hic status`. The embedded data set passes.

Every bad file is built here; counts are derived from the embedded data so the cases stay
true to their class (k times the history, a national row, an abolished municipality …)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from hicmonitor import plausibility, store
from hicmonitor.cli import app
from hicmonitor.errors import HicError
from hicmonitor.plausibility import PlausibilityError
from hicmonitor.store import loading
from tests.conftest import DATA, dump

NL = DATA / "nl"
TIDY = "crime_code,crime_label,region_code,year,registered_crimes,provisional\n"
OPEN = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1\n"
POP = "region_code,year,inhabitants\n"


def run(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "250"})


def flat(text: str) -> str:
    return " ".join(text.split())


def municipal(code: str, crime: str) -> dict[int, int]:
    with (NL / "registered_crime_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        return {
            int(r["year"]): int(r["registered_crimes"])
            for r in csv.DictReader(fh)
            if r["region_code"] == code and r["crime_code"] == crime
        }


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def refused(db: Path, path: Path, *words: str, line: int | None = 2) -> str:
    """Load ``path`` through the CLI: exit 1, the Dutch reasons, the store unchanged."""
    con = store.connect(db)
    before = dump(con)
    con.close()
    result = run(db, "laad", str(path))
    message = flat(result.stderr)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert f"{path.name}: niet geladen" in message, message
    assert "controle op aannemelijkheid" in message and "--accepteer-afwijkingen" in message
    if line is not None:
        assert f"regel {line}" in message, message
    for word in words:
        assert word in message, (word, message)
    assert "Traceback" not in message
    con = store.connect(db)
    assert dump(con) == before
    con.close()
    return message


def test_embedded_data_set_passes_without_exceptions(shared_con) -> None:
    assert store.load_exceptions(shared_con).empty
    kinds = set(store.sources(shared_con)["kind"])
    assert {"misdrijven", "bevolking", "geldautomaten"} <= kinds


def test_billion_straatroof_in_tilburg_is_refused(loaded_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "tilburg.csv", TIDY + "1.4.6,Straatroof,GM0855,2023,1000000000,0\n")
    message = refused(loaded_db, path, "Tilburg (GM0855)", "1.000.000.000", "registered_crimes")
    assert "meer dan het aantal inwoners" in message
    assert "meer dan het landelijke aantal" in message
    assert "keer het landelijke cijfer" in message  # no other municipality has straatroof


@pytest.mark.parametrize("factor,flagged", [(11, True), (9, False)])
def test_count_k_times_its_own_history(
    loaded_db: Path, tmp_path: Path, factor: int, flagged: bool
) -> None:
    """More than k (10) times the median of the region's own series is refused; less is not."""
    series = municipal("GM0599", "1.1.1")  # Rotterdam, woninginbraak
    median = sorted(series.values())[len(series) // 2 - 1 : len(series) // 2 + 1]
    value = int(sum(median) / 2 * factor)
    path = write(tmp_path, "rotterdam.csv", TIDY + f"1.1.1,Woninginbraak,GM0599,2023,{value},0\n")
    if flagged:
        refused(loaded_db, path, "Rotterdam (GM0599)", "mediaan van de eigen reeks", "eigen reeks")
    else:
        # 9x the history: no history finding (the rate may still stand out against peers)
        con = store.connect(loaded_db)
        try:
            loading.load_file(con, path)
        except PlausibilityError as exc:
            assert "own_history" not in {f.check for f in exc.findings}


def test_count_far_below_its_own_history(loaded_db: Path, tmp_path: Path) -> None:
    """A revision that replaces a figure by a tiny one (1 instead of thousands)."""
    path = write(tmp_path, "amsterdam.csv", TIDY + "1.1.1,Woninginbraak,GM0363,2023,1,0\n")
    refused(loaded_db, path, "Amsterdam (GM0363)", "minder dan 1/10", "eigen reeks")


def test_rate_far_above_the_peers(loaded_db: Path, tmp_path: Path) -> None:
    """A new municipal series (no history) with a rate 50 times the median of all municipalities."""
    # Vlieland (GM0096, ~1,100 inhabitants): 1,000 burglaries in a year not in the store
    rows = [f"1.1.1,Woninginbraak,{code},2019,{n},0" for code, n in [("GM0096", 1000)]]
    con = store.connect(loaded_db)
    con.execute("DELETE FROM counts WHERE region_code = 'GM0096' AND crime_code = '1.1.1'")
    con.close()
    path = write(tmp_path, "vlieland.csv", TIDY + "\n".join(rows) + "\n")
    refused(loaded_db, path, "Vlieland (GM0096)", "keer de mediaan van", "gemeenten")


def test_national_row_in_a_tidy_regional_file(loaded_db: Path, tmp_path: Path) -> None:
    """It would silently replace the national figure (woninginbraak 2023 by 1)."""
    path = write(tmp_path, "nl01.csv", TIDY + "1.1.1,Woninginbraak,NL01,2023,1,0\n")
    message = refused(loaded_db, path, "landelijke rij (NL01)", "region_code")
    assert "het landelijke aantal 1 is kleiner dan dat van een gemeente" in message
    # a plausible national figure in that file is still refused: the format is the problem
    path = write(tmp_path, "nl01b.csv", TIDY + "1.1.1,Woninginbraak,NL01,2023,22800,0\n")
    refused(loaded_db, path, "landelijke rij (NL01)")


def test_national_row_in_the_national_format_is_fine(loaded_db: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "national.csv",
        "incident_type_code,year,incident_count\n1.1.1 Diefstal/inbraak woning,2023,22800\n",
    )
    result = run(loaded_db, "laad", str(path))
    assert result.exit_code == 0, result.stderr
    assert "herzien" in result.stdout


def test_abolished_municipality_after_its_last_year(loaded_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "boxmeer.csv", TIDY + "1.1.1,Woninginbraak,GM0756,2025,12,0\n")
    message = refused(
        loaded_db, path, "Boxmeer (GM0756) bestaat na 2021 niet meer", "Land van Cuijk (GM1982)"
    )
    assert "1 januari 2022" in message and "region_code" in message


def test_municipality_year_without_population(loaded_db: Path, tmp_path: Path) -> None:
    con = store.connect(loaded_db)
    con.execute("DELETE FROM population WHERE year = 2025")
    con.close()
    path = write(
        tmp_path,
        "monthly.csv",
        OPEN + "0,1.1.1 ,GM0363,2025MM01,300\n1,1.1.1 ,GM0344,2025MM01,100\n",
    )
    message = refused(loaded_db, path, "geen inwonertal voor Amsterdam (GM0363) in 2025")
    assert "Utrecht (GM0344)" in message and "laad eerst de bevolking" in message
    assert "regel 3" in message  # Utrecht's line


def test_population_of_a_merged_municipality_counts_before_the_merger(
    loaded_db: Path, tmp_path: Path
) -> None:
    """Dijk en Waard (2022) has counts for 2015 and its predecessors' inhabitants: no finding."""
    path = write(tmp_path, "dijkenwaard.csv", TIDY + "1.1.2,Diefstal schuur,GM1980,2015,60,0\n")
    result = run(loaded_db, "laad", str(path))
    assert result.exit_code == 0, result.stderr


def test_population_file_checked_too(loaded_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "pop.csv", POP + "GM0855,2024,2300000\nGM0756,2025,30000\n")
    message = refused(loaded_db, path, "Tilburg (GM0855)", "inhabitants", "eigen reeks")
    assert "Boxmeer (GM0756) bestaat na 2021 niet meer" in message and "regel 3" in message


def test_accepted_exceptions_are_recorded_and_shown(loaded_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "boxmeer.csv", TIDY + "1.1.1,Woninginbraak,GM0756,2025,12,0\n")
    result = run(loaded_db, "laad", "--accepteer-afwijkingen", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1 rij misdrijven geladen" in result.stdout
    assert "1 afwijking geaccepteerd en bij de bron vastgelegd" in result.stdout
    con = store.connect(loaded_db)
    exceptions = store.load_exceptions(con)
    con.close()
    assert list(exceptions["check_id"]) == ["abolished_region"]
    assert list(exceptions["line"]) == [2] and list(exceptions["field"]) == ["region_code"]
    status = run(loaded_db, "status")
    assert status.exit_code == 0
    text = flat(status.stdout)
    assert "Geaccepteerde afwijkingen" in text and "boxmeer.csv" in text
    assert "opgeheven gemeente" in text and "Boxmeer (GM0756) bestaat na 2021 niet meer" in text
    # exported with the sources: the number of exceptions of each source
    export = run(loaded_db, "status", "--formaat", "csv")
    rows = list(csv.DictReader(export.stdout.splitlines()))
    assert {r["file_name"]: r["exceptions"] for r in rows}["boxmeer.csv"] == "1"


def test_an_abolished_row_does_not_break_vergelijk(loaded_db: Path, tmp_path: Path) -> None:
    """Accepted anyway: every municipality is still compared (with the peer sentence), and the
    left-out municipality is named."""
    path = write(tmp_path, "boxmeer.csv", TIDY + "1.1.1,Woninginbraak,GM0756,2025,12,0\n")
    assert run(loaded_db, "laad", "--accepteer-afwijkingen", str(path)).exit_code == 0
    result = run(loaded_db, "vergelijk", "Tilburg", "--categorie", "woninginbraak")
    assert result.exit_code == 0, result.stderr
    text = flat(result.stdout)
    assert "Van alle 342 gemeenten" in text and "vergelijkbare gemeenten" in text
    assert "Niet vergeleken (geen inwonertal in 2025): Boxmeer (GM0756)" in text
    trend = run(loaded_db, "trend", "--regio", "Utrecht", "--categorie", "woninginbraak")
    assert "Van alle 342 gemeenten" in flat(trend.stdout)


def test_bulk_path_refuses_with_the_line(loaded_db: Path, tmp_path: Path) -> None:
    """The fast path runs the same checks and names the line of a flagged row."""
    lines = [f"{i},1.1.1 ,BU{i:08d},2023MM01,1" for i in range(2000)]
    lines.insert(1234, "9999,1.1.1 ,GM0855,2023JJ00,5000000")
    path = write(tmp_path, "bulk.csv", OPEN + "\n".join(lines) + "\n")
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(PlausibilityError) as info:
        loading.load_file(con, path, fast=True)
    assert {f.line for f in info.value.findings} == {1236}
    assert {f.check for f in info.value.findings} >= {"per_inhabitant", "own_history"}
    assert dump(con) == before
    result = loading.load_file(con, path, fast=True, accept=True)
    assert result.rows == 2001 and len(result.exceptions) >= 2
    assert set(store.load_exceptions(con)["line"]) == {1236}


def test_neighbourhoods_only_cost_nothing(loaded_db: Path, tmp_path: Path) -> None:
    """Levels without inhabitants are not checked (the big neighbourhood files)."""
    path = write(tmp_path, "bu.csv", OPEN + "0,1.1.1 ,BU03630000,2023MM01,99999\n")
    con = store.connect(loaded_db)
    assert loading.load_file(con, path).status == "geladen"


def test_settings_from_yaml_and_their_errors() -> None:
    cfg = plausibility.settings()
    assert cfg.on("own_history").factor == 10 and cfg.on("peers").factor == 20
    doc = yaml.safe_load(
        (Path(plausibility.__file__).parent / "plausibility.yaml").read_text("utf-8")
    )
    doc["checks"]["own_history"]["enabled"] = False
    assert plausibility.parse_settings(doc).on("own_history") is None
    doc["checks"]["onzin"] = {}
    with pytest.raises(HicError, match="onbekende controle 'onzin'"):
        plausibility.parse_settings(doc)
    with pytest.raises(HicError, match="factor moet groter dan 0"):
        plausibility.parse_settings({"checks": {"peers": {"label": "x", "factor": 0}}})


def test_a_disabled_check_lets_the_row_through(loaded_db: Path, tmp_path: Path) -> None:
    from hicmonitor.store import plausibility as checks

    doc = yaml.safe_load(
        (Path(plausibility.__file__).parent / "plausibility.yaml").read_text("utf-8")
    )
    doc["checks"]["abolished_region"]["enabled"] = False
    cfg = plausibility.parse_settings(doc)
    con = store.connect(loaded_db)
    con.execute("BEGIN")
    sid = store.record_source(con, file_name="x", sha256="x", kind="misdrijven", rows=1)
    con.execute(
        "INSERT INTO counts VALUES (DATE '2025-01-01', 'jaar', 'GM0756', '1.1.1', 12, ?, false)",
        [sid],
    )
    found = checks.check_counts(
        con, sid, regions=["GM0756"], regional_file=True, fields={}, settings=cfg
    )
    assert [f.check for f in found] == []  # no population check either: it has ended
    found = checks.check_counts(con, sid, regions=["GM0756"], regional_file=True, fields={})
    assert [f.check for f in found] == ["abolished_region"]
    con.execute("ROLLBACK")


def test_population_files_load_first(loaded_db: Path, tmp_path: Path) -> None:
    """`hic laad counts.csv population.csv`: the population of the new year loads first, so
    the counts are not refused for want of inhabitants."""
    con = store.connect(loaded_db)
    con.execute("DELETE FROM population WHERE year = 2025")
    con.close()
    counts = write(tmp_path, "a_counts.csv", OPEN + "0,1.1.1 ,GM0363,2025MM01,300\n")
    pop = write(tmp_path, "b_population.csv", POP + "GM0363,2025,934526\n")
    result = run(loaded_db, "laad", str(counts), str(pop))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("b_population.csv: 1 rij bevolking geladen")
    assert lines[1].startswith("a_counts.csv: 1 rij misdrijven geladen")
