"""The memo's route as pure functions: states, steps and the rule that decides where the route
restarts after a new version.

States: concept → ter parafering (the parafeerders in order) → ter eindparaaf (the
signatories in order) → getekend → verzonden → gepubliceerd. At each step the person due
gives an akkoord (paraaf) or sends the memo back to the author with comments (retour).

A paraaf binds to the hash of the version the person saw. A new version voids every paraaf
given on an earlier one, and the route restarts at the first step that *must see the
change* (:func:`restart_point`):

- a step that has not initialled yet always sees the new version (the route reaches it);
- a step that initialled must see it again when the files differ but no text difference can
  be shown (nothing proves that the change is harmless), when a changed part carries the
  memo's decisions (``besluit`` in ``werkstroom.yaml``: sections 2 and 3 of the memo and the
  letter), or when a changed part lies in what that step sees (``ziet``: ``alles`` by
  default);
- the route resumes at the first step that must see the change; every step before it keeps
  its paraaf, carried over to the new version ("overgenomen") with the hash it was given on,
  and every step after it initials again in order.

Parts are named "<document> <section>": ``beslisnota 4.2``, ``beslisnota kop`` (the block
before section 1), ``kamerbrief 1``. A pattern covers a part when it names the same
document and either no section, the same section or a parent section ("beslisnota 4" covers
"beslisnota 4.2").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hicmonitor.workflow.errors import Conflict

CONCEPT = "concept"
TER_PARAFERING = "ter_parafering"
TER_EINDPARAAF = "ter_eindparaaf"
GETEKEND = "getekend"
VERZONDEN = "verzonden"
GEPUBLICEERD = "gepubliceerd"
STATES = (CONCEPT, TER_PARAFERING, TER_EINDPARAAF, GETEKEND, VERZONDEN, GEPUBLICEERD)
LABELS = {
    CONCEPT: "concept",
    TER_PARAFERING: "ter parafering",
    TER_EINDPARAAF: "ter eindparaaf",
    GETEKEND: "getekend",
    VERZONDEN: "verzonden",
    GEPUBLICEERD: "gepubliceerd",
}

PARAAF = "paraaf"
EINDPARAAF = "eindparaaf"
PARAFEERDER = "parafeerder"
BEWINDSPERSOON = "bewindspersoon"


@dataclass(frozen=True)
class Step:
    """One step of a route: who is due (a role and its level or function) and what changes
    that step must see again (``sees`` None: everything)."""

    kind: str  # PARAAF | EINDPARAAF
    role: str  # PARAFEERDER | BEWINDSPERSOON
    qualifier: str  # the parafeerder's level, or the signatory's function
    label: str
    sees: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "soort": self.kind,
            "rol": self.role,
            "kwalificatie": self.qualifier,
            "naam": self.label,
            "ziet": "alles" if self.sees is None else list(self.sees),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Step:
        sees = d.get("ziet", "alles")
        return cls(
            d["soort"],
            d["rol"],
            d["kwalificatie"],
            d["naam"],
            None if sees == "alles" else tuple(sees),
        )


@dataclass(frozen=True)
class Position:
    """Where a dossier stands. ``step``: the due step (ter parafering/eindparaaf);
    ``returned_by``: the step that sent it back (concept after a retour); ``hash``: the version
    the route runs on; ``round``: increases whenever the route restarts on a new version."""

    state: str = CONCEPT
    step: int | None = None
    returned_by: int | None = None
    round: int = 0
    hash: str | None = None


@dataclass(frozen=True)
class Restart:
    """Where the route resumes on a new version, and why."""

    step: int
    carried: tuple[int, ...] = ()  # steps before ``step`` whose paraaf is carried over
    reason: str = ""
    changed: frozenset[str] = field(default_factory=frozenset)


def build_route(
    parafeerders: Iterable[tuple[str, str, tuple[str, ...] | None]], signatories: Iterable[str]
) -> tuple[Step, ...]:
    """The route: one paraaf step per (level, label, sees), one eindparaaf per signatory."""
    steps = [Step(PARAAF, PARAFEERDER, lvl, label, sees) for lvl, label, sees in parafeerders]
    steps += [Step(EINDPARAAF, BEWINDSPERSOON, fn, fn, None) for fn in signatories]
    return tuple(steps)


def normalise_function(text: str) -> str:
    """A signatory's function as compared: case, spacing and a leading article ignored."""
    words = text.casefold().split()
    if words and words[0] in ("de", "het"):
        words = words[1:]
    return " ".join(words)


def covers(pattern: str, part: str) -> bool:
    """Whether ``pattern`` ("beslisnota 4", "kamerbrief") covers ``part`` ("beslisnota 4.2")."""
    p_doc, _, p_sec = pattern.strip().partition(" ")
    k_doc, _, k_sec = part.partition(" ")
    if p_doc != k_doc:
        return False
    p_sec = p_sec.strip()
    return not p_sec or k_sec == p_sec or k_sec.startswith(p_sec + ".")


def state_at(route: Sequence[Step], step: int) -> str:
    """The state of a dossier whose due step is ``step``."""
    if step >= len(route):
        return GETEKEND
    return TER_PARAFERING if route[step].kind == PARAAF else TER_EINDPARAAF


def restart_point(
    route: Sequence[Step],
    marks: Mapping[int, str],
    new_hash: str,
    changed: Callable[[str], frozenset[str] | None],
    decisions: Sequence[str],
) -> Restart:
    """Where the route resumes on the version ``new_hash``.

    ``marks``: step -> the hash of the version that step's (still effective) paraaf was
    given on, for the steps that initialled in the current round (a prefix of the route).
    ``changed(h)``: the parts that differ between version ``h`` and the new one (an empty
    set: the same text; None: the files differ but no text difference can be shown).
    """
    for i, step in enumerate(route):
        if i not in marks:
            return Restart(i, tuple(range(i)), "nog niet geparafeerd")
        seen = marks[i]
        if seen == new_hash:
            continue
        diff = changed(seen)
        if diff is None:
            return Restart(i, tuple(range(i)), "de bestanden verschillen (niet als tekst te tonen)")
        touched = frozenset(p for p in diff if any(covers(d, p) for d in decisions))
        if touched:
            return Restart(i, tuple(range(i)), "het besluit is gewijzigd", touched)
        mine = (
            diff
            if step.sees is None
            else frozenset(p for p in diff if any(covers(s, p) for s in step.sees))
        )
        if mine:
            return Restart(
                i, tuple(range(i)), "een onderdeel dat deze stap ziet is gewijzigd", mine
            )
    return Restart(len(route), tuple(range(len(route))), "geen wijziging die iemand moet zien")


# -- transitions ------------------------------------------------------------------------


def _require(pos: Position, *states: str, what: str) -> None:
    if pos.state not in states:
        raise Conflict(f"{what} kan niet: de nota staat op '{LABELS.get(pos.state, pos.state)}'")


def offer(pos: Position, route: Sequence[Step], restart: Restart, new_hash: str) -> Position:
    """The author offers the memo (concept → the route, from ``restart.step``)."""
    _require(pos, CONCEPT, what="Aanbieden")
    new_round = pos.round + 1 if new_hash != pos.hash else pos.round
    return Position(state_at(route, restart.step), restart.step, None, new_round, new_hash)


def restart_on_new_version(
    pos: Position, route: Sequence[Step], restart: Restart, new_hash: str
) -> Position:
    """A new version while the memo is in the route: it restarts at ``restart.step``."""
    _require(pos, TER_PARAFERING, TER_EINDPARAAF, what="Een nieuwe versie in de route")
    return Position(state_at(route, restart.step), restart.step, None, pos.round + 1, new_hash)


def may_add_version(pos: Position) -> bool:
    return pos.state in (CONCEPT, TER_PARAFERING, TER_EINDPARAAF)


def check_due(pos: Position, step: int, version_hash: str) -> None:
    """The action on ``step`` of version ``version_hash`` is the one due now."""
    _require(pos, TER_PARAFERING, TER_EINDPARAAF, what="Parafen")
    if pos.step != step:
        raise Conflict("deze stap is niet (meer) aan de beurt; iemand anders was u voor")
    if pos.hash != version_hash:
        raise Conflict("er is intussen een nieuwe versie; bekijk die eerst")


def approve(pos: Position, route: Sequence[Step], step: int, version_hash: str) -> Position:
    """Akkoord (paraaf or eindparaaf) on the due step: on to the next one."""
    check_due(pos, step, version_hash)
    nxt = step + 1
    return replace(pos, state=state_at(route, nxt), step=nxt if nxt < len(route) else None)


def send_back(pos: Position, step: int, version_hash: str) -> Position:
    """Retour met opmerkingen: back to the author (concept), remembering who sent it."""
    check_due(pos, step, version_hash)
    return replace(pos, state=CONCEPT, step=None, returned_by=step)


def mark_sent(pos: Position) -> Position:
    _require(pos, GETEKEND, what="Verzonden melden")
    return replace(pos, state=VERZONDEN)


def mark_published(pos: Position) -> Position:
    _require(pos, VERZONDEN, what="Publiceren")
    return replace(pos, state=GEPUBLICEERD)


def frontier(marks: Mapping[int, str]) -> int:
    """The number of steps initialled in order from the first."""
    n = 0
    while n in marks:
        n += 1
    return n
