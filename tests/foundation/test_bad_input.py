"""The bad-input corpus: every file is refused with a Dutch error naming file, line and field,
a non-zero exit code, and a store whose every row is unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hicmonitor import store
from hicmonitor.errors import InputError
from hicmonitor.store import loading
from tests.conftest import dump

BAD = Path(__file__).parent / "bad"

# file -> (line, field, words the message must contain)
EXPECTED: dict[str, tuple[int | None, str | None, str]] = {
    "empty.csv": (1, None, "leeg"),
    "header_only.csv": (2, None, "geen gegevensregels"),
    "wrong_header.csv": (1, None, "onbekend formaat"),
    "missing_column.csv": (1, "provisional", "ontbreken"),
    "unknown_crime_code.csv": (3, "crime_code", "onbekende misdrijfcode"),
    "unknown_region.csv": (5, "region_code", "onbekende regiocode"),
    "non_integer_count.csv": (2, "registered_crimes", "geen geheel getal"),
    "negative_count.csv": (3, "registered_crimes", "negatief"),
    "duplicate_keys.csv": (5, "crime_code", "regel 2"),
    "impossible_year.csv": (3, "year", "onmogelijk jaar"),
    "latin1.csv": (3, None, "UTF-8"),
    "bom_in_middle.csv": (3, "region_code", "BOM"),
    "truncated_last_line.csv": (5, "year", "afgebroken"),
    "formula_label.csv": (3, "crime_label", "formule"),
    "provisional_not_flag.csv": (2, "provisional", "0 of 1"),
    "too_many_fields.csv": (3, None, "te veel velden"),
    "unbalanced_quote.csv": (3, None, "aanhalingsteken"),
    "binary.csv": (1, None, "PNG"),
    "population_negative.csv": (3, "inhabitants", "negatief"),
    "population_unknown_region.csv": (3, "region_code", "onbekende regiocode"),
    "atm_unknown_counter.csv": (3, "counter", "NVB of politie"),
    "national_type_without_code.csv": (3, "incident_type_code", "code"),
    "cbs_month_13.csv": (3, "Perioden", "onmogelijke periode"),
    "cbs_quarter.csv": (2, "Perioden", "kwartalen"),
    "cbs_non_integer.csv": (3, "GeregistreerdeMisdrijven_1", "geen geheel getal"),
    "cbs_region_shape.csv": (3, "RegioS", "onbekende regiocode"),
}


def garbage_file(tmp_path: Path, lines: int = 200_000) -> Path:
    """A large file with a valid header and then lines of garbage."""
    path = tmp_path / "garbage_large.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1\n")
        for i in range(lines):
            fh.write(f"#{i} lorem ipsum dolor sit amet; ;;\n")
    return path


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in BAD.glob("*.csv")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_refused_and_store_unchanged(name: str, loaded_db: Path) -> None:
    line, field, words = EXPECTED[name]
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(InputError) as info:
        loading.load_file(con, BAD / name)
    err = info.value
    assert err.file.endswith(name)
    assert err.line == line, str(err)
    assert err.field == field, str(err)
    assert words in str(err)
    assert dump(con) == before


def test_large_garbage_file(tmp_path: Path, loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    before = dump(con)
    with pytest.raises(InputError) as info:
        loading.load_file(con, garbage_file(tmp_path))
    assert info.value.line == 2
    assert dump(con) == before


def test_cli_exit_code_and_message(loaded_db: Path) -> None:
    con = store.connect(loaded_db)
    before = dump(con)
    con.close()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hicmonitor",
            "--db",
            str(loaded_db),
            "laad",
            str(BAD / "negative_count.csv"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 1
    assert "negative_count.csv, regel 3, veld 'registered_crimes'" in proc.stderr
    assert "negatief" in proc.stderr
    con = store.connect(loaded_db)
    assert dump(con) == before
