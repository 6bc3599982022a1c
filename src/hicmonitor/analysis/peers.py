"""A municipality against comparable municipalities: pure functions on frames.

Comparable = the same CBS size class (gemeentegrootteklasse, by inhabitants; the classes
are data in ``size_classes.yaml``), and, as a second yardstick, all municipalities.

``peer_table(counts, population, year=...)`` gives one row per municipality and category:

* ``rate_per_1000``; ``rank_all`` / ``rank_class`` (1 = highest rate, ties share the best
  rank) out of ``n_all`` / ``n_class``;
* ``percentile_all`` / ``percentile_class``: the share of the *other* municipalities with a
  lower rate, ties counted half (0 = lowest, 100 = highest);
* ``rr_class`` (``rr_all``): the rate ratio of the municipality against the pooled rate of
  the other municipalities of its class (of all other municipalities), with an exact 95%
  interval ``rr_class_lo`` .. ``rr_class_hi`` and ``sig_class``: ``"hoger"``, ``"lager"``
  or ``"niet significant"``. Only an interval that lies wholly above (below) 1 makes
  "significantly higher (lower)".

The interval is the exact conditional one for the ratio of two Poisson rates: given the
total ``n = a + b`` of both counts, ``a`` is binomial with ``p = RR*E1 / (RR*E1 + E2)``, so
the Clopper-Pearson interval of ``p`` maps to ``RR = p/(1-p) * E2/E1`` (Breslow & Day,
*Statistical Methods in Cancer Research* vol. II, IARC 1987, §2.3; Ulm, Am. J. Epidemiol.
131, 1990). The Clopper-Pearson bounds are beta quantiles (``scipy.special.betaincinv``,
the same as ``statsmodels``' ``proportion_confint(method="beta")``), vectorised over all
municipalities; the tests check them against ``scipy.stats.binomtest``.

Only municipalities with a known, positive population that year take part (so the
"municipality unknown" code GM0000 is left out); the others are listed in no row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import yaml
from scipy.special import betaincinv

from hicmonitor.errors import HicError

SIG_HIGHER = "hoger"
SIG_LOWER = "lager"
SIG_NONE = "niet significant"
NOTE_NO_PEERS = "geen andere gemeenten in deze grootteklasse"


@dataclass(frozen=True)
class SizeClass:
    code: int
    label: str
    min: int
    max: int | None

    def contains(self, inhabitants: float) -> bool:
        return inhabitants >= self.min and (self.max is None or inhabitants < self.max)


@cache
def size_classes() -> tuple[SizeClass, ...]:
    """The CBS size classes, smallest first, from ``size_classes.yaml``."""
    text = files("hicmonitor.analysis").joinpath("size_classes.yaml").read_text("utf-8")
    doc = yaml.safe_load(text)
    return tuple(SizeClass(**c) for c in doc["classes"])


def size_class_of(inhabitants: float) -> SizeClass:
    """The size class for a number of inhabitants."""
    for c in size_classes():
        if c.contains(inhabitants):
            return c
    raise HicError(f"geen grootteklasse voor {inhabitants} inwoners")


def _classify(inhabitants: pd.Series) -> pd.Series:
    classes = size_classes()
    edges = [c.min for c in classes] + [np.inf]
    codes = [c.code for c in classes]
    return pd.cut(inhabitants, bins=edges, right=False, labels=codes).astype(int)


def rate_ratio_ci(
    a: np.ndarray, e1: np.ndarray, b: np.ndarray, e2: np.ndarray, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate ratio ``(a/e1) / (b/e2)`` with its exact conditional ``1-alpha`` interval.

    Vectorised. With ``a = 0`` the lower bound is 0, with ``b = 0`` the upper bound is
    infinite; with ``a + b = 0`` all three are NaN.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    e1 = np.asarray(e1, dtype=float)
    e2 = np.asarray(e2, dtype=float)
    n = a + b
    valid = (n > 0) & (e1 > 0) & (e2 > 0)
    # Clopper-Pearson bounds of p = a/n as beta quantiles (0 when a = 0, 1 when a = n)
    with np.errstate(invalid="ignore"):
        p_lo = np.where(a > 0, betaincinv(np.maximum(a, 1e-300), n - a + 1, alpha / 2), 0.0)
        p_hi = np.where(b > 0, betaincinv(a + 1, np.maximum(b, 1e-300), 1 - alpha / 2), 1.0)
    scale = np.where(valid, e2 / np.where(e1 > 0, e1, 1.0), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = np.where(valid, (a / e1) / (b / e2), np.nan)
        lo = np.where(valid, p_lo / (1.0 - p_lo) * scale, np.nan)
        hi = np.where(valid, np.where(p_hi >= 1.0, np.inf, p_hi / (1.0 - p_hi) * scale), np.nan)
    rr = np.where(valid & (b == 0) & (a > 0), np.inf, rr)
    return rr, lo, hi


def _significance(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.select([lo > 1.0, hi < 1.0], [SIG_HIGHER, SIG_LOWER], SIG_NONE)


def _percentile_within(frame: pd.DataFrame, by: list[str]) -> tuple[pd.Series, pd.Series]:
    g = frame.groupby(by)["rate_per_1000"]
    n = g.transform("size")
    below = g.rank(method="min") - 1  # strictly lower rates
    ties = g.rank(method="max") - g.rank(method="min")  # other municipalities, same rate
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (below + 0.5 * ties) / (n - 1) * 100.0
    rank = g.rank(method="min", ascending=False).astype(int)
    return rank, pct.where(n > 1)


def peer_table(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    *,
    year: int,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Peer comparison of every municipality for every category in ``year``.

    ``counts``: ``category, region_code, year, count`` of municipalities (GMxxxx);
    ``population``: ``region_code, year, inhabitants``. See the module docstring for the
    columns.
    """
    c = counts[counts["year"] == year]
    c = c.groupby(["category", "region_code"], as_index=False)["count"].sum()
    pop = population[population["year"] == year]
    pop = pop.groupby("region_code", as_index=False)["inhabitants"].sum()
    pop = pop[pop["inhabitants"] > 0]
    t = c.merge(pop, on="region_code", how="inner")
    t["year"] = year
    t["rate_per_1000"] = t["count"] / t["inhabitants"] * 1000.0
    t["size_class"] = _classify(t["inhabitants"])
    labels = {sc.code: sc.label for sc in size_classes()}
    t["size_class_label"] = t["size_class"].map(labels)

    t["n_all"] = t.groupby("category")["count"].transform("size")
    t["rank_all"], t["percentile_all"] = _percentile_within(t, ["category"])
    t["n_class"] = t.groupby(["category", "size_class"])["count"].transform("size")
    t["rank_class"], t["percentile_class"] = _percentile_within(t, ["category", "size_class"])

    for scope, by in (("all", ["category"]), ("class", ["category", "size_class"])):
        tot_c = t.groupby(by)["count"].transform("sum")
        tot_e = t.groupby(by)["inhabitants"].transform("sum")
        b = (tot_c - t["count"]).to_numpy(float)
        e2 = (tot_e - t["inhabitants"]).to_numpy(float)
        a = t["count"].to_numpy(float)
        e1 = t["inhabitants"].to_numpy(float)
        rr, lo, hi = rate_ratio_ci(a, e1, b, e2, alpha)
        t[f"peer_count_{scope}"] = b
        t[f"peer_inhabitants_{scope}"] = e2
        with np.errstate(divide="ignore", invalid="ignore"):
            t[f"peer_rate_{scope}"] = np.where(e2 > 0, b / e2 * 1000.0, np.nan)
        t[f"rr_{scope}"] = rr
        t[f"rr_{scope}_lo"] = lo
        t[f"rr_{scope}_hi"] = hi
        sig = _significance(lo, hi)
        t[f"sig_{scope}"] = np.where(np.isnan(rr) & np.isnan(lo), SIG_NONE, sig)
    t["note"] = np.where(t["n_class"] < 2, NOTE_NO_PEERS, "")
    return t.sort_values(["category", "region_code"]).reset_index(drop=True)


def compare(table: pd.DataFrame, region_code: str, category: str) -> pd.Series:
    """The row of ``peer_table`` for one municipality and category (Dutch error if absent)."""
    row = table[(table["region_code"] == region_code) & (table["category"] == category)]
    if row.empty:
        raise HicError(
            f"geen vergelijking mogelijk voor {region_code}, categorie {category}: "
            "geen cijfers of geen inwonertal in dat jaar"
        )
    return row.iloc[0]
