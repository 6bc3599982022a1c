"""Backtest of the yearly early warning on the municipal data, 2016-2025.

    .venv/bin/python scripts/backtest_signalen.py [--van 2016] [--tot 2025] [--uit PAD.csv]

Series: every municipality (GM0000, "unknown", left out) x the HIC categories published per
municipality -- woninginbraak (1.1.1) and geweld (its taxonomy codes summed) -- and the three
components of geweld (1.4.2 moord/doodslag, 1.4.4 bedreiging, 1.4.5 mishandeling), from
data/nl/registered_crime_gemeente_yearly.csv (2024 and 2025 provisional).

For each candidate setting (``SETTINGS`` below; ``default`` is the one in signalen.yaml) and
each year: the series with a computed signal, the alarms, and of the alarms in years that
have a next year: how many were followed by a second high year --

* ``again``: the next year raised an alarm too;
* ``stayed``: the next year's count was again above the upper bound of the alarm year.

Prints Markdown tables (the figures in docs/signalen.md) and, with ``--uit``, writes every
signal of every setting to CSV.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from hicmonitor import taxonomy
from hicmonitor.analysis.signals import default_control, detect_signals

REPO = Path(__file__).resolve().parents[1]

# name -> overrides of the yearly default (signalen.yaml)
SETTINGS: dict[str, dict] = {
    "default": {},
    "alpha 0.05": {"alpha": 0.05},
    "no trend": {"trend": False},
    "nbPlugin": {"threshold_method": "nbPlugin"},
    "b3": {"b": 3},
    "b5": {"b": 5},
    "reweighting": {"reweight": True},
    "reweighting, alpha 0.05": {"reweight": True, "alpha": 0.05},
    "reweighting, no trend": {"reweight": True, "trend": False},
    "population offset": {"population_offset": True},
    "limit54 (5, 1)": {"limit54": [5, 1]},
    "limit54 (20, 1)": {"limit54": [20, 1]},
}


def hic_series() -> pd.DataFrame:
    """The yearly HIC series per municipality: category (or crime code), year, count."""
    d = pd.read_csv(
        REPO / "data" / "nl" / "registered_crime_gemeente_yearly.csv", dtype={"crime_code": str}
    )
    d = d[d["region_code"] != "GM0000"]
    pop = pd.read_csv(REPO / "data" / "nl" / "population_gemeente_yearly.csv")
    parts = []
    for cat_id in ("woninginbraak", "geweld"):
        codes = taxonomy.category(cat_id).codes
        part = d[d["crime_code"].isin(codes)]
        part = part.groupby(["region_code", "year"], as_index=False).agg(
            count=("registered_crimes", "sum"), provisional=("provisional", "max")
        )
        parts.append(part.assign(category=cat_id))
    for code in taxonomy.category("geweld").codes:
        part = d[d["crime_code"] == code].rename(columns={"registered_crimes": "count"})
        parts.append(part[["region_code", "year", "count", "provisional"]].assign(category=code))
    out = pd.concat(parts, ignore_index=True)
    out = out.merge(pop, on=["region_code", "year"], how="left")
    return out[["region_code", "category", "year", "count", "provisional", "inhabitants"]]


def follow_up(signals: pd.DataFrame) -> pd.DataFrame:
    """Per series and year: alarm, and whether the next year was again high."""
    s = signals.sort_values(["region_code", "category", "period"]).copy()
    g = s.groupby(["region_code", "category"])
    s["next_alarm"] = g["alarm"].shift(-1)
    s["next_observed"] = g["observed"].shift(-1)
    s["next_period"] = g["period"].shift(-1)
    has_next = s["next_period"] == s["period"] + 1
    s["again"] = has_next & (s["next_alarm"] == True)  # noqa: E712 - object column
    s["stayed"] = has_next & (s["next_observed"] > s["upperbound"])
    s["has_next"] = has_next
    s["quiet_stayed"] = has_next & ~s["alarm"].astype(bool) & (s["next_observed"] > s["upperbound"])
    s["quiet"] = has_next & ~s["alarm"].astype(bool) & s["upperbound"].notna()
    return s


def table(signals: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    s = follow_up(signals)
    s = s[(s["period"] >= first) & (s["period"] <= last)]
    computed = s[s["upperbound"].notna()]
    alarms = s[s["alarm"]]
    per_year = (
        pd.DataFrame(
            {
                "series": computed.groupby("period").size(),
                "alarms": alarms.groupby("period").size(),
                "again": alarms.groupby("period")["again"].sum(),
                "stayed": alarms.groupby("period")["stayed"].sum(),
                "with_next": alarms.groupby("period")["has_next"].sum(),
                "quiet": s.groupby("period")["quiet"].sum(),
                "quiet_stayed": s.groupby("period")["quiet_stayed"].sum(),
            }
        )
        .reindex(range(first, last + 1))
        .fillna(0)
        .astype(int)
    )
    return per_year


def summary(name: str, per_year: pd.DataFrame) -> dict:
    done = per_year[per_year["with_next"] > 0]
    alarms = int(done["alarms"].sum())
    return {
        "setting": name,
        "alarms/year": round(per_year["alarms"].mean(), 1),
        "min-max": f"{per_year['alarms'].min()}-{per_year['alarms'].max()}",
        "share of series": f"{per_year['alarms'].sum() / max(per_year['series'].sum(), 1):.1%}",
        "again next year": f"{done['again'].sum() / max(alarms, 1):.0%}",
        "stayed above bound": f"{done['stayed'].sum() / max(alarms, 1):.0%}",
        "same, years without alarm": (
            f"{done['quiet_stayed'].sum() / max(done['quiet'].sum(), 1):.1%}"
        ),
    }


def markdown(frame: pd.DataFrame, index: bool = True) -> str:
    """A pipe table (without the optional tabulate dependency)."""
    f = frame.reset_index() if index else frame
    cols = [str(c) for c in f.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in f.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--van", type=int, default=2016)
    ap.add_argument("--tot", type=int, default=2025)
    ap.add_argument("--uit", type=Path, default=None)
    args = ap.parse_args()
    data = hic_series()
    base = default_control("farrington", "year")
    print(
        f"{data.region_code.nunique()} municipalities x {data.category.nunique()} series "
        f"({', '.join(sorted(data.category.unique()))}), {data.year.min()}-{data.year.max()}"
    )
    print(f"default (signalen.yaml): {base}\n")
    rows, everything, default_table = [], [], None
    for name, overrides in SETTINGS.items():
        sig = detect_signals(data, period="year", control=overrides or None)
        per_year = table(sig, args.van, args.tot)
        if name == "default":
            default_table = per_year
        rows.append(summary(name, per_year))
        everything.append(sig.assign(setting=name))
    print("## Default setting per year\n")
    print(markdown(default_table.drop(columns=["quiet", "quiet_stayed"]).rename_axis("year")))
    print("\n## Settings compared (alarms and follow-up over the backtest years)\n")
    print(markdown(pd.DataFrame(rows), index=False))
    sig = everything[0]
    by_cat = sig[(sig["period"] >= args.van) & sig["alarm"]].groupby("category").size()
    print("\n## Default setting: alarms per series type\n")
    print(markdown(by_cat.rename("alarms").to_frame()))
    if args.uit:
        pd.concat(everything).to_csv(args.uit, index=False)
        print(f"\nwritten: {args.uit}")


if __name__ == "__main__":
    main()
