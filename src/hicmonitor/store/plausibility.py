"""Plausibility checks on a load: set-based SQL on the rows just inserted, inside the load's
transaction (so the store is seen as it would be after the load).

The settings and texts are :mod:`hicmonitor.plausibility` (thresholds in
``plausibility.yaml``). Each check is one query over the new rows joined to the rest of the
store; no Python loop runs over rows. Checks look only at the region levels they are set for:
a file of neighbourhoods only (a large open-data load's usual kind) costs nothing here.

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

import duckdb

from hicmonitor import plausibility as pl
from hicmonitor import regions as regionmod
from hicmonitor import taxonomy
from hicmonitor.store.queries import BOUNDARY_POPULATION_SQL, region_changes

NEW = "_plausibility_new"
POP = "_plausibility_population"  # inhabitants on today's boundaries


def _municipal(alias: str, column: str = "region_code") -> str:
    """SQL: the row is a municipality (not GM0000, "municipality unknown")."""
    return f"{alias}.{column} LIKE 'GM%' AND {alias}.{column} <> 'GM0000'"


def _codes(check: pl.CheckSettings) -> list[str] | None:
    """The crime codes a check looks at (None: all)."""
    if check.codes == "hic":
        return [code for cat in taxonomy.police_categories() for code in cat.codes]
    return None


def _code_filter(
    check: pl.CheckSettings, alias: str = "n", column: str = "crime_code"
) -> tuple[str, list]:
    codes = _codes(check)
    if codes is None:
        return "", []
    return f" AND {alias}.{column} IN (SELECT unnest(?))", [codes]


PREFIXES = {
    "land": "NL",
    "landsdeel": "LD",
    "provincie": "PV",
    "politieregio": "RE",
    "gemeente": "GM",
    "wijk": "WK",
    "buurt": "BU",
}


def _level_sql(prefixes: Iterable[str], column: str) -> str:
    wanted = ", ".join(f"'{p}'" for p in prefixes if p.isalpha() and len(p) == 2)
    return f" AND left({column}, 2) IN ({wanted})"


def _level_filter(check: pl.CheckSettings, alias: str = "n", column: str = "region_code") -> str:
    return _level_sql([PREFIXES[lv] for lv in check.levels], f"{alias}.{column}")


class _Names:
    """Region names and crime labels for the messages, fetched once for the flagged rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.regions: dict[str, str | None] = {}
        self.crimes: dict[str, str | None] = {}

    def fetch(self, rows: list[dict]) -> None:
        regions = sorted({r["region"] for r in rows if r.get("region")} - set(self.regions))
        crimes = sorted({r["crime"] for r in rows if r.get("crime")} - set(self.crimes))
        if regions:
            self.regions.update(
                self.con.execute(
                    "SELECT code, name FROM regions WHERE code IN (SELECT unnest(?))", [regions]
                ).fetchall()
            )
        if crimes:
            self.crimes.update(
                self.con.execute(
                    "SELECT code, label FROM crime_types WHERE code IN (SELECT unnest(?))",
                    [crimes],
                ).fetchall()
            )

    def place(self, region: str) -> str:
        name = self.regions.get(region)
        return f"{name} ({region})" if name else region

    def what(self, region: str, crime: str | None) -> str:
        return pl.subject(region, self.regions.get(region), crime, self.crimes.get(crime or ""))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _finding(check: str, message: str, row: dict, field: str | None) -> pl.Finding:
    """A finding for a row with period, kind, region, crime (and maybe value)."""
    return pl.Finding(
        check=check,
        message=message,
        region_code=row["region"],
        crime_code=row.get("crime"),
        period=pl.period_text(row["period"], row["kind"]),
        value=row.get("value"),
        field=field,
        key=(row["period"], row["kind"], row["region"], row.get("crime")),
    )


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
    regions = [r for r in regions if r]
    checked = [r for r in regions if regionmod.level_of(r) in levels]
    if not checked:
        return []
    # a view, not a copy: each check reads only the columns and rows it needs
    prefixes = sorted({r[:2] for r in checked})
    where = "" if len(checked) == len(regions) else _level_sql(prefixes, "region_code")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {NEW} AS "
        "SELECT period, period_kind AS kind, region_code AS region, crime_code AS crime, "
        f"count AS value FROM counts WHERE source_id = {int(source_id)} "
        f"AND count IS NOT NULL{where}"
    )
    municipal = [r for r in checked if regionmod.level_of(r) == "gemeente"]
    if municipal:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {POP} AS {BOUNDARY_POPULATION_SQL}")
    names = _Names(con)
    count_field, region_field = fields.get("count"), fields.get("region_code")
    raw: list[tuple[str, dict, str | None]] = []
    try:
        if regional_file and cfg.on("national_row"):
            raw += [("national_row", r, region_field) for r in _national_row(con)]
        if cfg.on("abolished_region"):
            raw += [("abolished_region", r, region_field) for r in _abolished(con, checked)]
        if municipal and (check := cfg.on("no_population")):
            raw += [("no_population", r, region_field) for r in _no_population(con, check)]
        if municipal and (check := cfg.on("per_inhabitant")):
            raw += [("per_inhabitant", r, count_field) for r in _per_inhabitant(con, check)]
        if check := cfg.on("above_national"):
            raw += [("above_national", r, count_field) for r in _above_national(con, check)]
        if check := cfg.on("own_history"):
            raw += [
                ("own_history", r, count_field)
                for r in _own_history(con, check, source_id, "counts")
            ]
        if municipal and (check := cfg.on("peers")):
            raw += [("peers", r, count_field) for r in _peers(con, check)]
        return _messages(con, names, cfg, raw)
    finally:
        with suppress(duckdb.Error):  # an aborted transaction drops them with the rollback
            con.execute(f"DROP VIEW IF EXISTS {NEW}")
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
        f"CREATE OR REPLACE TEMP VIEW {NEW} AS "
        "SELECT make_date(year, 1, 1) AS period, 'jaar' AS kind, region_code AS region, "
        "NULL::VARCHAR AS crime, inhabitants AS value FROM population "
        f"WHERE source_id = {int(source_id)}"
    )
    regions = [r[0] for r in con.execute(f"SELECT DISTINCT region FROM {NEW}").fetchall()]
    raw: list[tuple[str, dict, str | None]] = []
    try:
        if cfg.on("abolished_region"):
            raw += [
                ("abolished_region", r, fields.get("region_code")) for r in _abolished(con, regions)
            ]
        check = cfg.on("own_history")
        checked = {PREFIXES[lv] for lv in check.levels} if check else set()
        unknown = regionmod.UNKNOWN_MUNICIPALITY
        if check and any(r[:2] in checked and r != unknown for r in regions):
            raw += [
                ("own_history", r, fields.get("inhabitants"))
                for r in _own_history(con, check, source_id, "population")
            ]
        return _messages(con, _Names(con), cfg, raw)
    finally:
        with suppress(duckdb.Error):  # an aborted transaction drops it with the rollback
            con.execute(f"DROP VIEW IF EXISTS {NEW}")


def _messages(
    con: duckdb.DuckDBPyConnection,
    names: _Names,
    cfg: pl.Settings,
    raw: list[tuple[str, dict, str | None]],
) -> list[pl.Finding]:
    """The findings with their Dutch messages (names fetched once, for the flagged rows)."""
    names.fetch([r for _, r, _ in raw])
    changes = None
    out = []
    for check, r, field in raw:
        what = names.what(r["region"], r.get("crime"))
        period = pl.period_text(r["period"], r["kind"])
        if check == "national_row":
            message = pl.national_row_text(what, period)
        elif check == "abolished_region":
            if changes is None:
                changes = region_changes(con)
            chain = regionmod.change_chain(r["region"], changes)
            story = regionmod.chain_text(chain, changes) if chain else None
            shown = sorted(set(r["periods"]))
            message = pl.abolished_text(names.place(r["region"]), shown, r["last"], story)
            out.append(
                pl.Finding(**{**_finding(check, message, r, field).__dict__, "period": shown[0]})
            )
            continue
        elif check == "no_population":
            message = pl.no_population_text(names.place(r["region"]), sorted(r["years"]))
        elif check == "per_inhabitant":
            message = pl.per_inhabitant_text(what, period, r["value"], r["inhabitants"])
        elif check == "above_national":
            message = pl.above_national_text(what, period, r["value"], r["other"], r["national"])
        elif check == "own_history":
            factor = float(cfg.checks[check].factor or 10)
            message = pl.history_text(what, period, r["value"], r["ref"], factor)
        else:  # peers
            factor = float(cfg.checks[check].factor or 20)
            message = pl.peers_text(
                what, period, r["value"], r["rate"], r["ref"], factor, r["peers"]
            )
        out.append(_finding(check, message, r, field))
    return out


# --- the checks: each one query over the new rows, returning only the flagged ones ----------


def _national_row(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return _rows(
        con,
        f"SELECT period, kind, region, crime FROM {NEW} "
        f"WHERE region = '{regionmod.NATIONAL}' ORDER BY crime, period",
    )


def _abolished(con: duckdb.DuckDBPyConnection, regions: list[str]) -> list[dict]:
    ended = dict(
        con.execute(
            "SELECT code, valid_to FROM regions WHERE valid_to IS NOT NULL "
            "AND code IN (SELECT unnest(?))",
            [sorted(set(regions))],
        ).fetchall()
    )
    if not ended:
        return []
    return _rows(
        con,
        f"""
        SELECT n.region, any_value(e.last) AS last, min(n.period) AS period,
               arg_min(n.kind, n.period) AS kind, arg_min(n.crime, n.period) AS crime,
               list(DISTINCT CASE WHEN n.kind = 'jaar' THEN strftime(n.period, '%Y')
                                  ELSE strftime(n.period, '%Y-%m') END) AS periods
        FROM {NEW} n
        JOIN (SELECT unnest(?) AS code, unnest(?) AS last) e ON e.code = n.region
        WHERE year(n.period) > e.last
        GROUP BY n.region ORDER BY n.region
        """,
        [list(ended), list(ended.values())],
    )


def _no_population(con: duckdb.DuckDBPyConnection, check: pl.CheckSettings) -> list[dict]:
    return _rows(
        con,
        f"""
        WITH ry AS (
            SELECT region, year(period) AS year, min(period) AS period,
                   arg_min(kind, period) AS kind, arg_min(crime, period) AS crime
            FROM {NEW} n WHERE {_municipal("n", "region")}{_level_filter(check, "n", "region")}
            GROUP BY ALL
        )
        SELECT ry.region, list(ry.year ORDER BY ry.year) AS years, min(ry.period) AS period,
               arg_min(ry.kind, ry.period) AS kind, arg_min(ry.crime, ry.period) AS crime
        FROM ry LEFT JOIN regions g ON g.code = ry.region
        WHERE NOT coalesce(ry.year > g.valid_to, false)
          AND NOT EXISTS (SELECT 1 FROM {POP} p WHERE p.region_code = ry.region
                          AND p.year = ry.year AND p.inhabitants > 0)
        GROUP BY ry.region ORDER BY ry.region
        """,
    )


def _per_inhabitant(con: duckdb.DuckDBPyConnection, check: pl.CheckSettings) -> list[dict]:
    codes, params = _code_filter(check, "n", "crime")
    limit = check.limit if check.limit is not None else 1.0
    return _rows(
        con,
        f"""
        WITH low AS (SELECT min(inhabitants) AS smallest FROM {POP} WHERE inhabitants > 0)
        SELECT n.period, n.kind, n.region, n.crime, n.value, p.inhabitants
        FROM {NEW} n JOIN {POP} p ON p.region_code = n.region AND p.year = year(n.period)
        WHERE n.value > ? * (SELECT smallest FROM low)
          AND {_municipal("n", "region")}{codes} AND p.inhabitants > 0
          AND n.value > ? * p.inhabitants
        ORDER BY n.region, n.crime, n.period
        """,
        [limit, *params, limit],
    )


def _above_national(con: duckdb.DuckDBPyConnection, check: pl.CheckSettings) -> list[dict]:
    codes, params = _code_filter(check, "n", "crime")
    levels = _level_filter(check, "n", "region")
    nat = regionmod.NATIONAL
    return _rows(
        con,
        f"""
        SELECT n.period, n.kind, n.region, n.crime, n.value, o.count AS other,
               false AS national
        FROM {NEW} n JOIN counts o ON o.region_code = '{nat}' AND o.crime_code = n.crime
             AND o.period = n.period AND o.period_kind = n.kind
        WHERE n.region <> '{nat}'{levels}{codes} AND n.value > o.count
        UNION ALL
        SELECT n.period, n.kind, n.region, n.crime, n.value, m.top, true
        FROM {NEW} n JOIN (
            SELECT c.crime_code, c.period, c.period_kind, max(c.count) AS top
            FROM counts c SEMI JOIN {NEW} k ON k.region = '{nat}'
                 AND k.crime = c.crime_code AND k.period = c.period AND k.kind = c.period_kind
            WHERE {_municipal("c")}
            GROUP BY ALL
        ) m ON m.crime_code = n.crime AND m.period = n.period AND m.period_kind = n.kind
        WHERE n.region = '{nat}'{codes} AND n.value < m.top
        ORDER BY 3, 4, 1
        """,
        params * 2,
    )


def _own_history(
    con: duckdb.DuckDBPyConnection, check: pl.CheckSettings, source_id: int, table: str
) -> list[dict]:
    factor = float(check.factor or 10)
    levels = _level_filter(check, "n", "region")
    unknown = regionmod.UNKNOWN_MUNICIPALITY
    if table == "counts":
        codes, params = _code_filter(check, "n", "crime")
        series = f"""
            WITH keys AS (
                SELECT DISTINCT region, crime, kind FROM {NEW} n
                WHERE n.region <> '{unknown}'{levels}{codes}
            )
            SELECT c.region_code AS region, c.crime_code AS crime, c.period_kind AS kind,
                   median(c.count) FILTER (WHERE c.source_id <> ?) AS med_other,
                   count(c.count) FILTER (WHERE c.source_id <> ?) AS n_other,
                   median(c.count) AS med_all, count(c.count) AS n_all
            FROM counts c SEMI JOIN keys k ON k.region = c.region_code
                 AND k.crime = c.crime_code AND k.kind = c.period_kind
            WHERE true{codes.replace("n.crime", "c.crime_code")}
            GROUP BY ALL
        """
        join = "s.region = n.region AND s.crime = n.crime AND s.kind = n.kind"
    else:
        codes, params = "", []
        # only the regions of the levels checked (a file of neighbourhoods costs nothing)
        series = f"""
            WITH keys AS (
                SELECT DISTINCT region FROM {NEW} n WHERE n.region <> '{unknown}'{levels}
            )
            SELECT c.region_code AS region, 'jaar' AS kind,
                   median(c.inhabitants) FILTER (WHERE c.source_id <> ?) AS med_other,
                   count(*) FILTER (WHERE c.source_id <> ?) AS n_other,
                   median(c.inhabitants) AS med_all, count(*) AS n_all
            FROM population c SEMI JOIN keys k ON k.region = c.region_code
            GROUP BY ALL
        """
        join = "s.region = n.region"
    return _rows(
        con,
        f"""
        WITH s AS ({series}),
        r AS (
            SELECT n.period, n.kind, n.region, n.crime, n.value,
                   CASE WHEN s.n_other > 0 THEN s.med_other
                        WHEN s.n_all >= ? THEN s.med_all END AS ref
            FROM {NEW} n JOIN s ON {join}
            WHERE n.region <> '{unknown}'{levels}{codes}
        )
        SELECT * FROM r
        WHERE ref IS NOT NULL AND greatest(value, ref) >= ?
          AND (value > ? * ref OR value * ? < ref)
        ORDER BY region, crime, period
        """,
        [*params, source_id, source_id, *params, check.min_points, *params]
        + [check.minimum, factor, factor],
    )


def _peers(con: duckdb.DuckDBPyConnection, check: pl.CheckSettings) -> list[dict]:
    factor = float(check.factor or 20)
    codes, params = _code_filter(check, "n", "crime")
    nat = regionmod.NATIONAL
    return _rows(
        con,
        f"""
        WITH touched AS (
            SELECT DISTINCT n.crime, n.period, n.kind FROM {NEW} n
            WHERE {_municipal("n", "region")}{codes} AND n.value >= ?
        ),
        rates AS (
            SELECT c.region_code, c.crime_code, c.period, c.period_kind,
                   c.count / p.inhabitants AS rate
            FROM counts c SEMI JOIN touched t ON t.crime = c.crime_code
                 AND t.period = c.period AND t.kind = c.period_kind
            JOIN {POP} p ON p.region_code = c.region_code AND p.year = year(c.period)
            WHERE {_municipal("c")} AND p.inhabitants > 0
        ),
        med AS (
            SELECT crime_code, period, period_kind, median(rate) AS med, count(*) AS n
            FROM rates GROUP BY ALL
        ),
        natpop AS (
            SELECT year, coalesce(max(inhabitants) FILTER (WHERE region_code = '{nat}'),
                                  sum(inhabitants) FILTER (WHERE {_municipal("population")}))
                         AS inhabitants
            FROM population GROUP BY year
        ),
        national AS (
            SELECT c.crime_code, c.period, c.period_kind, c.count / np.inhabitants AS rate
            FROM counts c SEMI JOIN touched t ON t.crime = c.crime_code
                 AND t.period = c.period AND t.kind = c.period_kind
            JOIN natpop np ON np.year = year(c.period)
            WHERE c.region_code = '{nat}' AND np.inhabitants > 0
        )
        SELECT n.period, n.kind, n.region, n.crime, n.value, r.rate,
               CASE WHEN m.n >= ? THEN m.med ELSE g.rate END AS ref,
               CASE WHEN m.n >= ? THEN m.n END AS peers
        FROM {NEW} n
        JOIN rates r ON r.region_code = n.region AND r.crime_code = n.crime
             AND r.period = n.period AND r.period_kind = n.kind
        LEFT JOIN med m ON m.crime_code = n.crime AND m.period = n.period
             AND m.period_kind = n.kind
        LEFT JOIN national g ON g.crime_code = n.crime AND g.period = n.period
             AND g.period_kind = n.kind
        WHERE n.value >= ? AND ref > 0 AND r.rate > ? * ref
        ORDER BY n.region, n.crime, n.period
        """,
        [*params, check.minimum, check.min_regions, check.min_regions, check.minimum, factor],
    )


# --- where in the file, and the record of accepted exceptions ---------------------------------


def precise_lines(
    findings: list[pl.Finding], numbered: Iterable[tuple[int, tuple]], kind: str
) -> list[pl.Finding]:
    """The findings with their lines, from numbered canonical rows (the precise reader's, or
    the staged rows of the flagged keys). Stops reading once every flagged key is found."""
    wanted = set()
    for f in findings:
        if f.key:
            wanted.add(f.key[:4] if kind == "misdrijven" else (f.key[0].year, f.key[2]))
    if not wanted:
        return findings
    lines: dict[tuple, int] = {}
    for line, row in numbered:
        # misdrijven: (period, kind, region, crime, ...); bevolking: (year, region, ...)
        key = tuple(row[:4]) if kind == "misdrijven" else (row[0], row[1])
        if key in wanted and key not in lines:
            lines[key] = line
            if len(lines) == len(wanted):
                break
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
