"""The validation figures against R (docs/signalen.md): per control setting and method, the
largest relative difference of the upper bounds and the alarm agreement, on the fixtures made
by R itself (tests/signals/r/make_fixtures.R, surveillance 1.20.3).

Run:  .venv/bin/python benchmarks/signals_validation.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.signals.rfixtures import (  # noqa: E402
    farrington_control,
    max_rel_diff,
    series,
    table,
)

from hicmonitor.analysis.signals import ears_c, farrington_flexible, nb_cusum  # noqa: E402


def row(name, series_names, n, rel, same, alarms):
    print(
        f"| {name} | {', '.join(sorted(series_names))} | {n} | {rel:.1e} | {same}/{n} | {alarms} |"
    )


def main() -> None:
    print(
        "| setting | series | periods | max rel. diff upper bound | alarms identical | alarms (R) |"
    )
    print("|---|---|---|---|---|---|")
    far = table("farrington")
    for setting in table("farrington_settings")["setting"]:
        runs = far[far["setting"] == setting]
        ctl = farrington_control(setting)
        rel, same, n = 0.0, 0, 0
        for name, r in runs.groupby("series"):
            x = series(name)
            res = farrington_flexible(
                x["observed"].to_numpy(),
                freq=int(x["freq"].iloc[0]),
                control=ctl,
                range=r["t"].to_numpy() - 1,
                population=x["population"].to_numpy(),
            )
            rel = max(rel, max_rel_diff(res.r_upperbound()[:, 0], r["upperbound"].to_numpy()))
            same += int((res.alarm[:, 0] == r["alarm"].to_numpy()).sum())
            n += len(r)
        names = {s if not s.startswith("nl_") else "64 Dutch yearly" for s in runs["series"]}
        row(f"farringtonFlexible {setting}", names, n, rel, same, int(runs["alarm"].sum()))
    ears = table("ears")
    settings = table("ears_settings").set_index("setting")
    for setting, ctl in settings.iterrows():
        runs = ears[ears["setting"] == setting]
        rel, same, n = 0.0, 0, 0
        for name, r in runs.groupby("series"):
            res = ears_c(
                series(name)["observed"].to_numpy(),
                method=ctl["method"],
                baseline=int(ctl["baseline"]),
                alpha=None if np.isnan(ctl["alpha"]) else float(ctl["alpha"]),
                min_sigma=float(ctl["minSigma"]),
                range=r["t"].to_numpy() - 1,
            )
            rel = max(rel, max_rel_diff(res.upperbound[:, 0], r["upperbound"].to_numpy()))
            known = r["alarm"].notna().to_numpy()
            same += int((res.alarm[known, 0] == r["alarm"].to_numpy()[known].astype(bool)).sum())
            n += int(known.sum())
        row(f"earsC {setting}", set(runs["series"]), n, rel, same, int(runs["alarm"].sum()))
    cusum = table("cusum")
    for setting, runs in cusum.groupby("setting"):
        rel, same, n = 0.0, 0, 0
        for name, r in runs.groupby("series"):
            first = r.iloc[0]
            x = series(name).set_index("t").loc[r["t"], "observed"].to_numpy()
            res = nb_cusum(
                x, r["mu0"].to_numpy(), theta=first["theta"], alpha=first["alpha"], h=first["c_ARL"]
            )
            rel = max(rel, max_rel_diff(res.upperbound[:, 0], r["upperbound"].to_numpy()))
            same += int((res.alarm[:, 0] == r["alarm"].to_numpy()).sum())
            n += len(r)
        row(
            f"glrnb (NB CUSUM) {setting}",
            set(runs["series"]),
            n,
            rel,
            same,
            int(runs["alarm"].sum()),
        )


if __name__ == "__main__":
    main()
