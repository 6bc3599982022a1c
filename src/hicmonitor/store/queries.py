"""Read queries on the analytical store: counts, population, regions, sources, summaries.

Every question the services ask the store is one function here returning a frame or plain
values; no SQL lives outside the ``store`` package.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from hicmonitor import taxonomy


def region_codes(con: duckdb.DuckDBPyConnection, level: str | None = None) -> set[str]:
    if level is None:
        rows = con.execute("SELECT code FROM regions").fetchall()
    else:
        rows = con.execute("SELECT code FROM regions WHERE level = ?", [level]).fetchall()
    return {r[0] for r in rows}


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT code, name, level, parent, valid_from, valid_to FROM regions ORDER BY code"
    ).df()


def _region_filter(regions: list[str] | None) -> tuple[str, list]:
    if not regions:
        return "", []
    return " AND c.region_code IN (SELECT unnest(?))", [list(regions)]


def crime_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    regions: list[str] | None = None,
    period_kind: str = "jaar",
    crime_codes: list[str] | None = None,
) -> pd.DataFrame:
    """Counts per crime code: crime_code, region_code, period, year, count, provisional."""
    where, params = _region_filter(regions)
    if crime_codes:
        where += " AND c.crime_code IN (SELECT unnest(?))"
        params.append(list(crime_codes))
    return con.execute(
        f"""
        SELECT c.crime_code, c.region_code, c.period, year(c.period)::INTEGER AS year,
               c.count, c.provisional
        FROM counts c WHERE c.period_kind = ?{where}
        ORDER BY c.crime_code, c.region_code, c.period
        """,
        [period_kind, *params],
    ).df()


def category_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    regions: list[str] | None = None,
    period_kind: str = "jaar",
) -> pd.DataFrame:
    """Counts summed per HIC category (police-code categories of the taxonomy).

    A category total for a region and period is only given when every one of its crime codes
    is present there (a partial sum would understate it); ``provisional`` is true if any part is.
    """
    mapping = [(code, cat.id) for cat in taxonomy.police_categories() for code in cat.codes]
    needed = {cat.id: len(cat.codes) for cat in taxonomy.police_categories()}
    where, params = _region_filter(regions)
    frame = con.execute(
        f"""
        WITH map AS (SELECT * FROM (VALUES {", ".join("(?, ?)" for _ in mapping)}) m(code, category))
        SELECT m.category, c.region_code, c.period, year(c.period)::INTEGER AS year,
               sum(c.count)::BIGINT AS count, bool_or(c.provisional) AS provisional,
               count(DISTINCT c.crime_code)::INTEGER AS parts
        FROM counts c JOIN map m ON c.crime_code = m.code
        WHERE c.period_kind = ?{where}
        GROUP BY ALL ORDER BY m.category, c.region_code, c.period
        """,
        [v for pair in mapping for v in pair] + [period_kind, *params],
    ).df()
    complete = frame["parts"] == frame["category"].map(needed)
    return frame.loc[complete].drop(columns="parts").reset_index(drop=True)


def population(con: duckdb.DuckDBPyConnection, regions: list[str] | None = None) -> pd.DataFrame:
    where, params = ("", [])
    if regions:
        where, params = " WHERE region_code IN (SELECT unnest(?))", [list(regions)]
    return con.execute(
        f"SELECT region_code, year, inhabitants FROM population{where} ORDER BY region_code, year",
        params,
    ).df()


def atm_attacks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Ram- en plofkraken per year and counter. NVB and politie count differently: never add."""
    return con.execute(
        "SELECT year, counter, kind, count, reference FROM atm_attacks ORDER BY counter, kind, year"
    ).df()


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT id, file_name, sha256, kind, rows, loaded_at, revises FROM sources ORDER BY id"
    ).df()


def region_rows(
    con: duckdb.DuckDBPyConnection,
) -> list[tuple[str, str | None, str, int | None]]:
    """Every region as (code, name, level, valid_to), for finding a region by code or name."""
    return con.execute("SELECT code, name, level, valid_to FROM regions").fetchall()


def counts_summary(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Per period kind and region level: first and last period, regions, crime codes, rows."""
    return con.execute(
        """
        SELECT c.period_kind, r.level, min(c.period), max(c.period),
               count(DISTINCT c.region_code), count(DISTINCT c.crime_code), count(*)
        FROM counts c LEFT JOIN regions r ON r.code = c.region_code
        GROUP BY ALL ORDER BY 1, 2
        """
    ).fetchall()


def present_crime_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The crime codes that have counts."""
    return {r[0] for r in con.execute("SELECT DISTINCT crime_code FROM counts").fetchall()}


def atm_attack_rows(con: duckdb.DuckDBPyConnection) -> int:
    """The number of rows of the ram- en plofkraken series."""
    return con.execute("SELECT count(*) FROM atm_attacks").fetchone()[0]


def population_summary(con: duckdb.DuckDBPyConnection) -> tuple:
    """(first year, last year, regions, rows) of the population series."""
    return con.execute(
        "SELECT min(year), max(year), count(DISTINCT region_code), count(*) FROM population"
    ).fetchone()


def national_count_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """File names of the sources behind the national yearly counts (provenance)."""
    rows = con.execute(
        """
        SELECT DISTINCT s.file_name FROM counts c JOIN sources s ON s.id = c.source_id
        WHERE c.region_code = 'NL01' AND c.period_kind = 'jaar' ORDER BY 1
        """
    ).fetchall()
    return [r[0] for r in rows]


def embedded_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the embedded data set was loaded (the store is ready for questions)."""
    return con.execute("SELECT count(*) FROM meta WHERE key = 'embedded'").fetchone()[0] > 0
