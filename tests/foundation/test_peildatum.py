"""The peildatum: every figure records when it became public, and every query can be asked as
of a date. Real files loaded into a real DuckDB store."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from hicmonitor import store
from hicmonitor.errors import InputError
from hicmonitor.services.database import connect_loaded
from hicmonitor.store import loading
from tests.conftest import DATA

D = dt.date
CBS_HEADER = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1"


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def availability_rows() -> list[dict[str, str]]:
    with (DATA / "nl" / "availability.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_embedded_year_has_a_dated_source() -> None:
    rows = availability_rows()
    seen = {(r["file"], int(r["year"])) for r in rows}
    for name, col in (
        ("registered_crime_national_yearly.csv", "year"),
        ("registered_crime_gemeente_yearly.csv", "year"),
        ("population_gemeente_yearly.csv", "year"),
    ):
        with (DATA / "nl" / name).open(encoding="utf-8") as fh:
            years = {int(r[col]) for r in csv.DictReader(fh)}
        assert {(name, y) for y in years} <= seen, name
    for r in rows:
        day = D.fromisoformat(r["available_from"])
        assert day > D(int(r["year"]), 12, 31), r  # a year's figure follows its year
        assert r["basis"] in {"publicatiedatum", "uiterlijk", "benadering"}
        assert "https://" in r["source"]
    with (DATA / "nl" / "published_atm_attacks.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            assert D.fromisoformat(r["available_from"]) > D(int(r["year"]), 1, 1), r


def test_embedded_figures_as_of_the_letter_of_december_2023(shared_con) -> None:
    d = D(2023, 12, 18)
    national = store.category_counts(shared_con, regions=["NL01"], as_of=d)
    assert sorted(set(national["year"])) == list(range(2012, 2023))
    # the figures themselves are those of the file (the value of a year does not change)
    now = store.category_counts(shared_con, regions=["NL01"])
    merged = national.merge(now, on=["category", "year"], suffixes=("", "_now"))
    assert (merged["count"] == merged["count_now"]).all()
    # 2022 became public on 16 January 2023: not on the day before
    assert 2022 not in set(
        store.category_counts(shared_con, regions=["NL01"], as_of=D(2023, 1, 15))["year"]
    )
    atm = store.atm_attacks(shared_con, as_of=d)
    row = atm[(atm["year"] == 2023)].iloc[0]
    assert (row["counter"], row["count"]) == ("politie", 6)
    assert row["covers_until"].date() == D(2023, 11, 30)  # December not counted
    assert 2023 not in set(store.atm_attacks(shared_con, as_of=D(2023, 12, 13))["year"])
    pop = store.population(shared_con, ["GM0363"], as_of=d)
    assert pop["year"].max() == 2022


def test_revisions_stay_readable_as_of_their_dates(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    v1 = write(tmp_path / "v1.csv", CBS_HEADER, ["0,1.1.1 ,GM0363,2022JJ00,1000"])
    v2 = write(tmp_path / "v2.csv", CBS_HEADER, ["0,1.1.1 ,GM0363,2022JJ00,1100"])
    loading.load_file(con, v1, published=D(2023, 1, 16))
    r2 = loading.load_file(con, v2, published=D(2024, 1, 18))
    assert r2.status == "herzien"

    def value(as_of: D | None) -> list[int]:
        c = store.crime_counts(con, regions=["GM0363"], crime_codes=["1.1.1"], as_of=as_of)
        return c.loc[c["year"] == 2022, "count"].tolist()

    assert value(D(2023, 1, 15)) == []
    assert value(D(2023, 6, 1)) == [1000]
    assert value(D(2024, 1, 18)) == [1100]
    assert value(None) == [1100]
    assert con.execute("SELECT count(*) FROM counts_history").fetchone()[0] >= 1


def test_a_period_counts_only_once_it_is_over(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    f = write(
        tmp_path / "m.csv",
        CBS_HEADER,
        ["0,1.1.1 ,NL01,2023MM11,1500", "1,1.1.1 ,NL01,2023MM12,1700", "2,1.1.1 ,NL01,2023JJ00,9"],
    )
    loading.load_file(con, f, published=D(2023, 12, 10), accept=True)  # "9" for 2023: a marker

    def months(as_of: D) -> list[int]:
        c = store.crime_counts(con, regions=["NL01"], period_kind="maand", as_of=as_of)
        return [p.month for p in c["period"] if p.year == 2023]

    assert months(D(2023, 12, 18)) == [11]  # December was not over yet
    assert months(D(2024, 1, 1)) == [11, 12]
    yearly = store.crime_counts(con, regions=["NL01"], crime_codes=["1.1.1"], as_of=D(2023, 12, 18))
    assert 2023 not in set(yearly["year"])  # a year's figure before the year is over: never


def test_dates_stated_in_the_file_win(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    f = write(
        tmp_path / "t.csv",
        "crime_code,crime_label,region_code,year,registered_crimes,provisional,beschikbaar_vanaf",
        [
            "1.4.6,Straatroof,GM0363,2020,10,0,2021-02-01",
            "1.4.6,Straatroof,GM0363,2021,12,0,",
        ],
    )
    loading.load_file(con, f, published=D(2022, 3, 1))
    rows = dict(
        con.execute(
            "SELECT year(a.period), a.available_from FROM availability a "
            "JOIN sources s ON s.id = a.source_id WHERE s.file_name = 't.csv'"
        ).fetchall()
    )
    assert rows == {2020: D(2021, 2, 1), 2021: D(2022, 3, 1)}


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("1.4.6,Straatroof,GM0363,2021,12,0,2020-06-01", "beschikbaar_vanaf", "vóór het begin"),
        ("1.4.6,Straatroof,GM0363,2021,12,0,1 juni 2022", "beschikbaar_vanaf", "JJJJ-MM-DD"),
        ("1.4.6,Straatroof,GM0363,2021,12,0,2022-02-30", "beschikbaar_vanaf", "ongeldige datum"),
    ],
)
def test_bad_dates_name_line_and_field(
    tmp_path: Path, loaded_db: Path, row: str, field: str, message: str
) -> None:
    con = store.connect(loaded_db)
    f = write(
        tmp_path / "bad.csv",
        "crime_code,crime_label,region_code,year,registered_crimes,provisional,beschikbaar_vanaf",
        ["1.4.6,Straatroof,GM0363,2020,10,0,", row],
    )
    with pytest.raises(InputError) as exc:
        loading.load_file(con, f)
    assert exc.value.line == 3 and exc.value.field == field
    assert message in str(exc.value)


def test_stated_date_before_the_period_is_refused(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    before = con.execute("SELECT count(*) FROM sources").fetchone()[0]
    f = write(tmp_path / "c.csv", CBS_HEADER, ["0,1.1.1 ,NL01,2023MM03,1500"])
    with pytest.raises(InputError, match="vóór het begin van periode 2023-03-01"):
        loading.load_file(con, f, published=D(2023, 1, 5))
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == before


def test_atm_partial_year_columns(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    header = "year,counter,kind,count,source,available_from,covers_until"
    ok = write(tmp_path / "a.csv", header, ["2024,politie,plofkraak,4,x,2024-06-10,2024-05-31"])
    loading.load_file(con, ok)
    atm = store.atm_attacks(con, as_of=D(2024, 7, 1))
    assert atm.loc[atm["year"] == 2024, "covers_until"].iloc[0].date() == D(2024, 5, 31)
    # without an end day, a count published during its year runs to the day before
    bad = write(tmp_path / "b.csv", header, ["2024,NVB,plofkraak,4,x,2024-06-10,2025-01-01"])
    with pytest.raises(InputError) as exc:
        loading.load_file(con, bad)
    assert exc.value.line == 2 and exc.value.field == "covers_until"


def test_a_store_loaded_before_dates_were_kept_gets_them(loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    # what a store migrated from v2 looks like: every figure public from its load
    con.execute("UPDATE availability SET available_from = DATE '2026-11-30'")
    con.execute("DELETE FROM meta WHERE key = 'embedded_availability'")
    assert store.category_counts(con, regions=["NL01"], as_of=D(2023, 12, 18)).empty
    con.close()
    con = connect_loaded(loaded_db)
    years = set(store.category_counts(con, regions=["NL01"], as_of=D(2023, 12, 18))["year"])
    assert years == set(range(2012, 2023))
