"""PostgreSQL: the two roles of a shared deployment.

- the **owner** (migrator) owns the database and its tables and runs the migrations
  (``hic werkstroom migreer`` with ``HICMONITOR_WORKFLOW_MIGRATE_DB``);
- the **app** role (``HICMONITOR_WORKFLOW_APP_ROLE``, default ``hicmonitor_app``) is what
  ``hic web`` connects as (``HICMONITOR_WORKFLOW_DB``): it may read and write the workflow
  tables, but on ``audit`` only SELECT and INSERT. A trigger refuses UPDATE, DELETE and
  TRUNCATE on ``audit`` for every role, the owner included (the owner can disable it; the
  app role cannot, as it does not own the table).
"""

from __future__ import annotations

import os
import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

from hicmonitor.workflow.errors import InvalidInput

APP_ROLE_ENV = "HICMONITOR_WORKFLOW_APP_ROLE"
DEFAULT_APP_ROLE = "hicmonitor_app"
_ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# tables the app reads and writes in full
READ_WRITE = (
    "users",
    "role_grants",
    "login_attempts",
    "sessions",
    "dossiers",
    "versions",
    "blobs",
    "version_files",
    "marks",
    "publications",
    "signed_files",
    "outbox",
    "audit_head",
)

TRIGGER_SQL = [
    """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'de audittabel kan alleen worden aangevuld: % geweigerd', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "DROP TRIGGER IF EXISTS audit_append_only ON audit",
    """
    CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit",
    """
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()
    """,
]


def app_role() -> str:
    role = os.environ.get(APP_ROLE_ENV, DEFAULT_APP_ROLE)
    if not _ROLE_RE.match(role):
        raise InvalidInput(
            f"{APP_ROLE_ENV}={role!r}: een rolnaam bestaat uit kleine letters, cijfers en '_'"
        )
    return role


def install_trigger(conn: Connection) -> None:
    for stmt in TRIGGER_SQL:
        conn.execute(text(stmt))


def apply_grants(conn: Connection, role: str) -> bool:
    """Grant ``role`` what the app needs (idempotent). False when the role does not exist."""
    if not _ROLE_RE.match(role):
        raise InvalidInput(f"ongeldige rolnaam {role!r}")
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if not exists:
        return False
    present = {
        r[0]
        for r in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    }
    tables = [t for t in READ_WRITE if t in present]
    conn.execute(text("REVOKE ALL ON audit FROM PUBLIC"))
    if tables:
        conn.execute(
            text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON {", ".join(tables)} TO "{role}"')
        )
    conn.execute(text(f'GRANT SELECT, INSERT ON audit TO "{role}"'))
    conn.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM "{role}"'))
    if "alembic_version" in present:
        conn.execute(text(f'GRANT SELECT ON alembic_version TO "{role}"'))
    seqs = [
        r[0]
        for r in conn.execute(
            text(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema()"
            )
        )
    ]
    for s in seqs:
        conn.execute(text(f'GRANT USAGE, SELECT ON SEQUENCE "{s}" TO "{role}"'))
    return True
