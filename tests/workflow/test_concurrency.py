"""Two people acting on the same step at the same time: exactly one succeeds, the other gets
a clear Dutch conflict message (optimistic locking with the dossier's version column), on
SQLite and on PostgreSQL, through the real server and through the services."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy.orm import Session

from hicmonitor.services import dossiers as D
from hicmonitor.services import workflow as wf
from hicmonitor.workflow import repository as repo
from tests.workflow import scenario
from tests.workflow.conftest import CSRF_RE, STAND_RE, actors, login

ROUNDS = 3


def _form(client: httpx.Client, did: int) -> dict[str, str]:
    page = client.get(f"/werk/dossiers/{did}").text
    return {
        "csrf": CSRF_RE.search(page).group(1),
        "stand": STAND_RE.search(page).group(1),
        "stap": re.search(r'name="stap" value="(\d+)"', page).group(1),
        "versie": re.search(r'name="versie" value="([0-9a-f]{64})"', page).group(1),
        "besluit": "akkoord",
    }


def at_once(fn, args: list[tuple]) -> list:  # noqa: ANN001
    """Call ``fn(*a)`` for every ``a`` in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(args))

    def run(a: tuple):  # noqa: ANN202
        barrier.wait()
        return fn(*a)

    with ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(run, args))


def attempt(ws, actor, did: int, view) -> str:  # noqa: ANN001
    try:
        D.decide(ws, actor, did, 0, view.route_hash, approve=True, lock=view.lock)
        return "ok"
    except wf.Conflict as exc:
        return str(exc)


def test_two_directors_initial_the_same_step_at_once(werk_server, server_ws, tmp_path) -> None:
    A = actors(server_ws)
    clients = [werk_server.client(), werk_server.client()]
    login(clients[0], "directeur")
    login(clients[1], "directeur2")
    try:
        for _ in range(ROUNDS):
            did = scenario.new_dossier(server_ws, A, tmp_path)
            forms = [_form(c, did) for c in clients]
            assert forms[0]["stand"] == forms[1]["stand"]
            answers = at_once(
                lambda c, f, url=f"/werk/dossiers/{did}/besluit": c.post(url, data=f),
                list(zip(clients, forms, strict=True)),
            )
            codes = sorted(r.status_code for r in answers)
            assert codes == [303, 409], codes
            loser = next(r for r in answers if r.status_code == 409)
            assert (
                "intussen gewijzigd" in loser.text and "uw actie is niet uitgevoerd" in loser.text
            )
            view = D.dossier_view(server_ws, A["auteur"], did)
            given = [m for m in view.marks if m.kind == "akkoord"]
            assert len(given) == 1 and view.due.label == "Directeur-generaal"
    finally:
        for c in clients:
            c.close()


def test_the_services_let_exactly_one_through(ws, tmp_path) -> None:
    A = actors(ws)
    for _ in range(ROUNDS):
        did = scenario.new_dossier(ws, A, tmp_path)
        view = D.dossier_view(ws, A["directeur"], did)
        results = at_once(
            lambda who, did=did, view=view: attempt(ws, A[who], did, view),
            [("directeur",), ("directeur2",)],
        )
        assert results.count("ok") == 1, results
        assert any("intussen gewijzigd" in r or "niet (meer) aan de beurt" in r for r in results)
        assert (
            len([m for m in D.dossier_view(ws, A["auteur"], did).marks if m.kind == "akkoord"]) == 1
        )


def test_the_version_column_refuses_a_stale_write(ws, tmp_path) -> None:
    """The guard under the form's check: an UPDATE of a dossier read before someone else's
    change matches no row (``... WHERE lock_version = n``) and becomes a conflict."""
    A = actors(ws)
    did = scenario.new_dossier(ws, A, tmp_path)
    with Session(ws.db.engine, expire_on_commit=False) as s:
        stale = repo.dossier(s, did)  # read now, written later
        s.commit()
    D.decide(ws, A["directeur"], did, 0, stale.route_hash, approve=True)  # someone else
    with pytest.raises(wf.Conflict, match="intussen gewijzigd"), ws.db.write() as s:
        d = s.merge(stale, load=False)
        d.returned_by = 0
        s.flush()
    assert D.dossier_view(ws, A["auteur"], did).due.label == "Directeur-generaal"
