"""The tidy CSV formats of the embedded data set (see data/SOURCES.md).

- crime per municipality per year: ``crime_code,crime_label,region_code,year,registered_crimes,provisional``
- crime nationally per year: ``incident_type_code,year,incident_count`` where the type is
  "1.1.1 Diefstal/inbraak woning" (code and label) or "Totaal misdrijven" (code 0.0.0)
- population: ``region_code,year,inhabitants``
- ram- en plofkraken: ``year,counter,kind,count,source`` (counter NVB or politie)

Each format may have the optional column ``beschikbaar_vanaf`` (or ``available_from``): the
day the row's figure became public (ISO date; empty: not stated, the load's date applies).
The ram- en plofkraken format may also have ``tot_en_met`` (``covers_until``): the last day a
count covers when it does not cover its whole year (a count published in December before the
month was over).

Each format has its record check (the precise path) and the same conversion in SQL (the fast
path, ``bulk_sql``): see ``hicmonitor.sources.sqlchecks`` for how the two are kept equal.
"""

from __future__ import annotations

import datetime as dt
import re

from hicmonitor.errors import InputError
from hicmonitor.regions import NATIONAL
from hicmonitor.sources import sqlchecks as sq
from hicmonitor.sources.base import (
    AVAILABLE_NAMES,
    COVERS_NAMES,
    MAX_INT32,
    Checker,
    Reader,
    optional_column,
)

TOTAL_LABEL = "Totaal misdrijven"
TOTAL_CODE = "0.0.0"


def _inner(source: str, columns: dict[str, str], header: list[str]) -> str:
    """The file's columns under short names, plus typed copies.

    ``columns`` maps an alias to a column of the file, or to ``integer:`` or ``bigint:`` and a column
    for its ``try_cast`` (``date:`` for ``sqlchecks.date_value``). The optional column of the
    publication day comes as ``pub`` (text) and ``pd`` (its date; NULL when the file has none).
    """
    columns = dict(columns)
    public = optional_column(header, AVAILABLE_NAMES)
    if public is not None:
        columns["pub"] = public
        columns["pd"] = f"date:{public}"
    parts = [] if public is not None else ["NULL::DATE AS pd"]
    for alias, spec in columns.items():
        kind, _, name = spec.rpartition(":")
        expr = sq.ident(name)
        if kind == "date":
            expr = sq.date_value(expr)
        elif kind:
            expr = f"try_cast({expr} AS {kind.upper()})"
        parts.append(f"{expr} AS {alias}")
    return f"(SELECT {', '.join(parts)} FROM {source}) r"


def _public_ok(header: list[str]) -> list[str]:
    """The check of the optional publication day (none when the file has no such column)."""
    if optional_column(header, AVAILABLE_NAMES) is None:
        return []
    return [sq.date_ok("r.pub", "r.pd"), "(r.pd IS NULL OR r.pd >= make_date(r.y, 1, 1))"]


# --- crime per region per year -----------------------------------------------------------


def _crime_municipal(ck: Checker, line: int, rec: dict[str, str]) -> tuple:
    for name in ("crime_code", "crime_label", "region_code"):
        ck.text(line, name, rec[name])
    code = ck.crime_code(line, "crime_code", rec["crime_code"])
    region = ck.region(line, "region_code", rec["region_code"])
    year = ck.year(line, "year", rec["year"])
    count = ck.count(line, "registered_crimes", rec["registered_crimes"], allow_empty=False)
    flag = rec["provisional"].strip()
    if flag not in {"0", "1"}:
        raise InputError(
            ck.path,
            f"'provisional' moet 0 of 1 zijn, niet {flag!r}",
            line=line,
            field="provisional",
        )
    start = dt.date(year, 1, 1)
    return (start, "jaar", region, code, count, flag == "1", ck.public(line, rec, start))


def _crime_municipal_sql(source: str, header: list[str]) -> str:
    ok = " AND ".join(
        [
            sq.year_ok("r.year", "r.y"),
            sq.count_ok("r.c", "r.n", allow_empty=False),
            sq.text_ok("r.label"),
            *_public_ok(header),
        ]
    )
    inner = _inner(
        source,
        {
            "code": "crime_code",
            "label": "crime_label",
            "region": "region_code",
            "year": "year",
            "y": "integer:year",
            "c": "registered_crimes",
            "n": "bigint:registered_crimes",
            "flag": "provisional",
        },
        header,
    )
    return f"""
    SELECT CASE WHEN {ok} THEN make_date(r.y, 1, 1) END AS period, 'jaar' AS period_kind,
           {sq.code("r.region")} AS region_code, {sq.code("r.code")} AS crime_code, r.n AS count,
           CASE trim(r.flag) WHEN '1' THEN true WHEN '0' THEN false END AS provisional,
           r.pd AS available_from
    FROM {inner}
    """


# --- crime nationally per year -----------------------------------------------------------

_TYPE = re.compile(r"^(\d+\.\d+\.\d+)\s+\S")


def _crime_national(ck: Checker, line: int, rec: dict[str, str]) -> tuple:
    label = rec["incident_type_code"].strip()
    ck.text(line, "incident_type_code", label)
    if label == TOTAL_LABEL:
        code = TOTAL_CODE
    else:
        match = _TYPE.match(label)
        if not match:
            raise InputError(
                ck.path,
                f"misdrijfsoort {label!r} begint niet met een code zoals '1.1.1 '",
                line=line,
                field="incident_type_code",
            )
        code = match.group(1)
    code = ck.crime_code(line, "incident_type_code", code)
    year = ck.year(line, "year", rec["year"])
    count = ck.count(line, "incident_count", rec["incident_count"], allow_empty=False)
    start = dt.date(year, 1, 1)
    return (start, "jaar", NATIONAL, code, count, False, ck.public(line, rec, start))


def _crime_national_sql(source: str, header: list[str]) -> str:
    # A label starting with digits is no formula; the total's label is fixed text.
    ok = " AND ".join(
        [
            sq.year_ok("r.year", "r.y"),
            sq.count_ok("r.c", "r.n", allow_empty=False),
            sq.no_control("r.label"),
            "r.code <> ''",
            *_public_ok(header),
        ]
    )
    inner = _inner(
        source,
        {
            "label": "incident_type_code",
            "year": "year",
            "y": "integer:year",
            "c": "incident_count",
            "n": "bigint:incident_count",
        },
        header,
    )
    code = (
        f"CASE WHEN trim(label) = {sq.literal(TOTAL_LABEL)} THEN {sq.literal(TOTAL_CODE)} "
        r"ELSE regexp_extract(trim(label), '^([0-9]+\.[0-9]+\.[0-9]+) +[^ ]', 1) END"
    )
    return f"""
    SELECT CASE WHEN {ok} THEN make_date(r.y, 1, 1) END AS period, 'jaar' AS period_kind,
           {sq.literal(NATIONAL)} AS region_code, r.code AS crime_code, r.n AS count,
           false AS provisional, r.pd AS available_from
    FROM (SELECT *, {code} AS code FROM {inner}) r
    """


# --- population --------------------------------------------------------------------------


def _population(ck: Checker, line: int, rec: dict[str, str]) -> tuple:
    ck.text(line, "region_code", rec["region_code"])
    region = ck.region(line, "region_code", rec["region_code"])
    year = ck.year(line, "year", rec["year"])
    inhabitants = ck.count(line, "inhabitants", rec["inhabitants"], allow_empty=False)
    return (year, region, inhabitants, ck.public(line, rec, dt.date(year, 1, 1)))


def _population_sql(source: str, header: list[str]) -> str:
    ok = " AND ".join(
        [
            sq.year_ok("r.year", "r.y"),
            sq.count_ok("r.c", "r.n", allow_empty=False),
            *_public_ok(header),
        ]
    )
    inner = _inner(
        source,
        {
            "region": "region_code",
            "year": "year",
            "y": "integer:year",
            "c": "inhabitants",
            "n": "bigint:inhabitants",
        },
        header,
    )
    return f"""
    SELECT CASE WHEN {ok} THEN r.y END AS year, {sq.code("r.region")} AS region_code,
           r.n AS inhabitants, r.pd AS available_from
    FROM {inner}
    """


# --- ram- en plofkraken ------------------------------------------------------------------

COUNTERS = {"NVB", "politie"}


def _atm(ck: Checker, line: int, rec: dict[str, str]) -> tuple:
    for name in ("counter", "kind", "source"):
        ck.text(line, name, rec[name])
    year = ck.year(line, "year", rec["year"])
    counter = rec["counter"].strip()
    if counter not in COUNTERS:
        raise InputError(
            ck.path,
            f"teller {counter!r} onbekend; verwacht NVB of politie",
            line=line,
            field="counter",
        )
    kind = rec["kind"].strip()
    if not kind:
        raise InputError(ck.path, "soort ontbreekt", line=line, field="kind")
    count = ck.count(line, "count", rec["count"], allow_empty=False, maximum=MAX_INT32)
    start = dt.date(year, 1, 1)
    public = ck.public(line, rec, start)
    covers_col = ck.covers_col
    covers = ck.date(line, covers_col, rec[covers_col]) if covers_col else None
    if covers is not None and not start <= covers <= dt.date(year, 12, 31):
        raise InputError(
            ck.path,
            f"'{covers_col}' {covers.isoformat()} ligt niet in {year}: de datum zegt tot "
            "welke dag een telling van dat jaar loopt",
            line=line,
            field=covers_col,
        )
    if covers is not None and public is not None and covers >= public:
        raise InputError(
            ck.path,
            f"'{covers_col}' {covers.isoformat()} ligt niet vóór de publicatie "
            f"({public.isoformat()}): een telling kan niet verder lopen dan haar publicatie",
            line=line,
            field=covers_col,
        )
    return (year, counter, kind, count, rec["source"].strip(), public, covers)


def _atm_sql(source: str, header: list[str]) -> str:
    counters = ", ".join(sq.literal(c) for c in sorted(COUNTERS))
    covers = optional_column(header, COVERS_NAMES)
    ok = " AND ".join(
        [
            sq.year_ok("r.year", "r.y"),
            sq.count_ok("r.c", "r.n", allow_empty=False, digits=9),
            f"trim(r.counter) IN ({counters})",
            sq.text_ok("r.kind"),
            "trim(r.kind) <> ''",
            sq.text_ok("r.source"),
            *_public_ok(header),
        ]
        + (
            [
                sq.date_ok("r.cov", "r.cd"),
                "(r.cd IS NULL OR (year(r.cd) = r.y AND (r.pd IS NULL OR r.cd < r.pd)))",
            ]
            if covers
            else []
        )
    )
    extra = {"cov": covers, "cd": f"date:{covers}"} if covers else {}
    inner = _inner(
        source,
        {
            "year": "year",
            "y": "integer:year",
            "counter": "counter",
            "kind": "kind",
            "c": "count",
            "n": "integer:count",
            "source": "source",
            **extra,
        },
        header,
    )
    covered = "r.cd" if covers else "NULL::DATE"
    return f"""
    SELECT CASE WHEN {ok} THEN r.y END AS year, trim(r.counter) AS counter,
           trim(r.kind) AS kind, r.n AS count, trim(r.source) AS reference,
           r.pd AS available_from, {covered} AS covers_until
    FROM {inner}
    """


CRIME_MUNICIPAL = Reader(
    name="misdrijven per regio per jaar (tidy CSV)",
    kind="misdrijven",
    required=(
        "crime_code",
        "crime_label",
        "region_code",
        "year",
        "registered_crimes",
        "provisional",
    ),
    record=_crime_municipal,
    regional=True,
    key=lambda row: (row[0].year, row[2], row[3]),
    duplicate_field="crime_code",
    fields={
        "crime_code": "crime_code",
        "region_code": "region_code",
        "period": "year",
        "count": "registered_crimes",
    },
    bulk_sql=_crime_municipal_sql,
)
CRIME_NATIONAL = Reader(
    name="misdrijven landelijk per jaar (tidy CSV)",
    kind="misdrijven",
    required=("incident_type_code", "year", "incident_count"),
    record=_crime_national,
    key=lambda row: (row[0].year, row[3]),
    duplicate_field="incident_type_code",
    fields={
        "crime_code": "incident_type_code",
        "region_code": "incident_type_code",
        "period": "year",
        "count": "incident_count",
    },
    bulk_sql=_crime_national_sql,
)
POPULATION = Reader(
    name="bevolking per regio per jaar (tidy CSV)",
    kind="bevolking",
    required=("region_code", "year", "inhabitants"),
    record=_population,
    key=lambda row: (row[0], row[1]),
    duplicate_field="region_code",
    fields={"region_code": "region_code", "year": "year", "inhabitants": "inhabitants"},
    bulk_sql=_population_sql,
)
ATM_ATTACKS = Reader(
    name="ram- en plofkraken per jaar (tidy CSV)",
    kind="geldautomaten",
    required=("year", "counter", "kind", "count", "source"),
    record=_atm,
    key=lambda row: (row[0], row[1], row[2]),
    duplicate_field="kind",
    fields={"year": "year", "count": "count"},
    bulk_sql=_atm_sql,
)
