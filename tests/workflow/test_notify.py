"""E-mail when a step is due, through a real SMTP server on loopback (aiosmtpd); the outbox
when no SMTP server is configured or it cannot be reached."""

from __future__ import annotations

import email
from email import policy

from typer.testing import CliRunner

from hicmonitor.cli import app
from hicmonitor.services import dossiers as D
from tests.web.conftest import free_port
from tests.workflow import scenario
from tests.workflow.conftest import CSRF_RE, actors, cli_env, login, stand
from tests.workflow.conftest import email as address


def parse(raw: str):  # noqa: ANN201
    return email.message_from_string(raw, policy=policy.default)


def mail_about(inbox, who: str, base: str, did: int, subject: str, timeout: float = 20):  # noqa: ANN001, ANN201
    """The message to ``who`` about dossier ``did`` of the site at ``base`` whose subject
    starts with ``subject``."""
    import re
    import time

    link = re.compile(rf"{re.escape(base)}/werk/dossiers/{did}(?!\d)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for raw in inbox.to(address(who)):
            msg = parse(raw)
            if msg["Subject"].startswith(subject) and link.search(msg.get_content()):
                return msg
        time.sleep(0.1)
    raise AssertionError(f"geen bericht {subject!r} aan {who} over dossier {did}")


def test_the_server_mails_whoever_is_due(werk_server, server_ws, tmp_path) -> None:
    A = actors(server_ws)
    did = scenario.new_dossier(server_ws, A, tmp_path, offer=False)
    inbox = werk_server.smtp.inbox
    with werk_server.client() as c:
        csrf = login(c, "auteur")
        r = c.post(f"/werk/dossiers/{did}/aanbieden", data={"csrf": csrf, "stand": stand(c, did)})
        assert r.status_code == 303
    for who in ("directeur", "directeur2"):
        msg = mail_about(inbox, who, werk_server.base, did, "Ter paraaf")
        assert msg["Subject"] == "Ter paraaf: Voortgangsrapportage High Impact Crimes 2023"
        assert msg["From"] == "werkstroom@example.org"
        body = msg.get_content()
        assert "wacht op uw paraaf als Directeur" in body
        assert f"{werk_server.base}/werk/dossiers/{did}" in body
        assert "Kwartiermakersfonds" not in body  # never the memo's text
    assert not any(
        f"/werk/dossiers/{did}\n" in parse(m).get_content() for m in inbox.to(address("dg"))
    )
    # the directeur sends it back: the author is told
    with werk_server.client() as c:
        login(c, "directeur")
        page = c.get(f"/werk/dossiers/{did}").text
        form = {
            "csrf": CSRF_RE.search(page).group(1),
            "stand": str(stand(c, did)),
            "stap": "0",
            "versie": D.dossier_view(server_ws, A["directeur"], did).route_hash,
            "besluit": "retour",
            "opmerkingen": "Het krachtenveld mist de banken.",
        }
        assert c.post(f"/werk/dossiers/{did}/besluit", data=form).status_code == 303
    msg = mail_about(inbox, "auteur", werk_server.base, did, "Retour met opmerkingen")
    assert "banken" not in msg.get_content()  # comments stay in the workflow
    sent = [
        m
        for m in D.outbox(server_ws)
        if m.to == address("auteur") and m.subject.startswith("Retour")
    ]
    assert sent and sent[-1].status == "verzonden"


def test_without_smtp_the_outbox_keeps_the_messages_until_sent(
    ws, fresh, tmp_path, smtp, monkeypatch
) -> None:
    import secrets

    monkeypatch.delenv("HICMONITOR_SMTP_HOST", raising=False)
    base = f"http://werk-{secrets.token_hex(4)}.example.org"
    monkeypatch.setenv("HICMONITOR_WERK_URL", base)
    A = actors(ws)
    did = scenario.new_dossier(ws, A, tmp_path)
    waiting = [m for m in D.outbox(ws) if m.status == "wacht"]
    assert {m.to for m in waiting} == {address("directeur"), address("directeur2")}
    # a server that does not answer: the messages stay, marked with the error
    monkeypatch.setenv("HICMONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HICMONITOR_SMTP_PORT", str(free_port()))
    assert D.send_outbox(ws) == (0, 2)
    failed = D.outbox(ws)
    assert all(m.status == "fout" and m.error for m in failed)
    # the command sends them once the server is there
    env = {
        **cli_env(fresh),
        "HICMONITOR_SMTP_HOST": smtp.host,
        "HICMONITOR_SMTP_PORT": str(smtp.port),
    }
    res = CliRunner().invoke(app, ["werkstroom", "berichten", "--verstuur"], env=env)
    assert res.exit_code == 0 and "2 verzonden, 0 mislukt" in res.output
    assert all(m.status == "verzonden" for m in D.outbox(ws))
    assert mail_about(smtp.inbox, "directeur2", base, did, "Ter paraaf")
    res = CliRunner().invoke(app, ["werkstroom", "berichten"], env=cli_env(fresh))
    assert res.exit_code == 0 and "verzonden" in res.output
