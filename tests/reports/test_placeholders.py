"""Concept and definitief: every placeholder is highlighted in DOCX, PDF and HTML and listed
with document, section, source file and field; a definitief spec with any placeholder is an
error and nothing is written."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from hicmonitor.cli import app
from hicmonitor.errors import HicError
from hicmonitor.reports.placeholders import spans
from hicmonitor.reports.spec import parse_spec

from .conftest import EXAMPLE_SPEC, REPO

runner = CliRunner()
TEXT = EXAMPLE_SPEC.read_text(encoding="utf-8")


@pytest.fixture
def db(loaded_db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, path)
    return path


def rapport(db: Path, spec: Path, out: Path, fmt: str = "html", content: Path | None = None):
    env = {"COLUMNS": "400"}
    if content is not None:
        env["HICMONITOR_CONTENT"] = str(content)
    args = ["--db", str(db), "rapport", "--jaar", "2023", "--spec", str(spec), "--uit", str(out)]
    return runner.invoke(app, [*args, "--formaat", fmt], env=env)


def write_spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "2023.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def lines(output: str) -> list[str]:
    return [ln.strip() for ln in output.splitlines() if " | " in ln]


def test_concept_prints_the_list_with_source_and_field(db, tmp_path):
    out = tmp_path / "o"
    result = rapport(db, EXAMPLE_SPEC, out)
    assert result.exit_code == 0, result.output
    assert "Plaatshouders in dit concept (3" in result.output
    found = lines(result.output)
    assert any(
        ln.startswith("kamerbrief | 4 Wetgeving | ")
        and "content/wetgeving/ontwerpbesluit-dor-dol.yaml, veld fases" in ln
        and "'onbekend'" in ln
        for ln in found
    ), found
    assert any("motie-mutluer-cybercrime-hic-aanpak.yaml, veld status" in ln for ln in found)
    assert any(ln.startswith("beslisnota | 4.3 Juridische overwegingen") for ln in found)
    assert len(list(out.iterdir())) == 2


def test_spec_placeholders_are_listed_with_their_line(db, tmp_path):
    text = TEXT.replace(
        "  communicatie: >-\n",
        "  ontwikkelingen_hiervoor: '[controleer] eerdere nota van PM'\n  communicatie: >-\n",
        1,
    ).replace("    Rond de publicatie", "    Rond de publicatie (onbekend)", 1)
    text = text.replace("  krachtenveld: >-\n", "  krachtenveld_weg: >-\n", 1)
    spec = write_spec(tmp_path, text.replace("krachtenveld_weg", "# weg\n  strategie_x", 1))
    # remove the krachtenveld text altogether: the section is required
    body = spec.read_text(encoding="utf-8")
    start = body.index("  # weg\n")
    end = body.index("  strategie: >-")
    spec.write_text(body[:start] + body[end:], encoding="utf-8")
    result = rapport(db, spec, tmp_path / "o")
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    line_no = (
        spec.read_text(encoding="utf-8")
        .splitlines()
        .index("  ontwikkelingen_hiervoor: '[controleer] eerdere nota van PM'")
        + 1
    )
    hits = [ln for ln in found if "veld beslisnota.ontwikkelingen_hiervoor" in ln]
    assert {re.search(r"'([^']*)' \(", ln).group(1) for ln in hits} == {"[controleer]", "PM"}
    assert all(f"2023.yaml, regel {line_no}" in ln for ln in hits)
    assert any("veld beslisnota.communicatie" in ln and "'onbekend'" in ln for ln in found)
    assert any(
        "4.4 Krachtenveld" in ln and "verplichte sectie niet ingevuld" in ln for ln in found
    ), found


def test_definitief_with_a_placeholder_writes_nothing(db, tmp_path):
    spec = write_spec(tmp_path, TEXT.replace("\nstatus: concept\n", "\nstatus: definitief\n", 1))
    out = tmp_path / "o"
    result = rapport(db, spec, out, "docx,pdf,html")
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert "status 'definitief'" in flat and "plaatshouder" in flat and "niets geschreven" in flat
    assert "ontwerpbesluit-dor-dol.yaml" in flat
    assert not out.exists() or not any(out.iterdir())


def test_definitief_without_placeholders_is_written(db, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    decree = content / "wetgeving" / "ontwerpbesluit-dor-dol.yaml"
    decree.write_text(
        decree.read_text(encoding="utf-8").replace(
            "fases: []", "fases:\n  - fase: voorbereiding\n    datum: 2023"
        ),
        encoding="utf-8",
    )
    mutluer = content / "moties" / "motie-mutluer-cybercrime-hic-aanpak.yaml"
    mutluer.write_text(
        mutluer.read_text(encoding="utf-8").replace("status: onbekend", "status: open"),
        encoding="utf-8",
    )
    spec = write_spec(tmp_path, TEXT.replace("\nstatus: concept\n", "\nstatus: definitief\n", 1))
    out = tmp_path / "o"
    result = rapport(db, spec, out, content=content)
    assert result.exit_code == 0, result.output
    assert "Geen plaatshouders" in result.output
    assert len(list(out.iterdir())) == 2


@pytest.mark.parametrize(
    ("value", "listed"),
    [("[controleer]", True), ("PM", True), ("onbekend", True), ("TODO", None)],
)
def test_spec_check_does_not_accept_them_silently(value, listed):
    text = TEXT.replace(
        "  communicatie: >-\n", "  implementatie_x: 1\n  communicatie: >-\n", 1
    ).replace("  implementatie_x: 1\n", f"  ontwikkelingen_hiervoor: '{value}'\n")
    if listed is None:  # unfinished text is refused outright
        with pytest.raises(HicError):
            parse_spec(text, "x.yaml")
        return
    spec = parse_spec(text, "x.yaml")  # accepted in the spec ...
    assert spans(spec.beslisnota.ontwikkelingen_hiervoor)  # ... and a placeholder for the list


def test_ik_in_a_letter_with_two_signatories_is_listed(db, tmp_path):
    text = TEXT.replace(
        "  # onderwerp: weglaten",
        "  slot: Ik blijf uw Kamer informeren.\n  # onderwerp: weglaten",
        1,
    )
    result = rapport(db, write_spec(tmp_path, text), tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert any(
        "kamerbrief.slot" in ln and "'ik' in een brief met meer ondertekenaars" in ln
        for ln in lines(result.output)
    ), result.output


# --- highlighted in every format (the session's example outputs, a concept) -----------------


def test_docx_highlights_the_placeholder(outputs):
    with zipfile.ZipFile(outputs["kamerbrief.docx"]) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:r>(.*?)</w:r>", xml, re.S)
    marked = [r for r in runs if 'w:highlight w:val="yellow"' in r]
    assert any(">onbekend<" in r for r in marked)
    assert not any(">onbekend<" in r for r in runs if r not in marked)


def test_html_marks_the_placeholder(outputs):
    html = outputs["beslisnota.html"].read_text(encoding="utf-8")
    assert '<mark class="plaatshouder">onbekend</mark>' in html
    assert html.count(">onbekend<") == html.count('<mark class="plaatshouder">onbekend</mark>')


def test_pdf_highlights_the_placeholder(outputs):
    """Each letter of every 'onbekend' lies on a yellow rectangle (#ffe600)."""
    with pdfplumber.open(str(outputs["kamerbrief.pdf"])) as pdf:
        hits = 0
        for page in pdf.pages:
            yellow = [
                r
                for r in page.rects
                if r.get("non_stroking_color")
                and tuple(round(c, 2) for c in r["non_stroking_color"][:3]) == (1.0, 0.9, 0.0)
            ]
            chars = page.chars
            owner = [i for i, c in enumerate(chars) for _ in c["text"]]  # text index -> char
            text = "".join(c["text"] for c in chars)
            for m in re.finditer("onbekend", text):
                for c in {
                    id(chars[owner[k]]): chars[owner[k]] for k in range(m.start(), m.end())
                }.values():
                    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
                    assert any(
                        r["x0"] <= x <= r["x1"] and r["top"] <= y <= r["bottom"] for r in yellow
                    ), (page.page_number, c["text"])
                hits += 1
        assert hits >= 2
