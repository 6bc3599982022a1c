"""The tidy CSV formats of the embedded data set (see data/SOURCES.md).

- crime per municipality per year: ``crime_code,crime_label,region_code,year,registered_crimes,provisional``
- crime nationally per year: ``incident_type_code,year,incident_count`` where the type is
  "1.1.1 Diefstal/inbraak woning" (code and label) or "Totaal misdrijven" (code 0.0.0)
- population: ``region_code,year,inhabitants``
- ram- en plofkraken: ``year,counter,kind,count,source`` (counter NVB or politie)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from hicmonitor.errors import InputError
from hicmonitor.regions import NATIONAL
from hicmonitor.sources.base import (
    DuplicateTracker,
    Reader,
    Vocabulary,
    check_crime_code,
    check_region,
    check_year,
)
from hicmonitor.sources.csvfile import check_text, iter_records, parse_count

TOTAL_LABEL = "Totaal misdrijven"
TOTAL_CODE = "0.0.0"


def _crime_municipal(
    path: Path, header: list[str], vocab: Vocabulary
) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "crime_code")
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
        yield line, (dt.date(year, 1, 1), "jaar", region, code, count, flag == "1")


_TYPE = re.compile(r"^(\d+\.\d+\.\d+)\s+\S")


def _crime_national(
    path: Path, header: list[str], vocab: Vocabulary
) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "incident_type_code")
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
        yield line, (dt.date(year, 1, 1), "jaar", NATIONAL, code, count, False)


def _population(path: Path, header: list[str], vocab: Vocabulary) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "region_code")
    for line, rec in iter_records(path, header):
        check_text(path, line, "region_code", rec["region_code"])
        region = check_region(path, line, "region_code", rec["region_code"], vocab)
        year = check_year(path, line, "year", rec["year"])
        inhabitants = parse_count(path, line, "inhabitants", rec["inhabitants"], allow_empty=False)
        dups.add((year, region), line)
        yield line, (year, region, inhabitants)


COUNTERS = {"NVB", "politie"}


def _atm(path: Path, header: list[str], vocab: Vocabulary) -> Iterator[tuple[int, tuple]]:
    dups = DuplicateTracker(path, "kind")
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
        yield line, (year, counter, kind, count, rec["source"].strip())


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
