"""What every reader offers, and the checks shared by the count formats."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hicmonitor import regions as regionmod
from hicmonitor.errors import InputError

FIRST_YEAR = 1900


def last_year() -> int:
    return dt.date.today().year


@dataclass(frozen=True)
class Vocabulary:
    """The codes a load may refer to: crime codes and known regions (code -> level)."""

    crime_codes: frozenset[str]
    regions: dict[str, str] = field(default_factory=dict)


# Canonical row layouts per kind (the columns of the store's tables). A reader's rows of
# counts and population carry one more value at the end: the day the row's figure became
# public when the file states it (optional column ``beschikbaar_vanaf``), else None.
COUNT_COLUMNS = ["period", "period_kind", "region_code", "crime_code", "count", "provisional"]
POPULATION_COLUMNS = ["year", "region_code", "inhabitants"]
ATM_COLUMNS = [
    "year",
    "counter",
    "kind",
    "count",
    "reference",
    "available_from",
    "covers_until",
]
AVAILABLE = "available_from"
# Optional columns a tidy file may have: the day its figures became public, and (ram- en
# plofkraken) the last day a partial-year count covers. Dutch or English names.
AVAILABLE_NAMES = ("beschikbaar_vanaf", "available_from")
COVERS_NAMES = ("tot_en_met", "covers_until")
KEY_COLUMNS = {
    "misdrijven": ["period", "period_kind", "region_code", "crime_code"],
    "bevolking": ["year", "region_code"],
    "geldautomaten": ["year", "counter", "kind"],
}


@dataclass(frozen=True)
class Reader:
    """A file format: its name, kind of data, required columns and row conversion."""

    name: str
    kind: str  # misdrijven | bevolking | geldautomaten
    required: tuple[str, ...]
    rows: object  # Callable[[Path, list[str], Vocabulary], Iterator[tuple[int, tuple]]]
    fields: dict[str, str]  # canonical column -> column name in the file (for messages)
    fast_sql: object | None = None  # Callable[[str], str] for very large files
    extra_match: object | None = None  # Callable[[list[str]], bool]
    regional: bool = False  # a file of regional figures: a national row (NL01) in it is suspect

    def matches(self, header: list[str]) -> bool:
        if not set(self.required) <= set(header):
            return False
        return self.extra_match(header) if self.extra_match else True

    def read(self, path: Path, header: list[str], vocab: Vocabulary) -> Iterator[tuple[int, tuple]]:
        return self.rows(path, header, vocab)  # type: ignore[operator]


def check_year(path: Path, line: int, field_name: str, value: str) -> int:
    """A year ``FIRST_YEAR``..this year, written as four digits.

    "2023.0" (a spreadsheet that stored the year as a number) is refused with a message that
    says so: numbers are not guessed at, so a year like "2023.5" can never slip through.
    """
    text = value.strip()
    if re.fullmatch(r"\d{4}\.0+", text):
        raise InputError(
            path,
            f"jaar {value!r} is als decimaal getal geschreven (een spreadsheet die het jaar als "
            f"getal opsloeg?); schrijf het jaar zonder decimalen: {text.split('.')[0]}",
            line=line,
            field=field_name,
        )
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= last_year():
        raise InputError(
            path,
            f"onmogelijk jaar {value!r}; verwacht een jaartal tussen {FIRST_YEAR} en {last_year()}",
            line=line,
            field=field_name,
        )
    return int(text)


def optional_column(header: list[str], names: tuple[str, ...]) -> str | None:
    """The first of ``names`` the header has (an optional column), or None."""
    return next((n for n in names if n in header), None)


def parse_date(path: Path, line: int, field_name: str, value: str) -> dt.date | None:
    """An optional ISO date (``2023-12-14``); empty means not stated."""
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise InputError(
        path,
        f"ongeldige datum {value!r}; verwacht JJJJ-MM-DD (bijvoorbeeld 2023-12-14)",
        line=line,
        field=field_name,
    )


def check_public_after_start(
    path: Path, line: int, field_name: str, public: dt.date | None, start: dt.date
) -> None:
    """A figure cannot be public before its period began."""
    if public is not None and public < start:
        raise InputError(
            path,
            f"beschikbaar vanaf {public.isoformat()} ligt vóór het begin van de periode "
            f"({start.isoformat()}): een cijfer kan niet openbaar zijn voordat de periode begon",
            line=line,
            field=field_name,
        )


def check_region(path: Path, line: int, field_name: str, value: str, vocab: Vocabulary) -> str:
    code = value.strip()
    level = regionmod.level_of(code)
    if level is None:
        raise InputError(
            path,
            f"onbekende regiocode {value!r}; verwacht bijv. NL01, GM0363, WK036300 of BU03630000",
            line=line,
            field=field_name,
        )
    if level in {"land", "gemeente"} and code not in vocab.regions:
        raise InputError(
            path,
            f"onbekende regiocode {code!r}: deze gemeente komt niet voor in de gemeentelijst "
            "(grensbestanden en bevolkingsreeks)",
            line=line,
            field=field_name,
        )
    return code


def check_crime_code(path: Path, line: int, field_name: str, value: str, vocab: Vocabulary) -> str:
    code = value.strip()
    if code not in vocab.crime_codes:
        raise InputError(
            path,
            f"onbekende misdrijfcode {value!r}; de codes staan in SoortMisdrijf_codelist.csv "
            "(bijv. 1.1.1 woninginbraak, 1.4.6 straatroof)",
            line=line,
            field=field_name,
        )
    return code


class DuplicateTracker:
    """Remembers keys and their lines; a second occurrence is an error naming both lines."""

    def __init__(self, path: Path, field_name: str) -> None:
        self.path = path
        self.field_name = field_name
        self.seen: dict[tuple, int] = {}

    def add(self, key: tuple, line: int) -> None:
        first = self.seen.setdefault(key, line)
        if first != line:
            shown = ", ".join(str(k) for k in key)
            raise InputError(
                self.path,
                f"dubbele sleutel ({shown}): komt ook voor op regel {first}",
                line=line,
                field=self.field_name,
            )
