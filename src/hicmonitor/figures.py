"""The HIC figures table: per category per year, with inhabitants and rate per 1,000.

Pure functions on the frames the store returns (``store.category_counts``,
``store.population``); the CLI, the report and the web all use these.
"""

from __future__ import annotations

import pandas as pd

from hicmonitor import taxonomy


def hic_table(
    counts: pd.DataFrame,
    population: pd.DataFrame | None = None,
    *,
    categories: list[str] | None = None,
) -> pd.DataFrame:
    """Long table: category, label, region_code, year, count, provisional[, inhabitants, per_1000].

    ``per_1000`` is missing (NaN) where the population is unknown or zero; it is never
    divided by zero.
    """
    frame = counts.copy()
    if categories:
        frame = frame[frame["category"].isin(categories)]
    labels = {c.id: c.label for c in taxonomy.categories()}
    order = {c.id: i for i, c in enumerate(taxonomy.categories())}
    frame["label"] = frame["category"].map(labels)
    frame = frame.sort_values(
        ["region_code", "category", "year"],
        key=lambda s: s.map(order) if s.name == "category" else s,
    )
    cols = ["category", "label", "region_code", "year", "count", "provisional"]
    frame = frame[cols]
    if population is not None and not population.empty:
        frame = frame.merge(population, on=["region_code", "year"], how="left")
        inh = frame["inhabitants"].astype("Float64")
        frame["per_1000"] = (frame["count"] / inh.where(inh > 0) * 1000).round(2)
    return frame.reset_index(drop=True)


def wide(table: pd.DataFrame) -> pd.DataFrame:
    """Years as rows, categories as columns (for the national overview)."""
    order = [c.id for c in taxonomy.categories() if c.id in set(table["category"])]
    out = table.pivot_table(index="year", columns="category", values="count", aggfunc="sum")
    return out[order].astype("Int64")
