"""The CBS / police open-data format, as the ``cbsodata`` client returns a table's rows.

Tables 47022NED / 47018NED (police, "Geregistreerde criminaliteit") have the dimensions
``SoortMisdrijf`` (crime code, e.g. ``"1.1.1 "``), ``RegioS`` (``"NL01  "``, ``"GM0363"``,
``"WK036300"``, ``"BU03630000"``) and ``Perioden`` (``"2023JJ00"`` a year, ``"2023MM07"`` a
month) and the measure ``GeregistreerdeMisdrijven_1``. Crime and region keys come padded with
spaces; they are trimmed. Period keys are never padded and must match exactly. An empty measure means "no figure" in CBS tables: such cells are not stored and are
counted in the load summary. Other columns (``ID``, other measures) are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hicmonitor.errors import InputError
from hicmonitor.sources import sqlchecks as sq
from hicmonitor.sources.base import FIRST_YEAR, Checker, Reader, last_year

CRIME_COL = "SoortMisdrijf"
REGION_COL = "RegioS"
PERIOD_COL = "Perioden"
COUNT_COL = "GeregistreerdeMisdrijven_1"

_PERIOD = re.compile(r"^(\d{4})(JJ00|MM(0[1-9]|1[0-2]))$")


def parse_period(path: Path, line: int, value: str) -> tuple[dt.date, str]:
    """``2023JJ00`` -> (2023-01-01, 'jaar'); ``2023MM07`` -> (2023-07-01, 'maand')."""
    text = value  # CBS period keys are never padded: " 2023JJ00" is refused, as on the fast path
    match = _PERIOD.match(text)
    if not match or not FIRST_YEAR <= int(match.group(1)) <= last_year():
        hint = ""
        if re.match(r"^\d{4}KW\d\d$", text):
            hint = " (kwartalen worden niet ondersteund: laad jaar- of maandcijfers)"
        raise InputError(
            path,
            f"onmogelijke periode {value!r}{hint}; verwacht JJJJJJ00 (jaar) of JJJJMMnn met "
            f"maand 01-12, jaar {FIRST_YEAR}-{last_year()}",
            line=line,
            field=PERIOD_COL,
        )
    year = int(match.group(1))
    if match.group(2) == "JJ00":
        return dt.date(year, 1, 1), "jaar"
    return dt.date(year, int(match.group(3)), 1), "maand"


def _record(ck: Checker, line: int, rec: dict[str, str]) -> tuple:
    crime, region, period = rec[CRIME_COL], rec[REGION_COL], rec[PERIOD_COL]
    ck.text(line, CRIME_COL, crime.strip())
    ck.text(line, REGION_COL, region.strip())
    ck.text(line, PERIOD_COL, period.strip())
    code = ck.crime_code(line, CRIME_COL, crime)
    region = ck.region(line, REGION_COL, region)
    date, kind = ck.memo("period", period, lambda: parse_period(ck.path, line, period))  # type: ignore[misc]
    count = ck.count(line, COUNT_COL, rec[COUNT_COL], allow_empty=True)
    return (date, kind, region, code, count, False, None)  # no stated publication day


def _key(row: tuple) -> tuple:
    return (row[0].isoformat(), row[1], row[2], row[3])


def bulk_sql(source: str, header: list[str]) -> str:
    """Canonical rows straight from ``read_csv``; a row failing a check gets a NULL period.

    ``source`` is the ``read_csv(...)`` expression (every column text). Periods are looked up in
    a small table of every valid code (a hash join is cheaper than parsing each of millions of
    strings); counts are checked by ``sqlchecks.count_ok``. Crime codes and regions lose their
    padding here and are checked by the loader on their distinct values.
    """
    years = f"range({FIRST_YEAR}, {last_year() + 1}) y(y)"
    periods = f"""(
        SELECT printf('%04dJJ00', y) AS code, make_date(y, 1, 1) AS period, 'jaar' AS kind
        FROM {years}
        UNION ALL
        SELECT printf('%04dMM%02d', y, m), make_date(y, m, 1), 'maand'
        FROM {years}, range(1, 13) m(m)
    )"""
    crime, region, period, count = (
        sq.ident(c) for c in (CRIME_COL, REGION_COL, PERIOD_COL, COUNT_COL)
    )
    ok = sq.count_ok("r.c", "r.n", allow_empty=True)
    return f"""
    SELECT CASE WHEN {ok} THEN p.period END AS period, p.kind AS period_kind,
           {sq.code("r.region")} AS region_code, {sq.code("r.crime")} AS crime_code,
           r.n AS count, false AS provisional, NULL::DATE AS available_from
    FROM (SELECT {crime} AS crime, {region} AS region, {period} AS period, {count} AS c,
                 try_cast({count} AS BIGINT) AS n
          FROM {source}) r
    LEFT JOIN {periods} p ON p.code = r.period
    """


CRIME = Reader(
    name="CBS/politie open data (cbsodata)",
    kind="misdrijven",
    required=(CRIME_COL, REGION_COL, PERIOD_COL, COUNT_COL),
    record=_record,
    key=_key,
    duplicate_field=PERIOD_COL,
    fields={
        "crime_code": CRIME_COL,
        "region_code": REGION_COL,
        "period": PERIOD_COL,
        "count": COUNT_COL,
    },
    bulk_sql=bulk_sql,
)
