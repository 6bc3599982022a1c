"""Accounts and roles: the role names, what each may do, password hashing (argon2id) and the
checks on user names, e-mail addresses and passwords.

Roles (a user may hold several):

| role | qualifier | may |
|---|---|---|
| opsteller | – | create dossiers, add versions and offer, record the date sent, for the dossiers they author |
| parafeerder | level (directeur, dg, sg) | initial or send back when their level's step is due |
| bewindspersoon | function ("Minister van Justitie en Veiligheid") | the eindparaaf for that signatory |
| woo-coördinator | – | publish a sent memo under the Woo |
| lezer | – | read dossiers without section 5 |
| beheerder | – | manage accounts and roles, read the audit trail |

Section 5 of a memo is visible to its author and to the holders of the roles on its route
(see :func:`may_see_section5`); never to the other roles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from hicmonitor.workflow.errors import InvalidInput
from hicmonitor.workflow.route import BEWINDSPERSOON, PARAFEERDER, Step, normalise_function

OPSTELLER = "opsteller"
WOO = "woo-coördinator"
LEZER = "lezer"
BEHEERDER = "beheerder"
ROLES = (OPSTELLER, PARAFEERDER, BEWINDSPERSOON, WOO, LEZER, BEHEERDER)
QUALIFIED = {PARAFEERDER: "niveau", BEWINDSPERSOON: "functie"}

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(
    r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$|^[^@\s<>\"',;]{1,64}@localhost$"
)


@dataclass(frozen=True)
class Grant:
    role: str
    qualifier: str = ""

    def label(self) -> str:
        return f"{self.role} ({self.qualifier})" if self.qualifier else self.role


def check_username(name: str) -> str:
    name = name.strip().lower()
    if not USERNAME_RE.match(name):
        raise InvalidInput(
            "gebruikersnaam: 2 tot 64 tekens, kleine letters, cijfers, '.', '_' of '-', "
            "beginnend met een letter of cijfer"
        )
    return name


def check_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise InvalidInput(f"e-mailadres {email[:60]!r} is ongeldig")
    return email


def check_display_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 200 or any(ord(c) < 32 for c in name):
        raise InvalidInput("naam: 1 tot 200 tekens")
    return name


def check_password(password: str, min_length: int) -> str:
    if len(password) < min_length:
        raise InvalidInput(f"het wachtwoord moet minstens {min_length} tekens hebben")
    if len(password) > 1024:
        raise InvalidInput("het wachtwoord is te lang (hoogstens 1024 tekens)")
    return password


def check_grant(role: str, qualifier: str | None, levels: Sequence[str]) -> Grant:
    """A role with its qualifier, checked: a parafeerder needs a known level, a
    bewindspersoon a function; the other roles take none."""
    role = role.strip().lower()
    if role == "woo-coordinator":
        role = WOO
    if role not in ROLES:
        raise InvalidInput(f"onbekende rol {role[:40]!r}; kies uit {', '.join(ROLES)}")
    q = " ".join((qualifier or "").split())
    if role == PARAFEERDER:
        if q.lower() not in levels:
            raise InvalidInput(
                f"een parafeerder heeft een niveau: kies uit {', '.join(levels)} (--niveau)"
            )
        q = q.lower()
    elif role == BEWINDSPERSOON:
        if not 3 <= len(q) <= 200:
            raise InvalidInput(
                "een bewindspersoon heeft een functie, zoals 'Minister van Justitie en "
                "Veiligheid' (--functie)"
            )
    elif q:
        raise InvalidInput(f"de rol {role} heeft geen niveau of functie")
    return Grant(role, q)


def holds(grants: Iterable[Grant], step: Step) -> bool:
    """Whether a user with ``grants`` is the one due at ``step``."""
    for g in grants:
        if g.role != step.role:
            continue
        if step.role == BEWINDSPERSOON:
            if normalise_function(g.qualifier) == normalise_function(step.qualifier):
                return True
        elif g.qualifier == step.qualifier:
            return True
    return False


def may_see_section5(
    user_id: int, grants: Iterable[Grant], author_id: int, route: Sequence[Step]
) -> bool:
    """Section 5: the author and the holders of a role on the dossier's route only."""
    if user_id == author_id:
        return True
    grants = list(grants)
    return any(holds(grants, s) for s in route)


def has_role(grants: Iterable[Grant], role: str) -> bool:
    return any(g.role == role for g in grants)


# -- passwords ----------------------------------------------------------------------------


Argon2 = tuple[int, int, int]  # time cost, memory in KiB, lanes
DEFAULT_ARGON2: Argon2 = (3, 65536, 4)  # RFC 9106, second recommended option


@lru_cache(maxsize=4)
def _hasher(params: Argon2 = DEFAULT_ARGON2):  # noqa: ANN202
    from argon2 import PasswordHasher, Type

    t, m, p = params
    return PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, type=Type.ID)


def hash_password(password: str, params: Argon2 = DEFAULT_ARGON2) -> str:
    """An argon2id hash (PHC string: algorithm, parameters, salt and hash)."""
    return _hasher(params).hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(params: Argon2) -> str:
    return hash_password("geen-gebruiker-met-deze-naam", params)


def verify_password(
    stored: str | None, password: str, params: Argon2 = DEFAULT_ARGON2
) -> tuple[bool, str | None]:
    """(matches, a new hash when ``params`` differ from the stored hash's). Without a stored
    hash (unknown user, or a single-sign-on-only account) a dummy hash is checked, so the
    time is alike."""
    from argon2.exceptions import InvalidHashError, VerificationError

    h = _hasher(params)
    if not stored:
        try:
            h.verify(_dummy_hash(params), password)
        except VerificationError:
            pass
        return False, None
    try:
        h.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, (h.hash(password) if h.check_needs_rehash(stored) else None)
