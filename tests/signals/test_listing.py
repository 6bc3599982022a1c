"""The listing helpers of ``hic signalen``: periods as users type them, the latest complete
period, incidents counted on a grid, and signals ranked with their sentence."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from hicmonitor.analysis.signals import detect_signals, signal_sentence
from hicmonitor.analysis.signals import listing as lst
from hicmonitor.errors import HicError


@pytest.mark.parametrize(
    ("text", "frequency", "start"),
    [
        ("jaar", "year", None),
        ("Maand", "month", None),
        ("week", "week", None),
        ("2024", "year", "2024-01-01"),
        ("2024-03", "month", "2024-03-01"),
        ("2024-3", "month", "2024-03-01"),
        ("2024-W05", "week", "2024-01-29"),
        ("2020W53", "week", "2020-12-28"),
    ],
)
def test_parse_period(text, frequency, start) -> None:
    got = lst.parse_period(text)
    assert got.frequency == frequency
    assert got.start == (None if start is None else pd.Timestamp(start))


@pytest.mark.parametrize("text", ["2024-13", "2023-W53", "vorige week", "24", ""])
def test_parse_period_refuses_what_is_no_period(text) -> None:
    with pytest.raises(HicError, match="--periode"):
        lst.parse_period(text)


def test_period_labels_round_trip() -> None:
    for start, freq in [
        (pd.Timestamp("2017-12-25"), "week"),
        (pd.Timestamp("2021-01-04"), "week"),
        (pd.Timestamp("2024-11-01"), "month"),
        (pd.Timestamp("2019-01-01"), "year"),
    ]:
        label = lst.period_label(start, freq)
        assert lst.parse_period(label).start == start
        assert lst.period_start(start + pd.Timedelta(days=3), freq) == start


def test_latest_complete() -> None:
    weeks = pd.Series(pd.date_range("2024-01-01", periods=10, freq="7D"))
    # 2024-03-04 starts the 10th week, which ends on 2024-03-11
    assert lst.latest_complete(weeks, "week", dt.date(2024, 3, 11)) == pd.Timestamp("2024-03-04")
    assert lst.latest_complete(weeks, "week", dt.date(2024, 3, 10)) == pd.Timestamp("2024-02-26")
    years = pd.Series(pd.to_datetime(["2023-01-01", "2024-01-01", "2025-01-01"]))
    assert lst.latest_complete(years, "year", dt.date(2025, 12, 31)) == pd.Timestamp("2024-01-01")
    assert lst.latest_complete(years, "year", dt.date(2023, 6, 1)) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("size", "frequency"), [(1000, "week"), (250, "week"), (500, "month")])
def test_grid_counts_count_every_incident_once(seed, size, frequency) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    x = rng.uniform(120_000, 135_000, n)
    y = rng.uniform(480_000, 490_000, n)
    days = rng.integers(0, 3 * 365, n)
    when = (np.datetime64("2021-03-01") + days.astype("timedelta64[D]")).astype("datetime64[s]")
    until = pd.Timestamp("2023-06-01")
    grid = lst.grid_counts(x, y, when, cell_size=size, frequency=frequency, until=until)
    inside = when < np.datetime64(until)
    assert grid["count"].sum() == inside.sum()
    # every cell has a row for every period (zeros included), periods without gaps
    per_cell = grid.groupby("cell")["period"].agg(["count", "min", "max"])
    assert per_cell["count"].nunique() == 1
    periods = np.sort(grid["period"].unique())
    if frequency == "week":
        assert (pd.DatetimeIndex(periods).day_of_week == 0).all()
        assert (np.diff(periods).astype("timedelta64[D]").astype(int) == 7).all()
    else:
        assert (pd.DatetimeIndex(periods).day == 1).all()
    # a cell's count is the number of incidents inside its square in that period
    i = int(rng.integers(0, n))
    while not inside[i]:
        i = int(rng.integers(0, n))
    x0, y0 = np.floor(x[i] / size) * size, np.floor(y[i] / size) * size
    start = lst.period_start(pd.Timestamp(when[i]), frequency)
    end = lst.period_end(start, frequency)
    t = pd.to_datetime(when)
    want = int(
        (
            (x >= x0)
            & (x < x0 + size)
            & (y >= y0)
            & (y < y0 + size)
            & (t >= start)
            & (t < end)
            & inside
        ).sum()
    )
    row = grid[(grid["cell"] == lst.cell_name(x0, y0, size)) & (grid["period"] == start)]
    assert len(row) == 1 and int(row["count"].iloc[0]) == want
    assert row["x_min"].iloc[0] == x0 and row["y_min"].iloc[0] == y0


def test_cell_names() -> None:
    assert lst.cell_name(352000, 565000, 1000) == "1kmE352N565"
    assert lst.cell_name(352500, 565000, 500) == "500mE705N1130"
    assert lst.cell_name(-2000, 1000, 1000) == "1kmE-2N1"


def test_ranked_orders_by_score_with_sentences() -> None:
    rng = np.random.default_rng(7)
    years = list(range(2012, 2025))
    rows = []
    for i in range(30):
        level = rng.uniform(20, 200)
        counts = rng.poisson(level, len(years))
        if i % 3 == 0:
            counts[-1] = int(level * rng.uniform(1.6, 3))
        for y, c in zip(years, counts, strict=True):
            rows.append(
                {"region_code": f"R{i:02d}", "series": "woninginbraak", "year": y, "count": c}
            )
    signals = detect_signals(
        pd.DataFrame(rows), keys=("region_code", "series"), period="year", periods=[2024]
    )
    names = {f"R{i:02d}": f"Plaats {i}" for i in range(30)}
    alarms = lst.ranked(signals, names=names, frequency="year")
    assert len(alarms) == signals["alarm"].sum() > 0
    assert list(alarms["rank"]) == list(range(1, len(alarms) + 1))
    assert alarms["score"].is_monotonic_decreasing
    assert (alarms["score"] > 1).all()
    for r in alarms.to_dict("records"):
        assert r["text"] == signal_sentence(r, region_name=names[r["region_code"]])
        assert r["text"].startswith(f"In {names[r['region_code']]} lag het aantal woninginbraken")
    everything = lst.ranked(signals, names=names, alarms_only=False)
    assert len(everything) == len(signals)
    # alarms first, then the rest by score
    k = len(alarms)
    assert everything["alarm"].iloc[:k].all() and not everything["alarm"].iloc[k:].any()
    assert everything["score"].iloc[k:].dropna().is_monotonic_decreasing


@pytest.mark.parametrize(
    ("text", "series"),
    [
        ("woninginbraak", "woninginbraak"),
        (" Geweld ", "geweld"),
        ("bedreiging", "1.4.4"),
        ("1.4.5", "1.4.5"),
        ("moord en doodslag", "1.4.2"),
        ("straatroof", "straatroof"),
    ],
)
def test_find_series(text, series) -> None:
    assert lst.find_series(text) == series


def test_unknown_series_names_the_choices() -> None:
    with pytest.raises(HicError, match="onbekende categorie 'fietsdiefstal'.*woninginbraak"):
        lst.find_series("fietsdiefstal")
    assert lst.national_only("straatroof") and lst.national_only("overval")
    assert lst.national_only("woninginbraak") is None
