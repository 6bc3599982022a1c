"""Loading real files: figures equal the raw CSV, loads are idempotent, revisions replace exactly."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from hicmonitor import store
from hicmonitor.store import loading
from tests.conftest import DATA, dump

NL = DATA / "nl"


def raw_national() -> dict[tuple[str, int], int]:
    out = {}
    with (NL / "registered_crime_national_yearly.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            label = row["incident_type_code"]
            code = "0.0.0" if label == "Totaal misdrijven" else label.split(" ")[0]
            out[(code, int(row["year"]))] = int(row["incident_count"])
    return out


def test_embedded_national_counts_equal_raw_csv(shared_con) -> None:
    stored = {
        (r.crime_code, r.year): r.count
        for r in store.crime_counts(shared_con, regions=["NL01"]).itertuples()
    }
    assert stored == raw_national()


def test_embedded_municipal_counts_equal_raw_csv(shared_con) -> None:
    with (NL / "registered_crime_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        raw = {
            (r["crime_code"], r["region_code"], int(r["year"])): (
                int(r["registered_crimes"]),
                r["provisional"] == "1",
            )
            for r in csv.DictReader(fh)
        }
    frame = store.crime_counts(shared_con)
    frame = frame[frame["region_code"] != "NL01"]
    stored = {
        (r.crime_code, r.region_code, r.year): (r.count, r.provisional) for r in frame.itertuples()
    }
    assert stored == raw


def test_population_and_atm_equal_raw(shared_con) -> None:
    with (NL / "population_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        raw = {
            (r["region_code"], int(r["year"])): int(r["inhabitants"]) for r in csv.DictReader(fh)
        }
    pop = store.population(shared_con)
    assert {(r.region_code, r.year): r.inhabitants for r in pop.itertuples()} == raw
    with (NL / "published_atm_attacks.csv").open(encoding="utf-8") as fh:
        raw_atm = sorted(
            (int(r["year"]), r["counter"], r["kind"], int(r["count"])) for r in csv.DictReader(fh)
        )
    atm = store.atm_attacks(shared_con)
    assert sorted((r.year, r.counter, r.kind, r.count) for r in atm.itertuples()) == raw_atm


def test_category_counts_sum_the_taxonomy_codes(shared_con) -> None:
    raw = raw_national()
    cats = store.category_counts(shared_con, regions=["NL01"])
    geweld = cats[(cats.category == "geweld") & (cats.year == 2023)]["count"].item()
    assert geweld == raw[("1.4.2", 2023)] + raw[("1.4.4", 2023)] + raw[("1.4.5", 2023)]
    assert (
        cats[(cats.category == "straatroof") & (cats.year == 2019)]["count"].item()
        == raw[("1.4.6", 2019)]
    )


def test_same_file_twice_changes_nothing(loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    before = dump(con)
    result = loading.load_file(con, NL / "population_gemeente_yearly.csv")
    assert result.status == "al geladen"
    assert dump(con) == before


def write(path: Path, header: str, rows: list[str], bom: bool = False) -> Path:
    path.write_text(("\ufeff" if bom else "") + header + "\n" + "\n".join(rows) + "\n", "utf-8")
    return path


CBS_HEADER = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1,GeregistreerdeMisdrijvenPer1000Inw_3"


def test_cbs_format_years_months_and_levels(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    path = write(
        tmp_path / "cbs.csv",
        CBS_HEADER,
        [
            "0,1.1.1 ,GM0363    ,2024MM01,150,0.2",
            "1,1.1.1 ,GM0363    ,2024MM02,140,0.2",
            "2,1.4.6 ,WK036301  ,2024MM02,3,",
            "3,1.4.6 ,BU03630101,2024MM02,,",
            "4,1.4.7 ,RE13      ,2024JJ00,55,",
        ],
    )
    result = loading.load_file(con, path)
    assert (result.rows, result.skipped_empty) == (4, 1)
    months = store.crime_counts(con, regions=["GM0363"], period_kind="maand")
    assert list(months["period"].dt.date) == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    assert list(months["count"]) == [150, 140]
    levels = dict(
        con.execute("SELECT code, level FROM regions WHERE code IN ('WK036301', 'RE13')").fetchall()
    )
    assert levels == {"WK036301": "wijk", "RE13": "politieregio"}


def test_fast_and_precise_paths_agree(tmp_path: Path, loaded_db_template: Path) -> None:
    rows = [
        f"{i},1.1.1 ,BU0363{i % 100:04d},2023MM{(i // 100) % 12 + 1:02d},{i % 17},"
        for i in range(1200)
    ]
    path = write(tmp_path / "cbs.csv", CBS_HEADER, rows)
    tables = []
    for fast in (False, True):
        db = tmp_path / f"s{fast}.duckdb"
        db.write_bytes(loaded_db_template.read_bytes())
        con = store.connect(db)
        result = loading.load_file(con, path, fast=fast)
        assert result.rows == 1200
        tables.append(
            sorted(
                con.execute(
                    "SELECT period, period_kind, region_code, crime_code, count FROM counts WHERE source_id = ?",
                    [result.source_id],
                ).fetchall()
            )
        )
    assert tables[0] == tables[1]


def test_fast_path_bad_row_names_its_line(tmp_path: Path, loaded_db: Path) -> None:
    from hicmonitor.errors import InputError

    rows = [f"{i},1.1.1 ,GM0363,2023MM{i % 12 + 1:02d},{i}," for i in range(12)]
    rows += [f"{12 + i},1.1.2 ,GM0363,2023MM{i % 12 + 1:02d},{i}," for i in range(12)]
    rows[17] = "17,1.1.2 ,GM0363,2023MM13,5,"
    path = write(tmp_path / "cbs.csv", CBS_HEADER, rows)
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(InputError) as info:
        loading.load_file(con, path, fast=True)
    assert (info.value.line, info.value.field) == (19, "Perioden")
    assert dump(con) == before


@pytest.mark.parametrize("fast", [False, True], ids=["precise", "bulk"])
def test_revised_file_replaces_exactly_its_rows(
    tmp_path: Path, loaded_db: Path, fast: bool
) -> None:
    con = store.connect(loaded_db)
    first = write(
        tmp_path / "v1.csv",
        CBS_HEADER,
        ["0,1.1.1 ,GM0363,2024MM01,150,", "1,1.1.1 ,GM0363,2024MM02,140,"],
    )
    r1 = loading.load_file(con, first)
    revised = write(
        tmp_path / "v2.csv",
        CBS_HEADER,
        ["0,1.1.1 ,GM0363,2024MM02,145,", "1,1.1.1 ,GM0363,2024MM03,130,"],
    )
    before = dump(con)
    r2 = loading.load_file(con, revised, fast=fast)
    assert r2.status == "herzien" and r2.replaced == 1 and r2.revises == [r1.source_id]
    after = dump(con)
    months = store.crime_counts(con, regions=["GM0363"], period_kind="maand")
    assert list(months["count"]) == [150, 145, 130]
    # Everything else is untouched.
    assert after["population"] == before["population"]
    untouched = [r for r in after["counts"] if r[1] == "jaar"]
    assert untouched == [r for r in before["counts"] if r[1] == "jaar"]
    assert con.execute("SELECT revises FROM sources WHERE id = ?", [r2.source_id]).fetchone()[
        0
    ] == [r1.source_id]


def test_leading_bom_is_accepted(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    path = write(tmp_path / "bom.csv", CBS_HEADER, ["0,1.1.1 ,GM0363,2024MM05,99,"], bom=True)
    assert loading.load_file(con, path).rows == 1


def test_fast_path_duplicate_key_names_both_lines(tmp_path: Path, loaded_db: Path) -> None:
    from hicmonitor.errors import InputError

    rows = [f"{i},1.1.1 ,BU0363{i:04d},2023MM01,{i}," for i in range(50)]
    rows.append("50,1.1.1 ,BU03630007,2023MM01,3,")
    path = write(tmp_path / "cbs.csv", CBS_HEADER, rows)
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(InputError, match="regel 9") as info:
        loading.load_file(con, path, fast=True)
    assert info.value.line == 52
    assert dump(con) == before


def test_fast_path_year_and_january_are_different_keys(tmp_path: Path, loaded_db: Path) -> None:
    from hicmonitor.errors import InputError

    rows = [
        "0,1.1.1 ,GM0363,2023JJ00,1700,",
        "1,1.1.1 ,GM0363,2023MM01,150,",
        "2,1.1.1 ,GM0363,2022JJ00,1731,",
    ]
    con = store.connect(loaded_db)
    assert loading.load_file(con, write(tmp_path / "ok.csv", CBS_HEADER, rows), fast=True).rows == 3
    rows.append("3,1.1.1 ,GM0363,2022JJ00,1731,")
    before = dump(con)
    with pytest.raises(InputError, match="regel 4") as info:
        loading.load_file(con, write(tmp_path / "dup.csv", CBS_HEADER, rows), fast=True)
    assert info.value.line == 5
    assert dump(con) == before


def test_fast_path_same_file_twice_changes_nothing(tmp_path: Path, loaded_db: Path) -> None:
    rows = [f"{i},1.1.1 ,BU0363{i:04d},2023MM01,{i}," for i in range(100)]
    path = write(tmp_path / "cbs.csv", CBS_HEADER, rows)
    con = store.connect(loaded_db)
    first = loading.load_file(con, path, fast=True)
    assert first.status == "geladen"
    stored_sha = con.execute(
        "SELECT sha256 FROM sources WHERE id = ?", [first.source_id]
    ).fetchone()[0]
    assert stored_sha == store.file_sha256(path)
    before = dump(con)
    again = loading.load_file(con, path, fast=True)
    assert (again.status, again.source_id) == ("al geladen", first.source_id)
    assert dump(con) == before


@pytest.mark.parametrize(
    ("bad_row", "field", "words"),
    [
        ("7,1.1.1 ,GM0363,2023MM08,-4,", "GeregistreerdeMisdrijven_1", "negatief"),
        ("7,9.9.9 ,GM0363,2023MM08,4,", "SoortMisdrijf", "onbekende misdrijfcode"),
        ("7,1.1.1 ,GM9999,2023MM08,4,", "RegioS", "onbekende regiocode"),
        ("7,1.1.1 ,GM0363, 2023MM08,4,", "Perioden", "onmogelijke periode"),
    ],
)
def test_fast_path_rejects_like_the_precise_path(
    tmp_path: Path, loaded_db: Path, bad_row: str, field: str, words: str
) -> None:
    from hicmonitor.errors import InputError

    rows = [f"{i},1.1.1 ,GM0363,2023MM{i + 1:02d},{i}," for i in range(12)]
    rows[7] = bad_row
    path = write(tmp_path / "cbs.csv", CBS_HEADER, rows)
    con = store.connect(loaded_db)
    before = dump(con)
    for fast in (True, False):
        with pytest.raises(InputError, match=words) as info:
            loading.load_file(con, path, fast=fast)
        assert (info.value.line, info.value.field) == (9, field)
    assert dump(con) == before
