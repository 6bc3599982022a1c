"""The JSON API and the downloads of a real ``hic web`` server, checked against the raw files,
the services called directly, and the disclosure rule."""

from __future__ import annotations

import csv
import io
import math

import pyarrow.parquet as pq
import pytest

from hicmonitor import store, taxonomy
from hicmonitor.services import catalogue, profile
from tests.conftest import national_counts_by_category
from tests.web import raw

WONINGINBRAAK = tuple(taxonomy.category("woninginbraak").codes)
GEWELD = tuple(taxonomy.category("geweld").codes)


def test_municipalities_are_those_of_the_newest_boundaries(client) -> None:
    got = client.get("/api/v1/gemeenten").json()
    assert {g["code"]: g["naam"] for g in got} == raw.boundary_codes(2025)
    assert all(g["url"] == f"/gemeente/{g['code']}" for g in got)


def test_profile_figures_match_the_raw_files(client) -> None:
    p = client.get("/api/v1/gemeenten/GM0344").json()
    assert p["naam"] == "Utrecht"
    counts = raw.municipal_counts(WONINGINBRAAK)
    pop = raw.population()
    cat = next(c for c in p["categorieen"] if c["categorie"] == "woninginbraak")
    years = [c["jaar"] for c in cat["cijfers"]]
    assert years == sorted(y for (r, y) in counts if r == "GM0344")
    for c in cat["cijfers"]:
        assert c["aantal"] == counts[("GM0344", c["jaar"])]
        assert c["inwoners"] == pop[("GM0344", c["jaar"])]
        assert c["per_1000"] == pytest.approx(c["aantal"] / c["inwoners"] * 1000, abs=0.006)
    geweld = raw.municipal_counts(GEWELD)
    cat = next(c for c in p["categorieen"] if c["categorie"] == "geweld")
    assert {c["jaar"]: c["aantal"] for c in cat["cijfers"]} == {
        y: v for (r, y), v in geweld.items() if r == "GM0344"
    }


def test_profile_by_name_is_the_profile_by_code(client) -> None:
    a = client.get("/api/v1/gemeenten/GM0344")
    b = client.get("/api/v1/gemeenten/utrecht")
    assert a.status_code == b.status_code == 200
    assert a.content == b.content


def test_profile_duiding_and_peers_are_the_services(client, web_db) -> None:
    got = client.get("/api/v1/gemeenten/Amsterdam").json()
    con = store.connect(web_db, read_only=True)
    try:
        want = profile.municipality_profile(con, "GM0363")
    finally:
        con.close()
    assert [c["categorie"] for c in got["categorieen"]] == [c.category for c in want.categories]
    for g, w in zip(got["categorieen"], want.categories, strict=True):
        assert g["duiding"] == w.duiding.text
        assert len(g["vergelijking"]) == len(w.peers) == 2
        for gs, ws in zip(g["vergelijking"], w.peers, strict=True):
            assert gs["verhouding"] == pytest.approx(ws.ratio)
            assert gs["ondergrens"] <= gs["verhouding"] <= gs["bovengrens"]
            assert gs["oordeel"] == ws.verdict
    assert got["vergelijkingsjaar"] == want.peer_year


def test_profile_says_which_categories_are_national_only(client) -> None:
    p = client.get("/api/v1/gemeenten/GM0344").json()
    only = {n["categorie"]: n["toelichting"] for n in p["alleen_landelijk"]}
    assert {"straatroof", "overval"} <= set(only)
    assert "alleen landelijk" in only["straatroof"]
    assert not {"straatroof", "overval"} & {c["categorie"] for c in p["categorieen"]}


def test_profile_measures(client) -> None:
    p = client.get("/api/v1/gemeenten/GM0344").json()
    running = {m["id"]: m for m in p["maatregelen"]["lopend"]}
    local = raw.measures_in("GM0344")
    assert local and local <= set(running)
    assert {i for i, m in running.items() if m["lokaal"]} == local
    # the problem categories' recognised measures, strongest first, as the service finds them
    problem = p["maatregelen"]["probleemcategorieen"]
    want = catalogue.municipality_measures("GM0344", problem)
    assert [m["id"] for m in p["maatregelen"]["met_bewijs"]] == [m.id for m in want.with_evidence]
    for m in p["maatregelen"]["met_bewijs"]:
        assert set(m["categorieen"]) & set(problem)
        assert m["erkenning"] not in ("niet beoordeeld", "niet erkend")


def test_national_table_and_atm_series(client) -> None:
    n = client.get("/api/v1/landelijk").json()
    want = national_counts_by_category()
    for cat in n["categorieen"]:
        assert {c["jaar"]: c["aantal"] for c in cat["cijfers"]} == want[cat["categorie"]]
        assert cat["duiding"]
    rows = raw.atm_rows()
    got = {(r["teller"], r["soort"], r["jaar"]): r["aantal"] for r in n["ram_en_plofkraken"]}
    assert got == {(r["counter"], r["kind"], int(r["year"])): int(r["count"]) for r in rows}
    assert {r["teller"] for r in n["ram_en_plofkraken"]} == {"NVB", "politie"}  # never a sum


def test_region_download_formats_agree(client) -> None:
    js = client.get("/api/v1/cijfers", params={"regio": "GM0344"}).json()
    c = client.get("/api/v1/cijfers", params={"regio": "GM0344", "formaat": "csv"})
    assert c.headers["content-type"].startswith("text/csv")
    assert "attachment" in c.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(c.text)))
    assert len(rows) == len(js)
    assert [int(r["aantal"]) for r in rows] == [r["aantal"] for r in js]
    p = client.get("/api/v1/cijfers", params={"regio": "GM0344", "formaat": "parquet"})
    table = pq.read_table(io.BytesIO(p.content)).to_pandas()
    assert list(table["aantal"]) == [r["aantal"] for r in js]


# --- the disclosure rule --------------------------------------------------------------------

# wijken_utrecht.csv: woninginbraak 2023 (and geweld 1.4.2 + 1.4.4 + 1.4.5 = 0 + 1 + 2)
SMALL = {
    ("WK034401", "woninginbraak"): 3,
    ("WK034402", "woninginbraak"): 0,
    ("WK034403", "woninginbraak"): 27,
    ("BU03440101", "woninginbraak"): 1,
    ("BU03440102", "woninginbraak"): 4,
    ("BU03440103", "woninginbraak"): 5,
    ("WK034401", "geweld"): 3,
}


def shown(count: int) -> int | str:
    return "< 5" if 1 <= count <= 4 else count


@pytest.mark.parametrize(("region", "category"), sorted(SMALL))
def test_small_counts_below_municipality_level_are_hidden(client, region, category) -> None:
    count = SMALL[(region, category)]
    js = client.get("/api/v1/cijfers", params={"regio": region, "categorie": category}).json()
    assert len(js) == 1 and js[0]["jaar"] == 2023
    assert js[0]["aantal"] == shown(count)
    if shown(count) == "< 5":
        assert js[0]["per_1000"] is None  # the rate would give the count back
    c = client.get("/api/v1/cijfers", params={"regio": region, "formaat": "csv"}).text
    row = next(r for r in csv.DictReader(io.StringIO(c)) if r["categorie"] == category)
    assert row["aantal"] == str(shown(count))
    p = client.get("/api/v1/cijfers", params={"regio": region, "formaat": "parquet"})
    t = pq.read_table(io.BytesIO(p.content)).to_pandas()
    assert str(t.loc[t["categorie"] == category, "aantal"].iloc[0]) == str(shown(count))


def test_rate_shown_for_counts_at_the_threshold(client) -> None:
    js = client.get("/api/v1/cijfers", params={"regio": "WK034403"}).json()[0]
    assert js["per_1000"] == pytest.approx(27 / 12045 * 1000, abs=0.006)


def test_subregions_on_the_municipality_page_and_json(client) -> None:
    p = client.get("/api/v1/gemeenten/GM0344").json()
    got = {(d["code"], d["categorie"]): d["aantal"] for d in p["deelgebieden"]}
    assert got == {k: shown(v) for k, v in SMALL.items()}
    html = client.get("/gemeente/GM0344").text
    assert html.count("&lt; 5</td>") == sum(1 for v in SMALL.values() if 1 <= v <= 4)


def test_municipal_counts_are_never_hidden(client) -> None:
    # a municipality with a count below 5 keeps its number (the rule is for wijk and buurt)
    counts = raw.municipal_counts(WONINGINBRAAK)
    small = sorted(k for k, v in counts.items() if 1 <= v <= 4 and k[0] != "GM0000")
    assert small, "the embedded data has small municipal counts"
    region, year = small[0]
    js = client.get("/api/v1/cijfers", params={"regio": region, "categorie": "woninginbraak"})
    row = next(r for r in js.json() if r["jaar"] == year)
    assert row["aantal"] == counts[(region, year)]


# --- the map --------------------------------------------------------------------------------


def test_map_values_match_the_raw_files(client) -> None:
    counts = raw.municipal_counts(WONINGINBRAAK)
    pop = raw.population()
    k = client.get("/api/v1/kaart", params={"categorie": "woninginbraak", "jaar": 2023}).json()
    assert k["jaar"] == 2023 and len(k["gemeenten"]) == 342
    for g in k["gemeenten"]:
        want = counts[(g["code"], 2023)] / pop[(g["code"], 2023)] * 1000
        assert g["waarde"] == pytest.approx(want, rel=1e-3)
        assert g["url"] == f"/gemeente/{g['code']}"
    k = client.get(
        "/api/v1/kaart", params={"categorie": "woninginbraak", "jaar": 2023, "maat": "verandering"}
    ).json()
    g = next(g for g in k["gemeenten"] if g["code"] == "GM0344")
    want = (counts[("GM0344", 2023)] / counts[("GM0344", 2019)] - 1) * 100
    assert g["waarde"] == pytest.approx(want, rel=1e-3)
    assert len(k["legenda"]) == 6  # five classes and "geen cijfers"


def test_map_geojson_is_simplified_and_in_the_netherlands(client) -> None:
    r = client.get("/api/v1/kaart", params={"formaat": "geojson", "jaar": 2024})
    assert r.headers["content-type"].startswith("application/geo+json")
    gj = r.json()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 342
    vertices = 0

    def walk(c) -> None:  # noqa: ANN001
        nonlocal vertices
        if isinstance(c[0], float | int):
            vertices += 1
            assert 3.0 < c[0] < 7.5 and 50.6 < c[1] < 53.7
        else:
            for x in c:
                walk(x)

    for f in gj["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        walk(f["geometry"]["coordinates"])
    assert vertices < raw.boundary_vertices(gj["features"][0]["properties"]["jaar"] and 2024)


# --- catalogue ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"categorie": "straatroof"},
        {"aanpak": "situationeel"},
        {"erkenning": "effectief volgens eerste aanwijzingen"},
        {"gemeente": "Utrecht", "categorie": "geweld"},
    ],
)
def test_catalogue_filters_are_the_services(client, shared_con, params) -> None:
    got = client.get("/api/v1/maatregelen", params=params).json()
    want = catalogue.measures(
        shared_con,
        category=params.get("categorie"),
        approach=params.get("aanpak"),
        min_evidence=params.get("erkenning"),
        municipality="GM0344" if params.get("gemeente") else None,
    )
    assert [m["id"] for m in got] == [m.id for m in want.items]
    c = client.get("/api/v1/maatregelen", params={**params, "formaat": "csv"}).text
    assert [r["id"] for r in csv.DictReader(io.StringIO(c))] == [m.id for m in want.items]


def test_motions_and_legislation(client) -> None:
    assert [m["id"] for m in client.get("/api/v1/moties").json()] == [
        m.id for m in catalogue.motions().items
    ]
    open_ = client.get("/api/v1/moties", params={"status": "open"}).json()
    assert all(m["status"] == "open" for m in open_)
    assert [t["id"] for t in client.get("/api/v1/wetgeving").json()] == [
        t.id for t in catalogue.legislation().items
    ]


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/api/v1/gemeenten/Nergensdorp", 404, "onbekende regio"),
        ("/api/v1/gemeenten/Utrech", 404, "bedoelde u: Utrecht"),
        ("/api/v1/gemeenten/NL01", 404, "geen gemeente"),
        ("/api/v1/kaart?jaar=abc", 400, "geen geheel getal"),
        ("/api/v1/kaart?jaar=1800", 400, "minstens 1900"),
        ("/api/v1/kaart?categorie=fietsendiefstal", 400, "kies uit"),
        ("/api/v1/kaart?categorie=straatroof", 404, "alleen landelijk"),
        ("/api/v1/kaart?jaar=1999", 404, "geen cijfers"),
        ("/api/v1/cijfers?regio=GM9999", 404, "komt niet voor"),
        ("/api/v1/cijfers?regio=" + "x" * 101, 400, "te lang"),
        ("/api/v1/bestaatniet", 404, "onbekend adres"),
    ],
)
def test_api_errors_are_dutch_4xx(client, path, status, words) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    assert words in r.json()["fout"]


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/gemeente/Nergensdorp", 404, "onbekende regio"),
        ("/kaart?jaar=twintig", 400, "geen jaartal"),
        ("/kaart?categorie=overval", 404, "alleen landelijk"),
        ("/maatregelen?erkenning=heel+goed", 400, "onbekende waarde"),
        ("/rapporten/2019/kamerbrief.pdf", 404, "geen rapport voor 2019"),
        ("/rapporten/2023/brief.exe", 400, "onbekend rapportbestand"),
        ("/bestaat/niet", 404, "bestaat niet"),
    ],
)
def test_page_errors_are_dutch_pages(client, path, status, words) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in r.text and words in r.text


def test_search_redirects_to_the_municipality(client) -> None:
    r = client.get("/zoek", params={"q": "'s-hertogenbosch"})
    assert r.status_code == 303 and r.headers["location"] == "/gemeente/GM0796"
    r = client.get("/zoek", params={"q": "berg"})  # several: a list to choose from
    assert r.status_code == 200 and "Bergen" in r.text


# --- reports --------------------------------------------------------------------------------


def test_report_years_and_downloads(client) -> None:
    years = client.get("/api/v1/rapporten").json()
    assert [y["jaar"] for y in years] == [2023]
    magic = {"pdf": b"%PDF", "docx": b"PK", "html": b"<!"}
    for fmt, start in magic.items():
        r = client.get(f"/rapporten/2023/beslisnota.{fmt}")
        assert r.status_code == 200, r.text
        assert r.content.lstrip()[: len(start)].upper() == start.upper()
        assert "attachment" in r.headers["content-disposition"]


def test_openapi_lists_the_api(client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/v1/gemeenten",
        "/api/v1/gemeenten/{gemeente}",
        "/api/v1/landelijk",
        "/api/v1/cijfers",
        "/api/v1/kaart",
        "/api/v1/maatregelen",
        "/api/v1/moties",
        "/api/v1/wetgeving",
        "/api/v1/rapporten",
    }
    assert not any("incident" in p for p in spec["paths"])
    assert math.isfinite(len(spec["components"]["schemas"]))
