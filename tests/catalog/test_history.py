"""The catalogue as of a date: statuses and stages are dated histories, read on a day."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from hicmonitor.catalog import Catalog, check_content, load_catalog, vocabulary
from hicmonitor.format_nl import partial_date
from tests.catalog.conftest import CONTENT

D = dt.date


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CONTENT)


def test_commitment_shows_its_status_on_the_letters_date(catalog) -> None:
    kader = catalog.motion("toezegging-kwaliteitskader-effectieve-interventies")
    assert kader.status_on(D(2023, 3, 19)) == "onbekend"
    assert kader.status_on(D(2023, 3, 20)) == "open"
    assert kader.status_on(D(2023, 12, 18)) == "in uitvoering"
    assert kader.status_on(D(2024, 6, 4)) == "in uitvoering"
    assert kader.status_on(D(2024, 6, 5)) == "afgedaan"
    assert kader.current_status == "afgedaan"
    mutluer = catalog.motion("motie-mutluer-cybercrime-hic-aanpak")
    assert mutluer.status_on(D(2023, 12, 18)) == "onbekend"


def test_measure_status_by_year_and_by_day(catalog) -> None:
    kader = catalog.measure("kwaliteitskader-effectieve-jeugdinterventies")
    assert kader.status_on(D(2023, 12, 18)) == "voorbereiding"
    assert kader.status_on(D(2024, 1, 1)) == "landelijk"
    assert kader.status_in(2023) == "voorbereiding"
    assert kader.status_on(D(2022, 12, 31)) is None


def test_legislative_stages_on_a_day(catalog) -> None:
    wgs = catalog.track("wgs-en-besluit")
    assert wgs.stage_on(D(2023, 12, 18)).stage == "Tweede Kamer"
    assert wgs.stage_on(D(2024, 6, 18)).stage == "Eerste Kamer"
    assert wgs.kamerstuk == "35447"
    wmg = catalog.track("besluit-en-regeling-middelenonderzoek-geweldplegers")
    on = wmg.stage_on(D(2023, 12, 18))
    assert (on.stage, partial_date(on.date)) == ("in werking", "1 januari 2017")
    decree = catalog.track("ontwerpbesluit-dor-dol")
    assert decree.stage_on(D(2023, 12, 18)) is None and decree.started_by(D(2023, 12, 18))
    assert not catalog.track("wijziging-437-437ter-sr-dor-dol").started_by(D(2020, 10, 31))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2020-05", "mei 2020"),
        ("2020-12-17", "17 december 2020"),
        ("2024", "2024"),
        ("onbekend", "onbekend"),
    ],
)
def test_dates_in_dutch(value: str, text: str) -> None:
    assert partial_date(value) == text


def test_each_measure_has_one_letter_group(catalog) -> None:
    voc = vocabulary()
    groups = {
        m.id: voc.letter_group(m.approaches, m.character, m.letter_group) for m in catalog.measures
    }
    assert set(groups.values()) == set(voc.letter_group_ids)
    assert groups["re-integratieofficier"] == "terugdringen-recidive"  # named in the file
    assert groups["alcoholmeter"] == "terugdringen-recidive"  # dadergericht, repressief
    assert groups["alleen-jij-bepaalt-wie-je-bent"] == "voorkomen-daderschap"
    assert groups["keurmerk-veilig-ondernemen"] == "voorkomen-slachtofferschap"


def _write(root: Path, kind: str, name: str, text: str) -> None:
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def test_bad_status_history_is_named(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "moties",
        "m",
        """\
        id: m
        soort: toezegging
        titel: Iets
        kamerstuk: onbekend
        indieners: [onbekend]
        datum: 2023-01-01
        samenvatting: Iets.
        status:
          2023-02-30: open
        bronnen: [https://example.org/x]
        """,
    )
    result = check_content(tmp_path)
    messages = [str(p) for p in result.problems]
    assert any("veld 'status'" in m and "ongeldig jaar '2023-02-30'" in m for m in messages), (
        messages
    )
