"""The workflow store for the front ends: opening it (migrated), the acting user, the clock and
the audit trail's check. Accounts are in :mod:`hicmonitor.services.accounts`, the memo's route
in :mod:`hicmonitor.services.dossiers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hicmonitor.workflow import audit, db, repository
from hicmonitor.workflow.accounts import Grant
from hicmonitor.workflow.config import Config, load
from hicmonitor.workflow.errors import (
    AccessDenied,
    Conflict,
    InvalidInput,
    NotFound,
    NotLoggedIn,
    SchemaOutdated,
    TooLarge,
    TooManyAttempts,
    Unavailable,
    WorkflowError,
)

if TYPE_CHECKING:
    from hicmonitor.woo.detect import Detector

__all__ = [
    "AccessDenied",
    "Actor",
    "Conflict",
    "InvalidInput",
    "NotFound",
    "NotLoggedIn",
    "SchemaOutdated",
    "TooLarge",
    "TooManyAttempts",
    "Unavailable",
    "Workflow",
    "WorkflowError",
    "check_audit",
    "migrate",
    "open_workflow",
]


def now() -> datetime:
    """The clock: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def stamp(t: datetime) -> str:
    """An audit time stamp (ISO 8601, UTC)."""
    return t.isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user (web) or a named user on the command line."""

    user_id: int | None
    username: str
    display_name: str = ""
    grants: tuple[Grant, ...] = ()
    via: str = "web"
    csrf: str = ""
    token_hash: str = ""

    @property
    def label(self) -> str:
        return self.username if self.via == "web" else f"{self.username} ({self.via})"

    def has(self, role: str) -> bool:
        return any(g.role == role for g in self.grants)


@dataclass
class Workflow:
    """The open workflow store and its settings."""

    db: db.WorkflowDB
    config: Config
    store_path: Path | None = None
    _detector: Any = field(default=None, repr=False)

    def detector(self) -> Detector:
        """The Woo detector (deduce loads once per process, on first publication)."""
        if self._detector is None:
            from hicmonitor.services.woo import detector

            self._detector = detector()
        return self._detector

    def close(self) -> None:
        self.db.dispose()


def settings() -> Config:
    """The workflow settings (``werkstroom.yaml`` or ``HICMONITOR_WERKSTROOM_CONFIG``)."""
    return load()


def resolve_url(store_path: str | Path | None = None, url: str | None = None) -> str:
    if url:
        return url
    if store_path is None:
        from hicmonitor.store import default_db_path

        store_path = default_db_path()
    return db.default_url(store_path)


def open_workflow(
    store_path: str | Path | None = None,
    url: str | None = None,
    *,
    auto_migrate: bool = True,
    config: Config | None = None,
) -> Workflow:
    """The workflow store of ``url`` (default: ``HICMONITOR_WORKFLOW_DB`` or a SQLite file
    beside the store at ``store_path``), at the newest schema."""
    wdb = db.WorkflowDB(resolve_url(store_path, url))
    try:
        db.ensure_schema(wdb, auto=auto_migrate)
    except Exception:
        wdb.dispose()
        raise
    return Workflow(wdb, config or load(), Path(store_path) if store_path else None)


def migrate(store_path: str | Path | None = None, url: str | None = None) -> tuple[str | None, str]:
    """``hic werkstroom migreer``: (schema before, schema after). ``url`` default:
    ``HICMONITOR_WORKFLOW_MIGRATE_DB``, else the workflow store's URL."""
    import os

    chosen = url or os.environ.get(db.MIGRATE_DB_ENV, "").strip() or resolve_url(store_path)
    return db.migrate(chosen)


def describe(ws: Workflow) -> str:
    return db.describe(ws.db.url)


def record(
    s: Any,
    actor: Actor | str,
    action: str,
    dossier_id: int | None = None,
    version_hash: str | None = None,
    detail: dict[str, Any] | None = None,
) -> audit.Entry:
    """Append an audit entry inside the caller's transaction."""
    who = actor if isinstance(actor, str) else actor.label
    return repository.append_audit(s, stamp(now()), who, action, dossier_id, version_hash, detail)


def check_audit(ws: Workflow) -> audit.Verdict:
    """``hic audit controleer``: the whole chain checked; the first broken entry named."""
    with ws.db.read() as s:
        return audit.verify(repository.audit_entries(s), repository.audit_head(s))


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: str
    actor: str
    action: str
    dossier_id: int | None
    version_hash: str | None
    detail: str


def recent_audit(ws: Workflow, viewer: Actor, limit: int = 200) -> list[AuditLine]:
    """The newest entries, for a beheerder."""
    from hicmonitor.workflow.accounts import BEHEERDER

    if not viewer.has(BEHEERDER):
        raise AccessDenied("alleen een beheerder kan het auditspoor lezen")
    with ws.db.read() as s:
        rows = repository.recent_audit(s, limit)
        return [
            AuditLine(r.seq, r.at, r.actor, r.action, r.dossier_id, r.version_hash, r.detail)
            for r in rows
        ]
