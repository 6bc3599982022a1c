"""``hic gebruiker``, ``hic dossier``, ``hic audit``, ``hic werkstroom``: the memo's route.

The workflow store is ``HICMONITOR_WORKFLOW_DB`` or a SQLite file beside the store of
``--db``. Thin: options in, a service call, its answer printed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hicmonitor.cli.common import app, console, db_path, err_console, open_store, sub_app
from hicmonitor.errors import HicError

if TYPE_CHECKING:
    from hicmonitor.services.workflow import Workflow

gebruiker_app = sub_app("Accounts en rollen van de werkstroom (paraafroute).")
dossier_app = sub_app("Dossiers van de beslisnota: aanmaken, versies toevoegen, overzicht.")
audit_app = sub_app("Het auditspoor van de werkstroom.")
werkstroom_app = sub_app("De werkstroomdatabase: migraties, berichten.")
app.add_typer(gebruiker_app, name="gebruiker")
app.add_typer(dossier_app, name="dossier")
app.add_typer(audit_app, name="audit")
app.add_typer(werkstroom_app, name="werkstroom")

_Niveau = Annotated[
    str | None, typer.Option("--niveau", help="Niveau van een parafeerder: directeur, dg of sg.")
]
_Functie = Annotated[
    str | None,
    typer.Option(
        "--functie", help="Functie van een bewindspersoon, bijv. 'Minister voor Rechtsbescherming'."
    ),
]


def _open() -> Workflow:
    from hicmonitor.services.workflow import open_workflow
    from hicmonitor.store import default_db_path

    return open_workflow(db_path() or default_db_path())


def _qualifier(rol: str, niveau: str | None, functie: str | None) -> str | None:
    r = rol.strip().lower()
    if r == "parafeerder":
        return niveau
    if r == "bewindspersoon":
        return functie
    return None


def _grants_text(grants) -> str:  # noqa: ANN001
    return ", ".join(g.label() for g in grants) or "(geen rol)"


# -- hic gebruiker ------------------------------------------------------------------------


@gebruiker_app.command("maak")
def gebruiker_maak(
    gebruikersnaam: Annotated[
        str, typer.Argument(help="Inlognaam (kleine letters, cijfers, . _ -).")
    ],
    naam: Annotated[str, typer.Option("--naam", help="Volledige naam.")],
    email: Annotated[
        str | None, typer.Option("--email", help="E-mailadres voor meldingen.")
    ] = None,
    rol: Annotated[
        list[str] | None,
        typer.Option(
            "--rol",
            help="Rol (herhaalbaar): opsteller, parafeerder, bewindspersoon, woo-coördinator, lezer, beheerder.",
        ),
    ] = None,
    niveau: _Niveau = None,
    functie: _Functie = None,
    wachtwoord_stdin: Annotated[
        bool, typer.Option("--wachtwoord-stdin", help="Lees het wachtwoord van de standaardinvoer.")
    ] = False,
) -> None:
    """Maak een account (het wachtwoord wordt gevraagd en met argon2id opgeslagen)."""
    from hicmonitor.services import accounts

    if wachtwoord_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    ws = _open()
    try:
        info = accounts.create_user(
            ws,
            accounts.cli_actor(),
            gebruikersnaam,
            naam,
            email=email,
            password=password,
            grants=[(r, _qualifier(r, niveau, functie)) for r in (rol or [])],
        )
    finally:
        ws.close()
    console.print(f"account {info.username} gemaakt: {_grants_text(info.grants)}", highlight=False)


@gebruiker_app.command("rol")
def gebruiker_rol(
    gebruikersnaam: Annotated[str, typer.Argument(help="Inlognaam.")],
    rol: Annotated[str, typer.Argument(help="De rol.")],
    niveau: _Niveau = None,
    functie: _Functie = None,
    intrekken: Annotated[bool, typer.Option("--intrekken", help="Trek de rol in.")] = False,
) -> None:
    """Ken een rol toe (of trek haar in); elke wijziging staat in het auditspoor."""
    from hicmonitor.services import accounts

    ws = _open()
    try:
        info = accounts.change_role(
            ws,
            accounts.cli_actor(),
            gebruikersnaam,
            rol,
            _qualifier(rol, niveau, functie),
            revoke=intrekken,
        )
    finally:
        ws.close()
    console.print(f"{info.username}: {_grants_text(info.grants)}", highlight=False)


@gebruiker_app.command("blokkeer")
def gebruiker_blokkeer(
    gebruikersnaam: Annotated[str, typer.Argument(help="Inlognaam.")],
    opheffen: Annotated[
        bool, typer.Option("--opheffen", help="Hef de blokkade (en een vergrendeling) op.")
    ] = False,
) -> None:
    """Blokkeer een account (het kan niet meer inloggen; open sessies vervallen)."""
    from hicmonitor.services import accounts

    ws = _open()
    try:
        info = accounts.set_blocked(ws, accounts.cli_actor(), gebruikersnaam, blocked=not opheffen)
    finally:
        ws.close()
    console.print(f"{info.username}: {'geblokkeerd' if info.blocked else 'niet geblokkeerd'}")


@gebruiker_app.command("lijst")
def gebruiker_lijst() -> None:
    """Alle accounts met hun rollen."""
    from rich.table import Table

    from hicmonitor.services import accounts

    ws = _open()
    try:
        users = accounts.list_users(ws, accounts.cli_actor())
    finally:
        ws.close()
    table = Table("gebruiker", "naam", "e-mail", "rollen", "status")
    for u in users:
        status = "geblokkeerd" if u.blocked else ("vergrendeld" if u.locked_until else "actief")
        table.add_row(u.username, u.display_name, u.email or "", _grants_text(u.grants), status)
    console.print(table)


# -- hic dossier --------------------------------------------------------------------------


@dossier_app.command("maak")
def dossier_maak(
    jaar: Annotated[int, typer.Option("--jaar", help="Rapportjaar.")],
    kenmerk: Annotated[str, typer.Option("--kenmerk", help="Ons kenmerk van de nota.")],
    opsteller: Annotated[str, typer.Option("--opsteller", help="Inlognaam van de opsteller.")],
    titel: Annotated[
        str | None, typer.Option("--titel", help="Titel (standaard: Voortgangsrapportage …).")
    ] = None,
    ondertekenaar: Annotated[
        list[str] | None,
        typer.Option(
            "--ondertekenaar",
            help="Functie van een ondertekenaar (herhaalbaar; standaard uit de specificatie).",
        ),
    ] = None,
) -> None:
    """Maak een dossier voor een beslisnota (concept)."""
    from hicmonitor.services import accounts, dossiers

    ws = _open()
    try:
        actor = accounts.named_actor(ws, opsteller)
        did = dossiers.create_dossier(
            ws, actor, jaar, kenmerk, title=titel, signatories=ondertekenaar
        )
        view = dossiers.dossier_view(ws, actor, did)
    finally:
        ws.close()
    console.print(
        f"dossier {did} ({kenmerk}) gemaakt; route: {' → '.join(s.label for s in view.steps)}",
        highlight=False,
    )


@dossier_app.command("versie")
def dossier_versie(
    dossier: Annotated[int, typer.Argument(help="Dossiernummer.")],
    opsteller: Annotated[str, typer.Option("--opsteller", help="Inlognaam van de opsteller.")],
    rapport: Annotated[
        bool, typer.Option("--rapport", help="Maak de documenten met hic rapport uit de database.")
    ] = False,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Rapportspecificatie bij --rapport.")
    ] = None,
    beslisnota: Annotated[
        Path | None, typer.Option("--beslisnota", help="Bewerkte beslisnota (.docx).")
    ] = None,
    kamerbrief: Annotated[
        Path | None, typer.Option("--kamerbrief", help="Bewerkte Kamerbrief (.docx).")
    ] = None,
    opmerking: Annotated[str, typer.Option("--opmerking", help="Wat er veranderd is.")] = "",
) -> None:
    """Voeg een versie toe: uit hic rapport (--rapport) of uit bewerkte Word-documenten."""
    from hicmonitor.services import accounts, dossiers

    if rapport == bool(beslisnota or kamerbrief):
        raise HicError("geef óf --rapport óf --beslisnota/--kamerbrief")

    def read(p: Path | None) -> tuple[str, bytes] | None:
        if p is None:
            return None
        try:
            return p.name, p.read_bytes()
        except OSError as exc:
            raise HicError(f"{p}: kan het bestand niet lezen ({exc.strerror})") from None

    ws = _open()
    try:
        actor = accounts.named_actor(ws, opsteller)
        if rapport:
            con = open_store()
            with err_console.status("rapport maken") as status:
                res = dossiers.add_version_from_report(
                    ws,
                    actor,
                    dossier,
                    con,
                    spec_path=spec,
                    note=opmerking,
                    progress=lambda m: status.update(m),
                )
        else:
            res = dossiers.add_version_upload(
                ws, actor, dossier, memo=read(beslisnota), letter=read(kamerbrief), note=opmerking
            )
    finally:
        ws.close()
    console.print(f"versie {res.number} toegevoegd (sha256 {res.hash})", highlight=False)
    if res.restarted_at is not None or res.voided:
        console.print(
            f"{res.voided} paraaf/parafen vervallen; de route begint opnieuw bij "
            f"{res.restarted_at or 'de ondertekening'} ({res.reason})",
            highlight=False,
        )


@dossier_app.command("lijst")
def dossier_lijst(
    als: Annotated[str, typer.Option("--als", help="Inlognaam van wie kijkt.")],
) -> None:
    """De dossiers met hun stand."""
    from rich.table import Table

    from hicmonitor.services import accounts, dossiers

    ws = _open()
    try:
        items = dossiers.list_dossiers(ws, accounts.named_actor(ws, als))
    finally:
        ws.close()
    table = Table("nr", "jaar", "kenmerk", "titel", "stand", "aan de beurt", "versies")
    for d in items:
        table.add_row(
            str(d.id),
            str(d.year),
            d.kenmerk,
            d.title,
            d.state_label,
            d.due_label or "",
            str(d.versions),
        )
    console.print(table)


# -- hic audit, hic werkstroom ------------------------------------------------------------


@audit_app.command("controleer")
def audit_controleer() -> None:
    """Controleer de hele auditketen; noemt de eerste gebroken regel."""
    from hicmonitor.services.workflow import check_audit

    ws = _open()
    try:
        verdict = check_audit(ws)
    finally:
        ws.close()
    if not verdict.ok:
        raise HicError(f"auditketen gebroken bij {verdict.message}")
    console.print(
        f"[green]auditketen in orde[/]: {verdict.count} regels; laatste hash {verdict.last_hash}",
        highlight=False,
    )


@werkstroom_app.command("migreer")
def werkstroom_migreer(
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Database-URL (standaard HICMONITOR_WORKFLOW_MIGRATE_DB of HICMONITOR_WORKFLOW_DB).",
        ),
    ] = None,
) -> None:
    """Breng de werkstroomdatabase naar het nieuwste schema (Alembic)."""
    from hicmonitor.services.workflow import migrate
    from hicmonitor.store import default_db_path

    before, after = migrate(db_path() or default_db_path(), url)
    if before == after:
        console.print(f"werkstroomdatabase al bij schema {after}")
    else:
        console.print(f"werkstroomdatabase bijgewerkt: schema {before or 'leeg'} → {after}")


@werkstroom_app.command("berichten")
def werkstroom_berichten(
    verstuur: Annotated[
        bool, typer.Option("--verstuur", help="Verstuur wachtende berichten via SMTP.")
    ] = False,
) -> None:
    """De uitgaande berichten (outbox); --verstuur stuurt ze via de ingestelde SMTP-server."""
    from rich.table import Table

    from hicmonitor.services import dossiers

    ws = _open()
    try:
        if verstuur:
            sent, failed = dossiers.send_outbox(ws)
            console.print(f"{sent} verzonden, {failed} mislukt")
            return
        items = dossiers.outbox(ws)
    finally:
        ws.close()
    table = Table("nr", "tijd (UTC)", "aan", "onderwerp", "status")
    for m in items:
        table.add_row(str(m.id), m.at.strftime("%Y-%m-%d %H:%M"), m.to, m.subject, m.status)
    console.print(table)
