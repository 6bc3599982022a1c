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
from collections.abc import Iterator
from pathlib import Path

from hicmonitor.errors import InputError
from hicmonitor.sources.base import (
    FIRST_YEAR,
    DuplicateTracker,
    Reader,
    Vocabulary,
    check_crime_code,
    check_region,
    last_year,
)
from hicmonitor.sources.csvfile import check_text, iter_records, parse_count

CRIME_COL = "SoortMisdrijf"
REGION_COL = "RegioS"
PERIOD_COL = "Perioden"
COUNT_COL = "GeregistreerdeMisdrijven_1"

_PERIOD = re.compile(r"^(\d{4})(JJ00|MM(0[1-9]|1[0-2]))$")


def parse_period(path: Path, line: int, value: str) -> tuple[dt.date, str]:
    """``2023JJ00`` -> (2023-01-01, 'jaar'); ``2023MM07`` -> (2023-07-01, 'maand')."""
    text = value  # CBS period keys are never padded: " 2023JJ00" is refused, as on the bulk path
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


def _rows(path: Path, header: list[str], vocab: Vocabulary) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, PERIOD_COL)
    for line, rec in iter_records(path, header):
        for name in (CRIME_COL, REGION_COL, PERIOD_COL):
            check_text(path, line, name, rec[name].strip())
        code = check_crime_code(path, line, CRIME_COL, rec[CRIME_COL], vocab)
        region = check_region(path, line, REGION_COL, rec[REGION_COL], vocab)
        period, kind = parse_period(path, line, rec[PERIOD_COL])
        count = parse_count(path, line, COUNT_COL, rec[COUNT_COL], allow_empty=True)
        dups.add((period.isoformat(), kind, region, code), line)
        yield line, (period, kind, region, code, count, False, None)


def fast_sql(source: str) -> str:
    """Canonical rows straight from ``read_csv``; invalid periods come out as NULL.

    ``source`` is the file path as a SQL string literal. Periods are looked up in a small table
    of every valid code (a hash join is cheaper than parsing each of millions of strings).
    Rows the CSV reader itself cannot parse (wrong column count, non-integer count, bad encoding)
    go to DuckDB's reject table.
    """
    years = f"range({FIRST_YEAR}, {last_year() + 1}) y(y)"
    periods = f"""(
        SELECT printf('%04dJJ00', y) AS code, make_date(y, 1, 1) AS period, 'jaar' AS kind
        FROM {years}
        UNION ALL
        SELECT printf('%04dMM%02d', y, m), make_date(y, m, 1), 'maand'
        FROM {years}, range(1, 13) m(m)
    )"""
    return f"""
    SELECT p.period, p.kind AS period_kind, trim(r.{REGION_COL}) AS region_code,
           trim(r.{CRIME_COL}) AS crime_code, r.{COUNT_COL} AS count, false AS provisional
    FROM read_csv({source}, header = true, all_varchar = true,
                  types = {{'{COUNT_COL}': 'BIGINT'}}, store_rejects = true,
                  encoding = 'utf-8', strict_mode = true) r
    LEFT JOIN {periods} p ON p.code = r.{PERIOD_COL}
    """


CRIME = Reader(
    name="CBS/politie open data (cbsodata)",
    kind="misdrijven",
    required=(CRIME_COL, REGION_COL, PERIOD_COL, COUNT_COL),
    rows=_rows,
    fields={
        "crime_code": CRIME_COL,
        "region_code": REGION_COL,
        "period": PERIOD_COL,
        "count": COUNT_COL,
    },
    fast_sql=fast_sql,
)
