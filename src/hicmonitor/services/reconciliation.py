"""The store's national series beside the published HIC figures (`hic afstemming`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from hicmonitor import store
from hicmonitor.analysis import reconcile
from hicmonitor.errors import HicError
from hicmonitor.store.loading import data_dir


@dataclass(frozen=True)
class Reconciliation:
    path: Path  # the published figures
    table: pd.DataFrame  # category, year, store, published, diff, diff_pct, definition
    summary: pd.DataFrame  # per category: first_year, last_year, mean_abs_diff[_pct], definition


def default_published_file() -> Path:
    """The published figures embedded in the package (Kamerstuk 28684 nr. 619)."""
    return data_dir() / "nl" / reconcile.PUBLISHED_FILE


def reconcile_published(
    con: duckdb.DuckDBPyConnection, path: str | Path | None = None
) -> Reconciliation:
    """Set the store's national series beside the published figures, year by year."""
    path = Path(path) if path is not None else default_published_file()
    published = reconcile.read_published(path)
    national = store.category_counts(con, regions=["NL01"])
    table = reconcile.reconcile(national, published)
    if table.empty:
        raise HicError(f"{path}: geen jaren die ook in de database staan")
    return Reconciliation(path, table, reconcile.summary(table))
