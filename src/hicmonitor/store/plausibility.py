"""Plausibility checks on a load: set-based SQL on the rows just inserted, inside the load's
transaction (so the store is seen as it would be after the load).

The settings and texts are :mod:`hicmonitor.plausibility` (thresholds in
``plausibility.yaml``). Each check is one query over the new rows joined to the rest of the
store; no Python loop runs over rows. Checks look only at the region levels they are set for:
a file of neighbourhoods only (the bulk path's usual load) costs nothing here.

Counts (``misdrijven``):

- ``own_history``: more than k times (or less than 1/k of) the median of the region's own series;
- ``peers``: a municipality's rate per inhabitant more than k times the median rate of the
  municipalities (or the national rate when there are too few);
- ``per_inhabitant``: more crimes of one code in one period than inhabitants;
- ``above_national``: a region above the national count (or a national count below a region's);
- ``national_row``: NL01 in a file of regional figures;
- ``abolished_region``: a municipality after its last year;
- ``no_population``: a municipality and year without inhabitants (on today's boundaries).

Population (``bevolking``): ``own_history`` and ``abolished_region``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

import duckdb

from hicmonitor import plausibility as pl
from hicmonitor import regions as regionmod
from hicmonitor import taxonomy
from hicmonitor.store.queries import BOUNDARY_POPULATION_SQL

NEW = "_plausibility_new"
POP = "_plausibility_population"  # inhabitants on today's boundaries


def _municipal(alias: str) -> str:
    """SQL: the row is a municipality (not GM0000, "municipality unknown")."""
    return f"{alias}.region_code LIKE 'GM%' AND {alias}.region_code <> 'GM0000'"


def _codes(check: pl.CheckSettings) -> list[str] | None:
    """The crime codes a check looks at (None: all)."""
    if check.codes == "hic":
        return [code for cat in taxonomy.police_categories() for code in cat.codes]
    return None


def _code_filter(check: pl.CheckSettings, alias: str = "n") -> tuple[str, list]:
    codes = _codes(check)
    if codes is None:
        return "", []
    return f" AND {alias}.crime_code IN (SELECT unnest(?))", [codes]


def _level_filter(check: pl.CheckSettings, alias: str = "n") -> str:
    prefixes = {
        "land": "NL",
        "landsdeel": "LD",
        "provincie": "PV",
        "politieregio": "RE",
        "gemeente": "GM",
        "wijk": "WK",
        "buurt": "BU",
    }
    wanted = ", ".join(f"'{prefixes[lv]}'" for lv in check.levels)
    return f" AND left({alias}.region_code, 2) IN ({wanted})"


def _what(row: tuple) -> str:
    """The subject of a finding from (region, region name, crime code, crime label)."""
    return pl.subject(*row)


def check_counts(
    con: duckdb.DuckDBPyConnection,
    source_id: int,
    *,
    regions: Iterable[str],
    regional_file: bool,
    fields: dict[str, str],
    settings: pl.Settings | None = None,
) -> list[pl.Finding]:
    """Every finding on the counts of ``source_id`` (already inserted), in check order."""
    cfg = settings or pl.settings()
    levels = {lv for c in cfg.checks.values() if c.enabled for lv in c.levels}
    checked = [r for r in regions if r and regionmod.level_of(r) in levels]
    if not checked:
        return []
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {NEW} AS "
        "SELECT c.period, c.period_kind, c.region_code, c.crime_code, c.count, "
        "r.name AS region_name, t.label AS crime_label "
        "FROM counts c LEFT JOIN regions r ON r.code = c.region_code "
        "LEFT JOIN crime_types t ON t.code = c.crime_code "
        "WHERE c.source_id = ? AND c.region_code IN (SELECT unnest(?)) AND c.count IS NOT NULL",
        [source_id, checked],
    )
    municipal = any(regionmod.level_of(r) == "gemeente" for r in checked)
    if municipal:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {POP} AS {BOUNDARY_POPULATION_SQL}")
    try:
        found: list[pl.Finding] = []
        count_field = fields.get("count")
        region_field = fields.get("region_code")
        if regional_file and (check := cfg.on("national_row")):
            found += _national_row(con, region_field)
        if check := cfg.on("abolished_region"):
            found += _abolished(con, region_field, "counts")
        if municipal and (check := cfg.on("no_population")):
            found += _no_population(con, check, region_field)
        if municipal and (check := cfg.on("per_inhabitant")):
            found += _per_inhabitant(con, check, count_field)
        if check := cfg.on("above_national"):
            found += _above_national(con, check, count_field)
        if check := cfg.on("own_history"):
            found += _own_history(con, check, source_id, count_field, "counts")
        if municipal and (check := cfg.on("peers")):
            found += _peers(con, check, count_field)
        return found
    finally:
        with suppress(duckdb.Error):  # an aborted transaction drops them with the rollback
            con.execute(f"DROP TABLE IF EXISTS {NEW}")
            con.execute(f"DROP TABLE IF EXISTS {POP}")


def check_population(
    con: duckdb.DuckDBPyConnection,
    source_id: int,
    *,
    fields: dict[str, str],
    settings: pl.Settings | None = None,
) -> list[pl.Finding]:
    """Every finding on the population rows of ``source_id`` (already inserted)."""
    cfg = settings or pl.settings()
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {NEW} AS "
        "SELECT make_date(p.year, 1, 1) AS period, 'jaar' AS period_kind, p.region_code, "
        "NULL::VARCHAR AS crime_code, p.inhabitants AS count, r.name AS region_name, "
        "NULL::VARCHAR AS crime_label "
        "FROM population p LEFT JOIN regions r ON r.code = p.region_code WHERE p.source_id = ?",
        [source_id],
    )
    try:
        found: list[pl.Finding] = []
        if cfg.on("abolished_region"):
            found += _abolished(con, fields.get("region_code"), "population")
        if check := cfg.on("own_history"):
            found += _own_history(con, check, source_id, fields.get("inhabitants"), "population")
        return found
    finally:
        with suppress(duckdb.Error):  # an aborted transaction drops it with the rollback
            con.execute(f"DROP TABLE IF EXISTS {NEW}")


# --- the checks ------------------------------------------------------------------------------


def _finding(
    check: str,
    message: str,
    row: tuple,
    field: str | None,
    *,
    value: int | None = None,
) -> pl.Finding:
    """A finding for a row starting (period, period_kind, region_code, crime_code, ...)."""
    period, kind, region, crime = row[:4]
    return pl.Finding(
        check=check,
        message=message,
        region_code=region,
        crime_code=crime,
        period=pl.period_text(period, kind),
        value=value,
        field=field,
        key=(period, kind, region, crime),
    )


_COLS = "n.period, n.period_kind, n.region_code, n.crime_code, n.region_name, n.crime_label"


def _national_row(con: duckdb.DuckDBPyConnection, field: str | None) -> list[pl.Finding]:
    rows = con.execute(
        f"SELECT {_COLS} FROM {NEW} n WHERE n.region_code = '{regionmod.NATIONAL}' "
        "ORDER BY n.crime_code, n.period"
    ).fetchall()
    return [
        _finding(
            "national_row",
            pl.national_row_text(_what((r[2], r[4], r[3], r[5])), pl.period_text(*r[:2])),
            r,
            field,
        )
        for r in rows
    ]


def _abolished(con: duckdb.DuckDBPyConnection, field: str | None, table: str) -> list[pl.Finding]:
    rows = con.execute(
        f"""
        SELECT n.region_code, any_value(n.region_name), any_value(g.valid_to),
               list(n.period ORDER BY n.period), list(n.period_kind ORDER BY n.period),
               min(n.period), arg_min(n.period_kind, n.period), arg_min(n.crime_code, n.period)
        FROM {NEW} n JOIN regions g ON g.code = n.region_code
        WHERE g.valid_to IS NOT NULL AND year(n.period) > g.valid_to
        GROUP BY n.region_code ORDER BY n.region_code
        """
    ).fetchall()
    if not rows:
        return []
    from hicmonitor.store.queries import region_changes

    changes = region_changes(con)
    out = []
    for code, name, last, periods, kinds, first, first_kind, crime in rows:
        chain = regionmod.change_chain(code, changes)
        story = regionmod.chain_text(chain, changes) if chain else None
        shown = sorted({pl.period_text(p, k) for p, k in zip(periods, kinds, strict=True)})
        place = f"{name} ({code})" if name else code
        out.append(
            pl.Finding(
                check="abolished_region",
                message=pl.abolished_text(place, shown, last, story),
                region_code=code,
                crime_code=crime,
                period=shown[0],
                field=field,
                key=(first, first_kind, code, crime),
            )
        )
    return out


def _no_population(
    con: duckdb.DuckDBPyConnection, check: pl.CheckSettings, field: str | None
) -> list[pl.Finding]:
    rows = con.execute(
        f"""
        WITH missing AS (
            SELECT n.* FROM {NEW} n LEFT JOIN regions g ON g.code = n.region_code
            WHERE {_municipal("n")}{_level_filter(check)}
              AND NOT coalesce(year(n.period) > g.valid_to, false)
              AND NOT EXISTS (SELECT 1 FROM {POP} p WHERE p.region_code = n.region_code
                              AND p.year = year(n.period) AND p.inhabitants > 0)
        )
        SELECT region_code, any_value(region_name), list(DISTINCT year(period)::INTEGER),
               min(period), arg_min(period_kind, period), arg_min(crime_code, period)
        FROM missing GROUP BY region_code ORDER BY region_code
        """
    ).fetchall()
    out = []
    for code, name, years, first, kind, crime in rows:
        place = f"{name} ({code})" if name else code
        out.append(
            pl.Finding(
                check="no_population",
                message=pl.no_population_text(place, sorted(years)),
                region_code=code,
                crime_code=crime,
                period=pl.period_text(first, kind),
                field=field,
                key=(first, kind, code, crime),
            )
        )
    return out


def _per_inhabitant(
    con: duckdb.DuckDBPyConnection, check: pl.CheckSettings, field: str | None
) -> list[pl.Finding]:
    codes, params = _code_filter(check)
    rows = con.execute(
        f"""
        SELECT {_COLS}, n.count, p.inhabitants
        FROM {NEW} n JOIN {POP} p ON p.region_code = n.region_code AND p.year = year(n.period)
        WHERE {_municipal("n")}{codes} AND p.inhabitants > 0 AND n.count > ? * p.inhabitants
        ORDER BY n.region_code, n.crime_code, n.period
        """,
        [*params, check.limit if check.limit is not None else 1.0],
    ).fetchall()
    return [
        _finding(
            "per_inhabitant",
            pl.per_inhabitant_text(
                _what((r[2], r[4], r[3], r[5])), pl.period_text(*r[:2]), r[6], r[7]
            ),
            r,
            field,
            value=r[6],
        )
        for r in rows
    ]


def _above_national(
    con: duckdb.DuckDBPyConnection, check: pl.CheckSettings, field: str | None
) -> list[pl.Finding]:
    codes, params = _code_filter(check)
    levels = _level_filter(check)
    nat = regionmod.NATIONAL
    rows = con.execute(
        f"""
        SELECT {_COLS}, n.count, o.count, false
        FROM {NEW} n JOIN counts o ON o.region_code = '{nat}' AND o.crime_code = n.crime_code
             AND o.period = n.period AND o.period_kind = n.period_kind
        WHERE n.region_code <> '{nat}'{levels}{codes} AND n.count > o.count
        UNION ALL
        SELECT {_COLS}, n.count, m.top, true
        FROM {NEW} n JOIN (
            SELECT c.crime_code, c.period, c.period_kind, max(c.count) AS top
            FROM counts c SEMI JOIN {NEW} k ON k.region_code = '{nat}'
                 AND k.crime_code = c.crime_code AND k.period = c.period
                 AND k.period_kind = c.period_kind
            WHERE {_municipal("c")}
            GROUP BY ALL
        ) m ON m.crime_code = n.crime_code AND m.period = n.period
             AND m.period_kind = n.period_kind
        WHERE n.region_code = '{nat}'{codes} AND n.count < m.top
        ORDER BY 3, 4, 1
        """,
        params * 2,
    ).fetchall()
    return [
        _finding(
            "above_national",
            pl.above_national_text(
                _what((r[2], r[4], r[3], r[5])), pl.period_text(*r[:2]), r[6], r[7], r[8]
            ),
            r,
            field,
            value=r[6],
        )
        for r in rows
    ]


def _own_history(
    con: duckdb.DuckDBPyConnection,
    check: pl.CheckSettings,
    source_id: int,
    field: str | None,
    table: str,
) -> list[pl.Finding]:
    factor = float(check.factor or 10)
    if table == "counts":
        codes, params = _code_filter(check)
        series = f"""
            SELECT c.region_code, c.crime_code, c.period_kind,
                   median(c.count) FILTER (WHERE c.source_id <> ?) AS med_other,
                   count(c.count) FILTER (WHERE c.source_id <> ?) AS n_other,
                   median(c.count) AS med_all, count(c.count) AS n_all
            FROM counts c SEMI JOIN {NEW} k ON k.region_code = c.region_code
                 AND k.crime_code = c.crime_code AND k.period_kind = c.period_kind
            GROUP BY ALL
        """
        join = (
            "s.region_code = n.region_code AND s.crime_code = n.crime_code "
            "AND s.period_kind = n.period_kind"
        )
    else:
        codes, params = "", []
        series = f"""
            SELECT c.region_code, NULL::VARCHAR AS crime_code, 'jaar' AS period_kind,
                   median(c.inhabitants) FILTER (WHERE c.source_id <> ?) AS med_other,
                   count(*) FILTER (WHERE c.source_id <> ?) AS n_other,
                   median(c.inhabitants) AS med_all, count(*) AS n_all
            FROM population c SEMI JOIN {NEW} k ON k.region_code = c.region_code
            GROUP BY ALL
        """
        join = "s.region_code = n.region_code"
    rows = con.execute(
        f"""
        WITH s AS ({series}),
        r AS (
            SELECT {_COLS}, n.count,
                   CASE WHEN s.n_other > 0 THEN s.med_other
                        WHEN s.n_all >= ? THEN s.med_all END AS ref
            FROM {NEW} n JOIN s ON {join}
            WHERE n.region_code <> '{regionmod.UNKNOWN_MUNICIPALITY}'{_level_filter(check)}{codes}
        )
        SELECT * FROM r
        WHERE ref IS NOT NULL AND greatest(count, ref) >= ?
          AND (count > ? * ref OR count * ? < ref)
        ORDER BY region_code, crime_code, period
        """,
        [source_id, source_id, check.min_points, *params, check.minimum, factor, factor],
    ).fetchall()
    return [
        _finding(
            "own_history",
            pl.history_text(
                _what((r[2], r[4], r[3], r[5])), pl.period_text(*r[:2]), r[6], r[7], factor
            ),
            r,
            field,
            value=r[6],
        )
        for r in rows
    ]


def _peers(
    con: duckdb.DuckDBPyConnection, check: pl.CheckSettings, field: str | None
) -> list[pl.Finding]:
    factor = float(check.factor or 20)
    codes, params = _code_filter(check)
    nat = regionmod.NATIONAL
    rows = con.execute(
        f"""
        WITH touched AS (
            SELECT DISTINCT n.crime_code, n.period, n.period_kind FROM {NEW} n
            WHERE {_municipal("n")}{codes} AND n.count >= ?
        ),
        rates AS (
            SELECT c.region_code, c.crime_code, c.period, c.period_kind,
                   c.count / p.inhabitants AS rate
            FROM counts c SEMI JOIN touched t ON t.crime_code = c.crime_code
                 AND t.period = c.period AND t.period_kind = c.period_kind
            JOIN {POP} p ON p.region_code = c.region_code AND p.year = year(c.period)
            WHERE {_municipal("c")} AND p.inhabitants > 0
        ),
        med AS (
            SELECT crime_code, period, period_kind, median(rate) AS med, count(*) AS n
            FROM rates GROUP BY ALL
        ),
        natpop AS (
            SELECT year, coalesce(max(inhabitants) FILTER (WHERE region_code = '{nat}'),
                                  sum(inhabitants) FILTER (WHERE {_municipal("population")})) AS inhabitants
            FROM population GROUP BY year
        ),
        national AS (
            SELECT c.crime_code, c.period, c.period_kind, c.count / np.inhabitants AS rate
            FROM counts c SEMI JOIN touched t ON t.crime_code = c.crime_code
                 AND t.period = c.period AND t.period_kind = c.period_kind
            JOIN natpop np ON np.year = year(c.period)
            WHERE c.region_code = '{nat}' AND np.inhabitants > 0
        )
        SELECT {_COLS}, n.count, r.rate,
               CASE WHEN m.n >= ? THEN m.med ELSE g.rate END AS ref,
               CASE WHEN m.n >= ? THEN m.n END AS peers
        FROM {NEW} n
        JOIN rates r ON r.region_code = n.region_code AND r.crime_code = n.crime_code
             AND r.period = n.period AND r.period_kind = n.period_kind
        LEFT JOIN med m ON m.crime_code = n.crime_code AND m.period = n.period
             AND m.period_kind = n.period_kind
        LEFT JOIN national g ON g.crime_code = n.crime_code AND g.period = n.period
             AND g.period_kind = n.period_kind
        WHERE n.count >= ? AND ref > 0 AND r.rate > ? * ref
        ORDER BY n.region_code, n.crime_code, n.period
        """,
        [*params, check.minimum, check.min_regions, check.min_regions, check.minimum, factor],
    ).fetchall()
    return [
        _finding(
            "peers",
            pl.peers_text(
                _what((r[2], r[4], r[3], r[5])),
                pl.period_text(*r[:2]),
                r[6],
                r[7],
                r[8],
                factor,
                r[9],
            ),
            r,
            field,
            value=r[6],
        )
        for r in rows
    ]


# --- where in the file, and the record of accepted exceptions ---------------------------------


def bulk_lines(
    con: duckdb.DuckDBPyConnection, path: Path, fields: dict[str, str], findings: list[pl.Finding]
) -> list[pl.Finding]:
    """The findings of a bulk load (CBS open-data format) with their lines filled in.

    Only run when there are findings: the file is read once more, by one thread so the row
    numbers follow the file, keeping just the rows whose keys were flagged.
    """
    keys = {f.key for f in findings if f.key}
    if not keys:
        return findings
    raw = {}
    for period, kind, region, crime in keys:
        code = f"{period:%Y}JJ00" if kind == "jaar" else f"{period:%Y}MM{period:%m}"
        raw[(region, crime, code)] = (period, kind, region, crime)
    crime_col, region_col, period_col = (
        fields["crime_code"],
        fields["region_code"],
        fields["period"],
    )
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() "
            "WHERE name IN ('preserve_insertion_order', 'threads')"
        ).fetchall()
    )
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET threads = 1")
    try:
        rows = con.execute(
            f"""
            SELECT region, crime, period, min(line) FROM (
                SELECT trim("{region_col}") AS region, trim("{crime_col}") AS crime,
                       "{period_col}" AS period, row_number() OVER () + 1 AS line
                FROM read_csv({source_path_literal(path)}, header = true, all_varchar = true,
                              encoding = 'utf-8')
            ) f
            WHERE region IN (SELECT unnest(?)) AND crime IN (SELECT unnest(?))
                  AND period IN (SELECT unnest(?))
            GROUP BY ALL
            """,
            [
                sorted({k[0] for k in raw}),
                sorted({k[1] for k in raw}),
                sorted({k[2] for k in raw}),
            ],
        ).fetchall()
    finally:
        con.execute(f"SET preserve_insertion_order = {settings['preserve_insertion_order']}")
        con.execute(f"SET threads = {settings['threads']}")
    lines = {raw[tuple(r[:3])]: int(r[3]) for r in rows if tuple(r[:3]) in raw}
    return [
        pl.Finding(**{**f.__dict__, "line": lines[f.key]}) if f.key in lines else f
        for f in findings
    ]


def precise_lines(
    findings: list[pl.Finding], numbered: Iterable[tuple[int, tuple]], kind: str
) -> list[pl.Finding]:
    """The findings of a precise load with their lines, from the reader's numbered rows."""
    keys = {f.key for f in findings if f.key}
    if not keys:
        return findings
    lines: dict[tuple, int] = {}
    for line, row in numbered:
        if kind == "misdrijven":
            key = tuple(row[:4])
        else:  # bevolking: (year, region, inhabitants)
            key = (row[0], row[1])
        lines.setdefault(key, line)
    out = []
    for f in findings:
        key = f.key
        if kind != "misdrijven" and key:
            key = (key[0].year, key[2])
        out.append(pl.Finding(**{**f.__dict__, "line": lines[key]}) if key in lines else f)
    return out


def record(con: duckdb.DuckDBPyConnection, source_id: int, findings: list[pl.Finding]) -> None:
    """Keep the accepted exceptions with the source (inside the load's transaction)."""
    if not findings:
        return
    con.executemany(
        "INSERT INTO load_exceptions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                source_id,
                f.check,
                f.line,
                f.field,
                f.region_code,
                f.crime_code,
                f.period,
                f.value,
                f.message,
            )
            for f in findings
        ],
    )


def source_path_literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
