"""The workflow store's connection: SQLite by default (a file beside the analytical store),
PostgreSQL for a shared deployment (``HICMONITOR_WORKFLOW_DB=postgresql+psycopg://…``).

Schema changes are Alembic migrations shipped in the package (``workflow/migrations``);
:func:`ensure_schema` runs them automatically where the connecting role may (SQLite, or a
PostgreSQL role that owns the schema) and otherwise says to run ``hic werkstroom migreer``
with the owner's URL (``HICMONITOR_WORKFLOW_MIGRATE_DB``).

On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (WAL mode, busy timeout),
so two writers queue instead of failing half-way; readers never block.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hicmonitor.errors import HicError
from hicmonitor.workflow.errors import Conflict, SchemaOutdated

WORKFLOW_DB_ENV = "HICMONITOR_WORKFLOW_DB"
MIGRATE_DB_ENV = "HICMONITOR_WORKFLOW_MIGRATE_DB"
MIGRATIONS = Path(__file__).parent / "migrations"


def default_url(store_path: str | Path) -> str:
    """``HICMONITOR_WORKFLOW_DB``, else a SQLite file beside the store
    (``hicmonitor.duckdb`` -> ``hicmonitor.werkstroom.sqlite``)."""
    env = os.environ.get(WORKFLOW_DB_ENV, "").strip()
    if env:
        return env
    p = Path(store_path)
    return f"sqlite:///{p.parent / (p.stem + '.werkstroom.sqlite')}"


def describe(url: str) -> str:
    """The URL without its password (for messages)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<ongeldige URL>"


def make_engine(url: str) -> Engine:
    try:
        u = make_url(url)
    except ArgumentError:
        raise HicError(
            f"{WORKFLOW_DB_ENV}: ongeldige database-URL; gebruik sqlite:///pad of "
            "postgresql+psycopg://gebruiker:wachtwoord@host:poort/database"
        ) from None
    backend = u.get_backend_name()
    if backend == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            u, connect_args={"timeout": 60, "check_same_thread": False}, pool_pre_ping=False
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi, _record) -> None:  # noqa: ANN001
            dbapi.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if backend == "postgresql":
        if u.get_driver_name() not in ("psycopg", "psycopg2") and "+" in u.drivername:
            raise HicError(f"{WORKFLOW_DB_ENV}: gebruik het stuurprogramma postgresql+psycopg")
        if "+" not in u.drivername:
            u = u.set(drivername="postgresql+psycopg")
        return create_engine(u, pool_pre_ping=True, pool_size=5, max_overflow=10)
    raise HicError(
        f"{WORKFLOW_DB_ENV}: database {backend!r} wordt niet ondersteund; gebruik SQLite of "
        "PostgreSQL"
    )


class WorkflowDB:
    """The engine of the workflow store, with read and write sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        self._writer = self.engine.execution_options(immediate=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (no commit)."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
            except OperationalError as exc:
                raise _unreachable(self.url, exc) from None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on an error."""
        with Session(self._writer, expire_on_commit=False) as s:
            try:
                with s.begin():
                    yield s
            except StaleDataError:
                raise Conflict(
                    "dit dossier is intussen gewijzigd door iemand anders; uw actie is niet "
                    "uitgevoerd. Bekijk de nieuwe stand en probeer het zo nodig opnieuw"
                ) from None
            except IntegrityError:
                raise Conflict(
                    "dit conflicteert met een gelijktijdige wijziging (bestaat het al?); "
                    "probeer het opnieuw"
                ) from None
            except OperationalError as exc:
                if "locked" in str(exc).lower() or "could not serialize" in str(exc).lower():
                    raise Conflict(
                        "de werkstroomdatabase is even bezet; probeer het opnieuw"
                    ) from None
                raise _unreachable(self.url, exc) from None

    def dispose(self) -> None:
        self.engine.dispose()


def _unreachable(url: str, exc: Exception) -> HicError:
    first = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
    return HicError(f"de werkstroomdatabase {describe(url)} is niet bereikbaar: {first}")


# -- migrations -------------------------------------------------------------------------


def _alembic_config():  # noqa: ANN202
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise _unreachable(str(engine.url), exc) from None


def migrate(url: str) -> tuple[str | None, str]:
    """Bring the database at ``url`` to the newest schema; returns (before, after)."""
    from alembic import command

    from hicmonitor.workflow import pgroles

    engine = make_engine(url)
    try:
        before = current_revision(engine)
        cfg = _alembic_config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()  # whatever alembic's reading began
            if conn.dialect.name == "postgresql":
                with conn.begin():
                    pgroles.apply_grants(conn, pgroles.app_role())
        return before, head_revision()
    except (ProgrammingError, DBAPIError) as exc:
        if isinstance(exc, OperationalError):
            raise _unreachable(url, exc) from None
        first = str(exc.orig).strip().splitlines()[0][:200] if exc.orig else str(exc)[:200]
        raise SchemaOutdated(
            f"de werkstroomdatabase {describe(url)} kon niet worden bijgewerkt ({first}); "
            f"voer 'hic werkstroom migreer' uit met de eigenaarsrol in {MIGRATE_DB_ENV}"
        ) from None
    finally:
        engine.dispose()


def ensure_schema(db: WorkflowDB, *, auto: bool = True) -> None:
    """Migrate when behind (``auto``), or say how; a newer schema than this code is refused."""
    head = head_revision()
    current = current_revision(db.engine)
    if current == head:
        return
    if current is not None and current > head:
        raise SchemaOutdated(
            f"de werkstroomdatabase heeft schema {current}, nieuwer dan deze versie van "
            f"hicmonitor kent ({head}); werk hicmonitor bij"
        )
    if not auto:
        raise SchemaOutdated(
            f"de werkstroomdatabase heeft schema {current or 'geen'}, nodig is {head}: voer "
            "'hic werkstroom migreer' uit"
        )
    migrate(os.environ.get(MIGRATE_DB_ENV, "").strip() or db.url)
