"""Early-warning signals in the letter: only those the spec accepts (``signalen:``), computed on
the figures public on the letter's peildatum, in the duiding of their category -- in DOCX,
PDF and HTML. Unknown or non-existent signals are spec errors naming file, line and field.

The expected signals and sentences come from the method run on the raw CSV files
(tests/signals/raw.py), not from the store or the report code."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hicmonitor import store
from hicmonitor.analysis.signals import signal_sentence
from hicmonitor.cli import app
from hicmonitor.errors import InputError
from hicmonitor.reports.context import gather
from hicmonitor.reports.rapport import make_reports
from hicmonitor.reports.spec import load_spec
from hicmonitor.store import loading
from tests.signals.raw import raw_signals
from tests.web.raw import boundary_codes

from .conftest import EXAMPLE_SPEC
from .readback import docx_text, parse_html, pdf_pages, squash

TEXT = EXAMPLE_SPEC.read_text(encoding="utf-8")
NOUNS = {"woninginbraak": "woninginbraken", "1.4.4": "bedreigingen", "1.4.5": "mishandelingen"}
NOUNS |= {"geweld": "geweldsdelicten", "1.4.2": "gevallen van moord en doodslag"}
NOTE = "De gemeente zoekt met de politie naar de oorzaak van de stijging."


@pytest.fixture(scope="module")
def signals_2022() -> pd.DataFrame:
    """The 2022 signals of the raw files with only the years public on 18 December 2023."""
    s = raw_signals(2022, last_year=2022)
    names = boundary_codes(2025)
    s["name"] = s["region_code"].map(names)
    return s.sort_values("score", ascending=False).reset_index(drop=True)


def sentence(row: pd.Series) -> str:
    return signal_sentence(row, region_name=row["name"], noun=NOUNS[row["series"]])


def spec_with(tmp_path: Path, block: str, text: str = TEXT) -> Path:
    path = tmp_path / "2023.yaml"
    path.write_text(text.rstrip() + "\n\nsignalen:\n" + block, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """The line of the last line starting with ``needle`` (the signalen block is last)."""
    found = [
        i
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip().startswith(needle)
    ]
    assert found, needle
    return found[-1]


def readable(path: Path) -> str:
    if path.suffix == ".docx":
        return docx_text(path)
    if path.suffix == ".pdf":
        return squash(" ".join(pdf_pages(path)))
    return squash(" ".join(parse_html(path).text))


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


def test_accepted_signals_reach_the_duiding_of_their_category(
    loaded_db_template, catalog, signals_2022, tmp_path
) -> None:
    alarms = signals_2022[signals_2022["alarm"]]
    burglary = alarms[alarms["series"] == "woninginbraak"].iloc[0]
    part = alarms[alarms["series"].isin(["1.4.4", "1.4.5"])].iloc[0]
    skipped = alarms[
        ~alarms["region_code"].isin([burglary["region_code"], part["region_code"]])
    ].iloc[0]
    label = {"1.4.4": "bedreiging", "1.4.5": "mishandeling"}[part["series"]]
    path = spec_with(
        tmp_path,
        f"  - regio: {burglary['name']}\n"
        "    categorie: woninginbraak\n"
        f"    toelichting: {NOTE}\n"
        f"  - regio: {part['region_code']}\n"
        f"    categorie: {label}\n"
        "    jaar: 2022\n",
    )
    con = store.connect(loaded_db_template, read_only=True)
    try:
        paths = make_reports(con, load_spec(path), tmp_path / "out", catalog=catalog).paths
    finally:
        con.close()
    letters = [p for p in paths if p.name.startswith("kamerbrief")]
    assert len(letters) == 3
    for p in letters:
        text = readable(p)
        woning = between(text, "2.1 Woninginbraak", "2.2 Straatroof")
        assert "De vroegsignalering per gemeente" in woning
        assert f"{sentence(burglary)} {NOTE}" in woning, p.name
        geweld = between(text, "2.4 Geweld", "2.5 Ram- en plofkraken")
        assert sentence(part) in geweld, p.name
        # a signal the spec does not accept never reaches the letter
        assert sentence(skipped) not in text
        assert skipped["name"] + " lag het aantal" not in text
    memo = readable(next(p for p in paths if p.name.startswith("beslisnota")))
    assert sentence(burglary) not in memo


def test_without_signalen_the_letter_has_no_such_paragraph(outputs) -> None:
    for name in ("kamerbrief.html", "kamerbrief.docx", "kamerbrief.pdf"):
        assert "vroegsignalering" not in readable(outputs[name]).lower()


def _error(con, catalog, path: Path) -> InputError:
    with pytest.raises(InputError) as exc:
        gather(con, load_spec(path), catalog=catalog)
    return exc.value


def test_a_series_without_a_signal_is_refused(shared_con, catalog, signals_2022, tmp_path):
    quiet = signals_2022[
        ~signals_2022["alarm"]
        & signals_2022["upperbound"].notna()
        & (signals_2022["series"] == "woninginbraak")
    ].iloc[0]
    path = spec_with(tmp_path, f"  - regio: {quiet['name']}\n    categorie: woninginbraak\n")
    err = _error(shared_con, catalog, path)
    assert err.file == str(path)
    assert err.field == "signalen[0]"
    assert err.line == line_of(path, f"- regio: {quiet['name']}")
    assert f"geen signaal voor woninginbraak in {quiet['name']} in 2022" in err.message
    assert sentence(quiet) in err.message  # says where the count lay


@pytest.mark.parametrize(
    ("block", "field", "needle", "message"),
    [
        (
            "  - regio: Nergensdorp\n    categorie: woninginbraak\n",
            "signalen[0].regio",
            "- regio: Nergensdorp",
            "onbekende regio 'Nergensdorp'",
        ),
        (
            "  - regio: Utrecht\n    categorie: fietsdiefstal\n",
            "signalen[0].categorie",
            "categorie: fietsdiefstal",
            "onbekende categorie 'fietsdiefstal'",
        ),
        (
            "  - regio: Utrecht\n    categorie: straatroof\n",
            "signalen[0].categorie",
            "categorie: straatroof",
            "alleen landelijk, niet per gemeente",
        ),
        (
            "  - regio: Utrecht\n    categorie: woninginbraak\n    jaar: 2023\n",
            "signalen[0].jaar",
            "jaar: 2023",
            "geen cijfers over 2023 voor woninginbraak in Utrecht die op de peildatum "
            "2023-12-18 openbaar waren (wel over 2012–2022)",
        ),
    ],
)
def test_spec_errors_name_file_line_and_field(
    shared_con, catalog, tmp_path, block, field, needle, message
) -> None:
    path = spec_with(tmp_path, block)
    err = _error(shared_con, catalog, path)
    assert err.file == str(path)
    assert err.field == field
    assert err.line == line_of(path, needle)
    assert message in err.message


def test_the_same_signal_twice(shared_con, catalog, signals_2022, tmp_path) -> None:
    top = signals_2022[signals_2022["alarm"]].iloc[0]
    path = spec_with(
        tmp_path,
        f"  - regio: {top['region_code']}\n    categorie: {top['series']}\n"
        f"  - regio: {top['name']}\n    categorie: {top['series']}\n    jaar: 2022\n",
    )
    err = _error(shared_con, catalog, path)
    assert err.field == "signalen[1]"
    assert err.line == line_of(path, f"- regio: {top['name']}")
    assert "dit signaal staat al in signalen[0]" in err.message


def test_spec_shape_errors(tmp_path) -> None:
    path = spec_with(tmp_path, "  - regio: Utrecht\n    categorie: geweld\n    kleur: rood\n")
    with pytest.raises(InputError) as exc:
        load_spec(path)
    assert exc.value.line == line_of(path, "kleur: rood")
    assert "onbekend veld" in exc.value.message
    path = spec_with(tmp_path, "  - regio: Utrecht\n    categorie: geweld\n    jaar: vorig\n")
    with pytest.raises(InputError) as exc:
        load_spec(path)
    assert exc.value.line == line_of(path, "jaar: vorig")
    assert "geheel getal" in exc.value.message


def test_hic_rapport_says_it_in_dutch(loaded_db_template, signals_2022, tmp_path) -> None:
    db = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, db)
    path = spec_with(tmp_path, "  - regio: Nergensdorp\n    categorie: woninginbraak\n")
    out = tmp_path / "uit"
    result = CliRunner().invoke(
        app,
        ["--db", str(db), "rapport", "--jaar", "2023", "--spec", str(path), "--uit", str(out)],
        env={"COLUMNS": "300"},
    )
    assert result.exit_code == 1
    assert (
        f"fout: {path}, regel {line_of(path, '- regio: Nergensdorp')}, veld "
        "'signalen[0].regio': onbekende regio 'Nergensdorp'"
    ) in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_signals_are_those_public_on_the_peildatum(
    loaded_db_template, catalog, signals_2022, tmp_path
) -> None:
    """A revision of the signal's count published after the letter changes nothing in it;
    a letter dated after the revision no longer has the signal to accept."""
    top = signals_2022[signals_2022["alarm"] & (signals_2022["series"] == "woninginbraak")].iloc[0]
    db = tmp_path / "hic.duckdb"
    shutil.copy(loaded_db_template, db)
    revised = round(float(top["expected"]))  # what the years before predicted: no signal
    file = tmp_path / "herzien.csv"
    file.write_text(
        "crime_code,crime_label,region_code,year,registered_crimes,provisional\n"
        f"1.1.1,Diefstal/inbraak woning,{top['region_code']},2022,{revised},0\n",
        encoding="utf-8",
    )
    con = store.connect(db)
    loading.load_file(con, file, published=dt.date(2024, 3, 1), accept=True)
    con.close()
    block = f"  - regio: {top['region_code']}\n    categorie: woninginbraak\n    jaar: 2022\n"
    path = spec_with(tmp_path, block)
    con = store.connect(db, read_only=True)
    try:
        ctx = gather(con, load_spec(path), catalog=catalog)
        assert [s.text for s in ctx.signals] == [sentence(top)]
        assert ctx.signals[0].observed == int(top["observed"]) != revised
        later = TEXT.replace("datum: 2023-12-18", "datum: 2024-03-04", 1)
        path = spec_with(tmp_path, block, later)
        err = _error(con, catalog, path)
    finally:
        con.close()
    assert err.field == "signalen[0]"
    assert f"geen signaal voor woninginbraak in {top['name']} in 2022" in err.message
    assert f"({revised})" in err.message and "2024-03-04" in err.message
