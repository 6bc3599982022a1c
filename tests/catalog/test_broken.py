"""A corpus of broken content files must be rejected, each with the expected Dutch message at
the expected line and field. The expectation is written by hand in each file's first line:

    # verwacht: regel=<line> veld=<field or -> tekst=<fragment of the message>
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hicmonitor.catalog import check_content, load_catalog
from hicmonitor.errors import HicError
from tests.catalog.conftest import BROKEN

CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir())
EXPECT = re.compile(r"^# verwacht: regel=(\d+) veld=(\S+) tekst=(.+)$")


def expectation(case: Path) -> tuple[Path, int, str | None, str]:
    (path,) = list(case.glob("*/*.yaml"))
    m = EXPECT.match(path.read_text("utf-8").splitlines()[0])
    assert m, f"{path}: first line must state the expectation"
    line, field, text = m.groups()
    return path, int(line), None if field == "-" else field, text


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_file_is_rejected_precisely(case: Path, content_copy: Path, regions) -> None:
    src, line, field, text = expectation(case)
    target = content_copy / src.parent.name / src.name
    shutil.copy(src, target)

    result = check_content(content_copy, regions=regions)

    assert not result.ok
    mine = [p for p in result.problems if p.file == target]
    assert any(p.line == line and p.field == field and text in p.message for p in mine), (
        f"expected line {line}, field {field!r}, text {text!r}; got:\n"
        + "\n".join(str(p) for p in result.problems)
    )
    # every message names the file; the rest of the catalogue is still fine
    assert all(str(p).startswith(str(p.file)) for p in result.problems)
    others = [p for p in result.problems if p.file != target]
    if case.name.startswith("06-"):  # the duplicate is reported on the copy, not the original
        assert others == []
    assert all(p.file == target for p in result.problems)


def test_load_catalog_refuses_broken_content(content_copy: Path) -> None:
    src, *_ = expectation(BROKEN / "22-fases-in-verkeerde-volgorde")
    shutil.copy(src, content_copy / "wetgeving" / src.name)
    with pytest.raises(HicError, match=r"fase 'consultatie' staat na 'Tweede Kamer'"):
        load_catalog(content_copy)


def test_all_problems_of_a_file_are_reported_not_just_the_first(content_copy: Path) -> None:
    bad = content_copy / "moties" / "twee-fouten.yaml"
    bad.write_text(
        "id: twee-fouten\nsoort: motie\ntitel: x\nkamerstuk: 123\nindieners: [a]\n"
        "datum: gisteren\nsamenvatting: x\nstatus: open\nbronnen: [https://www.tweedekamer.nl/]\n",
        "utf-8",
    )
    problems = check_content(content_copy).problems
    assert {(p.line, p.field) for p in problems} == {(4, "kamerstuk"), (6, "datum")}


def test_region_codes_are_only_checked_when_the_store_is_given(content_copy: Path) -> None:
    src, *_ = expectation(BROKEN / "04-onbekende-gemeentecode")
    shutil.copy(src, content_copy / "maatregelen" / src.name)
    assert check_content(content_copy).ok  # the form GM9999 is fine on its own
