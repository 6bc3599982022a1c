"""End-to-end: the `hic woo` command, proposal mode, bad input and the leak check."""

from __future__ import annotations

import csv
import io
import zipfile

import pypdf
import pytest
from typer.testing import CliRunner

from hicmonitor.cli import app
from hicmonitor.errors import HicError, InputError
from hicmonitor.woo.leakcheck import Needles, check_file
from hicmonitor.woo.publish import LeakError, publish, write_proposal

from .conftest import REGISTER
from .docxbuild import Doc, heading, para, run

LINE = "Alles onder deze streep wordt verwijderd"


def memo(tmp_path, name="nota.docx", *extra):
    return Doc(
        body=[
            heading("Beslisnota voortgang aanpak HIC"),
            para("Opgesteld door Jorinde Klaverblad (06 13 57 24 68) voor minister Van Weel."),
            para("Afgestemd met Kees Bakker van de politie en burgemeester Aboutaleb."),
            *extra,
            heading("5. Niet openbaar"),
            para(LINE),
            para("Het kabinet twijfelt intern sterk aan de haalbaarheid van de doelstelling."),
        ],
        header=[para("Contactpersoon: Wessel Dwarrelwind")],
        core={"dc:creator": "Jorinde Klaverblad", "cp:lastModifiedBy": "Kees Bakker"},
    ).save(tmp_path / name)


def pdf_text(path):
    return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages)


def test_cli_publishes_and_checks(tmp_path):
    src = memo(tmp_path)
    out = tmp_path / "uit"
    r = CliRunner().invoke(app, ["woo", str(src), "--uit", str(out), "--personen", str(REGISTER)])
    assert r.exit_code == 0, r.output
    assert "lekcontrole geslaagd" in r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "document-01.openbaar.docx",
        "document-01.openbaar.pdf",
        "inventarislijst.csv",
        "inventarislijst.xlsx",
        "lakverslag.csv",
    ]
    text = pdf_text(out / "document-01.openbaar.pdf")
    assert "Van Weel" in text and "Aboutaleb" in text and "5.1.2e" in text
    for secret in ("Klaverblad", "Bakker", "Dwarrelwind", "haalbaarheid", "57 24 68"):
        assert secret not in text
    # The log names class, ground and place, never the text.
    log = list(
        csv.DictReader(io.StringIO((out / "lakverslag.csv").read_text("utf-8-sig")), delimiter=";")
    )
    lak = [row for row in log if row["soort"] == "lakking"]
    assert {row["klasse"] for row in lak} >= {"naam", "telefoonnummer"}
    assert all(row["grond"] == "5.1.2e" for row in lak)
    assert any(row["locatie"].startswith("koptekst") for row in lak)
    # controleer: the published files pass, the original fails.
    for f in ("document-01.openbaar.docx", "document-01.openbaar.pdf"):
        r = CliRunner().invoke(
            app,
            ["woo", "controleer", str(out / f), "--tegen", str(src), "--personen", str(REGISTER)],
        )
        assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        app, ["woo", "controleer", str(src), "--tegen", str(src), "--personen", str(REGISTER)]
    )
    assert r.exit_code == 1 and "lek" in r.output


def test_proposal_accept_and_reject(tmp_path, detector):
    src = memo(tmp_path)
    prop = write_proposal(src, tmp_path / "voorstel", detector)
    rows = list(csv.DictReader(io.StringIO(prop.read_text("utf-8-sig")), delimiter=";"))
    texts = [r["tekst"] for r in rows]
    assert "Jorinde Klaverblad" in texts and "Kees Bakker" in texts
    assert all(r["besluit"] == "ja" for r in rows)
    # Reject "Kees Bakker" (and its repeats), accept the rest.
    for r in rows:
        if "Bakker" in r["tekst"]:
            r["besluit"] = "nee"
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=";")
    wr.writeheader()
    wr.writerows(rows)
    prop.write_text(buf.getvalue(), encoding="utf-8-sig")
    pub = publish([src], tmp_path / "uit", detector, decisions={src: prop})
    text = pdf_text(pub.documents[0].pdf)
    assert "Kees Bakker" in text and "Klaverblad" not in text
    # A line with an invalid decision names the line and field.
    rows[0]["besluit"] = "misschien"
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=";")
    wr.writeheader()
    wr.writerows(rows)
    prop.write_text(buf.getvalue(), encoding="utf-8-sig")
    with pytest.raises(InputError) as exc:
        publish([src], tmp_path / "uit2", detector, decisions={src: prop})
    assert exc.value.line == 2 and exc.value.field == "besluit"
    assert not (tmp_path / "uit2").exists()


def test_proposal_for_other_version_is_refused(tmp_path, detector):
    src = memo(tmp_path)
    prop = write_proposal(src, tmp_path, detector)
    memo(tmp_path, "nota.docx", para("Een extra alinea."))
    with pytest.raises(InputError) as exc:
        publish([src], tmp_path / "uit", detector, decisions={src: prop})
    assert exc.value.field == "sha256"


def test_missed_registered_form_is_stopped_by_leak_check(tmp_path, detector):
    # "Klaverblads" (possessive) and a spaced-out form are not detected as names,
    # but the leak check knows the register and must block publication.
    src = Doc(
        body=[para("Dit is Klaverblads voorstel."), para("Met dank aan K l a v e r b l a d.")]
    ).save(tmp_path / "x.docx")
    out = tmp_path / "uit"
    with pytest.raises(LeakError) as exc:
        publish([src], out, detector)
    assert "personenregister" in str(exc.value)
    assert "Klaverblad" not in str(exc.value)  # the message masks the needle
    assert not out.exists()


def test_document_without_section5_published_with_warning(tmp_path, detector):
    src = Doc(body=[para("Een brief zonder markering, van Jorinde Klaverblad.")]).save(
        tmp_path / "brief.docx"
    )
    pub = publish([src], tmp_path / "uit", detector)
    o = pub.documents[0]
    assert not o.result.section5_found and o.result.warnings
    log = pub.log_csv.read_text("utf-8-sig")
    assert "waarschuwing" in log and "geen sectie 5" in log
    assert "Een brief zonder markering" in pdf_text(o.pdf)


def test_encrypted_and_corrupt_docx_write_nothing(tmp_path):
    enc = tmp_path / "versleuteld.docx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    bad = tmp_path / "kapot.docx"
    bad.write_bytes(b"PK\x03\x04 dit is geen zip")
    nodoc = tmp_path / "leeg.docx"
    with zipfile.ZipFile(nodoc, "w") as zf:
        zf.writestr("hallo.txt", "geen word")
    badxml = tmp_path / "badxml.docx"
    good = memo(tmp_path, "goed.docx")
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(badxml, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            zout.writestr(n, data[:-20] if n == "word/document.xml" else data)
    for f, word in (
        (enc, "versleuteld"),
        (bad, "beschadigd"),
        (nodoc, "geen Word-document"),
        (badxml, "beschadigd"),
    ):
        out = tmp_path / f"uit-{f.stem}"
        r = CliRunner().invoke(app, ["woo", str(f), "--uit", str(out), "--personen", str(REGISTER)])
        assert r.exit_code == 1, r.output
        assert word in r.output and str(f.name) in r.output
        assert not out.exists()


def test_leak_check_finds_split_and_hyphenated_names(tmp_path):
    needles = Needles(
        redacted=["Jorinde Klaverblad"],
        register=["Dwarrelwind"],
        section5=["Het kabinet twijfelt intern sterk aan de haalbaarheid"],
    )
    d = Doc(
        body=[para(run("Jorinde Kla"), run("ver"), run("blad"))], core={"dc:title": "Dwarrelwind"}
    ).save(tmp_path / "a.docx")
    kinds = {(lk.kind, lk.where.split(" (")[0]) for lk in check_file(d, needles)}
    assert ("gelakte tekst", "word/document.xml") in kinds
    assert ("naam uit het personenregister", "docProps/core.xml") in kinds
    # PDF: a name hyphenated over two lines, and the title in the metadata.
    import weasyprint

    html = (
        "<html><head><title>Notitie Dwarrelwind</title></head><body style='width:3cm'>"
        "<p>Jorinde Klaver-<br>blad en het kabinet twijfelt intern sterk aan de "
        "haalbaarheid.</p></body></html>"
    )
    pdf = tmp_path / "a.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    found = {lk.kind for lk in check_file(pdf, needles)}
    assert found == {"gelakte tekst", "naam uit het personenregister", "tekst uit sectie 5"}
    clean = tmp_path / "b.pdf"
    weasyprint.HTML(string="<p>Niets bijzonders.</p>").write_pdf(clean)
    assert check_file(clean, needles) == []


def test_missing_deduce_cache_is_a_clear_error(tmp_path, monkeypatch):
    from hicmonitor.woo import prepare

    monkeypatch.setenv(prepare.CACHE_ENV, str(tmp_path / "leeg"))
    with pytest.raises(HicError) as exc:
        prepare.load_deduce()
    assert "python -m hicmonitor.woo.prepare" in str(exc.value)
