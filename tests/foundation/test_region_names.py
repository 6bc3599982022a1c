"""Regions people use: official, common and former names resolve everywhere a region is
accepted; an unknown region is an error with the closest matches, never an empty result.
The table of municipal changes is checked against the population series."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hicmonitor import regions
from hicmonitor.cli import app
from hicmonitor.errors import HicError
from hicmonitor.services.regions import resolve_municipality, resolve_region
from tests.conftest import DATA
from tests.trends import raw

NL = DATA / "nl"


def run(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "250"})


def flat(text: str) -> str:
    return " ".join(text.split())


def current_codes() -> dict[str, str]:
    doc = json.loads((NL / "gemeente_2025.geojson").read_text("utf-8"))
    return {f["properties"]["statcode"]: f["properties"]["statnaam"] for f in doc["features"]}


# --- the data: the table of changes and the names people use ---------------------------------


def test_every_former_municipality_has_its_change() -> None:
    """Every code in the population series that is not a municipality today is in the table,
    and its last year in the series is the year before the change."""
    current = current_codes()
    former = {c: max(years) for c, years in raw.population().items() if c not in current}
    rows = raw.changes()
    assert set(former) == {r["old_code"] for r in rows}
    for r in rows:
        change_year = int(r["date"][:4])
        assert former[r["old_code"]] in (change_year - 1, change_year), r  # Weesp: March 2022
        assert r["kind"] in ("merger", "split", "rename")


def test_the_merger_table_agrees_with_the_population_series() -> None:
    """A successor's inhabitants in the year of the change are those of the municipalities it
    was formed from the year before (within natural growth, 2%)."""
    pop = raw.population()
    by_new: dict[tuple[str, str], list[dict]] = {}
    got_split = {(r["date"], r["new_code"]) for r in raw.changes() if r["kind"] == "split"}
    for r in raw.changes():
        key = (r["date"], r["new_code"])
        if r["kind"] != "split" and r["date"].endswith("-01-01") and key not in got_split:
            by_new.setdefault(key, []).append(r)
    checked = 0
    for (date, new), parts in by_new.items():
        year = int(date[:4])
        before = pop.get(new, {}).get(year - 1, 0)
        before += sum(pop[r["old_code"]][year - 1] for r in parts)
        after = pop[new][year]
        assert abs(after - before) / before < 0.02, (new, before, after)
        checked += 1
    assert checked >= 30


def test_split_shares_sum_to_one_and_follow_the_data(shared_con) -> None:
    from hicmonitor import store

    changes = store.region_changes(shared_con)
    splits: dict[str, float] = {}
    for c in changes:
        if c.kind == "split":
            splits[c.old_code] = splits.get(c.old_code, 0.0) + c.share
        else:
            assert c.share == 1.0
    assert set(splits) == {"GM0055", "GM1671", "GM0140", "GM0053", "GM0788"}
    assert all(abs(total - 1.0) < 1e-9 for total in splits.values())
    shares = {(c.old_code, c.new_code): c.share for c in changes}
    assert shares == pytest.approx({**shares, **raw.split_shares()})
    # Haaren (2021): most of it went to Oisterwijk and Vught, little to Tilburg
    assert shares[("GM0788", "GM0824")] > shares[("GM0788", "GM0855")]


def test_common_names_point_to_current_municipalities() -> None:
    current = current_codes()
    with (NL / "region_names.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for r in rows:
        assert r["code"] in current, r
        assert r["source"].strip(), r
        assert regions.fold(r["name"]) != regions.fold(current[r["code"]])


# --- resolving -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Den Haag", "GM0518"),
        ("den haag", "GM0518"),
        ("'s-Gravenhage", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("Súdwest Fryslân", "GM1900"),
        ("Sudwest Fryslan", "GM1900"),
        ("Zuidwest-Friesland", "GM1900"),
        ("gm0855", "GM0855"),
        (" GM0855 ", "GM0855"),
        ("Hengelo", "GM0164"),  # official name "Hengelo (O.)"
        ("Laren", "GM0417"),
        ("Heerhugowaard", "GM1980"),
        ("GM0398", "GM1980"),
        ("Langedijk", "GM1980"),
        ("Boxmeer", "GM1982"),
        ("Weesp", "GM0363"),
        ("Millingen aan de Rijn", "GM1945"),  # -> Groesbeek (2015) -> Berg en Dal (2016)
        ("De Friese Meren", "GM1940"),  # renamed De Fryske Marren
    ],
)
def test_resolve(shared_con, text: str, code: str) -> None:
    assert resolve_region(shared_con, text).code == code


def test_former_municipality_names_its_successor_and_the_year(shared_con) -> None:
    match = resolve_region(shared_con, "Heerhugowaard")
    assert match.name == "Dijk en Waard"
    assert match.note == (
        "Heerhugowaard (GM0398) is per 1 januari 2022 opgegaan in Dijk en Waard (GM1980); "
        "getoond: Dijk en Waard"
    )
    chain = resolve_region(shared_con, "Millingen aan de Rijn").note
    assert "per 1 januari 2015 opgegaan in Groesbeek" in chain
    assert "per 1 januari 2016 hernoemd tot Berg en Dal (GM1945)" in chain
    assert "Land van Cuijk (GM1982)" in resolve_region(shared_con, "Boxmeer").note


def test_a_split_municipality_asks_which_one(shared_con) -> None:
    with pytest.raises(HicError) as info:
        resolve_region(shared_con, "Haaren")
    message = str(info.value)
    assert "per 1 januari 2021 verdeeld over" in message
    for name in ("Boxtel (GM0757)", "Oisterwijk (GM0824)", "Tilburg (GM0855)", "Vught (GM0865)"):
        assert name in message


def test_a_former_municipality_with_figures_of_its_own_is_itself(
    loaded_db: Path, tmp_path: Path
) -> None:
    from hicmonitor import store

    con = store.connect(loaded_db)
    con.execute(
        "INSERT INTO counts VALUES (DATE '2015-01-01', 'jaar', 'GM0398', '1.1.1', 200, 1, false)"
    )
    match = resolve_region(con, "Heerhugowaard")
    assert match.code == "GM0398" and "dit zijn de cijfers van Heerhugowaard zelf" in match.note


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("XYZ", ["onbekende regio 'XYZ'"]),
        ("Den Haga", ["Den Haag = 's-Gravenhage (GM0518)"]),
        ("Amsterdm", ["Amsterdam (GM0363)"]),
        ("Tilbrg", ["Tilburg (GM0855)"]),
        ("Bergen", ["niet eenduidig", "Bergen (NH.) (GM0373)", "Bergen (L.) (GM0893)"]),
        ("GM9999", ["regiocode 'GM9999' komt niet voor"]),
        ("", ["geen regio opgegeven"]),
    ],
)
def test_unknown_or_ambiguous_is_an_error(shared_con, text: str, words: list[str]) -> None:
    with pytest.raises(HicError) as info:
        resolve_region(shared_con, text)
    for word in words:
        assert word in str(info.value)


def test_den_haag_typo_does_not_suggest_oldenzaal(shared_con) -> None:
    with pytest.raises(HicError) as info:
        resolve_region(shared_con, "Den Haaag")
    assert "'s-Gravenhage (GM0518)" in str(info.value)
    assert str(info.value).index("GM0518") < str(info.value).find("Oldenzaal") or (
        "Oldenzaal" not in str(info.value)
    )


def test_municipality_only(shared_con) -> None:
    assert resolve_municipality(shared_con, "Den Haag").code == "GM0518"
    for text in ("NL01", "GM0000"):
        with pytest.raises(HicError, match="geen gemeente"):
            resolve_municipality(shared_con, text)


# --- everywhere a region is accepted ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["cijfers", "--regio", "{r}", "--categorie", "woninginbraak"],
        ["trend", "--regio", "{r}", "--categorie", "woninginbraak"],
        ["vergelijk", "{r}", "--categorie", "woninginbraak"],
    ],
)
def test_commands_accept_common_and_former_names(loaded_db: Path, args: list[str]) -> None:
    for text, name in (("Den Haag", "'s-Gravenhage (GM0518)"), ("Heerhugowaard", "Dijk en Waard")):
        result = run(loaded_db, *[a.replace("{r}", text) for a in args])
        assert result.exit_code == 0, result.stderr
        assert name in flat(result.stdout)
    result = run(loaded_db, *[a.replace("{r}", "Heerhugowaard") for a in args])
    assert "opgegaan in Dijk en Waard (GM1980)" in flat(result.stdout)
    result = run(loaded_db, *[a.replace("{r}", "XYZ") for a in args])
    assert result.exit_code == 1 and "onbekende regio 'XYZ'" in result.stderr


def test_vergelijk_former_code_is_a_comparison_not_a_footer(loaded_db: Path) -> None:
    result = run(loaded_db, "vergelijk", "GM0398")
    assert result.exit_code == 0, result.stderr
    text = flat(result.stdout)
    assert "Dijk en Waard (GM1980)" in text and "alle gemeenten" in text
    assert "per 1.000 inwoners" in text


def test_vergelijk_region_without_counts_is_an_error(loaded_db: Path) -> None:
    from hicmonitor import store

    con = store.connect(loaded_db)
    con.execute("DELETE FROM counts WHERE region_code = 'GM0096'")
    con.close()
    result = run(loaded_db, "vergelijk", "Vlieland")
    assert result.exit_code == 1
    assert "geen HIC-cijfers voor Vlieland (GM0096)" in flat(result.stderr)


def test_maatregelen_gemeente_resolves(loaded_db: Path) -> None:
    import json as jsonlib

    def ids(*args: str) -> list[str]:
        result = run(loaded_db, "maatregelen", *args, "--formaat", "json")
        assert result.exit_code == 0, result.stderr
        return [m["id"] for m in jsonlib.loads(result.stdout)]

    upper = ids("--gemeente", "GM0855")
    assert ids("--gemeente", "gm0855") == upper
    assert ids("--gemeente", "Tilburg") == upper
    national = ids()
    assert len(upper) < len(national)
    local = set(upper) - set(ids("--gemeente", "Vlieland"))
    assert local, "Tilburg has a local measure that Vlieland lacks"
    for bad, word in (("XYZ", "onbekende regio 'XYZ'"), ("Tilbrg", "Tilburg (GM0855)")):
        result = run(loaded_db, "maatregelen", "--gemeente", bad)
        assert result.exit_code == 1 and word in result.stderr
        assert result.stdout == ""
    result = run(loaded_db, "maatregelen", "--gemeente", "NL01")
    assert result.exit_code == 1 and "geen gemeente" in result.stderr
    # Den Haag: the local measures of 's-Gravenhage
    assert set(ids("--gemeente", "Den Haag")) == set(ids("--gemeente", "GM0518"))


# --- rates on today's boundaries ---------------------------------------------------------------


def test_merged_municipality_has_rates_before_the_merger(loaded_db: Path) -> None:
    result = run(loaded_db, "cijfers", "--regio", "Dijk en Waard", "--categorie", "woninginbraak")
    assert result.exit_code == 0, result.stderr
    pop = raw.population()
    counts = raw.municipal()[("woninginbraak", "GM1980")]
    text = result.stdout
    for year in range(2012, 2022):
        inhabitants = pop["GM0398"][year] + pop["GM0416"][year]
        rate = f"{counts[year] / inhabitants * 1000:.2f}".replace(".", ",")
        row = next(line for line in text.splitlines() if line.strip("│ ").startswith(str(year)))
        assert f"{inhabitants:,}".replace(",", ".") in row and rate in row, row
    note = flat(text)
    assert "Inwoners 2012–2021: Dijk en Waard op de grenzen van nu" in note
    assert "Heerhugowaard en Langedijk" in note


def test_split_share_is_named_as_an_estimate(loaded_db: Path) -> None:
    result = run(loaded_db, "trend", "--regio", "Tilburg", "--categorie", "woninginbraak")
    assert result.exit_code == 0, result.stderr
    assert "Haaren (een geschat deel)" in flat(result.stdout)
