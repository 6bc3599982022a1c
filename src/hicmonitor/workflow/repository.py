"""Every query of the workflow store: small functions on a SQLAlchemy session.

The services compose them inside one transaction (:meth:`WorkflowDB.write`); nothing here
commits. Appending to the audit chain locks its head row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite's write transactions are serial already), so concurrent appends form one
chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from hicmonitor.workflow import audit
from hicmonitor.workflow.accounts import Grant
from hicmonitor.workflow.models import (
    AuditEntry,
    AuditHead,
    Blob,
    Dossier,
    LoginAttempt,
    Mark,
    OutboxMessage,
    Publication,
    RoleGrant,
    SignedFile,
    User,
    Version,
    VersionFile,
    WebSession,
)
from hicmonitor.workflow.route import Position, Step

# -- users and roles ----------------------------------------------------------------------


def user_by_name(s: Session, username: str) -> User | None:
    return s.scalar(select(User).where(User.username == username))


def user_by_id(s: Session, user_id: int) -> User | None:
    return s.get(User, user_id)


def user_by_oidc(s: Session, issuer: str, subject: str) -> User | None:
    return s.scalar(select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject))


def add_user(s: Session, **fields: Any) -> User:
    u = User(**fields)
    s.add(u)
    s.flush()
    return u


def all_users(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.username)))


def grants_of(s: Session, user_id: int) -> list[Grant]:
    rows = s.execute(
        select(RoleGrant.role, RoleGrant.qualifier)
        .where(RoleGrant.user_id == user_id)
        .order_by(RoleGrant.role, RoleGrant.qualifier)
    )
    return [Grant(r, q or "") for r, q in rows]


def add_grant(s: Session, user_id: int, grant: Grant, at: datetime) -> bool:
    """False when the user holds it already."""
    if grant in grants_of(s, user_id):
        return False
    s.add(RoleGrant(user_id=user_id, role=grant.role, qualifier=grant.qualifier, granted_at=at))
    s.flush()
    return True


def remove_grant(s: Session, user_id: int, grant: Grant) -> bool:
    res = s.execute(
        delete(RoleGrant).where(
            RoleGrant.user_id == user_id,
            RoleGrant.role == grant.role,
            RoleGrant.qualifier == grant.qualifier,
        )
    )
    return bool(res.rowcount)


def holders(s: Session, role: str) -> list[tuple[User, str]]:
    """Active users holding ``role``, with the qualifier."""
    rows = s.execute(
        select(User, RoleGrant.qualifier)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, User.blocked.is_(False))
        .order_by(User.username)
    )
    return [(u, q or "") for u, q in rows]


# -- logins and sessions ------------------------------------------------------------------


def add_attempt(s: Session, key: str, at: datetime, ok: bool) -> None:
    s.add(LoginAttempt(key=key[:300], at=at, ok=ok))


def failures_since(s: Session, key: str, since: datetime) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(
                LoginAttempt.key == key[:300], LoginAttempt.at >= since, LoginAttempt.ok.is_(False)
            )
        )
        or 0
    )


def attempts_since(s: Session, key: str, since: datetime) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == key[:300], LoginAttempt.at >= since)
        )
        or 0
    )


def prune_attempts(s: Session, before: datetime) -> None:
    s.execute(delete(LoginAttempt).where(LoginAttempt.at < before))


def add_session(s: Session, **fields: Any) -> WebSession:
    ws = WebSession(**fields)
    s.add(ws)
    s.flush()
    return ws


def session_by_hash(s: Session, token_hash: str) -> WebSession | None:
    return s.get(WebSession, token_hash)


def touch_session(s: Session, token_hash: str, at: datetime) -> None:
    s.execute(update(WebSession).where(WebSession.token_hash == token_hash).values(last_seen=at))


def drop_session(s: Session, token_hash: str) -> None:
    s.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


def drop_sessions_of(s: Session, user_id: int) -> None:
    s.execute(delete(WebSession).where(WebSession.user_id == user_id))


def drop_expired_sessions(s: Session, now: datetime, idle_before: datetime) -> None:
    s.execute(
        delete(WebSession).where(
            (WebSession.expires_at < now) | (WebSession.last_seen < idle_before)
        )
    )


# -- dossiers -----------------------------------------------------------------------------


def add_dossier(s: Session, **fields: Any) -> Dossier:
    d = Dossier(**fields)
    s.add(d)
    s.flush()
    return d


def dossier(s: Session, dossier_id: int) -> Dossier | None:
    return s.get(Dossier, dossier_id)


def dossier_by_kenmerk(s: Session, kenmerk: str) -> Dossier | None:
    return s.scalar(select(Dossier).where(Dossier.kenmerk == kenmerk))


def all_dossiers(s: Session) -> list[Dossier]:
    return list(s.scalars(select(Dossier).order_by(Dossier.year.desc(), Dossier.id.desc())))


def route_of(d: Dossier) -> tuple[Step, ...]:
    return tuple(Step.from_dict(x) for x in json.loads(d.route))


def position_of(d: Dossier) -> Position:
    return Position(d.state, d.step, d.returned_by, d.round, d.route_hash)


def set_position(d: Dossier, pos: Position) -> None:
    d.state, d.step, d.returned_by, d.round, d.route_hash = (
        pos.state,
        pos.step,
        pos.returned_by,
        pos.round,
        pos.hash,
    )


# -- versions, files, blobs ---------------------------------------------------------------


def put_blob(s: Session, sha: str, data: bytes) -> None:
    if s.get(Blob, sha) is None:
        s.add(Blob(sha256=sha, size=len(data), data=data))
        s.flush()


def blob(s: Session, sha: str) -> bytes | None:
    b = s.get(Blob, sha)
    return None if b is None else b.data


def add_version(s: Session, files: Sequence[dict[str, Any]], **fields: Any) -> Version:
    v = Version(**fields)
    s.add(v)
    s.flush()
    for f in files:
        s.add(VersionFile(version_id=v.id, **f))
    s.flush()
    return v


def versions_of(s: Session, dossier_id: int) -> list[Version]:
    return list(
        s.scalars(select(Version).where(Version.dossier_id == dossier_id).order_by(Version.number))
    )


def version(s: Session, dossier_id: int, number: int) -> Version | None:
    return s.scalar(
        select(Version).where(Version.dossier_id == dossier_id, Version.number == number)
    )


def version_by_hash(s: Session, dossier_id: int, h: str) -> Version | None:
    return s.scalar(
        select(Version)
        .where(Version.dossier_id == dossier_id, Version.hash == h)
        .order_by(Version.number.desc())
        .limit(1)
    )


def latest_version(s: Session, dossier_id: int) -> Version | None:
    return s.scalar(
        select(Version)
        .where(Version.dossier_id == dossier_id)
        .order_by(Version.number.desc())
        .limit(1)
    )


def files_of(s: Session, version_id: int) -> list[VersionFile]:
    return list(
        s.scalars(
            select(VersionFile)
            .where(VersionFile.version_id == version_id)
            .order_by(VersionFile.name)
        )
    )


# -- marks --------------------------------------------------------------------------------


def add_mark(s: Session, **fields: Any) -> Mark:
    m = Mark(**fields)
    s.add(m)
    s.flush()
    return m


def marks_of(s: Session, dossier_id: int) -> list[Mark]:
    return list(s.scalars(select(Mark).where(Mark.dossier_id == dossier_id).order_by(Mark.id)))


def effective_marks(s: Session, d: Dossier) -> dict[int, str]:
    """step -> the hash its paraaf was given on, for the current round (akkoord or carried)."""
    out: dict[int, str] = {}
    rows = s.scalars(
        select(Mark)
        .where(
            Mark.dossier_id == d.id,
            Mark.round == d.round,
            Mark.kind.in_(("akkoord", "overgenomen")),
        )
        .order_by(Mark.id)
    )
    for m in rows:
        out[m.step] = m.seen_hash
    return out


# -- the signed copy ---------------------------------------------------------------------


def add_signed_file(s: Session, **fields: Any) -> SignedFile:
    f = SignedFile(**fields)
    s.add(f)
    s.flush()
    return f


def signed_files_of(s: Session, version_id: int) -> list[SignedFile]:
    """The files of a version's signed copy (of its last signing), by name."""
    rows = list(
        s.scalars(
            select(SignedFile)
            .where(SignedFile.version_id == version_id)
            .order_by(SignedFile.round.desc(), SignedFile.name)
        )
    )
    return [f for f in rows if f.round == rows[0].round] if rows else []


# -- publications -------------------------------------------------------------------------


def add_publication(s: Session, **fields: Any) -> Publication:
    p = Publication(**fields)
    s.add(p)
    s.flush()
    return p


def publication_of(s: Session, dossier_id: int) -> Publication | None:
    return s.scalar(
        select(Publication)
        .where(Publication.dossier_id == dossier_id)
        .order_by(Publication.id.desc())
        .limit(1)
    )


# -- outbox -------------------------------------------------------------------------------


def add_message(s: Session, **fields: Any) -> OutboxMessage:
    m = OutboxMessage(**fields)
    s.add(m)
    s.flush()
    return m


def messages(s: Session, status: str | None = None) -> list[OutboxMessage]:
    q = select(OutboxMessage).order_by(OutboxMessage.id)
    if status:
        q = q.where(OutboxMessage.status == status)
    return list(s.scalars(q))


def message(s: Session, message_id: int) -> OutboxMessage | None:
    return s.get(OutboxMessage, message_id)


# -- audit --------------------------------------------------------------------------------


def append_audit(
    s: Session,
    at: str,
    actor: str,
    action: str,
    dossier_id: int | None = None,
    version_hash: str | None = None,
    detail: dict[str, Any] | None = None,
) -> audit.Entry:
    """Append one entry to the chain (the head row is locked until the commit)."""
    head = s.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, seq=0, hash=audit.GENESIS)
        s.add(head)
        s.flush()
    e = audit.make_entry((head.seq, head.hash), at, actor, action, dossier_id, version_hash, detail)
    s.add(
        AuditEntry(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            dossier_id=e.dossier_id,
            version_hash=e.version_hash,
            detail=e.detail,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
    )
    head.seq, head.hash = e.seq, e.hash
    s.flush()
    return e


def audit_entries(s: Session, batch: int = 1000) -> Iterator[audit.Entry]:
    """The chain in sequence order, read in batches."""
    last = 0
    while True:
        rows = list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > last)
                .order_by(AuditEntry.seq)
                .limit(batch)
            )
        )
        if not rows:
            return
        for r in rows:
            yield audit.Entry(
                r.seq,
                r.at,
                r.actor,
                r.action,
                r.dossier_id,
                r.version_hash,
                r.detail,
                r.prev_hash,
                r.hash,
            )
        last = rows[-1].seq


def audit_head(s: Session) -> tuple[int, str] | None:
    h = s.get(AuditHead, 1)
    return None if h is None else (h.seq, h.hash)


def recent_audit(s: Session, limit: int = 200, dossier_id: int | None = None) -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if dossier_id is not None:
        q = q.where(AuditEntry.dossier_id == dossier_id)
    return list(s.scalars(q))
