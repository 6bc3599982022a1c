"""What every reader offers, and the checks shared by the count formats."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hicmonitor import regions as regionmod
from hicmonitor.errors import InputError
from hicmonitor.sources.csvfile import MAX_COUNT, check_text, iter_records, parse_count

FIRST_YEAR = 1900
MAX_INT32 = 2**31 - 1  # atm_attacks.count is an INTEGER column


def last_year() -> int:
    return dt.date.today().year


@dataclass(frozen=True)
class Vocabulary:
    """The codes a load may refer to: crime codes and known regions (code -> level)."""

    crime_codes: frozenset[str]
    regions: dict[str, str] = field(default_factory=dict)


# Canonical row layouts per kind (the columns of the store's tables). A reader's rows of
# counts and population carry one more value at the end: the day the row's figure became
# public when the file states it (optional column ``beschikbaar_vanaf``), else None
# (``ROW_COLUMNS``: the columns of a reader's rows, for the fast and the precise path).
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
ROW_COLUMNS = {
    "misdrijven": [*COUNT_COLUMNS, AVAILABLE],
    "bevolking": [*POPULATION_COLUMNS, AVAILABLE],
    "geldautomaten": ATM_COLUMNS,
}
KEY_COLUMNS = {
    "misdrijven": ["period", "period_kind", "region_code", "crime_code"],
    "bevolking": ["year", "region_code"],
    "geldautomaten": ["year", "counter", "kind"],
}


class Checker:
    """The per-record checks of one load, bound to its file and vocabulary.

    Every check is a pure function of the value (and the vocabulary), so a value that passed
    once passes again: results are remembered per value and the error messages stay those of
    the functions below (the precise path checks millions of rows, most with repeated values).
    """

    CACHE_LIMIT = 200_000  # values remembered per check (bounded memory for free-text columns)

    def __init__(self, path: Path, vocab: Vocabulary, header: list[str] | None = None) -> None:
        self.path = path
        self.vocab = vocab
        # the optional columns this file has (None: absent)
        self.public_col = optional_column(header or [], AVAILABLE_NAMES)
        self.covers_col = optional_column(header or [], COVERS_NAMES)
        self._texts: dict[str, None] = {}
        self._years: dict[str, int] = {}
        self._regions: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        self._memo: dict[str, dict[str, object]] = {}

    def _keep(self, cache: dict, value: str, result: object) -> None:
        if len(cache) < self.CACHE_LIMIT:
            cache[value] = result

    def memo(self, name: str, value: str, check: Callable[[], object]) -> object:
        """``check()`` (a pure check of ``value``), remembered per value under ``name``."""
        cache = self._memo.setdefault(name, {})
        if value in cache:
            return cache[value]
        result = check()
        self._keep(cache, value, result)
        return result

    def text(self, line: int, field_name: str, value: str) -> None:
        if value not in self._texts:
            check_text(self.path, line, field_name, value)
            self._keep(self._texts, value, None)

    def year(self, line: int, field_name: str, value: str) -> int:
        year = self._years.get(value)
        if year is None:
            year = check_year(self.path, line, field_name, value)
            self._keep(self._years, value, year)
        return year

    def region(self, line: int, field_name: str, value: str) -> str:
        code = self._regions.get(value)
        if code is None:
            code = check_region(self.path, line, field_name, value, self.vocab)
            self._keep(self._regions, value, code)
        return code

    def crime_code(self, line: int, field_name: str, value: str) -> str:
        code = self._codes.get(value)
        if code is None:
            code = check_crime_code(self.path, line, field_name, value, self.vocab)
            self._keep(self._codes, value, code)
        return code

    def count(
        self,
        line: int,
        field_name: str,
        value: str,
        *,
        allow_empty: bool,
        maximum: int = MAX_COUNT,
    ) -> int | None:
        if value.isascii() and value.isdecimal() and len(value) < 19:
            number = int(value)  # the common case: plain digits
            if number <= maximum:
                return number
        return parse_count(
            self.path, line, field_name, value, allow_empty=allow_empty, maximum=maximum
        )

    def date(self, line: int, field_name: str, value: str) -> dt.date | None:
        """An optional ISO date (``parse_date``)."""
        return self.memo("date", value, lambda: parse_date(self.path, line, field_name, value))  # type: ignore[return-value]

    def public(self, line: int, rec: dict[str, str], start: dt.date) -> dt.date | None:
        """The row's stated publication day (optional column), checked against its period."""
        if self.public_col is None:
            return None
        public = self.date(line, self.public_col, rec[self.public_col])
        check_public_after_start(self.path, line, self.public_col, public, start)
        return public


# A record check: (checker, line, record) -> canonical row (raises InputError).
RecordCheck = Callable[[Checker, int, dict[str, str]], tuple]


@dataclass(frozen=True)
class Reader:
    """A file format: its name, kind of data, required columns and row conversion.

    ``record`` checks one record and returns its canonical row; ``key`` gives a row's key as
    the duplicate message shows it; ``bulk_sql`` (given the ``read_csv(...)`` expression of the
    file, every column as text, and the file's header) is the same conversion in SQL for the
    loader's fast path, with a NULL in the first column for a row that fails a check (see
    ``hicmonitor.store.loading``). Both give the columns of ``ROW_COLUMNS[kind]``.
    """

    name: str
    kind: str  # misdrijven | bevolking | geldautomaten
    required: tuple[str, ...]
    record: RecordCheck
    key: Callable[[tuple], tuple]
    duplicate_field: str  # the field a duplicate key is reported on
    fields: dict[str, str]  # canonical column -> column name in the file (for messages)
    bulk_sql: Callable[[str, list[str]], str] | None = None
    extra_match: Callable[[list[str]], bool] | None = None
    regional: bool = False  # a file of regional figures: a national row (NL01) in it is suspect

    def matches(self, header: list[str]) -> bool:
        if not set(self.required) <= set(header):
            return False
        return self.extra_match(header) if self.extra_match else True

    def records(
        self,
        path: Path,
        header: list[str],
        vocab: Vocabulary,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[int, tuple]]:
        """(line, canonical row) per record, every check but the duplicate check."""
        checker = Checker(path, vocab, header)
        for line, rec in iter_records(path, header, progress=progress):
            yield line, self.record(checker, line, rec)

    def read(self, path: Path, header: list[str], vocab: Vocabulary) -> Iterator[tuple[int, tuple]]:
        """(line, canonical row) per record; raises on the first bad record or duplicate key."""
        dups = DuplicateTracker(path, self.duplicate_field)
        for line, row in self.records(path, header, vocab):
            dups.add(self.key(row), line)
            yield line, row


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
