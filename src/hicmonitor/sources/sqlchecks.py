"""The per-record checks of ``csvfile`` and ``base`` as SQL expressions, for the fast path.

Each expression is *sufficient*: a value it accepts is accepted by the Python check too and gives
the same canonical value. Where exactness would cost speed, it is stricter (``" 5"`` or ``"05"``
are only accepted through a slower branch; a tab around a value is not accepted at all): a row
it refuses sends the load to the precise path, which either names the bad line or, when the
value was fine after all, loads the file itself. So both paths store the same rows.

DuckDB's ``trim()`` removes a subset of what Python's ``str.strip()`` removes (the space
separators of Unicode category Zs), so for text without control characters the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from hicmonitor import regions as regionmod
from hicmonitor.sources.base import FIRST_YEAR, last_year
from hicmonitor.sources.csvfile import TextTraits

# Control characters (also those Python's strip() removes but DuckDB's trim() keeps), a BOM,
# or a spreadsheet formula: the text check of csvfile.check_text, made stricter.
_BAD_TEXT = r"[\x00-\x1f\x7f\x{85}\x{feff}\x{2028}\x{2029}]|^[=+@]|^-[^0-9 ]"
_CONTROL = r"[\x00-\x1f\x7f\x{85}\x{feff}\x{2028}\x{2029}]"


def ident(name: str) -> str:
    """A column name as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A string as a SQL literal."""
    return "'" + text.replace("'", "''") + "'"


def count_ok(text: str, number: str, *, allow_empty: bool, digits: int = 18) -> str:
    """``text`` is a valid count (parse_count); ``number`` is ``try_cast(text AS BIGINT)``, which
    is also the value to store (NULL for CBS's empty cells '', '.' and 'x').

    The common case (plain digits, no leading zero) is the cheap round trip; surrounding spaces
    and leading zeros go through a regular expression; signs, decimals, exponents and
    underscores (which DuckDB's casts accept) are refused.
    """
    return _any(
        [
            f"{number} >= 0 AND {number}::VARCHAR = {text}",
            f"regexp_full_match({text}, ' *[0-9]{{1,{digits}}} *')",
            *([f"trim({text}) IN ('', '.', 'x')"] if allow_empty else []),
        ]
    )


def _any(conditions: list[str]) -> str:
    """True when one of ``conditions`` is (for ``CASE WHEN``: NULL otherwise, as with OR).

    A CASE evaluates each condition only for the rows the ones before it left undecided;
    DuckDB evaluates both sides of an OR for every row, regular expressions included.
    """
    *first, last = conditions
    whens = " ".join(f"WHEN {c} THEN true" for c in first)
    return f"(CASE {whens} ELSE {last} END)"


def code(text: str) -> str:
    """A code or region as stored: trailing blanks removed (CBS pads its keys with spaces).

    Cheaper than ``trim()`` on every row; a value with blanks in front is stored as it is and
    then refused by the checks on codes and regions (the precise path strips and loads it).
    """
    return f"CASE WHEN suffix({text}, ' ') THEN rtrim({text}) ELSE {text} END"


def year_ok(text: str, number: str) -> str:
    """``text`` is a valid year (check_year); ``number`` is ``try_cast(text AS INTEGER)``."""
    shape = _any([f"{number}::VARCHAR = {text}", f"regexp_full_match({text}, ' *[0-9]{{4}} *')"])
    return f"({shape} AND {number} BETWEEN {FIRST_YEAR} AND {last_year()})"


_ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"


def date_value(text: str) -> str:
    """The date of an optional ISO date ``text`` (``parse_date``): NULL when it is empty or
    not a valid date (``date_ok`` tells the two apart)."""
    return (
        f"CASE WHEN regexp_full_match(trim({text}), '{_ISO_DATE}') "
        f"THEN try_cast(trim({text}) AS DATE) END"
    )


def date_ok(text: str, date: str) -> str:
    """``text`` is empty or a valid ISO date (``parse_date``); ``date`` is its ``date_value``.

    A blank that DuckDB's trim() keeps but Python's strip() removes is refused here (the
    precise path then decides)."""
    return f"(({date} IS NOT NULL OR coalesce(trim({text}) = '', false)) AND {no_control(text)})"


# What the file being loaded holds (``csvfile.text_traits``): the text checks below leave out
# what cannot occur in it. Unknown (the default): every check.
_TRAITS: ContextVar[TextTraits] = ContextVar(
    "sqlchecks_traits",
    default=TextTraits(control=True, quotes=True),  # noqa: B039 - frozen
)


@contextmanager
def traits(found: TextTraits) -> Iterator[None]:
    """Build the SQL of a file with these traits (``csvfile.text_traits`` of that file)."""
    token = _TRAITS.set(found)
    try:
        yield
    finally:
        _TRAITS.reset(token)


def _line_ends(text: str) -> str:
    """``text`` holds a line end (only a quoted field can)."""
    return f"(contains({text}, chr(10)) OR contains({text}, chr(13)))"


def text_ok(text: str) -> str:
    """``text`` passes check_text, and DuckDB's trim() of it equals Python's strip().

    In a file without control characters only a line end (in a quoted field) or a formula can
    make it fail: a first character other than ``+ - = @`` settles it without the regular
    expression."""
    found = _TRAITS.get()
    if found.control:
        return f"coalesce(NOT regexp_matches({text}, '{_BAD_TEXT}'), false)"
    line_ends = f"WHEN {_line_ends(text)} THEN false " if found.quotes else ""
    return (
        f"(CASE WHEN {text} IS NULL THEN false {line_ends}"
        f"WHEN ord({text}) IN (43, 45, 61, 64) THEN NOT regexp_matches({text}, '{_BAD_TEXT}') "
        "ELSE true END)"
    )


def no_control(text: str) -> str:
    """``text`` has no control characters, so DuckDB's trim() of it equals Python's strip()."""
    found = _TRAITS.get()
    if found.control:
        return f"coalesce(NOT regexp_matches({text}, '{_CONTROL}'), false)"
    if found.quotes:
        return f"coalesce(NOT {_line_ends(text)}, false)"
    return f"({text} IS NOT NULL)"


def _shape(levels: set[str] | None = None) -> str:
    """The region code shapes of ``regions.LEVEL_PATTERNS`` (ASCII digits only) as one pattern."""
    shapes = [
        p.pattern.removeprefix("^").removesuffix("$").replace(r"\d", "[0-9]")
        for level, p in regionmod.LEVEL_PATTERNS.items()
        if levels is None or level in levels
    ]
    return "(" + "|".join(shapes) + ")"


VOCABULARY_LEVELS = {"land", "gemeente"}  # check_region: these codes must be known
_NEEDS_VOCABULARY = re.compile(_shape(VOCABULARY_LEVELS), re.ASCII)
_SHAPE = re.compile(_shape(), re.ASCII)


def region_shape_ok(code: str) -> bool:
    """``code`` has the shape of a region code, exactly (ASCII digits, nothing around it), so
    ``check_region`` leaves it as it is."""
    return _SHAPE.fullmatch(code) is not None


def may_be_new(code: str) -> bool:
    """A well-shaped code missing from the vocabulary passes ``check_region`` unless it is of a
    level the vocabulary must know (the country, municipalities)."""
    return not _NEEDS_VOCABULARY.fullmatch(code)
