"""Reads do not wait for loads: a ``hic laad`` while the server answers, and the new figures
served once the load is published (a second real server over its own copy of the store)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time

import httpx

from tests.conftest import REPO
from tests.web.conftest import start_server, stop_server


def test_a_load_is_served_after_it_lands_and_reads_never_fail(web_db, tmp_path) -> None:
    db = tmp_path / "snap.duckdb"
    shutil.copy(web_db, db)
    server = start_server(db, tmp_path / "cache", tmp_path / "server.log")
    try:
        url = server.url("/api/v1/gemeenten/GM0344")

        def count_2023() -> int:
            p = httpx.get(url, timeout=30).json()
            cat = next(c for c in p["categorieen"] if c["categorie"] == "woninginbraak")
            return next(c["aantal"] for c in cat["cijfers"] if c["jaar"] == 2023)

        before = count_2023()
        revision = tmp_path / "revisie.csv"
        revision.write_text(
            "crime_code,crime_label,region_code,year,registered_crimes,provisional\n"
            f"1.1.1,Diefstal/inbraak woning,GM0344,2023,{before + 1000},0\n",
            encoding="utf-8",
        )
        failures: list[str] = []
        served = [0]
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(timeout=30) as c:
                while not stop.is_set():
                    r = c.get(url)
                    served[0] += 1
                    if r.status_code != 200:
                        failures.append(f"{r.status_code} {r.text[:200]}")

        reader = threading.Thread(target=hammer)
        reader.start()
        try:
            load = subprocess.run(
                [sys.executable, "-m", "hicmonitor", "--db", str(db), "laad", str(revision)],
                capture_output=True,
                text=True,
                env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
                timeout=120,
            )
            assert load.returncode == 0, load.stdout + load.stderr
            assert "herzien" in load.stdout or "geladen" in load.stdout
            deadline = time.monotonic() + 60
            while count_2023() == before and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            stop.set()
            reader.join()
        assert count_2023() == before + 1000
        assert failures == [] and served[0] > 0
    finally:
        stop_server(server)
