"""Early-warning signals of a region (a rise that stands out), for the municipality page.

A slot: the early-warning analysis is built separately; until it lands ``for_region``
returns no signals, and the page says that no signals are available.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Signal:
    category: str  # taxonomy id
    label: str  # the category's Dutch label
    period: str  # the period in Dutch ("2025", "juli 2025")
    text: str  # the Dutch sentence that explains the signal


def for_region(con: duckdb.DuckDBPyConnection, region: str) -> list[Signal]:
    """The signals of ``region`` (a region code), newest first. None yet."""
    return []
