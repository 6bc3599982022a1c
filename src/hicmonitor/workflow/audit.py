"""The audit chain as pure functions: the hash of an entry and the check of a whole chain.

Every entry holds who, what, when, the dossier and the version hash, a JSON detail, the hash
of the entry before it and its own hash: sha256 over a canonical JSON of all those fields
(sequence number included). Changing an entry breaks its own hash; deleting or reordering
entries breaks the sequence or the link to the previous hash; deleting the newest entries is
seen against the chain's head (kept in a separate one-row table, see the repository).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str  # ISO 8601, UTC, seconds and microseconds
    actor: str
    action: str
    dossier_id: int | None
    version_hash: str | None
    detail: str  # canonical JSON
    prev_hash: str
    hash: str


def canonical(detail: dict[str, Any] | None) -> str:
    return json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    dossier_id: int | None,
    version_hash: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [seq, at, actor, action, dossier_id, version_hash, detail, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def make_entry(
    prev: tuple[int, str],
    at: str,
    actor: str,
    action: str,
    dossier_id: int | None,
    version_hash: str | None,
    detail: dict[str, Any] | None,
) -> Entry:
    """The entry after ``prev`` = (its sequence number, its hash); (0, GENESIS) first."""
    seq = prev[0] + 1
    text = canonical(detail)
    h = entry_hash(seq, at, actor, action, dossier_id, version_hash, text, prev[1])
    return Entry(seq, at, actor, action, dossier_id, version_hash, text, prev[1], h)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    last_hash: str
    broken_seq: int | None = None
    message: str = ""


def verify(entries: Iterable[Entry], head: tuple[int, str] | None) -> Verdict:
    """Check a chain read in sequence order; the first broken entry is named in Dutch.

    ``head``: (sequence number, hash) of the newest entry as the head table records it.
    """
    prev_seq, prev_hash = 0, GENESIS
    count = 0
    for e in entries:
        expected = prev_seq + 1
        where = f"regel #{e.seq} ({e.at}, {e.action})"
        if e.seq != expected:
            if e.seq > expected:
                gone = f"#{expected}" if e.seq == expected + 1 else f"#{expected}–#{e.seq - 1}"
                msg = f"regel {gone} ontbreekt: na regel #{prev_seq} komt regel #{e.seq}"
                return Verdict(False, count, prev_hash, expected, msg)
            msg = f"{where}: volgnummer {e.seq} staat na #{prev_seq} (volgorde gewijzigd)"
            return Verdict(False, count, prev_hash, e.seq, msg)
        if e.prev_hash != prev_hash:
            msg = (
                f"{where}: verwijst niet naar de regel ervoor (regel #{prev_seq} is gewijzigd, "
                "verwijderd of verplaatst)"
            )
            return Verdict(False, count, prev_hash, e.seq, msg)
        recomputed = entry_hash(
            e.seq, e.at, e.actor, e.action, e.dossier_id, e.version_hash, e.detail, e.prev_hash
        )
        if recomputed != e.hash:
            msg = f"{where}: de inhoud is gewijzigd (de hash klopt niet)"
            return Verdict(False, count, prev_hash, e.seq, msg)
        prev_seq, prev_hash = e.seq, e.hash
        count += 1
    if head is not None and (head[0], head[1]) != (prev_seq, prev_hash):
        if head[0] > prev_seq:
            gone = f"#{prev_seq + 1}" if head[0] == prev_seq + 1 else f"#{prev_seq + 1}–#{head[0]}"
            msg = f"regel {gone} ontbreekt: de keten liep tot regel #{head[0]}"
            return Verdict(False, count, prev_hash, prev_seq + 1, msg)
        msg = f"regel #{prev_seq}: de laatste regel klopt niet met de kop van de keten"
        return Verdict(False, count, prev_hash, prev_seq or None, msg)
    return Verdict(True, count, prev_hash)
