"""Reconciliation: the national series in the store beside the figures the minister published.

``published_hic_national_2009_2019.csv`` (Kamerstuk 28684 nr. 619) has one column per HIC
category. ``read_published(path)`` turns it into a long frame; ``reconcile(store_counts,
published)`` sets both side by side per category and year with the difference (store minus
published, absolute and as % of the published figure) and the definition (crime codes) the
store uses; ``summary(table)`` gives the mean absolute difference per category.

Why they differ is explained in ``docs/afstemming.md``: police figures are revised after
publication, and the published *geweld* is a definition of its own.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.errors import InputError

# column of the published file -> HIC category id
PUBLISHED_COLUMNS: dict[str, str] = {
    "overvallen": "overval",
    "straatroof": "straatroof",
    "woninginbraak": "woninginbraak",
    "geweld": "geweld",
}
PUBLISHED_FILE = "published_hic_national_2009_2019.csv"


def read_published(path: str | Path) -> pd.DataFrame:
    """The published figures as ``category, year, published``; bad input -> ``InputError``."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "bestand bestaat niet")
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        if "year" not in header:
            raise InputError(path, "kolom 'year' ontbreekt", line=1, field="year")
        cols = [c for c in header if c in PUBLISHED_COLUMNS]
        if not cols:
            raise InputError(
                path,
                f"geen bekende categoriekolom; verwacht een of meer van {', '.join(PUBLISHED_COLUMNS)}",
                line=1,
            )
        for line, rec in enumerate(reader, start=2):
            try:
                year = int(rec["year"])
            except (TypeError, ValueError):
                raise InputError(
                    path, f"geen jaartal: {rec['year']!r}", line=line, field="year"
                ) from None
            for col in cols:
                raw = (rec.get(col) or "").strip()
                if raw == "":
                    continue
                try:
                    value = int(raw)
                except ValueError:
                    raise InputError(
                        path, f"geen geheel getal: {raw!r}", line=line, field=col
                    ) from None
                if value < 0:
                    raise InputError(path, f"negatief aantal: {value}", line=line, field=col)
                rows.append((PUBLISHED_COLUMNS[col], year, value))
    return pd.DataFrame(rows, columns=["category", "year", "published"])


def definitions() -> dict[str, str]:
    """Category -> the crime codes the store sums for it ("1.4.2 + 1.4.4 + 1.4.5")."""
    return {c.id: " + ".join(c.codes) for c in taxonomy.police_categories()}


def reconcile(store_counts: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Side by side per category and year, for the years both have.

    ``store_counts``: ``category, year, count`` (national). Returns ``category, year,
    store, published, diff, diff_pct, definition``; ``diff = store - published``,
    ``diff_pct`` relative to the published figure (NaN when that is 0).
    """
    s = store_counts.groupby(["category", "year"], as_index=False)["count"].sum()
    s = s.rename(columns={"count": "store"})
    t = s.merge(published, on=["category", "year"], how="inner")
    t["diff"] = t["store"] - t["published"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = t["diff"] / t["published"] * 100.0
    t["diff_pct"] = pct.where(t["published"] > 0).astype(float)
    t["definition"] = t["category"].map(definitions())
    order = {c.id: i for i, c in enumerate(taxonomy.categories())}
    t = t.sort_values(
        ["category", "year"], key=lambda s: s.map(order) if s.name == "category" else s
    )
    return t.reset_index(drop=True)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per category: years compared, mean absolute difference (count and %), definition."""
    g = table.groupby("category", sort=False)
    out = g.agg(
        first_year=("year", "min"),
        last_year=("year", "max"),
        years=("year", "size"),
        mean_abs_diff=("diff", lambda d: float(np.mean(np.abs(d)))),
        mean_abs_diff_pct=("diff_pct", lambda d: float(np.nanmean(np.abs(d)))),
        definition=("definition", "first"),
    )
    return out.reset_index()
