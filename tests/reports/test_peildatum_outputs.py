"""No figure that became public after the peildatum reaches any output: DOCX, PDF, HTML, and
the CLI's csv and json.

Two real stores: the full one (the embedded data, monthly figures public on 12 December
2023, and figures published later: December 2023, a revision of 2022 and later ram- en
plofkraken counts), and one that holds only what was public on 18 December 2023 (the
embedded files cut by their publication dates, the same monthly file). The report of
18 December 2023 and the CLI's exports as of that day must be the same from both, and the
later figures (planted with unmistakable values) appear nowhere. The test can fail: the same
outputs from the full store without a peildatum do contain them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hicmonitor import store
from hicmonitor.cli import app
from hicmonitor.reports.rapport import make_reports
from hicmonitor.store import loading
from tests.conftest import DATA

from .readback import parse_html, pdf_pages

D = dt.date(2023, 12, 18)
CBS_HEADER = "ID,SoortMisdrijf,RegioS,Perioden,GeregistreerdeMisdrijven_1"
LATE_MARKERS = ["777777", "777.777", "919191", "919.191", "55555", "55.555"]


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def monthly_file(folder: Path) -> Path:
    rows = []
    for year, base in ((2022, 2000), (2023, 1800)):
        for m in range(1, 12):
            for code, scale in (
                ("1.1.1", 1),
                ("1.4.6", 0.1),
                ("1.4.7", 0.03),
                ("1.4.2", 0.01),
                ("1.4.4", 1.1),
                ("1.4.5", 1.7),
            ):
                rows.append(f"{len(rows)},{code} ,NL01,{year}MM{m:02d},{int((base + m) * scale)}")
    return write(folder / "maanden.csv", CBS_HEADER, rows)


def restricted_data(src: Path, dst: Path) -> Path:
    """A copy of the embedded data set with only what was public on ``D``."""
    (dst / "nl").mkdir(parents=True)
    dates: dict[tuple[str, int], dt.date] = {}
    with (src / "nl" / "availability.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            dates[(r["file"], int(r["year"]))] = dt.date.fromisoformat(r["available_from"])
    for f in (src / "nl").iterdir():
        name = f.name
        if name in {
            "registered_crime_national_yearly.csv",
            "registered_crime_gemeente_yearly.csv",
            "population_gemeente_yearly.csv",
            "published_atm_attacks.csv",
        }:
            with f.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                keep = []
                for r in reader:
                    if name == "published_atm_attacks.csv":
                        public = dt.date.fromisoformat(r["available_from"])
                    else:
                        public = dates[(name, int(r["year"]))]
                    if public <= D:
                        keep.append(r)
            with (dst / "nl" / name).open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=reader.fieldnames, lineterminator="\n")
                w.writeheader()
                w.writerows(keep)
        else:
            shutil.copy(f, dst / "nl" / name)
    return dst


@pytest.fixture(scope="module")
def stores(loaded_db_template: Path, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("peil")
    months = monthly_file(folder)
    full = folder / "full.duckdb"
    shutil.copy(loaded_db_template, full)
    con = store.connect(full)
    loading.load_file(con, months, published=dt.date(2023, 12, 12), accept=True)
    late = folder / "later"
    late.mkdir()
    loading.load_file(
        con,
        write(late / "dec.csv", CBS_HEADER, ["0,1.1.1 ,NL01,2023MM12,919191"]),
        published=dt.date(2024, 1, 16),
        accept=True,  # marker values far from the real ones: accepted on purpose
    )
    loading.load_file(  # a revision of 2022, published after the letter
        con,
        write(late / "herzien.csv", CBS_HEADER, ["0,1.1.1 ,NL01,2022JJ00,777777"]),
        published=dt.date(2024, 3, 1),
        accept=True,
    )
    loading.load_file(
        con,
        write(
            late / "atm.csv",
            "year,counter,kind,count,source,available_from,covers_until",
            [
                "2023,politie,plofkraak,55555,later,2024-01-10,",
                "2024,NVB,plofkraak,55555,later,2025-02-01,",
            ],
        ),
        accept=True,
    )
    con.close()
    part = folder / "part.duckdb"
    con = store.connect(part)
    loading.ensure_embedded(con, restricted_data(DATA, folder / "data"))
    loading.load_file(con, months, published=dt.date(2023, 12, 12), accept=True)
    con.close()
    return full, part


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        parts = sorted(n for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml"))
        return "\n".join(re.sub(r"<[^>]+>", " ", zf.read(n).decode("utf-8")) for n in parts)


def readable(path: Path) -> str:
    if path.suffix == ".docx":
        return docx_text(path)
    if path.suffix == ".pdf":
        return "\n".join(pdf_pages(path))
    return " ".join(parse_html(path).text)


def render(db: Path, out: Path, spec, catalog) -> dict[str, Path]:
    con = store.connect(db, read_only=True)
    try:
        paths = make_reports(con, spec, out, catalog=catalog).paths
    finally:
        con.close()
    return {p.name: p for p in paths}


def test_every_format_shows_only_what_was_public(stores, spec, catalog, tmp_path):
    full, part = stores
    a = render(full, tmp_path / "full", spec, catalog)
    b = render(part, tmp_path / "part", spec, catalog)
    assert sorted(a) == sorted(b) and len(a) == 6
    for name in a:
        ta, tb = readable(a[name]), readable(b[name])
        assert ta == tb, name
        for marker in LATE_MARKERS:
            assert marker not in ta, (name, marker)
    # the months to date (public on 12 December) are there, provisional
    letter = readable(a["kamerbrief_2023_VOORBEELD-2023-001.pdf"])
    assert "januari–november 2023" in letter and "voorlopig" in letter
    # the figure images are the same too (the chart is drawn from the same figures)
    with (
        zipfile.ZipFile(a["kamerbrief_2023_VOORBEELD-2023-001.docx"]) as za,
        zipfile.ZipFile(b["kamerbrief_2023_VOORBEELD-2023-001.docx"]) as zb,
    ):
        media = [n for n in za.namelist() if n.startswith("word/media/")]
        assert media and all(za.read(n) == zb.read(n) for n in media)


def test_the_check_can_fail(stores, spec, catalog, tmp_path):
    """Asked as of a later day, the full store's outputs do contain the later figures."""
    full, _ = stores
    later = spec.model_copy(update={"datum": dt.date(2025, 3, 1), "jaar": 2025})
    with pytest.raises(Exception):  # noqa: B017 - no 2024 national figures: refused
        render(full, tmp_path / "x", later, catalog)
    result = CliRunner().invoke(
        app, ["--db", str(full), "cijfers", "--formaat", "json", "--uit", str(tmp_path / "n.json")]
    )
    assert result.exit_code == 0, result.output
    assert "777777" in (tmp_path / "n.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("regio", ["NL01", "GM0363"])
def test_cli_exports_as_of_the_peildatum(stores, tmp_path, fmt, regio):
    full, part = stores
    files = []
    for db in (full, part):
        target = tmp_path / f"{db.stem}.{fmt}"
        args = ["--db", str(db), "cijfers", "--regio", regio, "--peildatum", D.isoformat()]
        result = CliRunner().invoke(app, [*args, "--formaat", fmt, "--uit", str(target)])
        assert result.exit_code == 0, result.output
        files.append(target.read_text(encoding="utf-8"))
    assert files[0] == files[1]
    for marker in LATE_MARKERS:
        assert marker not in files[0]
