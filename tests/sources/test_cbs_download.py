"""``hic haal``: the real cbsodata client against a real local OData server, into a real store.

Expectations are computed from the served fixture rows (or the embedded CSVs they were built
from), never from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import math
import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import duckdb
import pytest

from hicmonitor import store
from hicmonitor.errors import HicError
from hicmonitor.services.loading import load_download
from hicmonitor.sources import cbs_download
from hicmonitor.store import loading
from tests.conftest import dump
from tests.sources.odata_server import (
    FixtureTable,
    ODataServer,
    crime_table,
    embedded_population,
    population_table,
    unreachable_url,
)

MEASURE = "GeregistreerdeMisdrijven_1"


@cache
def crimes(table_id: str = "47022NED", geo_key: str = "RegioS") -> FixtureTable:
    return crime_table(table_id, geo_key=geo_key)


@cache
def population() -> FixtureTable:
    return population_table()


@pytest.fixture
def server():
    tables = [crimes(), crimes("47018NED", "WijkenEnBuurten"), population()]
    with ODataServer(tables, page_size=40) as srv:
        yield srv


def known(con: duckdb.DuckDBPyConnection) -> tuple[set[str], set[str]]:
    codes = {r[0] for r in con.execute("SELECT code FROM crime_types").fetchall()}
    regions = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
    return codes, regions


def period_of(key: str) -> tuple[dt.date, str]:
    year, kind, n = int(key[:4]), key[4:6], int(key[6:])
    return (dt.date(year, 1, 1), "jaar") if kind == "JJ" else (dt.date(year, n, 1), "maand")


def expected_counts(
    rows: list[dict], geo_key: str, codes: set[str], regions: set[str]
) -> dict[tuple, int]:
    """What must land: trimmed keys, years and months only, known codes and regions, a figure."""
    out = {}
    for row in rows:
        code, region, period = (row[k].strip() for k in ("SoortMisdrijf", geo_key, "Perioden"))
        if "KW" in period or code not in codes or row[MEASURE] is None:
            continue
        if region not in regions and not region.startswith(("WK", "BU")):
            continue
        out[(*period_of(period), region, code)] = row[MEASURE]
    return out


def stored_counts(con: duckdb.DuckDBPyConnection, source_id: int) -> dict[tuple, int]:
    rows = con.execute(
        "SELECT period, period_kind, region_code, crime_code, count FROM counts WHERE source_id = ?",
        [source_id],
    ).fetchall()
    return {tuple(r[:4]): r[4] for r in rows}


def run_cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), "haal", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "250", **(env or {})},
        timeout=120,
    )


def test_crime_table_lands_whole(server: ODataServer, loaded_db: Path) -> None:
    table = crimes()
    download = cbs_download.fetch("47022NED", base_url=server.url)
    con = store.connect(loaded_db)
    result = load_download(con, download)

    codes, regions = known(con)
    expected = expected_counts(table.rows, "RegioS", codes, regions)
    got = stored_counts(con, result.load.source_id)
    assert got == expected
    assert result.load.rows == len(expected)
    # Every page of the data set was asked for, and rows of every page arrived.
    pages = server.pages("TypedDataSet")
    assert len(pages) == math.ceil(len(table.rows) / server.page_size) > 1
    assert sorted(r["ID"] for r in download.rows) == [r["ID"] for r in table.rows]
    # Keys came padded ("NL01  ", "1.1.1 "); the store holds them trimmed.
    assert any(r["RegioS"] == "NL01  " for r in table.rows)
    assert ("NL01",) in con.execute("SELECT DISTINCT region_code FROM counts").fetchall()
    assert not con.execute(
        "SELECT count(*) FROM counts WHERE region_code <> trim(region_code) "
        "OR crime_code <> trim(crime_code)"
    ).fetchone()[0]
    # Monthly periods land as months, on the first day.
    months = con.execute(
        "SELECT DISTINCT period FROM counts WHERE source_id = ? AND period_kind = 'maand' "
        "ORDER BY 1",
        [result.load.source_id],
    ).fetchall()
    assert [m[0] for m in months] == [dt.date(2023, m, 1) for m in range(1, 13)]
    # What was left out is counted; empty cells are counted by the loader.
    served_quarters = sum("KW" in r["Perioden"] for r in table.rows)
    assert result.converted.skipped[cbs_download.SKIP_QUARTER] == served_quarters
    assert sum(result.converted.skipped.values()) + len(result.converted.records) == len(table.rows)
    assert result.load.skipped_empty == sum(
        r[MEASURE] is None and "KW" not in r["Perioden"] for r in table.rows
    )
    text = "\n".join(result.summary_lines())
    assert "kwartaalcijfers" in text and "2023KW01" in text and "9.9.9" in text


def test_bulk_load_path_gives_the_same_rows(server: ODataServer, loaded_db: Path) -> None:
    table = crimes()
    con = store.connect(loaded_db)
    result = load_download(con, cbs_download.fetch("47022NED", base_url=server.url), fast=True)
    codes, regions = known(con)
    expected = expected_counts(table.rows, "RegioS", codes, regions)
    assert stored_counts(con, result.load.source_id) == expected
    assert result.load.skipped_empty == sum(
        r[MEASURE] is None and "KW" not in r["Perioden"] for r in table.rows
    )


def test_paging_with_small_pages(loaded_db: Path) -> None:
    table = crimes()
    with ODataServer([table], page_size=7) as srv:
        download = cbs_download.fetch("47022NED", base_url=srv.url)
        skips = [int(r.query.get("$skip", "0")) for r in srv.pages("TypedDataSet")]
    assert skips == list(range(0, len(table.rows), 7))
    assert download.rows == table.rows


def test_filter_is_sent_with_every_page(server: ODataServer, loaded_db: Path) -> None:
    table = crimes()
    odata_filter = "SoortMisdrijf eq '1.1.1 ' and (startswith(RegioS,'GM') or RegioS eq 'NL01  ')"
    download = cbs_download.fetch("47022NED", base_url=server.url, filter=odata_filter)
    pages = server.pages("TypedDataSet")
    assert len(pages) > 1
    assert all(p.query.get("$filter") == odata_filter for p in pages)

    con = store.connect(loaded_db)
    result = load_download(con, download)
    selected = [
        r
        for r in table.rows
        if r["SoortMisdrijf"] == "1.1.1 "
        and (r["RegioS"].startswith("GM") or r["RegioS"] == "NL01  ")
    ]
    codes, regions = known(con)
    assert stored_counts(con, result.load.source_id) == expected_counts(
        selected, "RegioS", codes, regions
    )


def test_47018_with_wijken_en_buurten_dimension(server: ODataServer, loaded_db: Path) -> None:
    table = crimes("47018NED", "WijkenEnBuurten")
    con = store.connect(loaded_db)
    result = load_download(con, cbs_download.fetch("47018ned", base_url=server.url))
    codes, regions = known(con)
    assert stored_counts(con, result.load.source_id) == expected_counts(
        table.rows, "WijkenEnBuurten", codes, regions
    )
    # The wijk is registered as a region under its municipality.
    assert con.execute("SELECT level, parent FROM regions WHERE code = 'WK036300'").fetchone() == (
        "wijk",
        "GM0363",
    )


def test_population_takes_average_then_first_of_january(
    server: ODataServer, loaded_db: Path
) -> None:
    table = population()
    con = store.connect(loaded_db)
    result = load_download(con, cbs_download.fetch("70072ned", base_url=server.url))
    got = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "SELECT region_code, year, inhabitants FROM population WHERE source_id = ?",
            [result.load.source_id],
        ).fetchall()
    }
    # From the served rows: the average rounded half up, else the 1 January figure.
    served = {}
    for r in table.rows:
        region, year = r["RegioS"].strip(), int(r["Perioden"][:4])
        if region in {"PV27", "GM0001"}:  # a province, a municipality unknown to the store
            continue
        avg = r["GemiddeldAantalInwoners_51"]
        served[(region, year)] = (
            int(Decimal(str(avg)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            if avg is not None
            else r["TotaleBevolking_1"]
        )
    assert got == served
    # ... which are the embedded figures the fixture was made from.
    embedded = embedded_population()
    for (region, year), value in got.items():
        if region != "NL01":
            assert value == embedded[(region, year)]
    last_year = max(int(r["Perioden"][:4]) for r in table.rows)
    assert result.converted.fallback == sum(1 for (_, y) in got if y == last_year)
    assert result.converted.skipped[cbs_download.SKIP_REGION] == sum(
        r["RegioS"].strip() in {"PV27", "GM0001"} for r in table.rows
    )
    tmp = loaded_db.parent / "pop.csv"
    cbs_download.write_csv(result.converted, tmp)
    with tmp.open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["region_code", "year", "inhabitants"]


def test_same_download_twice_changes_nothing(server: ODataServer, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    load_download(con, cbs_download.fetch("47022NED", base_url=server.url))
    before = dump(con)
    again = load_download(con, cbs_download.fetch("47022NED", base_url=server.url))
    assert again.load.status == "al geladen"
    assert dump(con) == before


def test_server_error_mid_download(server: ODataServer, loaded_db: Path) -> None:
    server.fail("TypedDataSet", 500, page=2)
    with pytest.raises(HicError, match="HTTP 500"):
        cbs_download.fetch("47022NED", base_url=server.url)

    con = store.connect(loaded_db)
    before = dump(con)
    con.close()
    proc = run_cli(loaded_db, "47022NED", "--basis-url", server.url)
    assert proc.returncode == 1
    assert "fout:" in proc.stderr and "HTTP 500" in proc.stderr
    assert "gebruik hic laad met een gedownload bestand" in proc.stderr
    con = store.connect(loaded_db)
    assert dump(con) == before


def test_unreachable_server(loaded_db: Path, tmp_path: Path) -> None:
    url = unreachable_url()
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(HicError) as info:
        load_download(con, cbs_download.fetch("47022NED", base_url=url))
    assert str(info.value) == (
        f"geen verbinding met {url}; gebruik hic laad met een gedownload bestand"
    )
    assert dump(con) == before
    # The command downloads before it opens the store: without a store yet, none is created.
    fresh = tmp_path / "nieuw.duckdb"
    proc = run_cli(fresh, "70072ned", env={"HICMONITOR_CBS_URL": url})
    assert proc.returncode == 1
    assert f"fout: geen verbinding met {url}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not fresh.exists()


def test_slow_server_times_out(server: ODataServer) -> None:
    server.delay = 1.0
    with pytest.raises(HicError, match="geen antwoord van .* binnen 0.2 seconden"):
        cbs_download.fetch("47022NED", base_url=server.url, timeout=0.2)


def test_cli_with_env_url_keeps_csv(server: ODataServer, loaded_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "download" / "misdrijven.csv"
    proc = run_cli(
        loaded_db,
        "47022NED",
        "--filter",
        "SoortMisdrijf eq '1.4.5 '",
        "--uit",
        str(out),
        env={"HICMONITOR_CBS_URL": server.url},
    )
    assert proc.returncode == 0, proc.stderr
    assert "rijen misdrijven geladen" in proc.stdout and str(out) in proc.stdout
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["ID", "SoortMisdrijf", "RegioS", "Perioden", MEASURE]
    assert {r["SoortMisdrijf"] for r in rows} == {"1.4.5"}
    # The kept file is the very file that was loaded.
    con = store.connect(loaded_db)
    assert loading.load_file(con, out).status == "al geladen"


def test_unknown_table() -> None:
    with pytest.raises(HicError, match="wordt niet ondersteund") as info:
        cbs_download.fetch("83648NED", base_url="http://127.0.0.1:1")
    assert "47022NED" in str(info.value) and "70072ned" in str(info.value)


def test_table_missing_on_server() -> None:
    with ODataServer([population()]) as srv:
        with pytest.raises(HicError, match="niet gevonden.*HTTP 404"):
            cbs_download.fetch("47022NED", base_url=srv.url)


def test_refused_filter(server: ODataServer) -> None:
    with pytest.raises(HicError, match="weigerde het filter"):
        cbs_download.fetch("47022NED", base_url=server.url, filter="SoortMisdrijf eq")


@pytest.mark.parametrize("url", ["ftp://cbs.nl", "dataderden.cbs.nl", "http://"])
def test_invalid_base_url(url: str) -> None:
    with pytest.raises(HicError, match="basis-URL"):
        cbs_download.fetch("47022NED", base_url=url)


def test_untyped_data_set_values(loaded_db: Path) -> None:
    """A cbsodata that returns the untyped data set (numbers as padded text, "." for none)."""
    table = crimes()
    untyped = [
        {k: ("       ." if v is None else f"{v:>10}") if k == MEASURE else v for k, v in r.items()}
        for r in table.rows
    ]
    download = cbs_download.Download(
        spec=cbs_download.table_spec("47022NED"),
        base_url="http://127.0.0.1",
        filter=None,
        rows=untyped,
        properties=table.properties,
    )
    con = store.connect(loaded_db)
    result = load_download(con, download)
    codes, regions = known(con)
    assert stored_counts(con, result.load.source_id) == expected_counts(
        table.rows, "RegioS", codes, regions
    )


def test_logging_left_as_it_was(server: ODataServer) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    pages: list[tuple[str, int]] = []
    cbs_download.fetch("70072ned", base_url=server.url, progress=lambda e, p: pages.append((e, p)))
    assert (list(root.handlers), root.level) == before
    assert ("TypedDataSet", 1) in pages and ("DataProperties", 1) in pages
