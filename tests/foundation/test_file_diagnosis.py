"""Files that are not CSV text are named for what they are, with what to do; semicolon and
tab files get the separator hint. Every file is built here, most by the program that makes
such files (openpyxl, gzip, bz2, lzma, zipfile, sqlite3, DuckDB), and refused with a Dutch
error on line 1, the store unchanged."""

from __future__ import annotations

import bz2
import gzip
import lzma
import sqlite3
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from hicmonitor import store
from hicmonitor.errors import InputError
from hicmonitor.store import loading
from tests.conftest import DATA, dump
from tests.foundation.test_error_path import invoke

CSV = "region_code,year,inhabitants\nGM0003,2012,12053\nGM0003,2013,12058\n"


def xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    for line in CSV.splitlines():
        wb.active.append(line.split(","))
    wb.save(path)


def ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")


def docx(path: Path) -> None:
    from tests.woo.docxbuild import Doc, para

    Doc(body=[para("Cijfers")]).save(path)


def plain_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("bevolking.csv", CSV)


def sqlite_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()


def parquet(path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 1 AS a) TO '{path}' (FORMAT parquet)")
    con.close()


BUILDERS = {
    "utf16_bom.csv": (lambda p: p.write_bytes(CSV.encode("utf-16")), "UTF-16 (little-endian"),
    "utf16be_bom.csv": (
        lambda p: p.write_bytes(b"\xfe\xff" + CSV.encode("utf-16-be")),
        "UTF-16 (big-endian)",
    ),
    "utf16le.csv": (
        lambda p: p.write_bytes(CSV.encode("utf-16-le")),
        "UTF-16 (little-endian, zonder BOM)",
    ),
    "utf16be.csv": (
        lambda p: p.write_bytes(CSV.encode("utf-16-be")),
        "UTF-16 (big-endian, zonder BOM)",
    ),
    "utf32.csv": (lambda p: p.write_bytes(CSV.encode("utf-32")), "UTF-32"),
    "werkmap.csv": (xlsx, "Excel-werkmap (XLSX)"),
    "werkblad.csv": (ods, "OpenDocument-werkblad (ODS)"),
    "brief.csv": (docx, "Word-document (DOCX)"),
    "archief.csv": (plain_zip, "zip-archief; pak het uit"),
    "ingepakt.csv": (lambda p: p.write_bytes(gzip.compress(CSV.encode())), "met gzip ingepakt"),
    "bz.csv": (lambda p: p.write_bytes(bz2.compress(CSV.encode())), "met bzip2 ingepakt"),
    "xz.csv": (lambda p: p.write_bytes(lzma.compress(CSV.encode())), "met xz ingepakt"),
    "oud.csv": (
        lambda p: p.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504),
        "oud Excel-bestand (XLS)",
    ),
    "document.csv": (lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "PDF-document"),
    "database.csv": (sqlite_db, "SQLite-database"),
    "kolommen.csv": (parquet, "Parquet-bestand"),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_not_csv_text_is_named(name: str, tmp_path: Path, loaded_db: Path) -> None:
    build, words = BUILDERS[name]
    path = tmp_path / name
    build(path)
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(InputError) as info:
        loading.load_file(con, path)
    message = str(info.value)
    assert info.value.line == 1
    assert words in message, message
    assert "Latin-1" not in message
    assert dump(con) == before


def test_semicolons_with_thousands_get_the_separator_hint(tmp_path: Path, loaded_db: Path) -> None:
    path = tmp_path / "puntkomma.csv"
    path.write_text(
        "region_code;year;inhabitants\nGM0003;2012;12.053\nGM0003;2013;12.058\n", "utf-8"
    )
    result = invoke(loaded_db, "laad", path)
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "gescheiden door puntkomma's (;), niet door komma's" in text
    assert "1234, niet 1.234" in text
    assert "Traceback" not in result.output


def test_tabs_get_the_separator_hint(tmp_path: Path, loaded_db: Path) -> None:
    path = tmp_path / "tabs.csv"
    src = (DATA / "nl" / "registered_crime_gemeente_yearly.csv").read_text("utf-8").splitlines()[:3]
    path.write_text("\n".join(line.replace(",", "\t") for line in src) + "\n", "utf-8")
    con = store.connect(loaded_db)
    with pytest.raises(InputError, match="gescheiden door tabs") as info:
        loading.load_file(con, path)
    assert "duizendtal" not in str(info.value)


def test_a_count_with_a_thousands_point(tmp_path: Path, loaded_db: Path) -> None:
    path = tmp_path / "punt.csv"
    path.write_text('region_code,year,inhabitants\nGM0003,2012,"12.053"\n', "utf-8")
    con = store.connect(loaded_db)
    with pytest.raises(InputError) as info:
        loading.load_file(con, path)
    assert info.value.line == 2 and info.value.field == "inhabitants"
    assert "schrijf het zonder punt als duizendtal (12053)" in str(info.value)


def test_a_header_without_end_is_refused_without_reading_it_all(
    tmp_path: Path, loaded_db: Path
) -> None:
    path = tmp_path / "een_regel.csv"
    path.write_text("region_code," + "x" * 5_000_000, "utf-8")
    con = store.connect(loaded_db)
    with pytest.raises(InputError, match="kopregel is langer dan 64 kB") as info:
        loading.load_file(con, path)
    assert info.value.line == 1
