"""Refresh the public office holder lists of `hic woo` (content/publiek/*.csv).

Run where the internet is reachable:

    python scripts/woo_publieke_personen.py --uit content/publiek

Sources (public, open data):
- Tweede Kamer open-data API (OData v4, gegevensmagazijn.tweedekamer.nl): every Persoon
  with a FractieZetelPersoon since 2010 -> tweede_kamer.csv; every Persoon with a
  bewindspersoon function since 2010 -> bewindspersonen.csv.
- Wikidata SPARQL (query.wikidata.org): holders of "burgemeester" of a Dutch municipality
  (P39 with P642/P1001 a municipality of the Netherlands, Q2039348) since 2010 ->
  burgemeesters.csv; ministers, the minister-president and state secretaries of every
  ministry of the Netherlands since 2010 -> bewindspersonen.csv (merged with the Tweede
  Kamer's own list); korpschefs of the Nationale Politie -> politie.csv and the King's
  commissioners -> commissarissen.csv.

A person with more than one initial gets a second row with the initials ("H.M. de Jonge"
next to "Hugo de Jonge"): official documents use both.

Every row records its source URL and the date of the refresh in `bron`. Rows of the
existing files that came from elsewhere (hand-checked public documents) are kept: a refresh
adds and updates, it never drops a name. Set HICMONITOR_TK_API / HICMONITOR_WIKIDATA to
point at another endpoint (the tests use a local server).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import urllib.parse
import urllib.request
from pathlib import Path

TK = os.environ.get("HICMONITOR_TK_API", "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0")
WIKIDATA = os.environ.get("HICMONITOR_WIKIDATA", "https://query.wikidata.org/sparql")
SINCE = "2010-01-01"

MAYORS = """
SELECT DISTINCT ?personLabel ?muniLabel ?start ?end WHERE {
  ?muni wdt:P31 wd:Q2039348 .
  ?person p:P39 ?st . ?st ps:P39 ?pos .
  VALUES ?mayor { wd:Q382617 wd:Q30185 }
  ?pos wdt:P279* ?mayor .
  { ?st pq:P642 ?muni } UNION { ?st pq:P1001 ?muni } UNION { ?pos wdt:P1001 ?muni }
  OPTIONAL { ?st pq:P580 ?start } OPTIONAL { ?st pq:P582 ?end }
  FILTER(!BOUND(?end) || ?end >= "2010-01-01"^^xsd:dateTime)
  SERVICE wikibase:label { bd:serviceParam wikibase:language "nl". }
}"""


# Korpschefs of the Nationale Politie (since 2013) and King's commissioners of the
# provinces: positions of the Netherlands whose Dutch label says so.
POSITIONS = """
SELECT DISTINCT ?personLabel ?posLabel ?start ?end WHERE {
  ?person p:P39 ?st . ?st ps:P39 ?pos .
  ?pos rdfs:label ?pl . FILTER(LANG(?pl) = "nl")
  FILTER(REGEX(?pl, "^(korpschef|commissaris van de koning)", "i"))
  { ?pos (wdt:P1001|wdt:P17) wd:Q55 } UNION { ?pos wdt:P1001/wdt:P17 wd:Q55 }
  OPTIONAL { ?st pq:P580 ?start } OPTIONAL { ?st pq:P582 ?end }
  FILTER(!BOUND(?end) || ?end >= "2010-01-01"^^xsd:dateTime)
  SERVICE wikibase:label { bd:serviceParam wikibase:language "nl". }
}"""


MINISTERS = """
SELECT DISTINCT ?personLabel ?posLabel ?start ?end WHERE {
  VALUES ?land { wd:Q55 wd:Q29999 }
  ?person p:P39 ?st . ?st ps:P39 ?pos .
  ?pos (wdt:P1001|wdt:P17) ?land .
  ?pos rdfs:label ?pl . FILTER(LANG(?pl) = "nl")
  FILTER(REGEX(?pl, "^(minister|staatssecretaris|minister-president)( van| voor|$)", "i"))
  OPTIONAL { ?st pq:P580 ?start } OPTIONAL { ?st pq:P582 ?end }
  FILTER(!BOUND(?end) || ?end >= "2010-01-01"^^xsd:dateTime)
  SERVICE wikibase:label { bd:serviceParam wikibase:language "nl". }
}"""


def _get(url: str) -> dict:
    req = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "hicmonitor"}
    )
    with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310 - fixed public hosts
        return json.load(resp)


def _odata(path: str) -> list[dict]:
    url = f"{TK}/{path}"
    out = []
    while url:
        data = _get(url)
        out += data.get("value", [])
        url = data.get("@odata.nextLink")
    return out


def name_of(p: dict) -> str:
    first = p.get("Roepnaam") or (p.get("Voornamen") or "").split(" ")[0]
    return " ".join(x for x in (first, p.get("Tussenvoegsel"), p.get("Achternaam")) if x)


def names_of(p: dict) -> list[str]:
    """The name as letters write it ("Hugo de Jonge") and, when the person has more than
    one initial, also with the initials ("H.M. de Jonge"): one row each."""
    out = [name_of(p)] if name_of(p) else []
    ini = (p.get("Initialen") or "").replace(" ", "")
    if ini.count(".") > 1 and p.get("Achternaam"):
        out.append(" ".join(x for x in (ini, p.get("Tussenvoegsel"), p.get("Achternaam")) if x))
    return out


def tweede_kamer(today: str) -> list[list[str]]:
    flt = urllib.parse.quote(f"Verwijderd eq false and (TotEnMet eq null or TotEnMet ge {SINCE})")
    rows = _odata(f"FractieZetelPersoon?$filter={flt}&$expand=Persoon")
    seen, out = set(), []
    for r in rows:
        p = r.get("Persoon") or {}
        for naam in names_of(p):
            if naam not in seen:
                seen.add(naam)
                period = f"{(r.get('Van') or '')[:4]}-{(r.get('TotEnMet') or '')[:4]}"
                out.append([naam, "Tweede Kamerlid", period, f"{TK}/FractieZetelPersoon ({today})"])
    return out


def bewindspersonen(today: str) -> list[list[str]]:
    flt = urllib.parse.quote(
        "Verwijderd eq false and (contains(Functie,'minister') or contains(Functie,'staatssecretaris'))"
    )
    return [
        [naam, p.get("Functie", ""), "", f"{TK}/Persoon ({today})"]
        for p in _odata(f"Persoon?$filter={flt}")
        for naam in names_of(p)
    ]


def _sparql(query: str) -> list[dict]:
    url = WIKIDATA + "?" + urllib.parse.urlencode({"query": query, "format": "json"})
    return _get(url)["results"]["bindings"]


def _period(b: dict) -> str:
    return f"{b.get('start', {}).get('value', '')[:4]}-{b.get('end', {}).get('value', '')[:4]}"


def burgemeesters(today: str) -> list[list[str]]:
    out = []
    for b in _sparql(MAYORS):
        naam = b["personLabel"]["value"]
        if naam.startswith("Q") and naam[1:].isdigit():
            continue  # no Dutch label
        muni = b["muniLabel"]["value"]
        out.append([naam, f"burgemeester van {muni}", _period(b), f"{WIKIDATA} ({today})"])
    return out


def ministers(today: str) -> list[list[str]]:
    out = []
    for b in _sparql(MINISTERS):
        naam = b["personLabel"]["value"]
        if naam.startswith("Q") and naam[1:].isdigit():
            continue
        out.append([naam, b["posLabel"]["value"], _period(b), f"{WIKIDATA} ({today})"])
    return out


def positions(today: str) -> tuple[list[list[str]], list[list[str]]]:
    """(korpschefs, King's commissioners) from Wikidata."""
    police, provinces = [], []
    for b in _sparql(POSITIONS):
        naam = b["personLabel"]["value"]
        if naam.startswith("Q") and naam[1:].isdigit():
            continue
        functie = b["posLabel"]["value"]
        row = [naam, functie, _period(b), f"{WIKIDATA} ({today})"]
        (police if functie.lower().startswith("korpschef") else provinces).append(row)
    return police, provinces


def merge(path: Path, rows: list[list[str]]) -> list[list[str]]:
    """The refreshed rows plus every existing row for a name the refresh did not return."""
    fresh = {(r[0].casefold(), r[1].casefold()) for r in rows}
    names = {r[0].casefold() for r in rows}
    out = list(rows)
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                key = (r["naam"].casefold(), r["functie"].casefold())
                if key not in fresh and r["naam"].casefold() not in names:
                    out.append([r["naam"], r["functie"], r.get("periode", ""), r.get("bron", "")])
    return out


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(["naam", "functie", "periode", "bron"])
        wr.writerows(sorted(rows))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uit", type=Path, default=Path("content/publiek"))
    args = ap.parse_args(argv)
    today = dt.date.today().isoformat()
    args.uit.mkdir(parents=True, exist_ok=True)
    police, provinces = positions(today)
    for name, rows in (
        ("tweede_kamer.csv", tweede_kamer(today)),
        ("bewindspersonen.csv", bewindspersonen(today) + ministers(today)),
        ("burgemeesters.csv", burgemeesters(today)),
        ("politie.csv", police),
        ("commissarissen.csv", provinces),
    ):
        target = args.uit / name
        write(target, merge(target, rows))
    print(f"bijgewerkt in {args.uit} ({today})")


if __name__ == "__main__":
    main()
