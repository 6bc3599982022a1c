"""Dutch sentences for signals, from the templates in ``signalen.yaml``.

``signal_sentence(row, region_name="Tilburg", category="woninginbraak")`` turns one row of
:func:`~hicmonitor.analysis.signals.api.detect_signals` into, e.g.:

    In Tilburg lag het aantal woninginbraken in 2024 (612) boven wat de jaren ervoor
    voorspellen (verwacht 455, bovengrens 540).

Numbers go through :mod:`hicmonitor.format_nl` (Dutch thousands separator and decimal comma;
one decimal below 10).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from hicmonitor.analysis.signals.api import _positions, config, render


def noun_for(category: str) -> str:
    """The plural noun of a category or crime code (``signalen.yaml``, else the taxonomy)."""
    nouns = config()["nouns"]
    if category in nouns:
        return nouns[category]
    try:
        from hicmonitor import taxonomy

        return taxonomy.category(category).plural
    except Exception:  # noqa: BLE001 - any unknown code: fall back to a neutral noun
        return f"misdrijven ({category})"


def period_text(period: Any, frequency: str | None = None) -> str:
    """``2024`` -> "2024"; a month -> "maart 2024"; a week -> "week 5 van 2024"."""
    return _period_info(period, frequency)[0]


def _period_info(period: Any, frequency: str | None) -> tuple[str, str]:
    """(Dutch text, frequency) of one period label (cached: a listing repeats its periods)."""
    try:
        return _period_info_cached(period, frequency)
    except TypeError:  # an unhashable label
        return _period_info_uncached(period, frequency)


def _period_info_uncached(period: Any, frequency: str | None) -> tuple[str, str]:
    axis = _positions(pd.Series([period]), frequency, "periode", "period")
    return axis.texts[int(axis.positions[0])], axis.frequency


_period_info_cached = lru_cache(maxsize=4096)(_period_info_uncached)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def signal_sentence(
    row: Mapping[str, Any] | pd.Series | tuple,
    *,
    region_name: str,
    category: str | None = None,
    noun: str | None = None,
    frequency: str | None = None,
) -> str:
    """One Dutch sentence for one signal row (``period, observed, expected, upperbound,
    alarm, reason`` and optionally ``provisional``): a mapping, a Series or a row of
    ``itertuples()``."""
    cfg = config()
    if hasattr(row, "_asdict"):  # a row of DataFrame.itertuples()
        row = row._asdict()
    if noun is None:
        cat = category if category is not None else row.get("category", row.get("series"))
        if cat is None:
            raise ValueError("signal_sentence needs a category or a noun")
        noun = noun_for(str(cat))
    ptext, axis_freq = _period_info(row["period"], frequency)
    values = {
        "region": region_name,
        "noun": noun,
        "period": ptext,
        "previous": cfg["units"][axis_freq]["previous"],
    }
    reason = row.get("reason")
    if not _missing(reason) and _missing(row.get("expected")):
        text = render(cfg["sentences"]["none"], reason=reason, **values)
    else:
        key = "alarm" if bool(row.get("alarm")) else "no_alarm"
        text = render(
            cfg["sentences"][key],
            observed=row["observed"],
            expected=row["expected"],
            upperbound=row["upperbound"],
            **values,
        )
    if bool(row.get("provisional", False)) and not _missing(row.get("provisional")):
        text += render(cfg["sentences"]["provisional"], **values)
    return text
