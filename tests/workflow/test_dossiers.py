"""Dossiers, frozen versions, the section-by-section difference, the route with its restart
rule, sending and the Woo publication, through the services on both back-ends."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest

from hicmonitor.services import dossiers as D
from hicmonitor.services import workflow as wf
from hicmonitor.workflow import route as rt
from tests.workflow import memos, scenario
from tests.workflow.conftest import SIGNATORIES, actors, email


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


@pytest.fixture
def A(ws):  # noqa: ANN001, ANN201, N802
    return actors(ws)


def test_a_version_is_frozen(ws, A, tmp_path) -> None:
    memo = memos.memo_bytes(tmp_path)
    letter = memos.letter_bytes(tmp_path)
    did = D.create_dossier(ws, A["auteur"], 2023, "K-1", signatories=SIGNATORIES)
    res = D.add_version_upload(
        ws, A["auteur"], did, memo=("nota.docx", memo), letter=("brief.docx", letter)
    )
    view = D.dossier_view(ws, A["auteur"], did)
    files = {f.name: f for f in view.versions[0].files}
    assert files["beslisnota.docx"].sha256 == sha(memo) and files["kamerbrief.docx"].sha256 == sha(
        letter
    )
    manifest = "".join(f"{n}\t{h}\n" for n, h in sorted((n, f.sha256) for n, f in files.items()))
    assert res.hash == sha(manifest.encode())
    data, media, name = D.version_file(ws, A["auteur"], did, 1, "beslisnota.docx")
    assert data == memo and name == "beslisnota.docx" and "wordprocessingml" in media
    # the same files again: nothing changed, no version
    with pytest.raises(wf.InvalidInput, match="gelijk aan versie 1"):
        D.add_version_upload(ws, A["auteur"], did, memo=("nota.docx", memo))
    # only a new memo: the letter is carried over unchanged
    memo2 = memos.memo_bytes(
        tmp_path, "m2.docx", krachtenveld="Ook de Taskforce Overvallen werkt mee."
    )
    D.add_version_upload(ws, A["auteur"], did, memo=("nota2.docx", memo2))
    view = D.dossier_view(ws, A["auteur"], did)
    v2 = {f.name: f.sha256 for f in view.versions[1].files}
    assert v2 == {"beslisnota.docx": sha(memo2), "kamerbrief.docx": sha(letter)}
    # only the author adds versions; the files hold section 5: only the route may download
    with pytest.raises(wf.AccessDenied):
        D.add_version_upload(ws, A["opsteller2"], did, memo=("n.docx", memo))
    for who in ("lezer", "woo", "beheer", "opsteller2", "stas"):
        with pytest.raises(wf.AccessDenied, match="sectie 5"):
            D.version_file(ws, A[who], did, 1, "beslisnota.docx")


def test_the_version_page_shows_the_difference_section_by_section(ws, A, tmp_path) -> None:
    did = scenario.new_dossier(ws, A, tmp_path, offer=False)
    memo2 = memos.memo_bytes(
        tmp_path,
        "m2.docx",
        krachtenveld="Gemeenten hebben de regie; ook de Taskforce Overvallen werkt mee.",
    )
    D.add_version_upload(ws, A["auteur"], did, memo=("nota.docx", memo2))
    v = D.version_view(ws, A["directeur"], did, 2)
    status = {p.name: p.status for p in v.parts}
    assert status["beslisnota 4.1"] == "gewijzigd"
    assert {n for n, s in status.items() if s != "gelijk"} == {"beslisnota 4.1"}
    changed = next(p for p in v.parts if p.name == "beslisnota 4.1")
    assert [ln.op for ln in changed.lines] == ["-", "+"]
    assert changed.lines[1].segments[0] == ("=", "Gemeenten hebben de regie;")
    assert any(op == "+" and "Taskforce Overvallen" in t for op, t in changed.lines[1].segments)
    assert any(op == "-" and "Openbaar Ministerie" in t for op, t in changed.lines[0].segments)
    # section 5 is there for the route, with the canary
    assert any(
        p.hidden and memos.CANARY in " ".join(s for ln in p.lines for _, s in ln.segments)
        for p in v.parts
    )
    # and withheld from a reader, everywhere in the view
    r = D.version_view(ws, A["lezer"], did, 2)
    assert r.withheld == 1 and not any(p.hidden for p in r.parts)
    assert memos.CANARY not in repr(r) and not r.files


def test_a_new_version_voids_the_parafen_and_restarts_the_route(ws, A, tmp_path) -> None:
    did = scenario.new_dossier(ws, A, tmp_path)
    scenario.sign(ws, A, did, upto=2)
    assert scenario.statuses(ws, A, did)[:3] == ["gedaan", "gedaan", "aan de beurt"]
    # the kernpunten (section 3) carry the decision: everyone sees it again
    memo2 = memos.memo_bytes(
        tmp_path, "m2.docx", kernpunten="De brief meldt ook de stijging van geweld."
    )
    res = D.add_version_upload(ws, A["auteur"], did, memo=("nota.docx", memo2))
    assert (res.number, res.restarted_at, res.voided) == (2, "Directeur", 2)
    assert res.reason == "het besluit is gewijzigd"
    view = D.dossier_view(ws, A["auteur"], did)
    assert view.state == "ter_parafering" and view.due.label == "Directeur"
    assert [s.status for s in view.steps] == ["aan de beurt", "wacht", "wacht", "wacht", "wacht"]
    given = [m for m in view.marks if m.kind == "akkoord"]
    assert len(given) == 2 and all(m.void and m.version_number == 1 for m in given)
    # an akkoord on the old version is refused
    old = view.versions[0].hash
    with pytest.raises(wf.Conflict, match="nieuwe versie"):
        D.decide(ws, A["directeur"], did, 0, old, approve=True)


def test_a_change_outside_a_roles_view_carries_its_paraaf(fresh, tmp_path) -> None:
    from tests.workflow.conftest import workflow_config

    cfg = workflow_config()
    levels = list(cfg.parafering)
    levels[0] = levels[0].model_copy(update={"ziet": ("beslisnota 1", "beslisnota 2")})
    cfg = cfg.model_copy(update={"parafering": tuple(levels)})
    ws = wf.open_workflow(url=fresh.app, config=cfg, auto_migrate=False)
    try:
        A = actors(ws)
        did = scenario.new_dossier(ws, A, tmp_path)
        scenario.act(ws, A, "directeur", did)
        scenario.act(ws, A, "dg", did, approve=False, comment="Vul het krachtenveld aan.")
        memo2 = memos.memo_bytes(
            tmp_path, "m2.docx", krachtenveld="Ook de Taskforce Overvallen werkt mee."
        )
        D.add_version_upload(ws, A["auteur"], did, memo=("nota.docx", memo2))
        assert D.offer(ws, A["auteur"], did) == "Directeur-generaal"
        view = D.dossier_view(ws, A["auteur"], did)
        assert [s.status for s in view.steps][:2] == ["overgenomen", "aan de beurt"]
        carried = [m for m in view.marks if m.kind == "overgenomen"]
        assert (
            len(carried) == 1
            and carried[0].by == "Dirk Directeur"
            and carried[0].version_number == 2
        )
        # a change in section 2 (the decision) would have gone back to the directeur
        scenario.act(ws, A, "dg", did)
        memo3 = memos.memo_bytes(
            tmp_path,
            "m3.docx",
            krachtenveld="Ook de Taskforce Overvallen werkt mee.",
            kernpunten="Anders.",
        )
        res = D.add_version_upload(ws, A["auteur"], did, memo=("nota.docx", memo3))
        assert res.restarted_at == "Directeur"
    finally:
        ws.close()


def test_a_retour_without_a_new_version_resumes_at_the_sender(ws, A, tmp_path) -> None:
    did = scenario.new_dossier(ws, A, tmp_path)
    scenario.sign(ws, A, did, upto=3)
    scenario.act(ws, A, "mjenv", did, approve=False, comment="Is de datum goed?")
    view = D.dossier_view(ws, A["auteur"], did)
    assert view.state == "concept" and view.steps[3].status == "retour"
    retour = next(m for m in view.marks if m.kind == "retour")
    assert retour.comment == "Is de datum goed?" and retour.by == "Mina Minister"
    # a lezer does not read the comments (they may quote section 5)
    assert all(m.comment is None for m in D.dossier_view(ws, A["lezer"], did).marks)
    assert D.offer(ws, A["auteur"], did) == "Minister van Justitie en Veiligheid"
    with pytest.raises(wf.InvalidInput, match="opmerkingen"):
        scenario.act(ws, A, "mjenv", did, approve=False, comment="  ")


def test_only_the_one_due_acts(ws, A, tmp_path) -> None:
    did = scenario.new_dossier(ws, A, tmp_path)
    view = D.dossier_view(ws, A["dg"], did)
    with pytest.raises(wf.AccessDenied, match="Directeur"):
        D.decide(ws, A["dg"], did, 0, view.route_hash, approve=True)
    with pytest.raises(wf.Conflict, match="niet \\(meer\\) aan de beurt"):
        D.decide(ws, A["dg"], did, 1, view.route_hash, approve=True)
    for who in ("auteur", "lezer", "woo", "stas"):
        with pytest.raises(wf.AccessDenied):
            D.decide(ws, A[who], did, 0, view.route_hash, approve=True)
    with pytest.raises(wf.AccessDenied):
        D.offer(ws, A["opsteller2"], did)
    with pytest.raises(wf.AccessDenied):
        D.create_dossier(ws, A["lezer"], 2023, "K-9")


def test_the_whole_route_to_the_woo_publication(ws, A, tmp_path) -> None:
    did = scenario.new_dossier(ws, A, tmp_path)
    with pytest.raises(wf.Conflict, match="staat op 'ter parafering'"):
        D.record_sent(ws, A["auteur"], did, date.today())
    scenario.sign(ws, A, did)
    view = D.dossier_view(ws, A["auteur"], did)
    assert view.state == "getekend" and view.can_send
    with pytest.raises(wf.InvalidInput, match="toekomst"):
        D.record_sent(ws, A["auteur"], did, date.today() + timedelta(days=400))
    with pytest.raises(wf.InvalidInput, match="vóór de ondertekening"):
        D.record_sent(ws, A["auteur"], did, date(2020, 1, 1))
    with pytest.raises(wf.Conflict, match="nieuwe versie kan niet meer"):
        D.add_version_upload(
            ws,
            A["auteur"],
            did,
            memo=("n.docx", memos.memo_bytes(tmp_path, "x.docx", kernpunten="Y")),
        )
    with pytest.raises(wf.AccessDenied):
        D.publish(ws, A["auteur"], did)
    with pytest.raises(wf.Conflict, match="getekend"):
        D.publish(ws, A["woo"], did)
    D.record_sent(ws, A["auteur"], did, date.today())
    res = D.publish(ws, A["woo"], did)
    view = D.dossier_view(ws, A["lezer"], did)
    assert view.state == "gepubliceerd" and view.publication["version"] == 1
    package, name = D.publication_package(ws, A["lezer"], did)
    assert (
        name == f"woo-{view.kenmerk}.zip"
        and hashlib.sha256(package).hexdigest() == res.package_sha256
    )
    names = set(zipfile.ZipFile(io.BytesIO(package)).namelist())
    assert {"document-01.openbaar.docx", "document-01.openbaar.pdf", "document-02.openbaar.docx",
            "inventarislijst.csv", "inventarislijst.xlsx", "lakverslag.csv"} <= names  # fmt: skip
    assert_no_canary(package)
    # the memo lost section 5; the letter stayed whole
    memo_text = docx_text(zipfile.ZipFile(io.BytesIO(package)).read("document-01.openbaar.docx"))
    letter_text = docx_text(zipfile.ZipFile(io.BytesIO(package)).read("document-02.openbaar.docx"))
    assert "Krachtenveld" in memo_text and "Informatie die niet openbaar" not in memo_text
    assert "De maatregelen lopen volgens plan." in letter_text
    with pytest.raises(wf.Conflict):
        D.publish(ws, A["woo"], did)


def docx_text(data: bytes) -> str:
    import re

    z = zipfile.ZipFile(io.BytesIO(data))
    return " ".join(
        re.sub(r"<[^>]+>", " ", z.read(n).decode("utf-8", "replace"))
        for n in z.namelist()
        if n.endswith(".xml")
    )


def assert_no_canary(package: bytes) -> None:
    """Not in any file of the package: DOCX parts, PDF text, CSV, XLSX."""
    from pypdf import PdfReader

    needle = "Kwartiermakersfonds"
    z = zipfile.ZipFile(io.BytesIO(package))
    for n in z.namelist():
        data = z.read(n)
        assert needle.encode() not in data, n
        if n.endswith((".docx", ".xlsx")):
            assert needle not in docx_text(data), n
        if n.endswith(".pdf"):
            text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
            assert needle not in text and "Kanariezin" not in text, n


def test_a_version_from_hic_rapport(ws, A, shared_con) -> None:
    did = D.create_dossier(ws, A["auteur"], 2023, "VOORBEELD-2023-001")
    res = D.add_version_from_report(
        ws, A["auteur"], did, shared_con, formats=("docx", "pdf", "html")
    )
    view = D.dossier_view(ws, A["auteur"], did)
    files = {f.name: f for f in view.versions[0].files}
    kinds = sorted((f.kind, f.fmt) for f in files.values())
    assert kinds == [
        ("beslisnota", "docx"), ("beslisnota", "html"), ("beslisnota", "pdf"),
        ("kamerbrief", "docx"), ("kamerbrief", "html"), ("kamerbrief", "pdf"), ("spec", "yaml"),
    ]  # fmt: skip
    spec, _, _ = D.version_file(ws, A["auteur"], did, 1, "specificatie.yaml")
    assert b"kenmerk: VOORBEELD-2023-001" in spec
    assert view.versions[0].source == "rapport" and res.number == 1
    for f in files.values():
        data, _, _ = D.version_file(ws, A["auteur"], did, 1, f.name)
        assert sha(data) == f.sha256 and len(data) == f.size
    v = D.version_view(ws, A["auteur"], did, 1)
    names = [p.name for p in v.parts]
    assert "beslisnota 2" in names and "kamerbrief 1" in names
    assert any(p.hidden and p.name == "beslisnota 5" for p in v.parts)
    # the route's signatories came from the spec: one eindparaaf per signatory, in its order
    assert [s.label for s in view.steps][3:] == [
        "De minister van Justitie en Veiligheid",
        "De minister voor Rechtsbescherming",
    ]
    # the memo hic rapport writes has the block ("Ter beslissing" above the approval table):
    # its rows become the route's steps
    from hicmonitor.workflow import signing

    memo_name = next(n for n, f in files.items() if f.kind == "beslisnota" and f.fmt == "docx")
    memo, _, _ = D.version_file(ws, A["auteur"], did, 1, memo_name)
    assert b">Eindparaaf</w:t>" in zipfile.ZipFile(io.BytesIO(memo)).read("word/document.xml")
    steps = view.steps
    route = rt.build_route(
        [(s.label, s.label, None) for s in steps if s.kind == rt.PARAAF],
        [s.label for s in steps if s.kind == rt.EINDPARAAF],
    )
    given = {i: (datetime(2023, 12, 18, 9 + i), False) for i in range(len(route))}
    signed, placed = signing.fill_docx(memo, signing.block_lines(route, given))
    assert placed == signing.BLOCK
    xml = zipfile.ZipFile(io.BytesIO(signed)).read("word/document.xml").decode()
    xml = xml.split(">Ter beslissing</w:t>", 1)[1].split("</w:tbl>", 1)[0]  # the block's table
    for s in steps:
        box = "Eindparaaf" if s.kind == rt.EINDPARAAF else "Paraaf"
        assert f">{s.label}</w:t>" in xml and f">{box}: akkoord</w:t>" in xml
    assert xml.count(">Datum: 18-12-2023</w:t>") == len(steps)
    assert xml.count("<w:tr>") + xml.count("<w:tr ") == len(steps)
    assert ">Eindparaaf</w:t>" not in xml and ">Datum</w:t>" not in xml  # the empty boxes
    # a spec with another kenmerk does not fit the dossier
    other = D.create_dossier(ws, A["auteur"], 2023, "ANDER-KENMERK")
    with pytest.raises(
        wf.InvalidInput, match="kenmerk VOORBEELD-2023-001, het dossier ANDER-KENMERK"
    ):
        D.add_version_from_report(ws, A["auteur"], other, shared_con, formats=("docx",))


def test_due_people_are_told_through_the_outbox(ws, A, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("HICMONITOR_SMTP_HOST", raising=False)
    did = scenario.new_dossier(ws, A, tmp_path)
    box = D.outbox(ws)
    paraaf = [m for m in box if m.subject.startswith("Ter paraaf")]
    assert {m.to for m in paraaf} == {email("directeur"), email("directeur2")}
    assert all(m.status == "wacht" for m in box)
    scenario.act(ws, A, "directeur", did, approve=False, comment="Nog niet.")
    assert any(m.to == email("auteur") and m.subject.startswith("Retour") for m in D.outbox(ws))
    with pytest.raises(wf.InvalidInput, match="SMTP"):
        D.send_outbox(ws)


def test_the_dossier_commands(ws, fresh, tmp_path) -> None:
    from typer.testing import CliRunner

    from hicmonitor.cli import app
    from tests.workflow.conftest import cli_env

    run = CliRunner()
    env = cli_env(fresh)

    def hic(*args: str, stdin: str | None = None) -> tuple[int, str]:
        res = run.invoke(app, list(args), env=env, input=stdin)
        return res.exit_code, " ".join(res.output.split())

    code, out = hic(
        "dossier", "maak", "--jaar", "2023", "--kenmerk", "CLI-1", "--opsteller", "auteur",
        "--ondertekenaar", "Minister van Justitie en Veiligheid", "--ondertekenaar", "Minister voor Rechtsbescherming",
    )  # fmt: skip
    assert code == 0, out
    assert (
        "route: Directeur → Directeur-generaal → Secretaris-generaal → Minister van Justitie" in out
    )
    did = int(out.split()[1])
    memo = memos.memo(tmp_path / "nota.docx")
    code, out = hic(
        "dossier", "versie", str(did), "--opsteller", "auteur", "--beslisnota", str(memo)
    )
    assert code == 0 and "versie 1 toegevoegd (sha256" in out
    code, out = hic(
        "dossier", "versie", str(did), "--opsteller", "lezer", "--beslisnota", str(memo)
    )
    assert code == 1 and "alleen de opsteller van dit dossier" in out
    code, out = hic(
        "dossier",
        "versie",
        str(did),
        "--opsteller",
        "auteur",
        "--beslisnota",
        str(tmp_path / "weg.docx"),
    )
    assert code == 1 and "kan het bestand niet lezen" in out
    code, out = hic("dossier", "lijst", "--als", "lezer")
    assert code == 0 and "CLI-1" in out and "concept" in out
    # the password asked twice when not on stdin
    code, out = hic(
        "gebruiker",
        "maak",
        "vraag",
        "--naam",
        "Vera",
        "--rol",
        "lezer",
        stdin=f"{'p' * 12}\n{'p' * 12}\n",
    )
    assert code == 0 and "account vraag gemaakt" in out
