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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from hicmonitor.errors import InputError
from hicmonitor.regions import NATIONAL
from hicmonitor.sources.base import (
    AVAILABLE_NAMES,
    COVERS_NAMES,
    DuplicateTracker,
    Reader,
    Vocabulary,
    check_crime_code,
    check_public_after_start,
    check_region,
    check_year,
    optional_column,
    parse_date,
)
from hicmonitor.sources.csvfile import check_text, iter_records, parse_count

TOTAL_LABEL = "Totaal misdrijven"
TOTAL_CODE = "0.0.0"


def _public_from(
    path: Path, line: int, rec: dict[str, str], column: str | None, start: dt.date
) -> dt.date | None:
    """The row's stated publication day (optional column), checked against its period."""
    if column is None:
        return None
    public = parse_date(path, line, column, rec[column])
    check_public_after_start(path, line, column, public, start)
    return public


def _crime_municipal(
    path: Path, header: list[str], vocab: Vocabulary
) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "crime_code")
    public_col = optional_column(header, AVAILABLE_NAMES)
    for line, rec in iter_records(path, header):
        for name in ("crime_code", "crime_label", "region_code"):
            check_text(path, line, name, rec[name])
        code = check_crime_code(path, line, "crime_code", rec["crime_code"], vocab)
        region = check_region(path, line, "region_code", rec["region_code"], vocab)
        year = check_year(path, line, "year", rec["year"])
        count = parse_count(
            path, line, "registered_crimes", rec["registered_crimes"], allow_empty=False
        )
        flag = rec["provisional"].strip()
        if flag not in {"0", "1"}:
            raise InputError(
                path,
                f"'provisional' moet 0 of 1 zijn, niet {flag!r}",
                line=line,
                field="provisional",
            )
        dups.add((year, region, code), line)
        start = dt.date(year, 1, 1)
        public = _public_from(path, line, rec, public_col, start)
        yield line, (start, "jaar", region, code, count, flag == "1", public)


_TYPE = re.compile(r"^(\d+\.\d+\.\d+)\s+\S")


def _crime_national(
    path: Path, header: list[str], vocab: Vocabulary
) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "incident_type_code")
    public_col = optional_column(header, AVAILABLE_NAMES)
    for line, rec in iter_records(path, header):
        label = rec["incident_type_code"].strip()
        check_text(path, line, "incident_type_code", label)
        if label == TOTAL_LABEL:
            code = TOTAL_CODE
        else:
            match = _TYPE.match(label)
            if not match:
                raise InputError(
                    path,
                    f"misdrijfsoort {label!r} begint niet met een code zoals '1.1.1 '",
                    line=line,
                    field="incident_type_code",
                )
            code = match.group(1)
        code = check_crime_code(path, line, "incident_type_code", code, vocab)
        year = check_year(path, line, "year", rec["year"])
        count = parse_count(path, line, "incident_count", rec["incident_count"], allow_empty=False)
        dups.add((year, code), line)
        start = dt.date(year, 1, 1)
        public = _public_from(path, line, rec, public_col, start)
        yield line, (start, "jaar", NATIONAL, code, count, False, public)


def _population(path: Path, header: list[str], vocab: Vocabulary) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "region_code")
    public_col = optional_column(header, AVAILABLE_NAMES)
    for line, rec in iter_records(path, header):
        check_text(path, line, "region_code", rec["region_code"])
        region = check_region(path, line, "region_code", rec["region_code"], vocab)
        year = check_year(path, line, "year", rec["year"])
        inhabitants = parse_count(path, line, "inhabitants", rec["inhabitants"], allow_empty=False)
        dups.add((year, region), line)
        public = _public_from(path, line, rec, public_col, dt.date(year, 1, 1))
        yield line, (year, region, inhabitants, public)


COUNTERS = {"NVB", "politie"}


def _atm(path: Path, header: list[str], vocab: Vocabulary) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "kind")
    public_col = optional_column(header, AVAILABLE_NAMES)
    covers_col = optional_column(header, COVERS_NAMES)
    for line, rec in iter_records(path, header):
        for name in ("counter", "kind", "source"):
            check_text(path, line, name, rec[name])
        year = check_year(path, line, "year", rec["year"])
        counter = rec["counter"].strip()
        if counter not in COUNTERS:
            raise InputError(
                path,
                f"teller {counter!r} onbekend; verwacht NVB of politie",
                line=line,
                field="counter",
            )
        kind = rec["kind"].strip()
        if not kind:
            raise InputError(path, "soort ontbreekt", line=line, field="kind")
        count = parse_count(path, line, "count", rec["count"], allow_empty=False)
        dups.add((year, counter, kind), line)
        start = dt.date(year, 1, 1)
        public = _public_from(path, line, rec, public_col, start)
        covers = parse_date(path, line, covers_col, rec[covers_col]) if covers_col else None
        if covers is not None and not start <= covers <= dt.date(year, 12, 31):
            raise InputError(
                path,
                f"'{covers_col}' {covers.isoformat()} ligt niet in {year}: de datum zegt tot "
                "welke dag een telling van dat jaar loopt",
                line=line,
                field=covers_col,
            )
        if covers is not None and public is not None and covers >= public:
            raise InputError(
                path,
                f"'{covers_col}' {covers.isoformat()} ligt niet vóór de publicatie "
                f"({public.isoformat()}): een telling kan niet verder lopen dan haar publicatie",
                line=line,
                field=covers_col,
            )
        yield line, (year, counter, kind, count, rec["source"].strip(), public, covers)


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
    rows=_crime_municipal,
    regional=True,
    fields={
        "crime_code": "crime_code",
        "region_code": "region_code",
        "period": "year",
        "count": "registered_crimes",
    },
)
CRIME_NATIONAL = Reader(
    name="misdrijven landelijk per jaar (tidy CSV)",
    kind="misdrijven",
    required=("incident_type_code", "year", "incident_count"),
    rows=_crime_national,
    fields={
        "crime_code": "incident_type_code",
        "region_code": "incident_type_code",
        "period": "year",
        "count": "incident_count",
    },
)
POPULATION = Reader(
    name="bevolking per regio per jaar (tidy CSV)",
    kind="bevolking",
    required=("region_code", "year", "inhabitants"),
    rows=_population,
    fields={"region_code": "region_code", "year": "year", "inhabitants": "inhabitants"},
)
ATM_ATTACKS = Reader(
    name="ram- en plofkraken per jaar (tidy CSV)",
    kind="geldautomaten",
    required=("year", "counter", "kind", "count", "source"),
    rows=_atm,
    fields={"year": "year", "count": "count"},
)
