"""Dutch number formatting for everything a user reads (tables, sentences, charts).

Dutch convention: "." groups thousands and "," is the decimal sign (22.706; 3,8). A value
that cannot be computed is shown as an en dash ("–"), with the reason kept beside it.
"""

from __future__ import annotations

MISSING = "–"


def _is_missing(value: object) -> bool:
    """None, NaN, or pandas' NA (whose comparisons raise instead of answering)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def number(value: float | int | None, decimals: int = 0) -> str:
    """Format ``value`` the Dutch way: ``number(22706) == "22.706"``, ``number(3.84, 1) == "3,8"``."""
    if _is_missing(value):
        return MISSING
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def signed(value: float | int | None, decimals: int = 0) -> str:
    """Like :func:`number` with an explicit sign: ``+1.234`` / ``-7,1``."""
    if _is_missing(value):
        return MISSING
    text = number(abs(value), decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else "-") + text


def percent(value: float | None, decimals: int = 1, *, sign: bool = False) -> str:
    """A percentage with a Dutch decimal comma: ``percent(-7.04) == "-7,0%"``; ``sign`` adds "+"."""
    if _is_missing(value):
        return MISSING
    return (signed(value, decimals) if sign else number(value, decimals)) + "%"


def amount(value: int, singular: str, plural: str) -> str:
    """A count with its noun, singular or plural: ``amount(1, "rij", "rijen") == "1 rij"``,
    ``amount(1234, "rij", "rijen") == "1.234 rijen"``."""
    return f"{number(value)} {singular if value == 1 else plural}"


def enumerate_nl(items: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b en c"``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


# --- dates --------------------------------------------------------------------------------

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()


def date(iso: str) -> str:
    """An ISO date the Dutch way: ``date("2022-03-24") == "24 maart 2022"``."""
    year, month, day = (int(p) for p in iso[:10].split("-"))
    return f"{day} {MONTHS[month - 1]} {year}"


def long_date(day: object) -> str:
    """``18 december 2023`` (a ``date`` or ``datetime``)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"  # type: ignore[attr-defined]


def month_year(year: int, month: int) -> str:
    """``mei 2020``."""
    return f"{MONTHS[month - 1]} {year}"


def partial_date(value: str) -> str:
    """A date as precise as known, in Dutch: ``2020-05-18`` -> ``18 mei 2020``, ``2020-05``
    -> ``mei 2020``, ``2020`` -> ``2020``; anything else is returned as it is."""
    parts = value.split("-")
    if not all(p.isdigit() for p in parts):
        return value
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return month_year(int(parts[0]), int(parts[1]))
    return value


def months_span(year: int, last_month: int) -> str:
    """The months to date of a year: ``januari–november 2023`` (``januari 2023`` for one)."""
    if last_month == 1:
        return month_year(year, 1)
    return f"januari–{MONTHS[last_month - 1]} {year}"
