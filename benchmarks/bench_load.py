"""Load speed of the open-data format at the size of the full police neighbourhood table.

Generates a monthly file in the CBS/police open-data format: 13,000 neighbourhoods x 59 crime
types x 12 months x 10 years (~92 million rows at --schaal 1), then measures in the same run:

- the floor: DuckDB's own ``read_csv`` of the file into a plain table of a fresh database file;
- hicmonitor: ``loading.load_file`` (fast path: one transaction, bulk checks, provenance).

Each runs in its own process, so peak memory (ru_maxrss) is that of the load alone.
Prints rows/s, the ratio to the floor (target <= 1.5) and peak memory (target < 4 GiB at full size).

    .venv/bin/python benchmarks/bench_load.py --schaal 0.1
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEIGHBOURHOODS, MONTHS, YEARS = 13_000, 12, 10


def generate(path: Path, scale: float) -> int:
    import duckdb

    from hicmonitor.store import loading

    codes = [c for c, _ in loading._codelist(loading.data_dir() / loading.CODELIST)]
    n_bu = max(1, int(NEIGHBOURHOODS * scale))
    con = duckdb.connect()
    con.execute("CREATE TABLE codes AS SELECT * FROM unnest(?) t(code)", [codes])
    con.execute(
        f"""
        COPY (
          SELECT row_number() OVER () - 1 AS ID,
                 rpad(code, 6, ' ') AS SoortMisdrijf,
                 'BU' || lpad(CAST(b AS VARCHAR), 8, '0') AS RegioS,
                 CAST(2014 + y AS VARCHAR) || 'MM' || lpad(CAST(m AS VARCHAR), 2, '0') AS Perioden,
                 (hash(b, code, y, m) % 40)::INTEGER AS GeregistreerdeMisdrijven_1
          FROM range({n_bu}) r(b), codes, range({YEARS}) ry(y), range(1, {MONTHS + 1}) rm(m)
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )
    return n_bu * len(codes) * YEARS * MONTHS


def child(mode: str, csv_path: str, db_path: str) -> None:
    import duckdb

    start = time.perf_counter()
    if mode == "floor":
        con = duckdb.connect(db_path)
        con.execute(f"CREATE TABLE plain AS SELECT * FROM read_csv('{csv_path}', header = true)")
        rows = con.execute("SELECT count(*) FROM plain").fetchone()[0]
        con.close()
    else:
        from hicmonitor import store
        from hicmonitor.store import loading

        con = store.connect(db_path)
        loading.ensure_vocabulary(con)
        prep = time.perf_counter()
        result = loading.load_file(con, csv_path, fast=True)
        rows = result.rows
        con.close()
        start = prep
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_bytes": peak}))


def run(mode: str, csv_path: Path, db_path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--kind", mode, str(csv_path), str(db_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--schaal", type=float, default=0.05, help="fraction of the 13,000 neighbourhoods"
    )
    parser.add_argument("--kind", choices=["floor", "hic"])
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.kind:
        child(args.kind, *args.paths)
        return
    with tempfile.TemporaryDirectory(
        dir=Path.cwd() / "out" if (Path.cwd() / "out").exists() else None
    ) as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "politie_buurt_maand.csv"
        t0 = time.perf_counter()
        expected = generate(csv_path, args.schaal)
        print(
            f"generated {expected:,} rows ({csv_path.stat().st_size / 2**30:.2f} GiB) in {time.perf_counter() - t0:.1f} s"
        )
        floor = run("floor", csv_path, tmp / "floor.duckdb")
        hic = run("hic", csv_path, tmp / "hic.duckdb")
    assert floor["rows"] == hic["rows"] == expected, (floor, hic, expected)
    for name, r in (("duckdb read_csv (floor)", floor), ("hic laad", hic)):
        print(
            f"{name:24s} {r['seconds']:8.1f} s  {r['rows'] / r['seconds']:>14,.0f} rows/s  peak {r['peak_bytes'] / 2**30:.2f} GiB"
        )
    print(f"ratio hic / floor: {hic['seconds'] / floor['seconds']:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
