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
import re
import sys
import urllib.error
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


class RefreshError(Exception):
    """A source could not be read: nothing is written."""


def _get(url: str) -> dict:
    req = urllib.request.Request(
        url,
        headers={
            "Accept": "application/json",
            # Wikidata asks for a descriptive agent
            "User-Agent": "hicmonitor-woo-publieke-personen/1 (python urllib)",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310 - fixed public hosts
            data = json.load(resp)
    except urllib.error.HTTPError as exc:
        raise RefreshError(f"{_short(url)}: de bron antwoordde met HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RefreshError(f"{_short(url)}: de bron is niet bereikbaar ({reason})") from exc
    except ValueError as exc:
        raise RefreshError(f"{_short(url)}: het antwoord is geen geldige JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise RefreshError(f"{_short(url)}: onverwacht antwoord (geen JSON-object)")
    return data


def _short(url: str) -> str:
    return url.split("?", 1)[0]


def _odata(path: str) -> list[dict]:
    url = f"{TK}/{path}"
    out, seen = [], set()
    while url:
        if url in seen:  # a server that links a page to itself would loop forever
            raise RefreshError(f"{_short(url)}: de volgende pagina verwijst terug")
        seen.add(url)
        data = _get(url)
        value = data.get("value")
        if not isinstance(value, list):
            raise RefreshError(f"{_short(url)}: het antwoord heeft geen lijst 'value'")
        out += value
        nxt = data.get("@odata.nextLink")
        url = urllib.parse.urljoin(url, nxt) if nxt else None
    return out


def _label(name: str) -> str:
    """A Wikidata label as a name: no disambiguation ("Jan de Vries (politicus)")."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


def _is_qid(name: str) -> bool:
    return name.startswith("Q") and name[1:].isdigit()


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
    try:
        rows = _get(url)["results"]["bindings"]
    except (KeyError, TypeError) as exc:
        raise RefreshError(f"{WIKIDATA}: het antwoord heeft geen 'results.bindings'") from exc
    # a binding without the person's label is of no use (an incomplete answer)
    return [b for b in rows if isinstance(b, dict) and "personLabel" in b]


def _period(b: dict) -> str:
    return f"{b.get('start', {}).get('value', '')[:4]}-{b.get('end', {}).get('value', '')[:4]}"


def burgemeesters(today: str) -> list[list[str]]:
    out = []
    for b in _sparql(MAYORS):
        naam = _label(b["personLabel"]["value"])
        if not naam or _is_qid(naam):
            continue  # no Dutch label
        muni = b.get("muniLabel", {}).get("value", "")
        if not muni or _is_qid(muni):
            continue
        out.append([naam, f"burgemeester van {muni}", _period(b), f"{WIKIDATA} ({today})"])
    return out


def ministers(today: str) -> list[list[str]]:
    out = []
    for b in _sparql(MINISTERS):
        naam = _label(b["personLabel"]["value"])
        if not naam or _is_qid(naam):
            continue
        functie = b.get("posLabel", {}).get("value", "")
        if functie and not _is_qid(functie):
            out.append([naam, functie, _period(b), f"{WIKIDATA} ({today})"])
    return out


def positions(today: str) -> tuple[list[list[str]], list[list[str]]]:
    """(korpschefs, King's commissioners) from Wikidata."""
    police, provinces = [], []
    for b in _sparql(POSITIONS):
        naam = _label(b["personLabel"]["value"])
        if not naam or _is_qid(naam):
            continue
        functie = b.get("posLabel", {}).get("value", "")
        if not functie or _is_qid(functie):
            continue
        row = [naam, functie, _period(b), f"{WIKIDATA} ({today})"]
        (police if functie.lower().startswith("korpschef") else provinces).append(row)
    return police, provinces


def merge(path: Path, rows: list[list[str]]) -> list[list[str]]:
    """The refreshed rows (each name and function once; a row with a period wins over the
    same row without one) plus every existing row for a name the refresh did not return."""
    first: dict[tuple[str, str], list[str]] = {}
    out = []
    for r in rows:
        key = (r[0].casefold(), r[1].casefold())
        if key not in first:
            first[key] = list(r)
            out.append(first[key])
        elif not first[key][2] and r[2]:  # the other source knows the period
            first[key][2:] = r[2:]
    keys = set(first)
    names = {k[0] for k in keys}
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                key = (r["naam"].casefold(), r["functie"].casefold())
                if key not in keys and r["naam"].casefold() not in names:
                    keys.add(key)
                    out.append([r["naam"], r["functie"], r.get("periode", ""), r.get("bron", "")])
    return out


def write(path: Path, rows: list[list[str]]) -> None:
    """Write through a temporary file: a reader never sees half a list."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(["naam", "functie", "periode", "bron"])
        wr.writerows(sorted(rows))
    tmp.replace(path)


def fetch_all(today: str) -> dict[str, list[list[str]]]:
    """Every list from the sources; raises RefreshError before anything is written."""
    police, provinces = positions(today)
    return {
        "tweede_kamer.csv": tweede_kamer(today),
        "bewindspersonen.csv": bewindspersonen(today) + ministers(today),
        "burgemeesters.csv": burgemeesters(today),
        "politie.csv": police,
        "commissarissen.csv": provinces,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uit", type=Path, default=Path("content/publiek"))
    args = ap.parse_args(argv)
    today = dt.date.today().isoformat()
    try:
        lists = fetch_all(today)
    except RefreshError as exc:
        print(f"fout: lijsten niet bijgewerkt, er is niets geschreven: {exc}", file=sys.stderr)
        return 1
    args.uit.mkdir(parents=True, exist_ok=True)
    for name, rows in lists.items():
        target = args.uit / name
        merged = merge(target, rows)
        write(target, merged)
        print(f"{name}: {len(merged)} rijen ({len(rows)} uit de bronnen)")
    print(f"bijgewerkt in {args.uit} ({today})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
