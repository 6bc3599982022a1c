"""Fixtures of the workflow tests, on both back-ends.

``backend`` is parametrised over SQLite and PostgreSQL. The PostgreSQL half needs
``HICMONITOR_TEST_POSTGRES`` (the owner's URL; ``.ci/run`` starts a throwaway cluster and sets
it, with ``HICMONITOR_TEST_POSTGRES_APP``, the application role's URL). Without it the
PostgreSQL half is skipped locally, with the reason in the summary; with it set but the
server unreachable, those tests fail with a clear message.

Per back-end and session: a seed database (migrated, the cast of accounts created through
the services), copied for every test that needs a fresh one (PostgreSQL: ``CREATE DATABASE …
TEMPLATE``), one real ``hic web`` server on a free loopback port with its own copy, and one
local SMTP server (aiosmtpd) the server sends its e-mail to.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.web.conftest import free_port

HERE = Path(__file__).parent
CONFIG = HERE / "werkstroom_test.yaml"
PASSWORD = "wachtwoord-voor-de-tests"
PG_ENV = "HICMONITOR_TEST_POSTGRES"
PG_APP_ENV = "HICMONITOR_TEST_POSTGRES_APP"
SIGNATORIES = ["Minister van Justitie en Veiligheid", "Minister voor Rechtsbescherming"]

# username -> (name, roles); who may see section 5 of a dossier authored by "auteur" with the
# standard route and SIGNATORIES: the author and the holders of a role on that route
CAST: dict[str, tuple[str, list[tuple[str, str | None]]]] = {
    "auteur": ("Anna Opsteller", [("opsteller", None)]),
    "opsteller2": ("Olaf Tweede", [("opsteller", None)]),
    "directeur": ("Dirk Directeur", [("parafeerder", "directeur")]),
    "directeur2": ("Dora Plaatsvervanger", [("parafeerder", "directeur")]),
    "dg": ("Gert Generaal", [("parafeerder", "dg")]),
    "sg": ("Sara Secretaris", [("parafeerder", "sg")]),
    "mjenv": ("Mina Minister", [("bewindspersoon", "Minister van Justitie en Veiligheid")]),
    "mrb": ("Rob Rechtsbescherming", [("bewindspersoon", "Minister voor Rechtsbescherming")]),
    "stas": ("Stan Staatssecretaris", [("bewindspersoon", "Staatssecretaris van JenV")]),
    "woo": ("Wim Woo", [("woo-coördinator", None)]),
    "lezer": ("Lies Lezer", [("lezer", None)]),
    "beheer": ("Bea Beheer", [("beheerder", None)]),
}
SEES_SECTION5 = {"auteur", "directeur", "directeur2", "dg", "sg", "mjenv", "mrb"}


def email(username: str) -> str:
    return f"{username}@werkstroom.example.org"


# -- back-ends ------------------------------------------------------------------------------


@dataclass
class Urls:
    app: str  # what the application connects as
    owner: str  # the owner / migrator (PostgreSQL); the same file for SQLite
    name: str = ""


@dataclass
class Backend:
    kind: str
    folder: Path
    owner_url: str = ""
    app_url: str = ""
    made: list[str] = field(default_factory=list)

    def _pg_admin(self):  # noqa: ANN202
        from sqlalchemy import create_engine

        return create_engine(self.owner_url, isolation_level="AUTOCOMMIT", poolclass=None)

    def _with_db(self, url: str, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(url).set(database=name).render_as_string(hide_password=False)

    def new(self, label: str) -> Urls:
        """An empty database."""
        if self.kind == "sqlite":
            path = self.folder / f"{label}-{secrets.token_hex(4)}.sqlite"
            url = f"sqlite:///{path}"
            return Urls(url, url, str(path))
        from sqlalchemy import text

        name = f"hic_{label}_{secrets.token_hex(4)}"
        eng = self._pg_admin()
        with eng.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        eng.dispose()
        self.made.append(name)
        return Urls(self._with_db(self.app_url, name), self._with_db(self.owner_url, name), name)

    def copy(self, template: Urls, label: str) -> Urls:
        if self.kind == "sqlite":
            path = self.folder / f"{label}-{secrets.token_hex(4)}.sqlite"
            shutil.copy(template.name, path)
            url = f"sqlite:///{path}"
            return Urls(url, url, str(path))
        from sqlalchemy import text

        name = f"hic_{label}_{secrets.token_hex(4)}"
        eng = self._pg_admin()
        with eng.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"'))
        eng.dispose()
        self.made.append(name)
        return Urls(self._with_db(self.app_url, name), self._with_db(self.owner_url, name), name)

    def drop_all(self) -> None:
        # A throwaway cluster (.ci/postgres.sh) goes as a whole: dropping its databases one by
        # one would cost about 0.3 s each.
        if self.kind != "postgresql" or os.environ.get("HICMONITOR_TEST_POSTGRES_THROWAWAY"):
            return
        from sqlalchemy import text

        eng = self._pg_admin()
        with eng.connect() as c:
            for name in self.made:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        eng.dispose()


def _pg_backend(folder: Path) -> Backend:
    owner = os.environ.get(PG_ENV, "").strip()
    if not owner:
        pytest.skip(
            "PostgreSQL-helft overgeslagen: HICMONITOR_TEST_POSTGRES is niet gezet "
            "(.ci/run start een PostgreSQL op loopback en zet het)"
        )
    app = os.environ.get(PG_APP_ENV, "").strip()
    if not app:
        pytest.fail(f"{PG_ENV} is gezet maar {PG_APP_ENV} (de URL van de applicatierol) niet")
    from sqlalchemy import create_engine, text

    try:
        eng = create_engine(owner)
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
    except Exception as exc:  # noqa: BLE001
        first = str(exc).splitlines()[0][:300]
        pytest.fail(f"{PG_ENV} is gezet, maar PostgreSQL is niet bereikbaar: {first}")
    return Backend("postgresql", folder, owner, app)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory) -> Iterator[Backend]:
    folder = tmp_path_factory.mktemp(f"werk-{request.param}")
    b = Backend("sqlite", folder) if request.param == "sqlite" else _pg_backend(folder)
    yield b
    b.drop_all()


def workflow_config():  # noqa: ANN201
    from hicmonitor.workflow.config import load

    return load(CONFIG)


def app_role_env(backend: Backend) -> dict[str, str]:
    """The app role the migrations grant to (the user of the app URL)."""
    if backend.kind != "postgresql":
        return {}
    from sqlalchemy.engine import make_url

    return {"HICMONITOR_WORKFLOW_APP_ROLE": make_url(backend.app_url).username or ""}


def migrate(backend: Backend, urls: Urls) -> None:
    from hicmonitor.workflow import db

    saved = {k: os.environ.get(k) for k in app_role_env(backend)}
    os.environ.update(app_role_env(backend))
    try:
        db.migrate(urls.owner)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def open_ws(urls: Urls):  # noqa: ANN201
    from hicmonitor.services.workflow import open_workflow

    return open_workflow(url=urls.app, config=workflow_config(), auto_migrate=False)


@pytest.fixture(scope="session")
def seed(backend: Backend) -> Urls:
    """A migrated database with the cast of accounts (created through the services)."""
    from hicmonitor.services import accounts

    urls = backend.new("seed")
    migrate(backend, urls)
    ws = open_ws(urls)
    try:
        for username, (name, roles) in CAST.items():
            accounts.create_user(
                ws,
                accounts.cli_actor(),
                username,
                name,
                email=email(username),
                password=PASSWORD,
                grants=roles,
            )
    finally:
        ws.close()
    return urls


@pytest.fixture
def fresh(backend: Backend, seed: Urls) -> Urls:
    """A private copy of the seed database."""
    return backend.copy(seed, "t")


@pytest.fixture
def ws(fresh: Urls):  # noqa: ANN201
    w = open_ws(fresh)
    yield w
    w.close()


def actors(ws) -> dict:  # noqa: ANN001
    """Every member of the cast as an acting user (as the web would see them)."""
    from hicmonitor.services import accounts

    return {u: accounts.named_actor(ws, u) for u in CAST}


def cli_env(urls: Urls) -> dict[str, str]:
    return {"HICMONITOR_WORKFLOW_DB": urls.app, "HICMONITOR_WERKSTROOM_CONFIG": str(CONFIG)}


# -- a local SMTP server --------------------------------------------------------------------


class Inbox:
    """What the local SMTP server received: (sender, recipients, message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        with self._lock:
            self.messages.append(
                (
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.content.decode("utf-8", "replace"),
                )
            )
        return "250 OK"

    def to(self, address: str) -> list[str]:
        with self._lock:
            return [m for _, rcpt, m in self.messages if address in rcpt]

    def wait_for(self, address: str, subject: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.to(address):
                if subject in m:
                    return m
            time.sleep(0.1)
        raise AssertionError(f"geen bericht aan {address} met {subject!r}")


@dataclass
class Smtp:
    host: str
    port: int
    inbox: Inbox


@pytest.fixture(scope="session")
def smtp() -> Iterator[Smtp]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield Smtp("127.0.0.1", port, inbox)
    controller.stop()


# -- the server -------------------------------------------------------------------------------


@dataclass
class WerkServer:
    base: str
    proc: subprocess.Popen
    log: Path
    urls: Urls
    backend: Backend
    smtp: Smtp

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=120, follow_redirects=False)


@pytest.fixture(scope="session")
def werk_server(
    backend: Backend, seed: Urls, smtp: Smtp, loaded_db_template: Path
) -> Iterator[WerkServer]:
    urls = backend.copy(seed, "server")
    folder = backend.folder / "server"
    folder.mkdir(exist_ok=True)
    store = folder / "hic.duckdb"
    shutil.copy(loaded_db_template, store)
    log = folder / "server.log"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "HICMONITOR_WEBCACHE": str(folder / "cache"),
        "HICMONITOR_WORKFLOW_DB": urls.app,
        "HICMONITOR_WERKSTROOM_CONFIG": str(CONFIG),
        "HICMONITOR_SMTP_HOST": smtp.host,
        "HICMONITOR_SMTP_PORT": str(smtp.port),
        "HICMONITOR_SMTP_AFZENDER": "werkstroom@example.org",
        "HICMONITOR_WERK_URL": f"http://127.0.0.1:{port}",
        **app_role_env(backend),
    }
    env.pop("HICMONITOR_HTTPS", None)
    fh = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hicmonitor", "--db", str(store), "web", "--port", str(port)],
        stdout=fh,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"hic web stopped: {log.read_text()}")
        try:
            if httpx.get(base + "/werk/inloggen", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"hic web did not answer in time: {log.read_text()}")
        time.sleep(0.3)
    yield WerkServer(base, proc, log, urls, backend, smtp)
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    fh.close()


@pytest.fixture(scope="session")
def server_ws(werk_server: WerkServer):  # noqa: ANN201
    """The server's workflow store, opened from the test process (for set-up and checks)."""
    w = open_ws(werk_server.urls)
    yield w
    w.close()


CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
STAND_RE = re.compile(r'name="stand" value="(\d+)"')


def login(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login page; returns the session's CSRF token."""
    r = client.get("/werk/inloggen")
    pre = CSRF_RE.search(r.text).group(1)
    r = client.post(
        "/werk/inloggen", data={"csrf": pre, "gebruikersnaam": username, "wachtwoord": password}
    )
    assert r.status_code == 303, (r.status_code, r.text[:500])
    r = client.get("/werk/")
    assert r.status_code == 200
    return CSRF_RE.search(r.text).group(1)


def stand(client: httpx.Client, dossier_id: int) -> int:
    r = client.get(f"/werk/dossiers/{dossier_id}")
    return int(STAND_RE.search(r.text).group(1))
