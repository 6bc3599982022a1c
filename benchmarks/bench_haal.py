"""Speed of ``hic haal`` against a local OData server, compared with floors measured in the same run.

Serves a synthetic police table (crime codes x neighbourhoods x months, CBS page size 10,000)
from the test server in ``tests/sources/odata_server.py`` on 127.0.0.1 and measures:

- floor: every page of ``TypedDataSet`` fetched and JSON-decoded with plain ``requests``;
- fetch: ``cbs_download.fetch`` (cbsodata: service root, metadata, all pages);
- convert + write + load: ``cbs_download.load`` into a fresh store holding the embedded data;
- load alone: ``loading.load_file`` (fast path) of the same CSV into another fresh store.

Prints seconds, rows/s and the ratio of fetch to the floor and of haal's load to load_file.

    .venv/bin/python benchmarks/bench_haal.py --rijen 200000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sources.odata_server import FixtureTable, ODataServer, crime_table  # noqa: E402

from hicmonitor import store  # noqa: E402
from hicmonitor.services.database import connect_loaded  # noqa: E402
from hicmonitor.services.loading import load_download  # noqa: E402
from hicmonitor.sources import cbs_download  # noqa: E402
from hicmonitor.store import loading  # noqa: E402

PAGE = 10_000


def synthetic(rows: int) -> FixtureTable:
    """The small fixture's metadata with ``rows`` generated rows (buurten, months 2015-2024)."""
    base = crime_table()
    codes = [c for c, _ in loading._codelist(loading.data_dir() / loading.CODELIST)]
    periods = [f"{y}MM{m:02d}" for y in range(2015, 2025) for m in range(1, 13)]
    out = []
    i = 0
    while len(out) < rows:
        bu = f"BU{i:08d}"
        for code in codes:
            for period in periods:
                out.append(
                    {
                        "ID": len(out),
                        "SoortMisdrijf": code.ljust(6),
                        "RegioS": bu,
                        "Perioden": period,
                        "GeregistreerdeMisdrijven_1": (i * 7 + len(out)) % 40,
                    }
                )
                if len(out) == rows:
                    break
            if len(out) == rows:
                break
        i += 1
    base.rows = out
    return base


def floor(url: str) -> int:
    link = f"{url}/ODataFeed/odata/47022NED/TypedDataSet?$format=json"
    n = 0
    with requests.Session() as session:
        while link:
            body = session.get(link, timeout=300).json()
            n += len(body["value"])
            link = body.get("odata.nextLink")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rijen", type=int, default=200_000, help="number of rows served")
    args = parser.parse_args()

    table = synthetic(args.rijen)
    with tempfile.TemporaryDirectory() as tmp, ODataServer([table], page_size=PAGE) as srv:
        tmpdir = Path(tmp)
        template = tmpdir / "template.duckdb"
        connect_loaded(template).close()
        db_a, db_b = tmpdir / "a.duckdb", tmpdir / "b.duckdb"
        db_a.write_bytes(template.read_bytes())
        db_b.write_bytes(template.read_bytes())

        t0 = time.perf_counter()
        n_floor = floor(srv.url)
        t_floor = time.perf_counter() - t0

        before = len(srv.pages("TypedDataSet"))
        t0 = time.perf_counter()
        download = cbs_download.fetch("47022NED", base_url=srv.url)
        t_fetch = time.perf_counter() - t0
        pages = len(srv.pages("TypedDataSet")) - before

        con = store.connect(db_a)
        csv_path = tmpdir / "47022NED.csv"
        t0 = time.perf_counter()
        result = load_download(con, download, out=csv_path)
        t_load = time.perf_counter() - t0
        con.close()

        con = store.connect(db_b)
        t0 = time.perf_counter()
        direct = loading.load_file(con, csv_path, fast=True)
        t_direct = time.perf_counter() - t0
        con.close()

    assert n_floor == len(download.rows) == args.rijen
    assert result.load.rows == direct.rows == args.rijen

    def line(name: str, seconds: float) -> str:
        return f"{name:<34} {seconds:8.2f} s {args.rijen / seconds:12,.0f} rijen/s"

    print(f"{args.rijen:,} rijen, {pages} pagina's van {PAGE:,}")
    print(line("floor: requests + json, alle pagina's", t_floor))
    print(line("fetch (cbsodata)", t_fetch))
    print(line("convert + CSV + load_file", t_load))
    print(line("load_file snel pad (zelfde CSV)", t_direct))
    print(f"ratio fetch / floor:                {t_fetch / t_floor:6.2f}")
    print(f"ratio haal-load / load_file:        {t_load / t_direct:6.2f}")
    print(f"ratio haal totaal / (floor + load): {(t_fetch + t_load) / (t_floor + t_direct):6.2f}")


if __name__ == "__main__":
    main()
