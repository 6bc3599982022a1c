"""scripts/woo_publieke_personen.py refreshes the public office holder lists from the Tweede
Kamer open-data API (OData, paged) and Wikidata (SPARQL); here both are a real local HTTP
server answering in the formats of those services. The refreshed lists load into the
register and keep the holders visible; hand-checked rows survive a refresh."""

from __future__ import annotations

import csv
import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

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
        if url.path.endswith("/FractieZetelPersoon"):
            if "skip" in url.query:
                body = {"value": [_seat("Anne-Marijke", None, "Podt", "2023-12-06", None)]}
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
                    }
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
                        personLabel="Hubert Bruls",
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
                ]
            body = {"results": {"bindings": rows}}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
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
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_refresh_from_the_apis_and_use_the_lists(api, tmp_path, monkeypatch):
    monkeypatch.setenv("HICMONITOR_TK_API", f"{api}/odata")
    monkeypatch.setenv("HICMONITOR_WIKIDATA", f"{api}/sparql")
    spec = importlib.util.spec_from_file_location("woo_publieke_personen", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "publiek"
    out.mkdir()
    (out / "burgemeesters.csv").write_text(
        "naam,functie,periode,bron\nJan Hamming,burgemeester van Zaanstad,2014-,beslisnota 5074177\n",
        encoding="utf-8",
    )
    mod.main(["--uit", str(out)])

    def rows(name):
        with (out / name).open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    tk = rows("tweede_kamer.csv")
    assert {r["naam"] for r in tk} == {
        "Don Ceder",
        "Hilde Palland",
        "H.M. Palland",  # the initials as official documents write them
        "Anne-Marijke Podt",
    }  # both pages
    assert all(r["bron"].startswith(f"{api}/odata") and r["periode"] for r in tk)
    bw = {r["naam"]: r for r in rows("bewindspersonen.csv")}
    assert bw["Micky Adriaansens"]["functie"].startswith("minister van Economische Zaken")
    assert bw["Micky Adriaansens"]["periode"] == "2022-2024"
    assert "Eric van der Burg" in bw
    bm = {r["naam"]: r for r in rows("burgemeesters.csv")}
    assert set(bm) == {
        "Femke Halsema",
        "Hubert Bruls",
        "Jan Hamming",
    }  # hand row kept, Q-id dropped
    assert bm["Femke Halsema"]["functie"] == "burgemeester van Amsterdam"
    po = {r["naam"]: r for r in rows("politie.csv")}
    assert po["Janny Knol"]["periode"] == "2024-" and po["Janny Knol"]["bron"].startswith(api)
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
