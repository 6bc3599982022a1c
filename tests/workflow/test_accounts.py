"""Accounts and roles: ``hic gebruiker maak|rol|blokkeer|lijst``, argon2id hashes, login with
lockout and rate limit, blocking, the OIDC seam."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from hicmonitor.cli import app
from hicmonitor.services import accounts
from hicmonitor.services import workflow as wf
from hicmonitor.workflow import accounts as acc
from tests.workflow.conftest import PASSWORD, cli_env, workflow_config

runner = CliRunner()


def hic(urls, *args: str, stdin: str | None = None):  # noqa: ANN001, ANN201
    res = runner.invoke(app, list(args), env=cli_env(urls), input=stdin)
    return res.exit_code, " ".join(res.output.split())


def audit_actions(ws) -> list[tuple[str, str, str]]:  # noqa: ANN001
    from hicmonitor.workflow import repository as repo

    with ws.db.read() as s:
        return [(e.actor, e.action, e.detail) for e in repo.audit_entries(s)]


def test_hic_gebruiker_maak_rol_blokkeer(ws, fresh) -> None:
    code, out = hic(
        fresh,
        "gebruiker", "maak", "nieuw.lid", "--naam", "Nina Nieuw", "--email", "nina@example.org",
        "--rol", "parafeerder", "--niveau", "dg", "--rol", "lezer", "--wachtwoord-stdin",
        stdin="een-goed-lang-wachtwoord\n",
    )  # fmt: skip
    assert code == 0, out
    assert "account nieuw.lid gemaakt: lezer, parafeerder (dg)" in out
    code, out = hic(
        fresh,
        "gebruiker",
        "rol",
        "nieuw.lid",
        "bewindspersoon",
        "--functie",
        "Minister voor Rechtsbescherming",
    )
    assert code == 0 and "bewindspersoon (Minister voor Rechtsbescherming)" in out
    code, out = hic(fresh, "gebruiker", "rol", "nieuw.lid", "lezer", "--intrekken")
    assert code == 0 and "lezer" not in out.split(":", 1)[1]
    code, out = hic(fresh, "gebruiker", "blokkeer", "nieuw.lid")
    assert code == 0 and "geblokkeerd" in out
    code, out = hic(fresh, "gebruiker", "lijst")
    assert code == 0 and "nieuw.lid" in out and "geblokkeerd" in out
    # stored as an argon2id hash (cost from the settings), never the password itself
    eng = create_engine(fresh.owner)
    with eng.connect() as c:
        h = c.execute(text("SELECT password_hash FROM users WHERE username = 'nieuw.lid'")).scalar()
    eng.dispose()
    assert h.startswith("$argon2id$v=19$m=8192,t=1,p=1$") and "een-goed-lang" not in h
    # every role change is in the audit trail
    trail = [(a, act) for a, act, _ in audit_actions(ws)]
    assert ("beheer (opdrachtregel)", "rol toegekend") in trail
    assert ("beheer (opdrachtregel)", "rol ingetrokken") in trail
    assert ("beheer (opdrachtregel)", "gebruiker geblokkeerd") in trail


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gebruiker", "rol", "lezer", "parafeerder"], "een parafeerder heeft een niveau"),
        (
            ["gebruiker", "rol", "lezer", "parafeerder", "--niveau", "minister"],
            "kies uit directeur, dg, sg",
        ),
        (["gebruiker", "rol", "lezer", "koning"], "onbekende rol 'koning'"),
        (["gebruiker", "rol", "niemand", "lezer"], "gebruiker 'niemand' bestaat niet"),
        (["gebruiker", "rol", "lezer", "bewindspersoon"], "een bewindspersoon heeft een functie"),
        (["gebruiker", "blokkeer", "niemand"], "bestaat niet"),
    ],
)
def test_wrong_role_commands_get_a_dutch_error(fresh, args, message) -> None:
    code, out = hic(fresh, *args)
    assert code == 1
    assert out.startswith("fout:") and message in out and "Traceback" not in out


def test_a_new_account_is_checked(fresh) -> None:
    code, out = hic(
        fresh, "gebruiker", "maak", "x", "--naam", "X", "--wachtwoord-stdin", stdin="kort\n"
    )
    assert code == 1 and "gebruikersnaam" in out
    code, out = hic(
        fresh, "gebruiker", "maak", "xavier", "--naam", "X", "--wachtwoord-stdin", stdin="kort\n"
    )
    assert code == 1 and "minstens 12 tekens" in out
    code, out = hic(
        fresh,
        "gebruiker",
        "maak",
        "lezer",
        "--naam",
        "X",
        "--wachtwoord-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 1 and "bestaat al" in out
    code, out = hic(
        fresh, "gebruiker", "maak", "xavier", "--naam", "X", "--email", "geen-adres", "--wachtwoord-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 1 and "e-mailadres" in out


def test_the_shipped_argon2_cost() -> None:
    from hicmonitor.workflow.config import load

    params = load().wachtwoord.argon2
    assert params == (3, 65536, 4)
    h = acc.hash_password("een-goed-lang-wachtwoord", params)
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert acc.verify_password(h, "een-goed-lang-wachtwoord", params) == (True, None)
    assert acc.verify_password(h, "fout", params)[0] is False
    # a hash with other parameters is re-hashed at the next login
    ok, new = acc.verify_password(h, "een-goed-lang-wachtwoord", (1, 8192, 1))
    assert ok and new.startswith("$argon2id$v=19$m=8192,t=1,p=1$")


def test_login_lockout_after_repeated_failures(ws) -> None:
    for _ in range(5):
        with pytest.raises(wf.InvalidInput, match="gebruikersnaam of wachtwoord onjuist"):
            accounts.login(ws, "lezer", "verkeerd-wachtwoord", "10.0.0.1")
    # now even the right password is refused, with a Dutch message and the time it ends
    with pytest.raises(
        wf.TooManyAttempts, match="tijdelijk vergrendeld; probeer het na \\d\\d:\\d\\d"
    ):
        accounts.login(ws, "lezer", PASSWORD, "10.0.0.1")
    # the beheerder lifts it
    accounts.set_blocked(ws, accounts.cli_actor(), "lezer", blocked=False)
    assert accounts.login(ws, "lezer", PASSWORD, "10.0.0.1").actor.username == "lezer"
    actions = [a for _, a, _ in audit_actions(ws)]
    assert actions.count("inloggen mislukt") == 5 and "account vergrendeld" in actions


def test_unknown_names_are_locked_alike(ws) -> None:
    for _ in range(5):
        with pytest.raises(wf.InvalidInput, match="gebruikersnaam of wachtwoord onjuist"):
            accounts.login(ws, "bestaat.niet", "wat-dan-ook-123", "10.0.0.2")
    with pytest.raises(wf.TooManyAttempts, match="vergrendeld"):
        accounts.login(ws, "bestaat.niet", "wat-dan-ook-123", "10.0.0.2")


def test_rate_limit_per_address(fresh) -> None:
    from hicmonitor.services.workflow import open_workflow

    cfg = workflow_config()
    cfg = cfg.model_copy(update={"inloggen": cfg.inloggen.model_copy(update={"max_per_adres": 3})})
    w = open_workflow(url=fresh.app, config=cfg, auto_migrate=False)
    try:
        for name in ("lezer", "woo", "dg"):
            accounts.login(w, name, PASSWORD, "10.0.0.3")
        with pytest.raises(wf.TooManyAttempts, match="vanaf dit adres"):
            accounts.login(w, "beheer", PASSWORD, "10.0.0.3")
        # another address is not affected
        accounts.login(w, "beheer", PASSWORD, "10.0.0.4")
    finally:
        w.close()


def test_a_blocked_account_cannot_log_in_and_loses_its_sessions(ws) -> None:
    session = accounts.login(ws, "woo", PASSWORD, "10.0.0.5")
    assert accounts.session_actor(ws, session.token).username == "woo"
    accounts.set_blocked(ws, accounts.cli_actor(), "woo")
    assert accounts.session_actor(ws, session.token) is None
    with pytest.raises(wf.AccessDenied, match="geblokkeerd"):
        accounts.login(ws, "woo", PASSWORD, "10.0.0.5")
    # a wrong password on a blocked account says nothing about the block
    with pytest.raises(wf.InvalidInput, match="onjuist"):
        accounts.login(ws, "woo", "verkeerd-wachtwoord", "10.0.0.5")


def test_sessions_are_new_at_every_login_and_end_at_logout(ws) -> None:
    a = accounts.login(ws, "dg", PASSWORD, "10.0.0.6")
    b = accounts.login(ws, "dg", PASSWORD, "10.0.0.6")
    assert a.token != b.token and a.actor.csrf != b.actor.csrf
    accounts.logout(ws, b.actor)
    assert accounts.session_actor(ws, b.token) is None
    assert accounts.session_actor(ws, "een-zelfgekozen-sessie-id") is None


def test_the_oidc_seam(ws) -> None:
    accounts.create_user(
        ws, accounts.cli_actor(), "sso.gebruiker", "Sam Sso", oidc=("https://login.example.org", "sub-123"),
        grants=[("lezer", None)],
    )  # fmt: skip
    login = accounts.login_external(ws, "https://login.example.org", "sub-123")
    assert accounts.session_actor(ws, login.token).username == "sso.gebruiker"
    with pytest.raises(wf.AccessDenied):
        accounts.login_external(ws, "https://login.example.org", "sub-999")
    # no password: a password login never succeeds for it
    with pytest.raises(wf.InvalidInput):
        accounts.login(ws, "sso.gebruiker", "", "10.0.0.7")


def test_only_a_beheerder_manages_accounts(ws) -> None:
    from tests.workflow.conftest import actors

    A = actors(ws)
    web_lezer = wf.Actor(A["lezer"].user_id, "lezer", grants=A["lezer"].grants)
    with pytest.raises(wf.AccessDenied):
        accounts.change_role(ws, web_lezer, "lezer", "beheerder")
    web_admin = wf.Actor(A["beheer"].user_id, "beheer", grants=A["beheer"].grants)
    accounts.change_role(ws, web_admin, "lezer", "woo-coördinator")
    with pytest.raises(wf.InvalidInput, match="eigen account"):
        accounts.set_blocked(ws, web_admin, "beheer")
