"""The early-warning signals on the municipality page and in ``/api/v1/gemeenten/{code}`` of
a real ``hic web`` server, against the method run on the raw files (tests/signals/raw.py)."""

from __future__ import annotations

import html

import pytest

from hicmonitor import store
from hicmonitor.services import signals as signal_service
from tests.signals.raw import raw_signals


@pytest.fixture(scope="module")
def latest() -> tuple[int, dict[str, set[str]]]:
    """The latest year of the raw municipal file and, per municipality, its series with an
    alarm in that year."""
    import pandas as pd

    from tests.conftest import DATA

    year = int(pd.read_csv(DATA / "nl" / "registered_crime_gemeente_yearly.csv")["year"].max())
    sig = raw_signals(year)
    alarms: dict[str, set[str]] = {}
    hits = sig[sig["alarm"]]
    for code, series in zip(hits["region_code"], hits["series"], strict=True):
        alarms.setdefault(code, set()).add(series)
    return year, alarms


def test_api_signals_are_the_alarms_of_the_latest_year(client, latest) -> None:
    year, alarms = latest
    assert alarms
    with_signal = sorted(alarms, key=lambda c: (-len(alarms[c]), c))[:3]
    without = [c for c in ("GM0344", "GM0363", "GM0599", "GM0518") if c not in alarms][:2]
    assert without
    for code in with_signal:
        got = client.get(f"/api/v1/gemeenten/{code}").json()
        assert {s["categorie"] for s in got["signalen"]} == alarms[code]
        for s in got["signalen"]:
            assert s["periode"] == str(year)
            assert s["aantal"] > s["bovengrens"] > s["verwacht"]
            assert s["score"] > 1
            assert s["tekst"].startswith(f"In {got['naam']} lag het aantal ")
            assert f"in {year} ({s['aantal']:,}) boven".replace(",", ".") in s["tekst"]
            assert s["voorlopig"] is True  # the latest year of the raw file is provisional
        scores = [s["score"] for s in got["signalen"]]
        assert scores == sorted(scores, reverse=True)
    for code in without:
        assert client.get(f"/api/v1/gemeenten/{code}").json()["signalen"] == []


def test_api_signals_are_the_service(client, web_db, latest) -> None:
    _, alarms = latest
    code = sorted(alarms)[0]
    got = client.get(f"/api/v1/gemeenten/{code}").json()["signalen"]
    con = store.connect(web_db, read_only=True)
    try:
        want = signal_service.for_region(con, code)
    finally:
        con.close()
    assert [(s["categorie"], s["label"], s["periode"], s["tekst"]) for s in got] == [
        (s.category, s.label, s.period, s.text) for s in want
    ]
    assert [s["verwacht"] for s in got] == pytest.approx([s.expected for s in want])


def test_all_municipalities_at_once_equal_one_at_a_time(web_db, latest) -> None:
    """The page takes a municipality's signals from one computation for all of them
    (``by_region``, once per snapshot): the same rows as computing that municipality alone."""
    _, alarms = latest
    codes = sorted(alarms, key=lambda c: (-len(alarms[c]), c))[:4] + ["GM0363"]
    con = store.connect(web_db, read_only=True)
    try:
        everyone = signal_service.by_region(con)
        for code in codes:
            alone = signal_service.police_signals(con, region=code, show_all=False)
            want = sorted(
                zip(alone.rows["series"], alone.rows["text"], alone.rows["upperbound"], strict=True)
            )
            got = sorted((s.category, s.text, s.upperbound) for s in everyone.get(code, []))
            assert [(c, t) for c, t, _ in got] == [(c, t) for c, t, _ in want]
            assert [u for *_, u in got] == pytest.approx([u for *_, u in want], rel=1e-9)
    finally:
        con.close()
    assert set(alarms) <= set(everyone)


def test_page_shows_the_signals(client, latest) -> None:
    _, alarms = latest
    code = sorted(alarms, key=lambda c: (-len(alarms[c]), c))[0]
    data = client.get(f"/api/v1/gemeenten/{code}").json()
    page = client.get(f"/gemeente/{code}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    start = text.index('id="signalen"')
    section = text[start : text.index("</section>", start)]
    for s in data["signalen"]:
        assert s["tekst"] in section
        assert f"{s['label']}, {s['periode']} (voorlopig)" in section
    quiet = html.unescape(client.get("/gemeente/GM0344").text)
    start = quiet.index('id="signalen"')
    if not client.get("/api/v1/gemeenten/GM0344").json()["signalen"]:
        assert (
            "Er zijn geen signalen voor Utrecht" in quiet[start : quiet.index("</section>", start)]
        )
