"""Fixtures of the web tests: one store with the embedded data plus wijken and buurten of
Utrecht (small counts, for the disclosure rule), and one real ``hic web`` server on a free
loopback port for the whole session; the browser tests add one real Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hicmonitor.services.database import connect_loaded
from hicmonitor.services.loading import load_file
from tests.conftest import REPO

HERE = Path(__file__).parent
SUBREGION_FILES = (HERE / "wijken_utrecht.csv", HERE / "wijken_utrecht_bevolking.csv")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def web_db(loaded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded data plus the test wijken and buurten of Utrecht."""
    path = tmp_path_factory.mktemp("web") / "web.duckdb"
    shutil.copy(loaded_db_template, path)
    con = connect_loaded(path)
    try:
        for f in SUBREGION_FILES:
            load_file(con, f)
    finally:
        con.close()
    return path


class Server:
    def __init__(self, proc: subprocess.Popen, base: str, log: Path) -> None:
        self.proc = proc
        self.base = base
        self.log = log

    def url(self, path: str) -> str:
        return self.base + path


def start_server(db: Path, cache: Path, log: Path, *extra: str) -> Server:
    """``hic --db DB web --port P`` in a subprocess; returns once it answers."""
    port = free_port()
    env = {**os.environ, "HICMONITOR_WEBCACHE": str(cache), "PYTHONPATH": str(REPO / "src")}
    fh = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), "web", "--port", str(port), *extra],
        stdout=fh,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hic web stopped: {log.read_text()}")
        try:
            if httpx.get(base + "/api/v1/gemeenten", timeout=2).status_code == 200:
                return Server(proc, base, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"hic web did not answer in time: {log.read_text()}")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def server(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("webserver")
    srv = start_server(web_db, folder / "cache", folder / "server.log")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, timeout=60) as c:
        yield c
