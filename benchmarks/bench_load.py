"""Load speed for every input format at 5, 55 and 500 MB, as a ratio to DuckDB's own read_csv.

For each format and size a valid file is generated (unique keys, real crime codes, neighbourhood
codes so that any number of regions is valid), then measured in the same run, each in its own
process so that peak memory (VmHWM) is that of one load:

- the floor: DuckDB's own ``read_csv`` of the file into a plain table of a fresh database file
  (types auto-detected), from the open connection to the closed file;
- hicmonitor: ``loading.load_file`` into a store that holds the embedded data set (as ``hic
  laad`` does), from the open connection to the closed file.

The ratio is hic / floor of the median wall time over the repetitions (target <= 1.5 at every
size), and of the CPU time (user + system: steadier on a shared machine). The national tidy
format cannot reach 5 MB with valid rows (its key is crime code x year: about 7,500 rows), so it
is measured at its largest valid file. ``--schaal`` keeps the old run: the police neighbourhood
table (92,040,000 monthly rows at 1) in the open-data format.

    .venv/bin/python benchmarks/bench_load.py
    .venv/bin/python benchmarks/bench_load.py --formaten cbs --groottes 5,55 --herhalingen 5
    .venv/bin/python benchmarks/bench_load.py --schaal 1
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1_000_000
FORMATS = ("cbs", "gemeente", "landelijk", "bevolking", "geldautomaten")
NEIGHBOURHOODS_FULL, MONTHS, YEARS = 13_000, 12, 10


def _codes() -> list[tuple[str, str]]:
    from hicmonitor import loading

    return loading._codelist(loading.data_dir() / loading.CODELIST)


def _select(fmt: str, units: int) -> tuple[str, int]:
    """SQL for ``units`` blocks of rows of format ``fmt`` (every key unique), and rows per unit."""
    buurt = "'BU' || lpad(CAST(b AS VARCHAR), 8, '0')"
    if fmt == "cbs":
        per = 59 * YEARS * MONTHS
        return (
            f"""SELECT row_number() OVER () - 1 AS ID, rpad(code, 6, ' ') AS SoortMisdrijf,
                   {buurt} AS RegioS,
                   CAST(2014 + y AS VARCHAR) || 'MM' || lpad(CAST(m AS VARCHAR), 2, '0') AS Perioden,
                   (hash(b, code, y, m) % 40)::INTEGER AS GeregistreerdeMisdrijven_1
            FROM range({units}) r(b), codes, range({YEARS}) ry(y), range(1, {MONTHS + 1}) rm(m)""",
            per,
        )
    if fmt == "gemeente":
        return (
            f"""SELECT code AS crime_code, label AS crime_label, {buurt} AS region_code,
                   2012 + y AS year, (hash(b, code, y) % 400)::INTEGER AS registered_crimes,
                   CASE WHEN y = 11 THEN 1 ELSE 0 END AS provisional
            FROM range({units}) r(b), codes, range(12) ry(y)""",
            59 * 12,
        )
    if fmt == "landelijk":
        return (
            """SELECT CASE WHEN code = '0.0.0' THEN label ELSE code || ' ' || label END
                      AS incident_type_code,
                   y AS year, (hash(code, y) % 100000)::INTEGER AS incident_count
            FROM codes, range(1900, year(current_date) + 1) ry(y)""",
            1,
        )
    if fmt == "bevolking":
        return (
            f"""SELECT {buurt} AS region_code, 1950 + y AS year,
                   (hash(b, y) % 20000)::INTEGER AS inhabitants
            FROM range({units}) r(b), range(76) ry(y)""",
            76,
        )
    if fmt == "geldautomaten":
        return (
            f"""SELECT 1950 + y AS year, counter, 'plofkraak type ' || CAST(b AS VARCHAR) AS kind,
                   (hash(b, y, counter) % 300)::INTEGER AS count,
                   'nos.nl/artikel/' || CAST(2274794 + b AS VARCHAR) AS source
            FROM range({units}) r(b), range(76) ry(y),
                 (VALUES ('NVB'), ('politie')) c(counter)""",
            152,
        )
    raise ValueError(fmt)


def generate(fmt: str, path: Path, target_bytes: int) -> int:
    """Write a valid file of about ``target_bytes``; returns its number of data rows."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE TABLE codes AS SELECT unnest(?) AS code, unnest(?) AS label",
        [[c for c, _ in _codes()], [label for _, label in _codes()]],
    )
    if fmt == "landelijk":
        sql, _ = _select(fmt, 1)
    else:
        sample = path.with_suffix(".sample")
        sql, per = _select(fmt, 20)
        con.execute(f"COPY ({sql}) TO '{sample}' (HEADER)")
        bytes_per_row = sample.stat().st_size / (20 * per)
        sample.unlink()
        rows = max(1, int(target_bytes / bytes_per_row))
        sql, per = _select(fmt, -(-rows // per))
        sql = f"SELECT * FROM ({sql}) LIMIT {rows}"
    con.execute(f"COPY ({sql}) TO '{path}' (HEADER, DELIMITER ',')")
    return con.execute(f"SELECT count(*) FROM read_csv('{path}', header = true)").fetchone()[0]


def generate_scaled(path: Path, scale: float) -> int:
    """The police neighbourhood table at ``scale`` (1 = 13,000 neighbourhoods, 92 M rows)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE codes AS SELECT * FROM unnest(?) t(code)", [[c for c, _ in _codes()]])
    sql, _ = _select("cbs", max(1, int(NEIGHBOURHOODS_FULL * scale)))
    con.execute(f"COPY ({sql}) TO '{path}' (HEADER, DELIMITER ',')")
    return con.execute(f"SELECT count(*) FROM read_csv('{path}', header = true)").fetchone()[0]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_bytes() -> int:
    """Peak resident memory of this process (VmHWM; ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def child(mode: str, csv_path: str, db_path: str) -> None:
    """One measurement in this process; prints rows, seconds, CPU seconds and memory."""
    import duckdb

    path = "hic" if mode == "hic" else "floor"
    if mode == "floor":
        con = duckdb.connect(db_path)
        base = _rss_bytes()
        start, cpu = time.perf_counter(), _cpu()
        con.execute(f"CREATE TABLE plain AS SELECT * FROM read_csv('{csv_path}', header = true)")
        rows = con.execute("SELECT count(*) FROM plain").fetchone()[0]
        con.close()
    else:
        from hicmonitor import loading, store
        from hicmonitor.errors import InputError

        con = store.connect(db_path)
        base = _rss_bytes()
        start, cpu = time.perf_counter(), _cpu()
        try:
            result = loading.load_file(con, csv_path)
            rows, path = result.rows, result.route
        except InputError as exc:  # the --fout run: the line named
            rows, path = exc.line, "fout"
        con.close()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    peak = _peak_bytes()
    print(
        json.dumps(
            {"rows": rows, "seconds": seconds, "cpu": cpu, "peak": peak, "base": base, "path": path}
        )
    )


def run(mode: str, csv_path: Path, db_path: Path, template: Path | None) -> dict:
    db_path.unlink(missing_ok=True)
    if template is not None:
        shutil.copy(template, db_path)
    proc = subprocess.run(
        [sys.executable, __file__, "--kind", mode, str(csv_path), str(db_path)],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        raise SystemExit(proc.stderr)
    db_path.unlink(missing_ok=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(csv_path: Path, expected: int, tmp: Path, template: Path, repeats: int) -> dict:
    floors, hics = [], []
    for _ in range(repeats):  # interleaved, so both see the same load on a shared machine
        floors.append(run("floor", csv_path, tmp / "floor.duckdb", None))
        hics.append(run("hic", csv_path, tmp / "hic.duckdb", template))
    for r in floors + hics:
        assert r["rows"] == expected, (r, expected)
    assert all(h["path"] == "snel" for h in hics), hics

    def med(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    return {
        "floor_s": med(floors, "seconds"),
        "hic_s": med(hics, "seconds"),
        "floor_cpu": med(floors, "cpu"),
        "hic_cpu": med(hics, "cpu"),
        "floor_peak": max(r["peak"] for r in floors),
        "hic_peak": max(r["peak"] for r in hics),
        "hic_base": max(r["base"] for r in hics),
    }


BAD_ROWS = {  # a last line with an impossible period or year
    "cbs": "99999999,1.1.1 ,GM0363,2023MM13,5",
    "gemeente": "1.1.1,Woninginbraak,GM0363,1899,5,0",
    "landelijk": "1.1.1 Diefstal,1899,5",
    "bevolking": "GM0363,1899,5",
    "geldautomaten": "1899,NVB,plofkraak,5,bron",
}


def bad_line(fmt: str, csv_path: Path, rows: int, tmp: Path, template: Path) -> None:
    """Time the load of the file with one bad last line: the error must name that line."""
    with csv_path.open("a", encoding="utf-8") as fh:
        fh.write(BAD_ROWS[fmt] + "\n")
    r = run("hic", csv_path, tmp / "hic.duckdb", template)
    assert (r["path"], r["rows"]) == ("fout", rows + 2), r
    print(
        f"{'':14s} bad last line (regel {rows + 2:,}) named in {r['seconds']:.2f} s "
        f"(cpu {r['cpu']:.2f}), peak {r['peak'] / 2**20:.0f} MiB",
        flush=True,
    )


def report(fmt: str, size: int, rows: int, m: dict) -> None:
    print(
        f"{fmt:14s} {size / MB:7.1f} MB {rows:>11,} rows | floor {m['floor_s']:7.2f} s "
        f"(cpu {m['floor_cpu']:6.2f}) | hic {m['hic_s']:7.2f} s (cpu {m['hic_cpu']:6.2f}) "
        f"{rows / m['hic_s']:>12,.0f} rows/s | ratio {m['hic_s'] / m['floor_s']:5.2f} "
        f"(cpu {m['hic_cpu'] / m['floor_cpu']:4.2f}) | peak floor "
        f"{m['floor_peak'] / 2**20:5.0f} MiB, hic {m['hic_peak'] / 2**20:5.0f} MiB "
        f"(of which {m['hic_base'] / 2**20:.0f} MiB before the load)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--formaten", default=",".join(FORMATS), help="comma-separated formats")
    parser.add_argument("--groottes", default="5,55,500", help="file sizes in MB")
    parser.add_argument("--herhalingen", type=int, default=0, help="repetitions (0: by size)")
    parser.add_argument("--schaal", type=float, help="the old run: police table at this scale")
    parser.add_argument(
        "--fout",
        action="store_true",
        help="also time naming a bad last line (fast path, then the precise path)",
    )
    parser.add_argument("--kind", choices=["floor", "hic"])
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.kind:
        child(args.kind, *args.paths)
        return
    out = Path.cwd() / "out"
    with tempfile.TemporaryDirectory(dir=out if out.exists() else None) as name:
        tmp = Path(name)
        from hicmonitor import store

        template = tmp / "template.duckdb"
        store.connect_loaded(template).close()
        print(
            "format          size          rows | median wall time (CPU time) per load, "
            "ratio = hic / DuckDB read_csv, peak = VmHWM of the process"
        )
        if args.schaal:
            csv_path = tmp / "politie_buurt_maand.csv"
            rows = generate_scaled(csv_path, args.schaal)
            m = measure(csv_path, rows, tmp, template, args.herhalingen or 1)
            report("cbs", csv_path.stat().st_size, rows, m)
            return
        for fmt in args.formaten.split(","):
            sizes = (
                [1]
                if fmt == "landelijk"
                else [int(float(s) * MB) for s in args.groottes.split(",")]
            )
            for size in sizes:
                csv_path = tmp / f"{fmt}_{size}.csv"
                rows = generate(fmt, csv_path, size)
                actual = csv_path.stat().st_size
                repeats = args.herhalingen or (
                    5 if actual < 20 * MB else 3 if actual < 200 * MB else 1
                )
                report(fmt, actual, rows, measure(csv_path, rows, tmp, template, repeats))
                if args.fout:
                    bad_line(fmt, csv_path, rows, tmp, template)
                csv_path.unlink()


if __name__ == "__main__":
    main()
