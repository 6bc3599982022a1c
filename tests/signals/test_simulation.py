"""Performance by simulation (Noufaily et al. 2013 design): on the same simulated series
(made and evaluated by R, r/simulate.R, a small set), the port has R's alarms, hence R's
probability of detection and false positive rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hicmonitor.analysis.signals.evaluation import control_from_r, farrington_alarms, performance

SIM = Path(__file__).parent / "fixtures" / "simulation"
MONITORED = range(576, 625)


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(SIM / f"sim_{name}.csv")


SETTINGS = _read("settings")


@pytest.mark.parametrize("setting", SETTINGS["setting"].tolist())
def test_pod_and_fpr_equal_r(setting):
    row = SETTINGS.set_index("setting").loc[setting]
    series, outbreaks = _read("series"), _read("outbreaks")
    r = _read("alarms")
    r = r[r["setting"] == setting]
    py = farrington_alarms(series, outbreaks, control_from_r(row), MONITORED)
    merged = r.merge(py, on=["id", "version", "t"], suffixes=("_r", "_py"))
    assert len(merged) == len(r) == len(py)
    np.testing.assert_array_equal(merged["alarm_py"], merged["alarm_r"])
    both = merged["upperbound_r"].notna()
    np.testing.assert_array_equal(merged["upperbound_py"].notna(), both)
    np.testing.assert_allclose(
        merged.loc[both, "upperbound_py"], merged.loc[both, "upperbound_r"], rtol=1e-6
    )
    perf_r, perf_py = performance(r), performance(py)
    assert perf_r.outbreaks >= 15 and perf_r.weeks >= 900
    assert abs(perf_py.pod - perf_r.pod) <= perf_r.pod_se + 1e-12
    assert abs(perf_py.fpr - perf_r.fpr) <= perf_r.fpr_se + 1e-12
    # the injected outbreaks are mostly found and the false positive rate is small
    assert perf_py.pod > 0.3 and perf_py.fpr < 0.05
