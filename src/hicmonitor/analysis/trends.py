"""Yearly (and monthly) HIC trends per category and region: pure functions on frames.

Input frames are those of the store query helpers:

* counts: ``category, region_code, year, count`` (+ ``provisional``, ``period`` optional),
  as returned by ``store.category_counts(con)``;
* population: ``region_code, year, inhabitants`` (``store.population(con)``).

Main entry points
-----------------
``yearly_trends(counts, population, baseline=2019)``
    one row per category, region and year with the count, the change on the previous year
    (absolute and %), an index against the baseline (=100), the rate per 1,000 inhabitants,
    the Covid flag, and the extrapolated pre-pandemic trend with the deviation from it.
    A value that cannot be computed (previous year 0, no population, baseline missing) is
    NaN, and the matching ``*_note`` column says why in Dutch.
``prepandemic_fits(counts, fit_years=(2012, 2019))``
    the log-linear pre-pandemic trend per category and region.
``monthly_trends(counts)``
    monthly counts with the change on the same month a year earlier.
``year_to_date(monthly, yearly)``
    the open year's months to date against the same months a year earlier.

The pre-pandemic trend is a log-linear Poisson regression, ``log E[count] = a + b * year``
(a generalised linear model with log link; McCullagh & Nelder, *Generalized Linear Models*,
2nd ed., 1989, ch. 6), fitted by Newton-Raphson for all series at once. Unlike least
squares on ``log(count)`` it handles years with a zero count. ``exp(b) - 1`` is the average
yearly change; the tests check the fit against ``statsmodels`` GLM(Poisson).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hicmonitor.errors import HicError

COVID_YEARS: tuple[int, ...] = (2020, 2021)
DEFAULT_BASELINE: tuple[int, ...] = (2019,)
DEFAULT_FIT_YEARS: tuple[int, int] = (2012, 2019)

KEYS = ["category", "region_code"]

NOTE_NO_PREVIOUS = "geen cijfer voor het vorige jaar"
NOTE_PREVIOUS_ZERO = "vorig jaar 0: geen percentage"
NOTE_NO_BASELINE = "geen cijfer voor het basisjaar"
NOTE_BASELINE_ZERO = "basisjaar 0: geen index"
NOTE_NO_POPULATION = "inwonertal ontbreekt"
NOTE_ZERO_POPULATION = "0 inwoners"
NOTE_NO_FIT = "geen trend: te weinig jaren vóór de pandemie"
NOTE_ALL_ZERO = "geen trend: alleen nullen vóór de pandemie"


@dataclass(frozen=True)
class Baseline:
    """The baseline of the index: one year, or the mean of several years."""

    years: tuple[int, ...]

    @property
    def label(self) -> str:
        """For tables and charts: "2019" or "gemiddelde 2017–2019"."""
        if len(self.years) == 1:
            return str(self.years[0])
        return f"gemiddelde {self.years[0]}–{self.years[-1]}"

    @property
    def phrase(self) -> str:
        """For sentences: "2019" or "het gemiddelde van 2017–2019"."""
        if len(self.years) == 1:
            return str(self.years[0])
        return f"het gemiddelde van {self.years[0]}–{self.years[-1]}"


def parse_baseline(spec: int | str | Sequence[int] | Baseline | None) -> Baseline:
    """Read a baseline: ``2019``, ``"2019"``, ``"2017-2019"`` (mean) or a list of years."""
    if spec is None:
        return Baseline(DEFAULT_BASELINE)
    if isinstance(spec, Baseline):
        return spec
    if isinstance(spec, int):
        return Baseline((spec,))
    if isinstance(spec, str):
        text = spec.strip()
        m = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", text)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a > b:
                raise HicError(f"basisjaar {spec!r}: het eerste jaar ligt na het laatste")
            return Baseline(tuple(range(a, b + 1)))
        if re.fullmatch(r"\d{4}", text):
            return Baseline((int(text),))
        raise HicError(
            f"basisjaar {spec!r} begrijp ik niet; geef een jaar (2019) of een reeks (2017-2019)"
        )
    years = tuple(sorted(int(y) for y in spec))
    if not years:
        raise HicError("basisjaar: geef minstens één jaar")
    return Baseline(years)


def _yearly(counts: pd.DataFrame) -> pd.DataFrame:
    cols = [*KEYS, "year", "count"]
    frame = counts[cols + (["provisional"] if "provisional" in counts else [])].copy()
    if "provisional" not in frame:
        frame["provisional"] = False
    frame = frame.groupby([*KEYS, "year"], as_index=False, sort=True).agg(
        count=("count", "sum"), provisional=("provisional", "max")
    )
    frame["year"] = frame["year"].astype(int)
    return frame


def prepandemic_fits(
    counts: pd.DataFrame, fit_years: tuple[int, int] = DEFAULT_FIT_YEARS
) -> pd.DataFrame:
    """Log-linear Poisson trend per category and region over ``fit_years`` (inclusive).

    Returns ``category, region_code, intercept, slope, annual_change_pct, n_years,
    first_year, last_year, center, note``: ``expected(year) = exp(intercept + slope *
    (year - center))``. Series with fewer than three years in the window, or with only
    zeros, get NaN parameters and a Dutch ``note``.
    """
    lo, hi = fit_years
    yearly = _yearly(counts)
    window = yearly[(yearly["year"] >= lo) & (yearly["year"] <= hi)]
    groups = yearly[KEYS].drop_duplicates().reset_index(drop=True)
    wide = window.pivot_table(index=KEYS, columns="year", values="count", aggfunc="sum")
    wide = groups.merge(wide.reset_index(), on=KEYS, how="left").set_index(KEYS)
    year_cols = [c for c in wide.columns if isinstance(c, (int, np.integer))]
    y = wide[year_cols].to_numpy(dtype=float) if year_cols else np.empty((len(wide), 0))
    mask = ~np.isnan(y)
    yz = np.where(mask, y, 0.0)
    n = mask.sum(axis=1)
    x_years = np.array(year_cols, dtype=float)
    center = (lo + hi) / 2.0
    x = np.broadcast_to(x_years - center, y.shape)
    xm = np.where(mask, x, 0.0)

    total = yz.sum(axis=1)
    ok = (n >= 3) & (total > 0)
    a = np.where(ok, np.log(np.where(ok, total / np.maximum(n, 1), 1.0)), 0.0)
    b = np.zeros(len(a))
    for _ in range(50):  # Newton-Raphson on the Poisson log-likelihood
        mu = np.where(mask, np.exp(a[:, None] + b[:, None] * xm), 0.0)
        r = yz - mu
        g0, g1 = r.sum(axis=1), (xm * r).sum(axis=1)
        h00, h01, h11 = mu.sum(axis=1), (xm * mu).sum(axis=1), (xm * xm * mu).sum(axis=1)
        det = h00 * h11 - h01 * h01
        safe = ok & (det > 0)
        det = np.where(safe, det, 1.0)
        da = np.where(safe, (h11 * g0 - h01 * g1) / det, 0.0)
        db = np.where(safe, (h00 * g1 - h01 * g0) / det, 0.0)
        a, b = a + da, b + db
        if np.all(np.abs(da) < 1e-10) and np.all(np.abs(db) < 1e-10):
            break

    out = wide.index.to_frame(index=False)
    out["intercept"] = np.where(ok, a, np.nan)
    out["slope"] = np.where(ok, b, np.nan)
    out["annual_change_pct"] = (np.exp(out["slope"]) - 1.0) * 100.0
    out["n_years"] = n
    out["first_year"] = lo
    out["last_year"] = hi
    out["center"] = center
    out["note"] = np.where(ok, "", np.where(n >= 3, NOTE_ALL_ZERO, NOTE_NO_FIT))
    return out


def yearly_trends(
    counts: pd.DataFrame,
    population: pd.DataFrame | None = None,
    *,
    baseline: int | str | Sequence[int] | Baseline | None = None,
    fit_years: tuple[int, int] = DEFAULT_FIT_YEARS,
    covid_years: Sequence[int] = COVID_YEARS,
) -> pd.DataFrame:
    """The trend table: one row per category, region and year (see the module docstring).

    Columns: ``category, region_code, year, count, provisional, covid, change_abs,
    change_pct, change_note, baseline_count, index, index_note, inhabitants,
    rate_per_1000, rate_note, trend_expected, trend_deviation_pct, in_fit``.
    """
    base = parse_baseline(baseline)
    t = _yearly(counts).reset_index(drop=True)
    t["covid"] = t["year"].isin(list(covid_years))

    # change on the previous year (only when that year is present)
    prev = t[[*KEYS, "year", "count"]].copy()
    prev["year"] = prev["year"] + 1
    prev = prev.rename(columns={"count": "prev_count"})
    t = t.merge(prev, on=[*KEYS, "year"], how="left")
    t["change_abs"] = (t["count"] - t["prev_count"]).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (t["count"] - t["prev_count"]) / t["prev_count"] * 100.0
    t["change_pct"] = pct.where(t["prev_count"] > 0).astype(float)
    t["change_note"] = np.select(
        [t["prev_count"].isna(), t["prev_count"] == 0], [NOTE_NO_PREVIOUS, NOTE_PREVIOUS_ZERO], ""
    )

    # index against the baseline (all baseline years must be present)
    in_base = t[t["year"].isin(base.years)]
    agg = in_base.groupby(KEYS, as_index=False).agg(
        baseline_count=("count", "mean"), n_base=("count", "size")
    )
    agg.loc[agg["n_base"] < len(base.years), "baseline_count"] = np.nan
    t = t.merge(agg[[*KEYS, "baseline_count"]], on=KEYS, how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        idx = t["count"] / t["baseline_count"] * 100.0
    t["index"] = idx.where(t["baseline_count"] > 0).astype(float)
    t["index_note"] = np.select(
        [t["baseline_count"].isna(), t["baseline_count"] == 0],
        [NOTE_NO_BASELINE, NOTE_BASELINE_ZERO],
        "",
    )

    # rate per 1,000 inhabitants
    if population is not None and len(population):
        pop = population[["region_code", "year", "inhabitants"]].copy()
        pop["year"] = pop["year"].astype(int)
        pop = pop.groupby(["region_code", "year"], as_index=False)["inhabitants"].sum()
        t = t.merge(pop, on=["region_code", "year"], how="left")
    else:
        t["inhabitants"] = np.nan
    t["inhabitants"] = t["inhabitants"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = t["count"] / t["inhabitants"] * 1000.0
    t["rate_per_1000"] = rate.where(t["inhabitants"] > 0).astype(float)
    t["rate_note"] = np.select(
        [t["inhabitants"].isna(), t["inhabitants"] == 0],
        [NOTE_NO_POPULATION, NOTE_ZERO_POPULATION],
        "",
    )

    # pre-pandemic trend and the deviation from its extrapolation
    fits = prepandemic_fits(t, fit_years)
    t = t.merge(fits[[*KEYS, "intercept", "slope", "center"]], on=KEYS, how="left")
    t["trend_expected"] = np.exp(t["intercept"] + t["slope"] * (t["year"] - t["center"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = (t["count"] - t["trend_expected"]) / t["trend_expected"] * 100.0
    t["trend_deviation_pct"] = dev.where(t["trend_expected"] > 0).astype(float)
    t["in_fit"] = (t["year"] >= fit_years[0]) & (t["year"] <= fit_years[1])
    t = t.drop(columns=["prev_count", "intercept", "slope", "center"])
    t.attrs["baseline"] = base
    t.attrs["fit_years"] = fit_years
    t.attrs["covid_years"] = tuple(covid_years)
    return t.sort_values([*KEYS, "year"], kind="stable").reset_index(drop=True)


def monthly_trends(counts: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts with the change on the same month one year earlier.

    ``counts`` needs ``category, region_code, period, count`` (period = first day of the
    month). Returns ``category, region_code, period, year, month, count, change_abs,
    change_pct, change_note``.
    """
    t = counts[[*KEYS, "period", "count"]].copy()
    t["period"] = pd.to_datetime(t["period"])
    t = t.groupby([*KEYS, "period"], as_index=False)["count"].sum()
    t["year"] = t["period"].dt.year
    t["month"] = t["period"].dt.month
    prev = t[[*KEYS, "year", "month", "count"]].copy()
    prev["year"] += 1
    prev = prev.rename(columns={"count": "prev_count"})
    t = t.merge(prev, on=[*KEYS, "year", "month"], how="left")
    t["change_abs"] = (t["count"] - t["prev_count"]).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (t["count"] - t["prev_count"]) / t["prev_count"] * 100.0
    t["change_pct"] = pct.where(t["prev_count"] > 0).astype(float)
    t["change_note"] = np.select(
        [t["prev_count"].isna(), t["prev_count"] == 0],
        ["geen cijfer voor dezelfde maand een jaar eerder", NOTE_PREVIOUS_ZERO],
        "",
    )
    return t.drop(columns="prev_count").sort_values([*KEYS, "period"]).reset_index(drop=True)


TO_DATE_COLUMNS = [
    "category",
    "region_code",
    "year",
    "months",
    "last_month",
    "count",
    "prev_count",
    "change_pct",
    "note",
]
NOTE_NO_PREVIOUS_MONTHS = "geen cijfers voor dezelfde maanden een jaar eerder"


def year_to_date(monthly: pd.DataFrame, yearly: pd.DataFrame) -> pd.DataFrame:
    """The months to date of the open year, per category and region, against the same
    months a year earlier.

    ``monthly``: ``category, region_code, period, count`` (the monthly figures known, e.g.
    as of a peildatum); ``yearly``: the yearly counts known (``category, region_code,
    year``). The open year of a series is the latest year after its last yearly figure that
    has monthly figures; its months run from January without a gap (a series with a gap
    gives nothing). The comparison sums the same months of the previous year and is only
    made when each of them is known. Columns: :data:`TO_DATE_COLUMNS` (``months``: how many,
    ``last_month`` 1-12, ``change_pct`` NaN with ``note`` when there is no comparison).
    These figures are always provisional: the year is not over.
    """
    if monthly.empty:
        return pd.DataFrame(columns=TO_DATE_COLUMNS)
    m = monthly[[*KEYS, "period", "count"]].copy()
    m["period"] = pd.to_datetime(m["period"])
    m["year"] = m["period"].dt.year.astype(int)
    m["month"] = m["period"].dt.month.astype(int)
    last_year = yearly.groupby(KEYS)["year"].max().to_dict() if len(yearly) else {}
    out = []
    for (cat, region), part in m.groupby(KEYS, sort=True):
        done = last_year.get((cat, region))
        open_years = [y for y in part["year"].unique() if done is None or y > done]
        if not open_years:
            continue
        year = int(max(open_years))
        months = sorted(part.loc[part["year"] == year, "month"])
        if months != list(range(1, len(months) + 1)):
            continue
        now = int(part.loc[part["year"] == year, "count"].sum())
        prev = part[(part["year"] == year - 1) & part["month"].isin(months)]
        if len(prev) == len(months):
            prev_count = int(prev["count"].sum())
            change = (now - prev_count) / prev_count * 100.0 if prev_count > 0 else np.nan
            note = "" if prev_count > 0 else NOTE_PREVIOUS_ZERO
        else:
            prev_count, change, note = np.nan, np.nan, NOTE_NO_PREVIOUS_MONTHS
        out.append((cat, region, year, len(months), months[-1], now, prev_count, change, note))
    return pd.DataFrame(out, columns=TO_DATE_COLUMNS)


def available_years(counts: pd.DataFrame) -> list[int]:
    """The years that have data in ``counts``, ascending."""
    return sorted(int(y) for y in pd.unique(counts["year"]))


def check_year(counts: pd.DataFrame, year: int) -> None:
    """Raise a Dutch ``HicError`` naming the years that exist when ``year`` has no data."""
    years = available_years(counts)
    if year not in years:
        span = f"{years[0]}–{years[-1]}" if years else "geen"
        raise HicError(f"geen cijfers voor {year}; er zijn cijfers voor de jaren {span}")
