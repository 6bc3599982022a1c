"""Accounts, roles, logging in and sessions (``hic gebruiker``, the login page).

Passwords are hashed with argon2id. A login is refused with 429 after too many attempts from
one address within the window (rate limit), and an account is locked for a while after
``max_mislukt`` failures in a row (lockout); an unknown user name is treated alike, so the
answers do not tell which names exist. A session is a random token (only its sha256 is
stored) with a CSRF token of its own; logging in always makes a new session, so an id set
before the login is never adopted (session fixation).

Single sign-on (OIDC) later: :func:`login_external` is the seam. An OIDC callback that has
validated the ID token calls it with the issuer and the subject; the account is found by
``users.oidc_issuer``/``oidc_subject`` and gets a session exactly as a password login does.
Roles stay in hicmonitor (``hic gebruiker rol``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hicmonitor.services.workflow import Actor, Workflow, now, record
from hicmonitor.workflow import accounts as acc
from hicmonitor.workflow import repository as repo
from hicmonitor.workflow.errors import AccessDenied, InvalidInput, NotFound, TooManyAttempts

CLI = "opdrachtregel"
BAD_LOGIN = "gebruikersnaam of wachtwoord onjuist"
LOCAL = ZoneInfo("Europe/Amsterdam")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def cli_actor(name: str = "beheer") -> Actor:
    return Actor(None, name, via=CLI)


def _require_admin(actor: Actor) -> None:
    if actor.via != CLI and not actor.has(acc.BEHEERDER):
        raise AccessDenied("alleen een beheerder kan accounts en rollen beheren")


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    email: str | None
    grants: tuple[acc.Grant, ...]
    blocked: bool
    locked_until: datetime | None
    sso: bool


def _info(s, u) -> UserInfo:  # noqa: ANN001
    return UserInfo(
        u.username,
        u.display_name,
        u.email,
        tuple(repo.grants_of(s, u.id)),
        u.blocked,
        u.locked_until,
        bool(u.oidc_subject),
    )


def create_user(
    ws: Workflow,
    actor: Actor,
    username: str,
    display_name: str,
    *,
    email: str | None = None,
    password: str | None = None,
    grants: list[tuple[str, str | None]] | None = None,
    oidc: tuple[str, str] | None = None,
) -> UserInfo:
    """A new account (``hic gebruiker maak``): a password, or an OIDC (issuer, subject)."""
    _require_admin(actor)
    name = acc.check_username(username)
    display = acc.check_display_name(display_name)
    mail = acc.check_email(email)
    if password is None and oidc is None:
        raise InvalidInput("geef een wachtwoord (of een OIDC-koppeling)")
    hashed = None
    if password is not None:
        hashed = acc.hash_password(
            acc.check_password(password, ws.config.wachtwoord.min_lengte),
            ws.config.wachtwoord.argon2,
        )
    checked = [acc.check_grant(r, q, ws.config.niveaus) for r, q in (grants or [])]
    t = now()
    with ws.db.write() as s:
        if repo.user_by_name(s, name) is not None:
            raise InvalidInput(f"gebruiker {name!r} bestaat al")
        u = repo.add_user(
            s,
            username=name,
            display_name=display,
            email=mail,
            password_hash=hashed,
            blocked=False,
            failed_logins=0,
            oidc_issuer=oidc[0] if oidc else None,
            oidc_subject=oidc[1] if oidc else None,
            created_at=t,
        )
        for g in checked:
            repo.add_grant(s, u.id, g, t)
        record(
            s,
            actor,
            "gebruiker aangemaakt",
            detail={"gebruiker": name, "rollen": [g.label() for g in checked]},
        )
        return _info(s, u)


def change_role(
    ws: Workflow,
    actor: Actor,
    username: str,
    role: str,
    qualifier: str | None = None,
    *,
    revoke: bool = False,
) -> UserInfo:
    """``hic gebruiker rol``: grant (or revoke) a role; every change is in the audit trail."""
    _require_admin(actor)
    grant = acc.check_grant(role, qualifier, ws.config.niveaus)
    with ws.db.write() as s:
        u = repo.user_by_name(s, username.strip().lower())
        if u is None:
            raise NotFound(f"gebruiker {username[:64]!r} bestaat niet")
        changed = (
            repo.remove_grant(s, u.id, grant) if revoke else repo.add_grant(s, u.id, grant, now())
        )
        if changed:
            record(
                s,
                actor,
                "rol ingetrokken" if revoke else "rol toegekend",
                detail={
                    "gebruiker": u.username,
                    "rol": grant.role,
                    "kwalificatie": grant.qualifier,
                },
            )
        return _info(s, u)


def set_blocked(ws: Workflow, actor: Actor, username: str, *, blocked: bool = True) -> UserInfo:
    """``hic gebruiker blokkeer [--opheffen]``: a blocked account cannot log in and loses its
    sessions; lifting the block also lifts a lockout."""
    _require_admin(actor)
    with ws.db.write() as s:
        u = repo.user_by_name(s, username.strip().lower())
        if u is None:
            raise NotFound(f"gebruiker {username[:64]!r} bestaat niet")
        if actor.user_id is not None and u.id == actor.user_id and blocked:
            raise InvalidInput("u kunt uw eigen account niet blokkeren")
        u.blocked = blocked
        if not blocked:
            u.locked_until = None
            u.failed_logins = 0
        repo.drop_sessions_of(s, u.id)
        record(
            s,
            actor,
            "gebruiker geblokkeerd" if blocked else "blokkade opgeheven",
            detail={"gebruiker": u.username},
        )
        return _info(s, u)


def list_users(ws: Workflow, actor: Actor) -> list[UserInfo]:
    _require_admin(actor)
    with ws.db.read() as s:
        return [_info(s, u) for u in repo.all_users(s)]


# -- logging in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    token: str  # the session cookie's value
    actor: Actor


def _local(t: datetime) -> str:
    return t.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL).strftime("%H:%M")


def login(ws: Workflow, username: str, password: str, address: str = "") -> Login:
    """Check the password and start a new session, within the rate limit and lockout."""
    cfg = ws.config.inloggen
    t = now()
    window = t - timedelta(minutes=cfg.venster_minuten)
    name = " ".join(username.split()).lower()[:64]
    user_key = f"gebruiker:{name}"
    addr_key = f"adres:{address[:200]}"
    refusal: Exception | None = None
    result: Login | None = None
    keep = max(cfg.venster_minuten, cfg.blokkade_minuten) + 24 * 60
    with ws.db.write() as s:
        repo.prune_attempts(s, t - timedelta(minutes=keep))
        if address and repo.attempts_since(s, addr_key, window) >= cfg.max_per_adres:
            repo.add_attempt(s, addr_key, t, False)
            record(s, name or "?", "inloggen geweigerd", detail={"reden": "snelheidslimiet adres"})
            refusal = TooManyAttempts(
                "te veel inlogpogingen vanaf dit adres; probeer het over "
                f"{cfg.venster_minuten} minuten opnieuw"
            )
        else:
            if address:
                repo.add_attempt(s, addr_key, t, True)
            u = repo.user_by_name(s, name) if name else None
            locked_until = None
            if u is not None and u.locked_until is not None and u.locked_until > t:
                locked_until = u.locked_until
            elif u is None:
                since = t - timedelta(minutes=cfg.blokkade_minuten)
                if repo.failures_since(s, user_key, since) >= cfg.max_mislukt:
                    locked_until = t + timedelta(minutes=cfg.blokkade_minuten)
            if locked_until is not None:
                repo.add_attempt(s, user_key, t, False)
                record(
                    s, name or "?", "inloggen geweigerd", detail={"reden": "account vergrendeld"}
                )
                refusal = TooManyAttempts(
                    "te veel mislukte pogingen: dit account is tijdelijk vergrendeld; probeer het "
                    f"na {_local(locked_until)} opnieuw"
                )
            else:
                ok, rehash = acc.verify_password(
                    u.password_hash if u else None, password[:1024], ws.config.wachtwoord.argon2
                )
                if not ok or u is None:
                    refusal = InvalidInput(BAD_LOGIN)
                    if u is not None:
                        last = repo.failures_since(s, user_key, window)
                        u.failed_logins = (u.failed_logins if last else 0) + 1
                        if u.failed_logins >= cfg.max_mislukt:
                            u.locked_until = t + timedelta(minutes=cfg.blokkade_minuten)
                            u.failed_logins = 0
                            record(
                                s,
                                u.username,
                                "account vergrendeld",
                                detail={"tot": u.locked_until.isoformat()},
                            )
                    repo.add_attempt(s, user_key, t, False)
                    record(s, name or "?", "inloggen mislukt")
                elif u.blocked:
                    refusal = AccessDenied(
                        "dit account is geblokkeerd; neem contact op met een beheerder"
                    )
                    record(s, u.username, "inloggen geweigerd", detail={"reden": "geblokkeerd"})
                else:
                    if rehash:
                        u.password_hash = rehash
                    u.failed_logins = 0
                    repo.add_attempt(s, user_key, t, True)
                    result = _start_session(ws, s, u, t, "inloggen")
    if refusal is not None:
        raise refusal
    assert result is not None
    return result


def _start_session(ws: Workflow, s, u, t: datetime, action: str) -> Login:  # noqa: ANN001
    cfg = ws.config.sessie
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    h = token_hash(token)
    repo.drop_expired_sessions(s, t, t - timedelta(minutes=cfg.inactief_minuten))
    repo.add_session(
        s,
        token_hash=h,
        user_id=u.id,
        csrf=csrf,
        created_at=t,
        last_seen=t,
        expires_at=t + timedelta(hours=cfg.maximaal_uren),
    )
    record(s, u.username, action)
    actor = Actor(u.id, u.username, u.display_name, tuple(repo.grants_of(s, u.id)), "web", csrf, h)
    return Login(token, actor)


def login_external(ws: Workflow, issuer: str, subject: str) -> Login:
    """The OIDC seam: a session for the account linked to (issuer, subject), after the
    caller has validated the identity provider's ID token."""
    t = now()
    with ws.db.write() as s:
        u = repo.user_by_oidc(s, issuer, subject)
        if u is None:
            raise AccessDenied("geen account gekoppeld aan deze identiteit")
        if u.blocked:
            raise AccessDenied("dit account is geblokkeerd; neem contact op met een beheerder")
        return _start_session(ws, s, u, t, "inloggen (sso)")


def session_actor(ws: Workflow, token: str | None) -> Actor | None:
    """The user of a session cookie, or None (unknown, expired, idle too long, blocked)."""
    if not token or len(token) > 200:
        return None
    h = token_hash(token)
    t = now()
    idle = timedelta(minutes=ws.config.sessie.inactief_minuten)
    with ws.db.read() as s:
        sess = repo.session_by_hash(s, h)
        if sess is None or sess.expires_at < t or sess.last_seen < t - idle:
            return None
        u = repo.user_by_id(s, sess.user_id)
        if u is None or u.blocked:
            return None
        actor = Actor(
            u.id, u.username, u.display_name, tuple(repo.grants_of(s, u.id)), "web", sess.csrf, h
        )
        stale = t - sess.last_seen > timedelta(seconds=60)
    if stale:
        with ws.db.write() as s:
            repo.touch_session(s, h, t)
    return actor


def logout(ws: Workflow, actor: Actor) -> None:
    with ws.db.write() as s:
        repo.drop_session(s, actor.token_hash)
        record(s, actor, "uitloggen")


def named_actor(ws: Workflow, username: str) -> Actor:
    """A user acting on the command line (``--opsteller NAAM``): their roles, marked as
    coming from the command line in the audit trail."""
    with ws.db.read() as s:
        u = repo.user_by_name(s, username.strip().lower())
        if u is None:
            raise NotFound(f"gebruiker {username[:64]!r} bestaat niet")
        if u.blocked:
            raise AccessDenied(f"gebruiker {u.username} is geblokkeerd")
        return Actor(u.id, u.username, u.display_name, tuple(repo.grants_of(s, u.id)), CLI)
