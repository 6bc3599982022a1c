"""What the store holds (`hic status`): sources, count series, categories, population."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from hicmonitor import store, taxonomy


@dataclass(frozen=True)
class CountSeries:
    """One period kind at one region level: its span and size."""

    period_kind: str  # jaar | maand
    level: str | None  # None: regions not in the region table
    first: dt.date
    last: dt.date
    regions: int
    crime_codes: int
    rows: int


@dataclass(frozen=True)
class CategoryStatus:
    """A HIC category and how much of it the store holds."""

    id: str
    label: str
    codes: list[str]  # its police crime codes (empty for an own series)
    present_codes: list[str]  # those with counts in the store
    own_series_rows: int | None  # rows of its own series (ram- en plofkraken), else None


@dataclass(frozen=True)
class PopulationStatus:
    first_year: int | None
    last_year: int | None
    regions: int
    rows: int


@dataclass(frozen=True)
class StoreStatus:
    # id, file_name, sha256, kind, rows, loaded_at, revises, available_from,
    # public_first, public_last
    sources: pd.DataFrame
    series: list[CountSeries]
    categories: list[CategoryStatus]
    population: PopulationStatus
    # the plausibility exceptions loads were accepted with: source_id, file_name, check_id,
    # line, field, region_code, crime_code, period, value, message
    exceptions: pd.DataFrame | None = None

    def export_frame(self) -> pd.DataFrame:
        """The sources, with the number of accepted exceptions of each (values only)."""
        out = self.sources.copy()
        counts = (
            self.exceptions.groupby("source_id").size()
            if self.exceptions is not None and not self.exceptions.empty
            else pd.Series(dtype="int64")
        )
        out["exceptions"] = out["id"].map(counts).fillna(0).astype("int64")
        out["revises"] = [
            list(r) if hasattr(r, "__iter__") and not isinstance(r, str) else []
            for r in out["revises"]
        ]
        return out

    @staticmethod
    def public_span(row: object) -> str:
        """When a source's figures became public: one day, or the first and last day."""
        first, last = row.public_first, row.public_last  # type: ignore[attr-defined]
        if first is None or first != first:  # NaT: a source without figures
            return ""
        if first == last:
            return f"{first:%Y-%m-%d}"
        return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"


def store_status(con: duckdb.DuckDBPyConnection) -> StoreStatus:
    """Everything `hic status` shows, from the store."""
    series = [CountSeries(*row) for row in store.counts_summary(con)]
    present = store.present_crime_codes(con)
    atm_rows = store.atm_attack_rows(con)
    categories = [
        CategoryStatus(
            id=cat.id,
            label=cat.label,
            codes=list(cat.codes),
            present_codes=[c for c in cat.codes if c in present],
            own_series_rows=None if cat.from_police_codes else atm_rows,
        )
        for cat in taxonomy.categories()
    ]
    return StoreStatus(
        sources=store.sources(con),
        series=series,
        categories=categories,
        population=PopulationStatus(*store.population_summary(con)),
        exceptions=store.load_exceptions(con),
    )
