"""The workflow store: SQLite beside the store by default, PostgreSQL by URL, Alembic
migrations run automatically or by ``hic werkstroom migreer``; clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from hicmonitor.cli import app
from hicmonitor.errors import HicError
from hicmonitor.services import workflow as wf
from hicmonitor.workflow import db
from tests.workflow.conftest import CONFIG, app_role_env

runner = CliRunner()
TABLES = {
    "users", "role_grants", "login_attempts", "sessions", "dossiers", "versions", "blobs",
    "version_files", "marks", "publications", "signed_files", "outbox", "audit", "audit_head", "alembic_version",
}  # fmt: skip


def test_sqlite_beside_the_store_by_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("HICMONITOR_WORKFLOW_DB", raising=False)
    store = tmp_path / "data" / "hic.duckdb"
    ws = wf.open_workflow(store)
    try:
        assert ws.db.url == f"sqlite:///{tmp_path / 'data' / 'hic.werkstroom.sqlite'}"
        assert set(inspect(ws.db.engine).get_table_names()) == TABLES
        assert db.current_revision(ws.db.engine) == db.head_revision()
    finally:
        ws.close()


def test_hic_werkstroom_migreer(backend, tmp_path: Path) -> None:
    urls = backend.new("leeg")
    env = {
        "HICMONITOR_WORKFLOW_DB": urls.app,
        "HICMONITOR_WERKSTROOM_CONFIG": str(CONFIG),
        **app_role_env(backend),
    }
    if backend.kind == "postgresql":
        # the app role may not create tables: it is told to migrate with the owner's role
        res = runner.invoke(app, ["audit", "controleer"], env=env)
        assert res.exit_code == 1
        assert "hic werkstroom migreer" in " ".join(res.output.split())
        env["HICMONITOR_WORKFLOW_MIGRATE_DB"] = urls.owner
    res = runner.invoke(app, ["werkstroom", "migreer"], env=env)
    assert res.exit_code == 0, res.output
    assert "bijgewerkt: schema leeg → 0002" in " ".join(res.output.split())
    res = runner.invoke(app, ["werkstroom", "migreer"], env=env)
    assert res.exit_code == 0 and "al bij schema 0002" in res.output
    env.pop("HICMONITOR_WORKFLOW_MIGRATE_DB", None)
    res = runner.invoke(app, ["audit", "controleer"], env=env)
    assert res.exit_code == 0 and "auditketen in orde: 0 regels" in " ".join(res.output.split())
    eng = create_engine(urls.owner)
    assert set(inspect(eng).get_table_names()) == TABLES
    eng.dispose()


def test_unknown_and_unreachable_databases_get_a_dutch_error(monkeypatch) -> None:
    with pytest.raises(HicError, match="wordt niet ondersteund"):
        wf.open_workflow(url="mysql://x@localhost/db")
    with pytest.raises(HicError, match="ongeldige database-URL"):
        wf.open_workflow(url="dit is geen url")
    with pytest.raises(HicError, match="niet bereikbaar") as exc:
        wf.open_workflow(url="postgresql+psycopg://hic:geheim-wachtwoord@127.0.0.1:1/hic")
    assert "geheim-wachtwoord" not in str(exc.value)


def test_a_newer_schema_is_refused(backend) -> None:
    urls = backend.new("nieuwer")
    from tests.workflow.conftest import migrate

    migrate(backend, urls)
    eng = create_engine(urls.owner)
    with eng.begin() as c:
        from sqlalchemy import text

        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    eng.dispose()
    with pytest.raises(HicError, match="nieuwer dan deze versie"):
        wf.open_workflow(url=urls.app)


def test_the_postgres_url_from_the_environment(backend, seed, monkeypatch) -> None:
    if backend.kind != "postgresql":
        pytest.skip("geldt voor PostgreSQL")
    monkeypatch.setenv("HICMONITOR_WORKFLOW_DB", seed.app)
    ws = wf.open_workflow(Path("/nergens/hic.duckdb"))
    try:
        assert ws.db.dialect == "postgresql"
        assert ":***@" in wf.describe(ws) and os.environ["HICMONITOR_WORKFLOW_DB"] != wf.describe(
            ws
        )
    finally:
        ws.close()


def test_the_public_site_runs_on_when_the_workflow_store_is_down(
    loaded_db_template, tmp_path
) -> None:
    import asyncio
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from hicmonitor.web.app import create_app

    store = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, store)
    app = create_app(
        store,
        workflow_url="postgresql+psycopg://hic:geheim-wachtwoord@127.0.0.1:1/hic",
        cache_dir=tmp_path / "cache",
    )

    async def ask() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as c:
            c.cookies.set("hic_sessie", "een-sessie")
            return await c.get("/api/v1/gemeenten"), await c.get("/werk/")

    with ThreadPoolExecutor(1) as pool:
        public, werk = pool.submit(asyncio.run, ask()).result()
    assert public.status_code == 200
    assert werk.status_code == 503
    assert "werkstroom is nu niet beschikbaar" in werk.text and "geheim-wachtwoord" not in werk.text
