"""Read queries on the analytical store: counts, population, regions, sources, summaries.

Every question the services ask the store is one function here returning a frame or plain
values; no SQL lives outside the ``store`` package.

**As of a date.** The figure queries take ``as_of`` (a peildatum): they then return only what
was public on that day. A row is public from its source's date for its period (table
``availability``; ram- en plofkraken carry their own date per row); of the versions of one
key (the current row and the rows revisions replaced, kept in ``*_history``) the one public
last by that day wins. A period that had not ended by that day is never a complete figure:
a year counts from 1 January after it, a month from the first day of the next month. Without
``as_of`` the queries read the current rows only (the fast, usual path).
"""

from __future__ import annotations

import datetime as dt

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


_COUNT_COLS = "period, period_kind, region_code, crime_code, count, provisional, source_id"
# the first day on which a period is over: a year on 1 January after it, a month on the 1st
_PERIOD_END = (
    "c.period + CASE c.period_kind WHEN 'jaar' THEN INTERVAL 1 YEAR ELSE INTERVAL 1 MONTH END"
)


def _counts_source(
    period_kind: str, where: str, params: list, as_of: dt.date | None
) -> tuple[str, list]:
    """The rows of ``counts`` to read (alias ``c``): the table itself, or, as of a date, the
    version of every key that was public then (current rows and superseded ones alike)."""
    if as_of is None:
        return f"(SELECT * FROM counts c WHERE c.period_kind = ?{where})", [period_kind, *params]
    sql = f"""
        (SELECT * EXCLUDE (public_from) FROM (
            SELECT c.*, COALESCE(a.available_from, s.available_from, CAST(s.loaded_at AS DATE))
                   AS public_from
            FROM (SELECT {_COUNT_COLS} FROM counts c WHERE c.period_kind = ?{where}
                  UNION ALL
                  SELECT {_COUNT_COLS} FROM counts_history c WHERE c.period_kind = ?{where}) c
            LEFT JOIN availability a
                   ON a.source_id = c.source_id AND a.period_kind = c.period_kind
                  AND a.period = c.period
            LEFT JOIN sources s ON s.id = c.source_id
            WHERE {_PERIOD_END} <= ?
        ) v WHERE public_from <= ?
        QUALIFY row_number() OVER (
            PARTITION BY period, period_kind, region_code, crime_code
            ORDER BY public_from DESC, source_id DESC) = 1)
    """
    return sql, [period_kind, *params, period_kind, *params, as_of, as_of]


def crime_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    regions: list[str] | None = None,
    period_kind: str = "jaar",
    crime_codes: list[str] | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Counts per crime code: crime_code, region_code, period, year, count, provisional
    (as public on ``as_of`` when given)."""
    where, params = _region_filter(regions)
    if crime_codes:
        where += " AND c.crime_code IN (SELECT unnest(?))"
        params.append(list(crime_codes))
    source, source_params = _counts_source(period_kind, where, params, as_of)
    return con.execute(
        f"""
        SELECT c.crime_code, c.region_code, c.period, year(c.period)::INTEGER AS year,
               c.count, c.provisional
        FROM {source} c
        ORDER BY c.crime_code, c.region_code, c.period
        """,
        source_params,
    ).df()


def category_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    regions: list[str] | None = None,
    period_kind: str = "jaar",
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Counts summed per HIC category (police-code categories of the taxonomy).

    A category total for a region and period is only given when every one of its crime codes
    is present there (a partial sum would understate it); ``provisional`` is true if any part is.
    ``as_of``: only the figures public on that day (see the module docstring).
    """
    mapping = [(code, cat.id) for cat in taxonomy.police_categories() for code in cat.codes]
    needed = {cat.id: len(cat.codes) for cat in taxonomy.police_categories()}
    where, params = _region_filter(regions)
    where += " AND c.crime_code IN (SELECT unnest(?))"
    params.append([code for code, _ in mapping])
    source, source_params = _counts_source(period_kind, where, params, as_of)
    frame = con.execute(
        f"""
        WITH map AS (SELECT * FROM (VALUES {", ".join("(?, ?)" for _ in mapping)}) m(code, category))
        SELECT m.category, c.region_code, c.period, year(c.period)::INTEGER AS year,
               sum(c.count)::BIGINT AS count, bool_or(c.provisional) AS provisional,
               count(DISTINCT c.crime_code)::INTEGER AS parts
        FROM {source} c JOIN map m ON c.crime_code = m.code
        GROUP BY ALL ORDER BY m.category, c.region_code, c.period
        """,
        [v for pair in mapping for v in pair] + source_params,
    ).df()
    complete = frame["parts"] == frame["category"].map(needed)
    return frame.loc[complete].drop(columns="parts").reset_index(drop=True)


def signal_series(
    con: duckdb.DuckDBPyConnection,
    *,
    regions: list[str] | None = None,
    period_kind: str = "jaar",
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """The series of the early warning (``hic signalen``): per region and period every HIC
    category (as :func:`category_counts`: only complete sums) and, for a category of several
    crime codes (geweld), each of its codes on its own, with the inhabitants of the year on
    today's boundaries (:func:`boundary_population`; as public on ``as_of`` when given).

    Columns: region_code, series (a category id or a crime code), period (start date), year,
    count, provisional, inhabitants (nullable).
    """
    cats = category_counts(con, regions=regions, period_kind=period_kind, as_of=as_of)
    parts = [c for cat in taxonomy.police_categories() if len(cat.codes) > 1 for c in cat.codes]
    codes = crime_counts(
        con, regions=regions, period_kind=period_kind, crime_codes=parts, as_of=as_of
    )
    cols = ["region_code", "series", "period", "year", "count", "provisional"]
    frame = pd.concat(
        [
            cats.rename(columns={"category": "series"})[cols],
            codes.rename(columns={"crime_code": "series"})[cols],
        ],
        ignore_index=True,
    )
    pop = boundary_population(con, regions=regions)[["region_code", "year", "inhabitants"]]
    if as_of is not None:
        public = set(population(con, as_of=as_of)["year"])
        pop = pop[pop["year"].isin(public)]
    frame = frame.merge(pop, on=["region_code", "year"], how="left")
    frame["inhabitants"] = frame["inhabitants"].astype("Int64")
    frame["provisional"] = frame["provisional"].fillna(False).astype(bool)
    return frame.sort_values(["region_code", "series", "period"]).reset_index(drop=True)


def population(
    con: duckdb.DuckDBPyConnection,
    regions: list[str] | None = None,
    *,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Inhabitants per region and year (as public on ``as_of`` when given: the average
    population of a year is never known before that year is over)."""
    where, params = ("", [])
    if regions:
        where, params = " AND p.region_code IN (SELECT unnest(?))", [list(regions)]
    if as_of is None:
        return con.execute(
            f"SELECT region_code, year, inhabitants FROM population p WHERE true{where} "
            "ORDER BY region_code, year",
            params,
        ).df()
    cols = "year, region_code, inhabitants, source_id"
    return con.execute(
        f"""
        SELECT region_code, year, inhabitants FROM (
            SELECT p.*, COALESCE(a.available_from, s.available_from, CAST(s.loaded_at AS DATE))
                   AS public_from
            FROM (SELECT {cols} FROM population p WHERE true{where}
                  UNION ALL
                  SELECT {cols} FROM population_history p WHERE true{where}) p
            LEFT JOIN availability a ON a.source_id = p.source_id AND a.period_kind = 'jaar'
                  AND a.period = make_date(p.year, 1, 1)
            LEFT JOIN sources s ON s.id = p.source_id
            WHERE make_date(p.year + 1, 1, 1) <= ?
        ) v WHERE public_from <= ?
        QUALIFY row_number() OVER (
            PARTITION BY region_code, year ORDER BY public_from DESC, source_id DESC) = 1
        ORDER BY region_code, year
        """,
        [*params, *params, as_of, as_of],
    ).df()


# A count published before its year was over covers the year only up to the day before its
# publication, unless the row says how far it runs.
_ATM_COVERS = (
    "CASE WHEN covers_until IS NULL AND available_from < make_date(year + 1, 1, 1) "
    "THEN available_from - 1 ELSE covers_until END"
)


def atm_attacks(con: duckdb.DuckDBPyConnection, *, as_of: dt.date | None = None) -> pd.DataFrame:
    """Ram- en plofkraken per year and counter: year, counter, kind, count, reference,
    available_from, covers_until (the last day a partial-year count covers; NaT for a whole
    year). NVB and politie count differently: never add. ``as_of``: as public on that day."""
    cols = "year, counter, kind, count, reference, available_from, covers_until, source_id"
    if as_of is None:
        return con.execute(
            f"SELECT year, counter, kind, count, reference, available_from, "
            f"{_ATM_COVERS} AS covers_until FROM atm_attacks ORDER BY counter, kind, year"
        ).df()
    return con.execute(
        f"""
        SELECT year, counter, kind, count, reference, available_from,
               {_ATM_COVERS} AS covers_until
        FROM (SELECT {cols} FROM atm_attacks UNION ALL SELECT {cols} FROM atm_attacks_history)
        WHERE available_from <= ? AND make_date(year, 1, 1) <= ?
        QUALIFY row_number() OVER (
            PARTITION BY year, counter, kind ORDER BY available_from DESC, source_id DESC) = 1
        ORDER BY counter, kind, year
        """,
        [as_of, as_of],
    ).df()


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The provenance rows, with the span of dates their figures became public
    (``public_first``, ``public_last``; empty for sources without figures)."""
    return con.execute(
        """
        SELECT s.id, s.file_name, s.sha256, s.kind, s.rows, s.loaded_at, s.revises,
               s.available_from,
               least(min(a.available_from), min(t.available_from)) AS public_first,
               greatest(max(a.available_from), max(t.available_from)) AS public_last
        FROM sources s
        LEFT JOIN availability a ON a.source_id = s.id
        LEFT JOIN atm_attacks t ON t.source_id = s.id
        GROUP BY ALL ORDER BY s.id
        """
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


def national_count_sources(
    con: duckdb.DuckDBPyConnection, *, as_of: dt.date | None = None
) -> list[str]:
    """File names of the sources behind the national yearly counts (provenance), of the
    figures public on ``as_of`` when given."""
    source, params = _counts_source("jaar", " AND c.region_code = 'NL01'", [], as_of)
    rows = con.execute(
        f"SELECT DISTINCT s.file_name FROM {source} c JOIN sources s ON s.id = c.source_id "
        "ORDER BY 1",
        params,
    ).fetchall()
    return [r[0] for r in rows]


# --- municipal changes and population on today's boundaries ----------------------------------

# Where the area of a former municipality lies today: (code, current_code, share of its
# inhabitants), chains (Millingen aan de Rijn -> Groesbeek -> Berg en Dal) followed to the end.
LINEAGE_SQL = """
WITH RECURSIVE step(code, current_code, share, depth) AS (
    SELECT old_code, new_code, share, 1 FROM region_changes
    UNION ALL
    SELECT s.code, c.new_code, s.share * c.share, s.depth + 1
    FROM step s JOIN region_changes c ON c.old_code = s.current_code
    WHERE s.depth < 20
)
SELECT code, current_code, sum(share) AS share FROM step
WHERE current_code NOT IN (SELECT old_code FROM region_changes)
GROUP BY ALL
"""

# Inhabitants per region and year on today's boundaries: a current municipality counts the
# inhabitants of the municipalities it was formed from (a split one for its share); a former
# municipality keeps its own figures (for counts loaded under its own code). ``derived``:
# the figure includes other municipalities (``parts``); ``estimated``: those of them that were
# split over several municipalities (an estimated share of their inhabitants).
BOUNDARY_POPULATION_SQL = f"""
WITH lineage AS ({LINEAGE_SQL}),
parts AS (
    SELECT coalesce(l.current_code, p.region_code) AS region_code, p.year,
           p.inhabitants * coalesce(l.share, 1.0) AS inhabitants,
           p.region_code AS part, coalesce(l.share, 1.0) < 0.999999 AS estimated
    FROM population p LEFT JOIN lineage l ON l.code = p.region_code
)
SELECT region_code, year, round(sum(inhabitants))::BIGINT AS inhabitants,
       bool_or(part <> region_code) AS derived,
       coalesce(list(DISTINCT part ORDER BY part) FILTER (WHERE part <> region_code),
                []::VARCHAR[]) AS parts,
       coalesce(list(DISTINCT part ORDER BY part) FILTER (WHERE estimated),
                []::VARCHAR[]) AS estimated
FROM parts GROUP BY ALL
UNION ALL
SELECT region_code, year, inhabitants, false, []::VARCHAR[], []::VARCHAR[]
FROM population WHERE region_code IN (SELECT code FROM lineage)
"""


def region_changes(con: duckdb.DuckDBPyConnection) -> list:
    """The table of municipal changes as :class:`hicmonitor.regions.Change` rows."""
    from hicmonitor.regions import Change

    rows = con.execute(
        "SELECT strftime(date, '%Y-%m-%d'), old_code, old_name, new_code, new_name, kind, share "
        "FROM region_changes ORDER BY date, old_code, new_code"
    ).fetchall()
    return [Change(*r) for r in rows]


def region_names(con: duckdb.DuckDBPyConnection) -> list:
    """The names people use, as :class:`hicmonitor.regions.RegionName` rows."""
    from hicmonitor.regions import RegionName

    rows = con.execute("SELECT name, code, kind, source FROM region_names ORDER BY name").fetchall()
    return [RegionName(*r) for r in rows]


def has_counts(con: duckdb.DuckDBPyConnection, code: str) -> bool:
    """Whether the store holds counts for region ``code``."""
    return (
        con.execute("SELECT 1 FROM counts WHERE region_code = ? LIMIT 1", [code]).fetchone()
        is not None
    )


def boundary_population(
    con: duckdb.DuckDBPyConnection, regions: list[str] | None = None
) -> pd.DataFrame:
    """region_code, year, inhabitants, derived, parts, estimated: inhabitants on today's
    boundaries (see ``BOUNDARY_POPULATION_SQL``)."""
    where, params = ("", [])
    if regions:
        where, params = " WHERE region_code IN (SELECT unnest(?))", [list(regions)]
    return con.execute(
        f"SELECT * FROM ({BOUNDARY_POPULATION_SQL}){where} ORDER BY region_code, year", params
    ).df()


def load_exceptions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The plausibility exceptions loads were accepted with, with their source's file name."""
    return con.execute(
        """
        SELECT e.source_id, s.file_name, e.check_id, e.line, e.field, e.region_code,
               e.crime_code, e.period, e.value, e.message
        FROM load_exceptions e JOIN sources s ON s.id = e.source_id
        ORDER BY e.source_id, e.line NULLS LAST, e.region_code, e.period
        """
    ).df()


def embedded_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the embedded data set was loaded (the store is ready for questions)."""
    return con.execute("SELECT count(*) FROM meta WHERE key = 'embedded'").fetchone()[0] > 0
