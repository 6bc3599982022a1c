"""E-mail when a step is due: through SMTP when configured, otherwise the message waits in
the outbox table (``hic werkstroom berichten`` lists it).

Settings (environment): ``HICMONITOR_SMTP_HOST`` (no host: outbox only), ``_PORT`` (25),
``_AFZENDER`` (sender address), ``_GEBRUIKER`` and ``_WACHTWOORD`` (login), ``_STARTTLS``
(1 to upgrade the connection). ``HICMONITOR_WERK_URL`` is the address the messages link to.
Messages never carry a memo's text: only its title, kenmerk, version and the step.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SMTP_ENV = "HICMONITOR_SMTP_HOST"
URL_ENV = "HICMONITOR_WERK_URL"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "hicmonitor@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 15.0


def smtp_settings() -> SmtpSettings | None:
    host = os.environ.get(SMTP_ENV, "").strip()
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("HICMONITOR_SMTP_PORT", "25") or 25),
        sender=os.environ.get("HICMONITOR_SMTP_AFZENDER", "").strip() or "hicmonitor@localhost",
        user=os.environ.get("HICMONITOR_SMTP_GEBRUIKER") or None,
        password=os.environ.get("HICMONITOR_SMTP_WACHTWOORD") or None,
        starttls=os.environ.get("HICMONITOR_SMTP_STARTTLS", "") in ("1", "ja", "true"),
    )


def base_url() -> str:
    return (os.environ.get(URL_ENV, "").strip() or "http://127.0.0.1:8000").rstrip("/")


def deliver(settings: SmtpSettings, to: str, subject: str, body: str) -> None:
    """Send one message; raises OSError / smtplib.SMTPException on failure."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="hicmonitor")
    msg.set_content(body)
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user and settings.password:
            smtp.login(settings.user, settings.password)
        smtp.send_message(msg)
