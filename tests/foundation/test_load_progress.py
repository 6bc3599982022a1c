"""Load progress: the loader reports bytes done of the file's size; ``hic laad`` shows a bar."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hicmonitor import store
from hicmonitor.store import loading
from tests.foundation.test_kill import big_cbs_file


@pytest.fixture(scope="module")
def medium_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_cbs_file(tmp_path_factory.mktemp("progress") / "middel.csv", 150_000)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "precise"])
def test_progress_reports_bytes_of_the_file(
    medium_file: Path, loaded_db: Path, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PROGRESS_POLL_SECONDS", 0.005)
    size = medium_file.stat().st_size
    calls: list[tuple[int, int]] = []
    con = store.connect(loaded_db)
    result = loading.load_file(
        con, medium_file, fast=fast, progress=lambda done, total: calls.append((done, total))
    )
    assert result.rows == 150_000 and result.route == ("snel" if fast else "precies")
    assert calls[-1] == (size, size)
    assert all(total == size for _, total in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done), "progress never goes back"
    assert any(0 < d < size for d in done), "progress is reported while the load runs"


def test_progress_restarts_when_the_precise_path_takes_over(
    tmp_path: Path, loaded_db: Path
) -> None:
    """A fast attempt that hands over reports from 0 again; the last report is the whole file."""
    path = tmp_path / "spatie.csv"
    path.write_text("region_code,year,inhabitants\nWK036300,2021,\t5\n", "utf-8")
    calls: list[tuple[int, int]] = []
    con = store.connect(loaded_db)
    result = loading.load_file(con, path, progress=lambda d, t: calls.append((d, t)))
    assert result.route == "precies"
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)


def test_laad_shows_a_bar_with_bytes_and_elapsed_time(medium_file: Path, loaded_db: Path) -> None:
    env = {
        **os.environ,
        "COLUMNS": "120",
        "FORCE_COLOR": "1",  # a terminal for Rich, although the output is captured
        "HICMONITOR_PROGRESS_AFTER": "0",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(loaded_db), "laad", str(medium_file)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "150.000 rijen misdrijven geladen" in proc.stdout
    assert "middel.csv laden" in proc.stderr
    size_mb = f"{medium_file.stat().st_size / 1e6:.1f}"
    assert f"/{size_mb} MB" in proc.stderr  # bytes done of the file's size
    assert "0:00:0" in proc.stderr  # elapsed time


def test_laad_without_a_bar_for_a_quick_load(loaded_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "klein.csv"
    path.write_text("region_code,year,inhabitants\nWK036300,2021,5\n", "utf-8")
    env = {**os.environ, "COLUMNS": "120", "FORCE_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "hicmonitor", "--db", str(loaded_db), "laad", str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "laden" not in proc.stderr
