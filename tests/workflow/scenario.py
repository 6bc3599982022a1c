"""Building dossiers through the services, as the users would (tests' helpers)."""

from __future__ import annotations

import secrets
from pathlib import Path

from hicmonitor.services import dossiers as D
from tests.workflow import memos
from tests.workflow.conftest import SIGNATORIES

ROUTE = ["directeur", "dg", "sg", "mjenv", "mrb"]  # who acts at each step of the standard route


def new_dossier(
    ws, A, tmp: Path, *, kenmerk: str | None = None, offer: bool = True, **memo_kw
) -> int:  # noqa: ANN001
    """A dossier by "auteur" with the memo and the letter as version 1 (offered)."""
    kenmerk = kenmerk or f"T-{secrets.token_hex(4)}"
    did = D.create_dossier(ws, A["auteur"], 2023, kenmerk, signatories=SIGNATORIES)
    D.add_version_upload(
        ws,
        A["auteur"],
        did,
        memo=("nota.docx", memos.memo_bytes(tmp, f"m-{kenmerk}.docx", **memo_kw)),
        letter=("brief.docx", memos.letter_bytes(tmp)),
    )
    if offer:
        D.offer(ws, A["auteur"], did)
    return did


def act(ws, A, who: str, did: int, *, approve: bool = True, comment: str | None = None) -> str:  # noqa: ANN001
    """``who`` acts on the due step with the page's lock, as the web form would."""
    view = D.dossier_view(ws, A[who], did)
    assert view.due is not None, view.state
    return D.decide(
        ws,
        A[who],
        did,
        view.due.index,
        view.route_hash,
        approve=approve,
        comment=comment,
        lock=view.lock,
    )


def sign(ws, A, did: int, upto: int = len(ROUTE)) -> None:  # noqa: ANN001
    for who in ROUTE[:upto]:
        act(ws, A, who, did)


def statuses(ws, A, did: int) -> list[str]:  # noqa: ANN001
    return [s.status for s in D.dossier_view(ws, A["auteur"], did).steps]
