"""The store file: location, schema version, migration, refusal of foreign or newer files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from hicmonitor import store
from hicmonitor.errors import HicError


def test_env_var_sets_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.DB_ENV, str(tmp_path / "x.duckdb"))
    assert store.default_db_path() == tmp_path / "x.duckdb"
    store.connect().close()
    assert (tmp_path / "x.duckdb").exists()


def test_new_store_has_current_schema(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "new.duckdb")
    assert store.schema_version(con) == store.SCHEMA_VERSION


def test_v1_file_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute(store.SCHEMA_V1)
    raw.execute(
        "INSERT INTO sources (file_name, sha256, kind, rows) VALUES ('a.csv', 'abc', 'misdrijven', 1)"
    )
    raw.execute("INSERT INTO counts VALUES (DATE '2020-01-01', 'jaar', 'NL01', '1.1.1', 30571, 1)")
    raw.close()
    con = store.connect(path)
    assert store.schema_version(con) == store.SCHEMA_VERSION
    assert con.execute("SELECT count, provisional FROM counts").fetchall() == [(30571, False)]
    assert con.execute("SELECT revises FROM sources").fetchall() == [(None,)]
    # v3: the figures of a file loaded before dates were kept count as public from its load
    loaded = con.execute("SELECT CAST(loaded_at AS DATE) FROM sources").fetchone()[0]
    assert con.execute("SELECT * FROM availability").fetchall() == [
        (1, "jaar", dt.date(2020, 1, 1), loaded)
    ]
    assert store.category_counts(con, regions=["NL01"], as_of=loaded)["count"].tolist() == [30571]
    before = loaded - dt.timedelta(days=1)
    assert store.category_counts(con, regions=["NL01"], as_of=before).empty


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    store.connect(path).execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'").close()
    with pytest.raises(HicError, match="nieuwer"):
        store.connect(path)


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE klanten (id INTEGER)")
    raw.close()
    with pytest.raises(HicError, match="geen hicmonitor-database"):
        store.connect(path)


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "text.duckdb"
    path.write_text("dit is tekst")
    with pytest.raises(HicError):
        store.connect(path)
