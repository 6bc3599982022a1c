"""The incidents table in a real DuckDB file."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from hicmonitor.sources.incidents import read_incidents
from hicmonitor.store import incidents as incident_store


def test_load_is_idempotent_and_reads_back(tmp_path, incidents_dir):
    db = tmp_path / "hic.duckdb"
    s = read_incidents(incidents_dir / "chicago_be_month1.csv")
    con = incident_store.connect(db)
    first = incident_store.load(con, s, crime_code="1.1.1")
    again = incident_store.load(con, read_incidents(incidents_dir / "chicago_be_month1.csv"))
    assert first.new and not again.new and again.source_id == first.source_id
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 970
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    con.close()

    con = incident_store.connect(db)
    back = incident_store.read(con, first.source_id)
    raw = pd.read_csv(incidents_dir / "chicago_be_month1.csv", header=None)
    np.testing.assert_array_equal(back.frame["x"], raw[0])
    np.testing.assert_array_equal(
        back.frame["t_from"].to_numpy(dtype="datetime64[D]"),
        pd.to_datetime(raw[2]).to_numpy(dtype="datetime64[D]"),
    )
    assert set(back.frame["crime_code"]) == {"1.1.1"}
    assert back.precision == "dag" and back.file_name == "chicago_be_month1.csv"
    listing = incident_store.sets(con)
    assert list(listing["incidenten"]) == [970]


def test_failed_load_leaves_store_unchanged(tmp_path, incidents_dir):
    db = tmp_path / "hic.duckdb"
    con = incident_store.connect(db)
    s = read_incidents(incidents_dir / "chicago_be_month1.csv")
    s.frame.loc[500, "id"] = None  # violates NOT NULL halfway through the insert
    with pytest.raises(duckdb.Error):
        incident_store.load(con, s)
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM incident_sets").fetchone()[0] == 0


def test_unknown_source_is_a_clear_error(tmp_path):
    con = incident_store.connect(tmp_path / "hic.duckdb")
    with pytest.raises(Exception, match="geen incidentenbestand met bron 7"):
        incident_store.read(con, 7)
