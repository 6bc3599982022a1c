"""Performance of a detection method on series with known outbreaks: probability of
detection (POD) and false positive rate (FPR), as in Noufaily et al. (2013, section 4).

The input is the simulation of ``tests/signals/r/simulate.R`` (or any of the same shape):

* ``series``: ``id, t, baseline, outbreak`` (1-based weeks; ``baseline`` includes the past
  outbreaks, ``outbreak`` the cases of the current one);
* ``outbreaks``: ``id, first, last`` (the weeks with outbreak cases, NaN when the outbreak
  had no cases);
* ``monitored``: the 1-based weeks over which false positives are counted.

FPR is the share of monitored weeks with an alarm in the series *without* the current
outbreak; POD the share of current outbreaks with at least one alarm in a week with outbreak
cases, in the series *with* it. Both come with a binomial Monte Carlo standard error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hicmonitor.analysis.signals.farrington import FarringtonControl, farrington_flexible


@dataclass(frozen=True)
class Performance:
    pod: float
    pod_se: float
    outbreaks: int
    fpr: float
    fpr_se: float
    weeks: int


def proportion(successes: int, trials: int) -> tuple[float, float]:
    """A proportion and its binomial standard error."""
    if trials == 0:
        return float("nan"), float("nan")
    p = successes / trials
    return p, float(np.sqrt(p * (1 - p) / trials))


def farrington_alarms(
    series: pd.DataFrame,
    outbreaks: pd.DataFrame,
    control: FarringtonControl,
    monitored: Sequence[int],
    *,
    freq: int = 52,
) -> pd.DataFrame:
    """Farrington alarms in the shape of R's ``sim_alarms.csv``: ``id, version, t, upperbound,
    alarm`` for the monitored weeks of the baseline series and the outbreak weeks of the
    series with the outbreak. All series are fitted together."""
    wide = series.pivot(index="t", columns="id", values="baseline").sort_index()
    cur = series.pivot(index="t", columns="id", values="outbreak").sort_index()
    ids = wide.columns.to_numpy()
    mon = np.asarray(monitored, dtype=int) - 1
    base = farrington_flexible(
        wide.to_numpy(float), freq=freq, control=control, range=mon, only_enough_cases=True
    )
    rows = [
        pd.DataFrame(
            {
                "id": np.repeat(ids, mon.size),
                "version": "baseline",
                "t": np.tile(mon + 1, ids.size),
                "upperbound": base.r_upperbound().T.reshape(-1),
                "alarm": base.alarm.T.reshape(-1),
            }
        )
    ]
    ob = outbreaks.set_index("id").loc[ids]
    has = ob["first"].notna().to_numpy()
    if has.any():
        first = int(ob["first"].min()) - 1
        last = int(ob["last"].max()) - 1
        span = np.arange(first, last + 1)
        both = (wide + cur).to_numpy(float)[:, has]
        weeks_with_cases = cur.to_numpy()[span][:, has] > 0
        res = farrington_flexible(
            both,
            freq=freq,
            control=control,
            range=span,
            only_enough_cases=True,
            where=weeks_with_cases,
        )
        ub, al = res.r_upperbound(), res.alarm
        for j, id_ in enumerate(ids[has]):
            weeks = np.flatnonzero(cur[id_].to_numpy() > 0)
            pos = weeks - first
            rows.append(
                pd.DataFrame(
                    {
                        "id": id_,
                        "version": "outbreak",
                        "t": weeks + 1,
                        "upperbound": ub[pos, j],
                        "alarm": al[pos, j],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def performance(alarms: pd.DataFrame) -> Performance:
    """POD and FPR from alarms in the shape of :func:`farrington_alarms`."""
    base = alarms[alarms["version"] == "baseline"]
    fpr, fpr_se = proportion(int(base["alarm"].sum()), len(base))
    ob = alarms[alarms["version"] == "outbreak"].groupby("id")["alarm"].any()
    pod, pod_se = proportion(int(ob.sum()), len(ob))
    return Performance(pod, pod_se, len(ob), fpr, fpr_se, len(base))


def control_from_r(row: Mapping) -> FarringtonControl:
    """A FarringtonControl from a row of R's settings table (``sim_settings.csv``)."""
    pwni = row.get("pastWeeksNotIncluded")
    return FarringtonControl(
        b=int(row["b"]),
        w=int(row["w"]),
        reweight=bool(row["reweight"]),
        weights_threshold=float(row["weightsThreshold"]),
        alpha=float(row["alpha"]),
        trend=bool(row["trend"]),
        p_threshold_trend=float(row["pThresholdTrend"]),
        powertrans=str(row["powertrans"]),
        no_periods=int(row["noPeriods"]),
        past_periods_excluded=None if pwni is None or pd.isna(pwni) else int(pwni),
        threshold_method=str(row["thresholdMethod"]),
    )
