"""The audit chain: every action appended with who, what, when and the version hash;
changing, deleting or reordering an entry is found by ``hic audit controleer``, which names
the first broken entry; on PostgreSQL the application's role cannot UPDATE or DELETE it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from hicmonitor.cli import app
from hicmonitor.services import workflow as wf
from hicmonitor.workflow import audit
from tests.workflow import scenario
from tests.workflow.conftest import actors, cli_env

runner = CliRunner()


def controleer(urls) -> tuple[int, str]:  # noqa: ANN001
    res = runner.invoke(app, ["audit", "controleer"], env=cli_env(urls))
    return res.exit_code, " ".join(res.output.split())


def owner(backend, urls):  # noqa: ANN001, ANN201
    """A connection as the table's owner, with the append-only trigger off (PostgreSQL):
    what an intruder with the owner's rights could do."""
    eng = create_engine(urls.owner)
    conn = eng.connect()
    if backend.kind == "postgresql":
        conn.execute(text("ALTER TABLE audit DISABLE TRIGGER USER"))
    return eng, conn


def rows(conn) -> list:  # noqa: ANN001
    return conn.execute(text("SELECT seq, actor, action, hash FROM audit ORDER BY seq")).all()


@pytest.fixture
def chain(ws, fresh, tmp_path):  # noqa: ANN001, ANN201
    """A dossier through part of its route: logins, uploads, parafen, a retour, a view of
    section 5 and a role change, all in the chain."""
    from hicmonitor.services import accounts
    from hicmonitor.services import dossiers as D

    A = actors(ws)
    accounts.login(ws, "directeur", "wachtwoord-voor-de-tests", "127.0.0.1")
    did = scenario.new_dossier(ws, A, tmp_path)
    scenario.sign(ws, A, did, upto=2)
    scenario.act(ws, A, "sg", did, approve=False, comment="Graag 4.1 aanvullen.")
    D.version_view(ws, A["auteur"], did, 1)
    accounts.change_role(ws, accounts.cli_actor(), "lezer", "opsteller")
    return did


def test_every_action_is_in_the_chain_and_it_verifies(ws, fresh, chain) -> None:
    with ws.db.read() as s:
        from hicmonitor.workflow import repository as repo

        entries = list(repo.audit_entries(s))
    actions = [e.action for e in entries]
    for expected in (
        "gebruiker aangemaakt",
        "inloggen",
        "dossier aangemaakt",
        "versie toegevoegd",
        "aangeboden",
        "paraaf",
        "retour",
        "sectie 5 bekeken",
        "rol toegekend",
    ):
        assert expected in actions, expected
    paraaf = next(e for e in entries if e.action == "paraaf")
    assert (
        paraaf.actor == "directeur (opdrachtregel)"
        and paraaf.version_hash
        and paraaf.dossier_id == chain
    )
    assert json.loads(paraaf.detail)["stap"] == "Directeur"
    # each entry carries the previous one's hash
    for a, b in zip(entries, entries[1:], strict=False):
        assert b.prev_hash == a.hash and b.seq == a.seq + 1
    # the retour's comment is not in the chain (only its length)
    assert all("aanvullen" not in e.detail for e in entries)
    code, out = controleer(fresh)
    assert code == 0, out
    assert f"auditketen in orde: {len(entries)} regels" in out


def test_a_changed_entry_is_named(backend, fresh, chain) -> None:
    eng, conn = owner(backend, fresh)
    k = rows(conn)[5].seq
    conn.execute(text("UPDATE audit SET actor = 'iemand anders' WHERE seq = :k"), {"k": k})
    conn.commit()
    eng.dispose()
    code, out = controleer(fresh)
    assert code == 1
    assert f"regel #{k} " in out and "inhoud is gewijzigd" in out


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(backend, fresh, chain) -> None:
    eng, conn = owner(backend, fresh)
    r = conn.execute(text("SELECT * FROM audit ORDER BY seq LIMIT 1 OFFSET 4")).mappings().one()
    forged = audit.entry_hash(
        r["seq"],
        r["at"],
        "vervalst",
        r["action"],
        r["dossier_id"],
        r["version_hash"],
        r["detail"],
        r["prev_hash"],
    )
    conn.execute(
        text("UPDATE audit SET actor = 'vervalst', hash = :h WHERE seq = :k"),
        {"h": forged, "k": r["seq"]},
    )
    conn.commit()
    eng.dispose()
    code, out = controleer(fresh)
    assert code == 1
    assert f"regel #{r['seq'] + 1} " in out and f"regel #{r['seq']} is gewijzigd" in out


def test_a_deleted_entry_is_named(backend, fresh, chain) -> None:
    eng, conn = owner(backend, fresh)
    k = rows(conn)[3].seq
    conn.execute(text("DELETE FROM audit WHERE seq = :k"), {"k": k})
    conn.commit()
    eng.dispose()
    code, out = controleer(fresh)
    assert code == 1
    assert f"regel #{k} ontbreekt" in out


def test_deleting_the_newest_entries_is_seen_against_the_head(backend, fresh, chain) -> None:
    eng, conn = owner(backend, fresh)
    last = rows(conn)[-1].seq
    conn.execute(text("DELETE FROM audit WHERE seq >= :k"), {"k": last - 1})
    conn.commit()
    eng.dispose()
    code, out = controleer(fresh)
    assert code == 1
    assert f"regel #{last - 1}–#{last} ontbreekt" in out


def test_reordered_entries_are_named(backend, fresh, chain) -> None:
    eng, conn = owner(backend, fresh)
    a, b = rows(conn)[6].seq, rows(conn)[7].seq
    conn.execute(text("UPDATE audit SET seq = -1 WHERE seq = :a"), {"a": a})
    conn.execute(text("UPDATE audit SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
    conn.execute(text("UPDATE audit SET seq = :b WHERE seq = -1"), {"b": b})
    conn.commit()
    eng.dispose()
    code, out = controleer(fresh)
    assert code == 1
    assert f"regel #{a} " in out


def test_postgres_refuses_update_and_delete_for_the_app_role(backend, fresh, chain) -> None:
    if backend.kind != "postgresql":
        pytest.skip("alleen PostgreSQL kent rollen; SQLite heeft geen gebruikers")
    from sqlalchemy.exc import ProgrammingError

    app_eng = create_engine(fresh.app)
    with app_eng.connect() as c:
        assert c.execute(text("SELECT count(*) FROM audit")).scalar() > 5
        for stmt in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit", "TRUNCATE audit"):
            with pytest.raises(ProgrammingError, match="permission denied"):
                c.execute(text(stmt))
            c.rollback()
        with pytest.raises(ProgrammingError, match="must be owner|permission denied"):
            c.execute(text("ALTER TABLE audit DISABLE TRIGGER USER"))
        c.rollback()
    app_eng.dispose()
    # the owner is stopped by the trigger (unless it switches the trigger off)
    own = create_engine(fresh.owner)
    with own.connect() as c:
        for stmt in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(ProgrammingError, match="kan alleen worden aangevuld"):
                c.execute(text(stmt))
            c.rollback()
    own.dispose()
    assert controleer(fresh)[0] == 0


def test_the_audit_page_shows_the_verdict_to_a_beheerder(ws, chain) -> None:
    A = actors(ws)
    lines = wf.recent_audit(ws, A["beheer"])
    assert lines[0].seq > lines[-1].seq
    with pytest.raises(wf.AccessDenied):
        wf.recent_audit(ws, A["lezer"])


# -- the pure check on generated chains -------------------------------------------------------


def _chain(n: int) -> list[audit.Entry]:
    out, prev = [], (0, audit.GENESIS)
    for i in range(n):
        e = audit.make_entry(
            prev, f"2025-01-01T00:00:{i:02d}.000000Z", f"u{i % 3}", "paraaf", 1, "h" * 64, {"i": i}
        )
        out.append(e)
        prev = (e.seq, e.hash)
    return out


@settings(max_examples=150, deadline=None)
@given(n=st.integers(2, 25), data=st.data())
def test_any_single_tampering_is_found_at_or_before_the_first_touched_entry(n, data) -> None:
    from dataclasses import replace

    entries = _chain(n)
    head = (entries[-1].seq, entries[-1].hash)
    assert audit.verify(entries, head).ok
    kind = data.draw(st.sampled_from(["change", "delete", "swap"]))
    i = data.draw(st.integers(0, n - 2))
    tampered = list(entries)
    if kind == "change":
        tampered[i] = replace(tampered[i], actor="x")
    elif kind == "delete":
        del tampered[i]
    else:
        a, b = tampered[i], tampered[i + 1]
        tampered[i], tampered[i + 1] = replace(b, seq=a.seq), replace(a, seq=b.seq)
    v = audit.verify(tampered, head)
    assert not v.ok
    assert v.broken_seq == entries[i].seq
