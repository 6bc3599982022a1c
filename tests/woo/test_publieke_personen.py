"""scripts/woo_publieke_personen.py refreshes the public office holder lists from the Tweede
Kamer open-data API (OData, paged) and Wikidata (SPARQL); here both are a real local HTTP
server answering in the formats of those services (paged OData with absolute and relative
next links, SPARQL JSON bindings, labels with a disambiguation, items without a Dutch label).
The refreshed lists load into the register and keep the holders visible; hand-checked rows
survive a refresh; a source that fails leaves every list as it was."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from hicmonitor.woo.detect import Detector
from hicmonitor.woo.register import load_register

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "woo_publieke_personen.py"


class _Api(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        port = self.server.server_address[1]
        self.server.requests.append(url.path)
        fail = getattr(self.server, "fail", None)
        if fail and url.path.endswith(fail[0]):
            if fail[1] == "garbage":
                self._send(b"<html>Service Unavailable</html>")
            else:
                self.send_error(fail[1])
            return
        if url.path.endswith("/FractieZetelPersoon"):
            if "skip=4" in url.query:
                body = {"value": [_seat("Kees", None, "Verhoeven", "2010-06-17", "2017-03-23")]}
            elif "skip=2" in url.query:  # the last-but-one page links on relatively
                body = {
                    "value": [_seat("Anne-Marijke", None, "Podt", "2023-12-06", None)],
                    "@odata.nextLink": "FractieZetelPersoon?skip=4",
                }
            else:
                body = {
                    "value": [
                        _seat("Don", None, "Ceder", "2021-03-31", None),
                        _seat("Hilde", None, "Palland", "2021-03-31", None, "H.M."),
                    ],
                    "@odata.nextLink": f"http://127.0.0.1:{port}/odata/FractieZetelPersoon?skip=2",
                }
        elif url.path.endswith("/Persoon"):
            body = {
                "value": [
                    {
                        "Roepnaam": "Eric",
                        "Tussenvoegsel": "van der",
                        "Achternaam": "Burg",
                        "Functie": "staatssecretaris van Justitie en Veiligheid",
                    },
                    {  # also in Wikidata's answer, with the same function: one row
                        "Roepnaam": "Micky",
                        "Achternaam": "Adriaansens",
                        "Initialen": "M.A.M.",
                        "Functie": "minister van Economische Zaken en Klimaat",
                    },
                ]
            }
        elif url.path.endswith("/sparql"):
            query = parse_qs(url.query)["query"][0]
            if "korpschef" in query:
                rows = [
                    _b(
                        personLabel="Janny Knol",
                        posLabel="korpschef van de Nationale Politie",
                        start="2024-03-01T00:00:00Z",
                    ),
                    _b(
                        personLabel="Wouter Kolff",
                        posLabel="Commissaris van de Koning in Zuid-Holland",
                        start="2024-09-01T00:00:00Z",
                    ),
                ]
            elif "Q2039348" in query:
                rows = [
                    _b(
                        personLabel="Femke Halsema",
                        muniLabel="Amsterdam",
                        start="2018-07-12T00:00:00Z",
                    ),
                    _b(personLabel="Q12345", muniLabel="Ergens"),
                    _b(
                        personLabel="Hubert Bruls (politicus)",
                        muniLabel="Nijmegen",
                        start="2012-09-01T00:00:00Z",
                    ),
                ]
            else:
                rows = [
                    _b(
                        personLabel="Micky Adriaansens",
                        posLabel="minister van Economische Zaken en Klimaat",
                        start="2022-09-01T00:00:00Z",
                        end="2024-07-02T00:00:00Z",
                    ),
                    _b(posLabel="minister van Financiën"),  # no person label: skipped
                ]
            body = {"results": {"bindings": rows}}
        else:
            self.send_error(404)
            return
        self._send(json.dumps(body).encode())

    def _send(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _seat(first, tv, last, van, tot, initials=None) -> dict:
    return {
        "Van": van,
        "TotEnMet": tot,
        "Persoon": {
            "Roepnaam": first,
            "Tussenvoegsel": tv,
            "Achternaam": last,
            "Initialen": initials,
        },
    }


def _b(**kw) -> dict:
    return {k: {"type": "literal", "value": v} for k, v in kw.items()}


@pytest.fixture()
def api():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    srv.requests = []
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _script(api, monkeypatch):
    url = f"http://127.0.0.1:{api.server_address[1]}"
    monkeypatch.setenv("HICMONITOR_TK_API", f"{url}/odata")
    monkeypatch.setenv("HICMONITOR_WIKIDATA", f"{url}/sparql")
    spec = importlib.util.spec_from_file_location("woo_publieke_personen", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, url


HAND_ROW = (
    "naam,functie,periode,bron\nJan Hamming,burgemeester van Zaanstad,2014-,beslisnota 5074177\n"
)


def test_refresh_from_the_apis_and_use_the_lists(api, tmp_path, monkeypatch):
    mod, api_url = _script(api, monkeypatch)
    out = tmp_path / "publiek"
    out.mkdir()
    (out / "burgemeesters.csv").write_text(HAND_ROW, encoding="utf-8")
    assert mod.main(["--uit", str(out)]) == 0
    assert api.requests.count("/odata/FractieZetelPersoon") == 3  # every page

    def rows(name):
        with (out / name).open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    tk = rows("tweede_kamer.csv")
    assert {r["naam"] for r in tk} == {
        "Don Ceder",
        "Hilde Palland",
        "H.M. Palland",  # the initials as official documents write them
        "Anne-Marijke Podt",
        "Kees Verhoeven",
    }  # all three pages
    assert {r["periode"] for r in tk if r["naam"] == "Kees Verhoeven"} == {"2010-2017"}
    assert all(r["bron"].startswith(f"{api_url}/odata") and r["periode"] for r in tk)
    bw = {r["naam"]: r for r in rows("bewindspersonen.csv")}
    assert bw["Micky Adriaansens"]["functie"].startswith("minister van Economische Zaken")
    assert bw["Micky Adriaansens"]["periode"] == "2022-2024"
    assert "M.A.M. Adriaansens" in bw and "Eric van der Burg" in bw
    bw_rows = rows("bewindspersonen.csv")
    pairs = [(r["naam"], r["functie"]) for r in bw_rows]
    assert len(pairs) == len(set(pairs)), pairs  # the two sources' shared row once
    assert "minister van Financiën" not in {r["functie"] for r in bw_rows}
    bm = {r["naam"]: r for r in rows("burgemeesters.csv")}
    assert set(bm) == {
        "Femke Halsema",
        "Hubert Bruls",
        "Jan Hamming",
    }  # hand row kept, Q-id dropped, disambiguation off the label
    assert bm["Femke Halsema"]["functie"] == "burgemeester van Amsterdam"
    po = {r["naam"]: r for r in rows("politie.csv")}
    assert po["Janny Knol"]["periode"] == "2024-" and po["Janny Knol"]["bron"].startswith(api_url)
    cdk = {r["naam"]: r for r in rows("commissarissen.csv")}
    assert set(cdk) == {"Wouter Kolff"}
    for name in ("tweede_kamer", "bewindspersonen", "burgemeesters", "politie", "commissarissen"):
        with (out / f"{name}.csv").open(encoding="utf-8") as fh:
            assert fh.readline().strip() == "naam,functie,periode,bron"

    reg_file = tmp_path / "personen.yaml"
    reg_file.write_text(
        "ambtenaren: []\npubliek: []\npublieke_functies: [minister]\npublieke_lijsten:\n"
        "  - publiek/tweede_kamer.csv\n  - publiek/bewindspersonen.csv\n  - publiek/burgemeesters.csv\n",
        encoding="utf-8",
    )
    det = Detector(load_register(reg_file), use_deduce=False)
    for text in (
        "Bruls noemde de aanpak effectief.",
        "Dat zei Adriaansens gisteren.",
        "Volgens Palland is dat zo.",
        "H.M. Palland vroeg het woord.",
    ):
        name = text.split()[0] if not text.startswith(("Dat", "Volgens")) else text.split()[2]
        assert det.keep_spans(text), f"{name} not kept"


@pytest.mark.parametrize(
    ("fail", "message"),
    [
        (("/sparql", 500), "HTTP 500"),
        (("/FractieZetelPersoon", 503), "HTTP 503"),
        (("/Persoon", "garbage"), "geen geldige JSON"),
    ],
)
def test_a_failing_source_changes_nothing(api, tmp_path, monkeypatch, capsys, fail, message):
    """One source down or answering garbage: a Dutch message naming the source, exit 1,
    every list exactly as it was (a refresh never writes half the lists)."""
    mod, api_url = _script(api, monkeypatch)
    out = tmp_path / "publiek"
    out.mkdir()
    (out / "burgemeesters.csv").write_text(HAND_ROW, encoding="utf-8")
    api.fail = fail
    assert mod.main(["--uit", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fout: lijsten niet bijgewerkt") and message in err
    assert api_url in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["burgemeesters.csv"]
    assert (out / "burgemeesters.csv").read_text(encoding="utf-8") == HAND_ROW


def test_unreachable_source_is_a_dutch_error(tmp_path, monkeypatch, capsys):
    """No server at all (a closed port): a clear message, nothing written."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    port = srv.server_address[1]
    srv.server_close()
    monkeypatch.setenv("HICMONITOR_TK_API", f"http://127.0.0.1:{port}/odata")
    monkeypatch.setenv("HICMONITOR_WIKIDATA", f"http://127.0.0.1:{port}/sparql")
    spec = importlib.util.spec_from_file_location("woo_publieke_personen", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "publiek"
    assert mod.main(["--uit", str(out)]) == 1
    assert "niet bereikbaar" in capsys.readouterr().err
    assert not out.exists()


PUBLIEK = ROOT / "content" / "publiek"


def test_shipped_lists_are_well_formed_and_documented():
    """The lists in the repository: the refresh script's format, every row with a name,
    a function and a source, each name and function once, all loaded by the register,
    and the sizes BRONNEN.md states are the files' sizes (the documentation cannot drift)."""
    bronnen = (PUBLIEK / "BRONNEN.md").read_text(encoding="utf-8")
    stated = {m[1]: int(m[2]) for m in re.finditer(r"^\| `(\w+\.csv)` \| (\d+)", bronnen, re.M)}
    listed = yaml.safe_load((ROOT / "content" / "personen.yaml").read_text(encoding="utf-8"))
    files = sorted(PUBLIEK.glob("*.csv"))
    assert {f"publiek/{f.name}" for f in files} == set(listed["publieke_lijsten"])
    for f in files:
        with f.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            assert next(reader) == ["naam", "functie", "periode", "bron"], f.name
            rows = list(reader)
        assert all(len(r) == 4 and r[0].strip() and r[1].strip() and r[3].strip() for r in rows)
        keys = [(r[0].casefold(), r[1].casefold()) for r in rows]
        assert len(keys) == len(set(keys)), f.name
        assert stated.get(f.name) == len(rows), f"BRONNEN.md: {f.name} has {len(rows)} rows"
    reg = load_register(ROOT / "content" / "personen.yaml")
    det = Detector(reg, use_deduce=False)
    for text in (  # one holder of each list, named bare as letters do
        "Dat zei Podt gisteren.",  # Tweede Kamer
        "Volgens Adriaansens is dat zo.",  # bewindspersoon
        "Halsema noemde de aanpak effectief.",  # burgemeester
        "Akerboom kondigde het aan.",  # korpschef
    ):
        assert det.keep_spans(text), text
