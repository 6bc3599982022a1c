"""Taxonomy and regions, checked against the raw data files."""

from __future__ import annotations

import csv
import itertools
import json

import pytest

from hicmonitor import regions, store, taxonomy
from hicmonitor.errors import HicError
from hicmonitor.services.regions import resolve_region
from tests.conftest import DATA

NL = DATA / "nl"


def test_five_categories_with_police_codes() -> None:
    cats = {c.id: c for c in taxonomy.categories()}
    assert list(cats) == ["woninginbraak", "straatroof", "overval", "geweld", "ram_plofkraak"]
    assert cats["woninginbraak"].codes == ("1.1.1",)
    assert cats["straatroof"].codes == ("1.4.6",)
    assert cats["overval"].codes == ("1.4.7",)
    assert cats["ram_plofkraak"].codes == () and cats["ram_plofkraak"].series == "atm_attacks"


def test_default_geweld_is_the_subset_closest_to_the_published_series() -> None:
    national = {}
    with (NL / "registered_crime_national_yearly.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            national[(row["incident_type_code"].split(" ")[0], int(row["year"]))] = int(
                row["incident_count"]
            )
    with (NL / "published_hic_national_2009_2019.csv").open(encoding="utf-8") as fh:
        published = {int(r["year"]): int(r["geweld"]) for r in csv.DictReader(fh)}
    years = [y for y in published if ("1.4.5", y) in national]
    codes = ["1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5"]

    def mean_abs_diff(subset: tuple[str, ...]) -> float:
        return sum(abs(sum(national[(c, y)] for c in subset) - published[y]) for y in years) / len(
            years
        )

    best = min(
        (s for k in range(1, 6) for s in itertools.combinations(codes, k)), key=mean_abs_diff
    )
    assert taxonomy.category("geweld").codes == best


def test_geweld_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(taxonomy.GEWELD_ENV, "1.4.3,1.4.4,1.4.5")
    assert taxonomy.category("geweld").codes == ("1.4.3", "1.4.4", "1.4.5")
    monkeypatch.setenv(taxonomy.GEWELD_ENV, "1.4.6")
    with pytest.raises(taxonomy.TaxonomyError):
        taxonomy.categories()


def test_unknown_category() -> None:
    with pytest.raises(taxonomy.TaxonomyError, match="woninginbraak"):
        taxonomy.category("inbraak")


def test_regions_342_municipalities_named_from_boundaries(shared_con) -> None:
    boundary = {
        f["properties"]["statcode"]: f["properties"]["statnaam"]
        for f in json.loads((NL / "gemeente_2025.geojson").read_text("utf-8"))["features"]
    }
    frame = store.regions(shared_con)
    current = frame[(frame.level == "gemeente") & frame.valid_to.isna() & (frame.code != "GM0000")]
    assert len(current) == 342
    assert dict(zip(current.code, current.name, strict=True)) == boundary
    assert {"NL01", "GM0000"} <= set(frame.code)


def test_former_municipalities_are_kept_and_marked(shared_con) -> None:
    with (NL / "population_gemeente_yearly.csv").open(encoding="utf-8") as fh:
        years: dict[str, list[int]] = {}
        for r in csv.DictReader(fh):
            years.setdefault(r["region_code"], []).append(int(r["year"]))
    current = {
        f["properties"]["statcode"]
        for f in json.loads((NL / "gemeente_2025.geojson").read_text("utf-8"))["features"]
    }
    former = sorted(set(years) - current)
    assert former, "the population data has former municipalities"
    frame = store.regions(shared_con).set_index("code")
    for code in former:
        assert frame.loc[code, "level"] == "gemeente"
        assert frame.loc[code, "valid_to"] == max(years[code])
        assert frame.loc[code, "valid_from"] == min(years[code])


def test_level_of_codes() -> None:
    assert regions.level_of("BU03630000") == "buurt"
    assert regions.parent_of("BU03630000") == "WK036300"
    assert regions.level_of("XX12") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Amsterdam", "GM0363"),
        ("amsterdam", "GM0363"),
        ("GM0363", "GM0363"),
        ("s-Hertogenbosch", "GM0796"),
        ("'S-HERTOGENBOSCH", "GM0796"),
        ("Sudwest-Fryslan", "GM1900"),
    ],
)
def test_resolve_region(shared_con, text: str, code: str) -> None:
    assert resolve_region(shared_con, text)[0] == code


def test_unknown_region_lists_closest(shared_con) -> None:
    with pytest.raises(HicError, match=r"Amsterdam \(GM0363\)"):
        resolve_region(shared_con, "Amsterdm")
