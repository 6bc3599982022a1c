"""The signed copy of the memo: made when the last eindparaaf is given, from the version whose
hash was signed (which stays as it was frozen), its "Algemene leiding" block showing each
step's role, date and akkoord; only for who may see section 5; the Woo publication runs on
it. Through the services on both back-ends, and the version page over HTTP."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from hicmonitor.services import dossiers as D
from hicmonitor.services import workflow as wf
from hicmonitor.workflow import route as rt
from hicmonitor.workflow import signing
from tests.woo.docxbuild import Doc, para, table
from tests.workflow import memos, scenario
from tests.workflow.conftest import CAST, SIGNATORIES, actors, login
from tests.workflow.test_dossiers import assert_no_canary

NAMES = [name for name, _ in CAST.values()]  # the civil servants' and ministers' names
LEGACY_BLOCK = [
    para("Algemene leiding"),
    para("Minister"),
    para("Datum/eindparaaf"),
    para("SG"),
    para("Datum/paraaf"),
]  # fmt: skip  (the published 2023 memo's form)
TABLE_BLOCK = [para("Algemene leiding"),
               table([["Minister", "Datum", "Eindparaaf"], ["SG", "Datum", "Paraaf"]])]  # fmt: skip


@pytest.fixture
def A(ws):  # noqa: ANN001, ANN201, N802
    return actors(ws)


def memo_with(tmp: Path, block: list[str], name: str) -> bytes:
    """The tests' memo with ``block`` after its header lines (as a team's Word file has it)."""
    body = list(memos.memo_doc().body)
    body[4:4] = block
    return Doc(body=body).save(tmp / name).read_bytes()


def text_lines(docx: bytes) -> list[str]:
    """What a reader sees of the body, paragraph by paragraph (the Woo extractor), table
    cells and headings included."""
    import tempfile

    from hicmonitor.woo.docmodel import paragraphs, parts
    from hicmonitor.woo.extract import extract
    from hicmonitor.woo.ooxml import Package

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.docx"
        path.write_bytes(docx)
        doc = extract(Package.open(path))
    body = [blocks for where, blocks in parts(doc) if where == "hoofdtekst"]
    return [" ".join(p.text.split()) for b in body for p in paragraphs(b) if p.text.strip()]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def signed_dossier(ws, A, tmp: Path, memo: bytes, *, days: bool = True) -> int:  # noqa: ANN001
    """A dossier with ``memo`` and the letter, through the whole route; with ``days`` each
    step's akkoord is dated a day apart (the route took a week), the last one today."""
    did = D.create_dossier(ws, A["auteur"], 2023, f"S-{hashlib.sha1(memo).hexdigest()[:8]}",
                           signatories=SIGNATORIES)  # fmt: skip
    D.add_version_upload(ws, A["auteur"], did, memo=("nota.docx", memo),
                         letter=("brief.docx", memos.letter_bytes(tmp)))  # fmt: skip
    D.offer(ws, A["auteur"], did)
    scenario.sign(ws, A, did, upto=len(scenario.ROUTE) - 1)
    if days:
        from hicmonitor.workflow.models import Mark

        with ws.db.write() as s:
            for m in s.query(Mark).filter(Mark.dossier_id == did).all():
                m.at = m.at - timedelta(days=len(scenario.ROUTE) - 1 - m.step)
    assert scenario.act(ws, A, scenario.ROUTE[-1], did) == "getekend"
    return did


def expected_rows(ws, A, did: int) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(role, date, box) per step, from the route as the dossier page records it."""
    view = D.dossier_view(ws, A["auteur"], did)
    rows = [
        (st.label, signing.local_date(st.at).strftime("%d-%m-%Y"),
         "eindparaaf" if st.kind == rt.EINDPARAAF else "paraaf")
        for st in view.steps
    ]  # fmt: skip
    assert all(st.status == "gedaan" for st in view.steps)
    return rows


def test_the_signed_copy_shows_each_steps_role_and_date(ws, A, tmp_path) -> None:
    memo = memo_with(tmp_path, LEGACY_BLOCK, "oud.docx")
    did = signed_dossier(ws, A, tmp_path, memo)
    rows = expected_rows(ws, A, did)
    assert len({d for _, d, _ in rows}) == len(rows)  # five different days
    v = D.version_view(ws, A["auteur"], did, 1)
    assert v.signed_placement == signing.BLOCK
    assert sorted(f.name for f in v.signed) == [
        "beslisnota_getekend.docx",
        "beslisnota_getekend.pdf",
    ]
    docx, media, _ = D.version_file(ws, A["auteur"], did, 1, "beslisnota_getekend.docx")
    assert "wordprocessingml" in media
    lines = text_lines(docx)
    start = lines.index("Algemene leiding")
    block = lines[start + 1 : start + 1 + 2 * len(rows)]
    # signatories first, then the parafeerders from the highest level down (as the memo does)
    order = [r for r in rows if r[2] == "eindparaaf"] + [r for r in rows if r[2] == "paraaf"][::-1]
    assert block == [
        x for role, day, box in order for x in (role, f"Datum: {day} — {box}: akkoord")
    ]
    assert lines[start + 1 + 2 * len(rows)] == "1. Aanleiding"  # the old form is gone
    assert "Datum/eindparaaf" not in lines and "Datum/paraaf" not in lines
    assert memos.CANARY in lines  # a copy of the whole memo, section 5 included
    pdf, media, _ = D.version_file(ws, A["auteur"], did, 1, "beslisnota_getekend.pdf")
    text = " ".join(pdf_text(pdf).split())
    assert media == "application/pdf"
    for role, day, box in rows:
        assert f"{role} Datum: {day} — {box}: akkoord" in text
    # role labels, never a person's name
    for name in NAMES:
        assert name not in " ".join(lines) and name not in text
    # the frozen version is as it was: its files, their sha256 and the hash the parafen bound to
    view = D.dossier_view(ws, A["auteur"], did)
    frozen, _, _ = D.version_file(ws, A["auteur"], did, 1, "beslisnota.docx")
    assert frozen == memo
    files = {f.name: f.sha256 for f in view.versions[0].files}
    assert "beslisnota_getekend.docx" not in files and len(files) == 2
    manifest = "".join(f"{n}\t{h}\n" for n, h in sorted(files.items()))
    assert hashlib.sha256(manifest.encode()).hexdigest() == view.versions[0].hash
    assert {m.version_hash for m in view.marks} == {view.versions[0].hash}
    # in the audit trail, with the files' sha256
    entry = next(e for e in wf.recent_audit(ws, A["beheer"], limit=50)
                 if e.action == "getekend exemplaar" and e.dossier_id == did)  # fmt: skip
    assert entry.version_hash == view.versions[0].hash
    assert hashlib.sha256(docx).hexdigest() in entry.detail


def test_an_uploaded_table_is_filled_and_a_memo_without_the_block_gets_a_paraaf_page(
    ws, A, tmp_path
) -> None:
    did = signed_dossier(ws, A, tmp_path, memo_with(tmp_path, TABLE_BLOCK, "tab.docx"))
    rows = expected_rows(ws, A, did)
    docx, _, _ = D.version_file(ws, A["auteur"], did, 1, "beslisnota_getekend.docx")
    lines = text_lines(docx)
    start = lines.index("Algemene leiding")
    cells = lines[start + 1 : start + 1 + 3 * len(rows)]
    got = sorted(zip(cells[0::3], cells[1::3], cells[2::3], strict=True))
    want = sorted((r, f"Datum: {d}", f"{b.capitalize()}: akkoord") for r, d, b in rows)
    assert got == want and lines[start + 1 + 3 * len(rows)] == "1. Aanleiding"
    # no block to be found: a labelled paraaf page at the end, never a refusal
    other = signed_dossier(ws, A, tmp_path, memos.memo_bytes(tmp_path, "zonder.docx"), days=False)
    v = D.version_view(ws, A["auteur"], other, 1)
    assert v.signed_placement == signing.PAGE
    docx, _, _ = D.version_file(ws, A["auteur"], other, 1, "beslisnota_getekend.docx")
    lines = text_lines(docx)
    tail = lines[lines.index(signing.PAGE_TITLE) :]
    assert lines.index(signing.PAGE_TITLE) > lines.index(memos.CANARY)
    for role, day, box in expected_rows(ws, A, other):
        i = tail.index(role)
        assert tail[i + 1 : i + 3] == [day, f"{box.capitalize()}: akkoord"]


def test_only_who_may_see_section_5_gets_the_signed_copy(ws, A, tmp_path) -> None:
    did = signed_dossier(ws, A, tmp_path, memo_with(tmp_path, LEGACY_BLOCK, "l.docx"), days=False)
    for who in ("lezer", "woo", "beheer", "opsteller2", "stas"):
        v = D.version_view(ws, A[who], did, 1)
        assert v.signed == () and v.signed_placement == signing.BLOCK
        for name in ("beslisnota_getekend.docx", "beslisnota_getekend.pdf"):
            with pytest.raises(wf.AccessDenied):
                D.version_file(ws, A[who], did, 1, name)
    for who in ("auteur", "sg", "mrb"):
        data, _, _ = D.version_file(ws, A[who], did, 1, "beslisnota_getekend.pdf")
        assert data.startswith(b"%PDF")


def test_the_woo_publication_runs_on_the_signed_copy(ws, A, tmp_path) -> None:
    did = signed_dossier(ws, A, tmp_path, memo_with(tmp_path, LEGACY_BLOCK, "w.docx"))
    rows = expected_rows(ws, A, did)
    D.record_sent(ws, A["auteur"], did, date.today())
    res = D.publish(ws, A["woo"], did)
    package, _ = D.publication_package(ws, A["lezer"], did)
    assert hashlib.sha256(package).hexdigest() == res.package_sha256
    assert_no_canary(package)  # section 5 removed, leak check passed
    z = zipfile.ZipFile(io.BytesIO(package))
    memo_lines = text_lines(z.read("document-01.openbaar.docx"))
    assert "Informatie die niet openbaar gemaakt kan worden" not in memo_lines
    text = " ".join(memo_lines)
    for role, day, box in rows:  # the block survives: roles and dates are not personal data
        assert f"{role} Datum: {day} — {box}: akkoord" in text
    assert "Krachtenveld" in text and not any(n in text for n in NAMES)
    pdf = " ".join(pdf_text(z.read("document-01.openbaar.pdf")).split())
    assert f"Datum: {rows[0][1]}" in pdf
    entry = next(e for e in wf.recent_audit(ws, A["beheer"], limit=50)
                 if e.action == "gepubliceerd" and e.dossier_id == did)  # fmt: skip
    signed = D.version_view(ws, A["auteur"], did, 1).signed
    docx_sha = next(f.sha256 for f in signed if f.fmt == "docx")
    assert docx_sha in entry.detail


def test_the_version_page_offers_the_signed_copy(werk_server, server_ws, tmp_path) -> None:
    A = actors(server_ws)
    did = signed_dossier(
        server_ws, A, tmp_path, memo_with(tmp_path, LEGACY_BLOCK, "p.docx"), days=False
    )
    link = f"/werk/dossiers/{did}/versies/1/bestanden/beslisnota_getekend.docx"
    with werk_server.client() as c:
        login(c, "dg")
        page = c.get(f"/werk/dossiers/{did}/versies/1")
        assert page.status_code == 200 and "Getekend exemplaar" in page.text
        assert f'href="{link}"' in page.text
        r = c.get(link)
        assert r.status_code == 200 and "Algemene leiding" in " ".join(text_lines(r.content))
    with werk_server.client() as c:
        login(c, "lezer")
        page = c.get(f"/werk/dossiers/{did}/versies/1")
        assert page.status_code == 200 and "Getekend exemplaar" in page.text
        assert link not in page.text and "alleen de opsteller en de rollen" in page.text
        assert c.get(link).status_code == 403


def test_the_block_rows_in_order_and_by_local_date() -> None:
    route = rt.build_route(
        [("directeur", "Directeur", None), ("sg", "Secretaris-generaal", None)],
        ["Minister van Justitie en Veiligheid"],
    )
    given = {0: (datetime(2023, 12, 11, 9), True), 1: (datetime(2023, 12, 14, 23, 30), False),
             2: (datetime(2023, 12, 18, 10), False)}  # fmt: skip
    lines = signing.block_lines(route, given)
    assert [(x.role, x.date_text, x.box, x.mark) for x in lines] == [
        ("Minister van Justitie en Veiligheid", "18-12-2023", "Eindparaaf", "akkoord"),
        ("Secretaris-generaal", "15-12-2023", "Paraaf", "akkoord"),  # 23:30 UTC is the 15th here
        ("Directeur", "11-12-2023", "Paraaf", "akkoord (overgenomen)"),
    ]
    with pytest.raises(ValueError, match="Secretaris-generaal"):
        signing.block_lines(route, {0: given[0], 2: given[2]})
    assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", lines[0].date_text)
