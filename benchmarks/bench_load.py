"""Load speed for every input format at 5, 55 and 500 MB, as a ratio to DuckDB's own read_csv.

For each format and size a valid file is generated (unique keys, real crime codes, neighbourhood
codes so that any number of regions is valid), then measured in the same run, each in its own
process so that peak memory (VmHWM) is that of one load:

- the floor: DuckDB's own ``read_csv`` of the file into a plain table of a fresh database file
  (types auto-detected), from the open connection to the closed file;
- hicmonitor: ``loading.load_file`` into a store that holds the embedded data set (as ``hic
  laad`` does), from the open connection to the closed file; the plausibility checks run as in
  every load (the generated figures pass them). ``--aandeel-controles`` also loads each file
  with every check switched off, and reports the checks' share of the load time.
  ``--via-laad`` measures ``hic laad``'s whole writer instead (private copy of the store,
  load, checkpoint, fsync, publish), to show the fixed costs per load.

The ratio is hic / floor of the median wall time over the repetitions (target <= 1.5 at every
size), and of the CPU time (user + system: steadier on a shared machine). The national tidy
format cannot reach 5 MB with valid rows (its key is crime code x year: about 7,500 rows), so it
is measured at its largest valid file; its counts are those of the embedded national figures
(give or take 5 %), so that they pass the plausibility checks. ``gemeente_cbs`` is the open-data
format with every municipality instead of neighbourhoods (counts per month 2014-2023, 5 and 55
MB at most): there every plausibility check has work to do. ``--schaal`` keeps the old run: the police neighbourhood
table (92,040,000 monthly rows at 1) in the open-data format.

    .venv/bin/python benchmarks/bench_load.py
    .venv/bin/python benchmarks/bench_load.py --formaten cbs --groottes 5,55 --herhalingen 5
    .venv/bin/python benchmarks/bench_load.py --schaal 1
"""

from __future__ import annotations

import argparse
import dataclasses
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
FORMATS = ("cbs", "gemeente", "landelijk", "bevolking", "geldautomaten", "gemeente_cbs")
NEIGHBOURHOODS_FULL, MONTHS, YEARS = 13_000, 12, 10


def _codes() -> list[tuple[str, str]]:
    from hicmonitor.store import loading

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
    if fmt == "gemeente_cbs":
        per = 59 * YEARS * MONTHS
        return (
            f"""SELECT row_number() OVER () - 1 AS ID, rpad(c.code, 6, ' ') AS SoortMisdrijf,
                   g.code AS RegioS,
                   CAST(2014 + y AS VARCHAR) || 'MM' || lpad(CAST(m AS VARCHAR), 2, '0') AS Perioden,
                   (hash(g.code, c.code, y, m) % 40)::INTEGER AS GeregistreerdeMisdrijven_1
            FROM (SELECT * FROM municipalities LIMIT {units}) g(code), codes c,
                 range({YEARS}) ry(y), range(1, {MONTHS + 1}) rm(m)""",
            per,
        )
    if fmt == "landelijk":
        return (
            """SELECT CASE WHEN code = '0.0.0' THEN label ELSE code || ' ' || label END
                      AS incident_type_code,
                   y AS year,
                   (coalesce(n.typical, 1000) * (0.95 + (hash(code, y) % 100) / 1000))::BIGINT
                      AS incident_count
            FROM codes LEFT JOIN national n USING (code),
                 range(1900, year(current_date) + 1) ry(y)""",
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
    _reference_tables(con)
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


def _reference_tables(con) -> None:  # noqa: ANN001 - a duckdb connection
    """``national``: the typical national count per crime code (the embedded figures);
    ``municipalities``: the municipalities of 2014-2023 with inhabitants in every year."""
    from hicmonitor.store import loading

    nl = loading.data_dir() / "nl"
    con.execute(
        f"""CREATE TABLE national AS
        SELECT CASE WHEN incident_type_code = 'Totaal misdrijven' THEN '0.0.0'
                    ELSE split_part(incident_type_code, ' ', 1) END AS code,
               median(incident_count) AS typical
        FROM read_csv('{nl / "registered_crime_national_yearly.csv"}', header = true)
        GROUP BY 1"""
    )
    con.execute(
        f"""CREATE TABLE municipalities AS
        SELECT region_code FROM read_csv('{nl / "population_gemeente_yearly.csv"}', header = true)
        WHERE year BETWEEN 2014 AND 2023 AND inhabitants > 0
        GROUP BY 1 HAVING count(*) = 10 ORDER BY 1"""
    )


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
    """One measurement in this process; prints rows, seconds, CPU seconds and memory.

    ``mode``: floor (DuckDB's read_csv), hic (load_file), hic-zonder (load_file with every
    plausibility check off), laad (the whole writer of ``hic laad``)."""
    import duckdb

    path = "floor"
    if mode == "floor":
        con = duckdb.connect(db_path)
        base = _rss_bytes()
        start, cpu = time.perf_counter(), _cpu()
        con.execute(f"CREATE TABLE plain AS SELECT * FROM read_csv('{csv_path}', header = true)")
        rows = con.execute("SELECT count(*) FROM plain").fetchone()[0]
        con.close()
    elif mode == "laad":
        from hicmonitor.services.database import open_writer
        from hicmonitor.store import loading

        base = _rss_bytes()
        start, cpu = time.perf_counter(), _cpu()
        with open_writer(db_path) as con:
            result = loading.load_file(con, csv_path)
        rows, path = result.rows, result.route
    else:
        from hicmonitor import plausibility, store
        from hicmonitor.errors import InputError
        from hicmonitor.store import loading

        if mode == "hic-zonder":
            settings = plausibility.settings()
            off = {k: dataclasses.replace(c, enabled=False) for k, c in settings.checks.items()}
            quiet = dataclasses.replace(settings, checks=off)
            plausibility.settings = lambda: quiet  # this process only
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


def measure(
    csv_path: Path,
    expected: int,
    tmp: Path,
    template: Path,
    repeats: int,
    mode: str = "hic",
    share: bool = False,
) -> dict:
    floors, hics, without = [], [], []
    for _ in range(repeats):  # interleaved, so all see the same load on a shared machine
        floors.append(run("floor", csv_path, tmp / "floor.duckdb", None))
        hics.append(run(mode, csv_path, tmp / "hic.duckdb", template))
        if share:
            without.append(run("hic-zonder", csv_path, tmp / "hic.duckdb", template))
    for r in floors + hics + without:
        assert r["rows"] == expected, (r, expected)
    assert all(h["path"] == "snel" for h in hics + without), hics + without

    def med(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    extra = (
        {"zonder_s": med(without, "seconds"), "zonder_cpu": med(without, "cpu")} if share else {}
    )
    return extra | {
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
    "gemeente_cbs": "99999999,1.1.1 ,GM0363,2023MM13,5",
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
    if "zonder_s" in m:
        print(
            f"{'':14s} without plausibility checks {m['zonder_s']:7.2f} s "
            f"(cpu {m['zonder_cpu']:6.2f}): the checks' share "
            f"{1 - m['zonder_s'] / m['hic_s']:5.1%} of the wall time "
            f"({1 - m['zonder_cpu'] / m['hic_cpu']:5.1%} of the CPU time)",
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
    parser.add_argument(
        "--aandeel-controles",
        action="store_true",
        help="also load each file without plausibility checks: their share of the time",
    )
    parser.add_argument(
        "--via-laad",
        action="store_true",
        help="measure hic laad's whole writer (copy, load, checkpoint, publish)",
    )
    parser.add_argument("--kind", choices=["floor", "hic", "hic-zonder", "laad"])
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.kind:
        child(args.kind, *args.paths)
        return
    out = Path.cwd() / "out"
    with tempfile.TemporaryDirectory(dir=out if out.exists() else None) as name:
        tmp = Path(name)
        from hicmonitor.services.database import connect_loaded

        template = tmp / "template.duckdb"
        connect_loaded(template).close()
        mode = "laad" if args.via_laad else "hic"
        share = args.aandeel_controles
        print(
            "format          size          rows | median wall time (CPU time) per load, "
            "ratio = hic / DuckDB read_csv, peak = VmHWM of the process"
        )
        if args.schaal:
            csv_path = tmp / "politie_buurt_maand.csv"
            rows = generate_scaled(csv_path, args.schaal)
            m = measure(csv_path, rows, tmp, template, args.herhalingen or 1, mode, share)
            report("cbs", csv_path.stat().st_size, rows, m)
            return
        for fmt in args.formaten.split(","):
            sizes = [int(float(s) * MB) for s in args.groottes.split(",")]
            if fmt == "landelijk":
                sizes = [1]
            elif fmt == "gemeente_cbs":  # every municipality, 10 years of months: ~100 MB
                sizes = [s for s in sizes if s <= 60 * MB]
            for size in sizes:
                csv_path = tmp / f"{fmt}_{size}.csv"
                rows = generate(fmt, csv_path, size)
                actual = csv_path.stat().st_size
                repeats = args.herhalingen or (
                    5 if actual < 20 * MB else 3 if actual < 200 * MB else 1
                )
                m = measure(csv_path, rows, tmp, template, repeats, mode, share)
                report(fmt, actual, rows, m)
                if args.fout:
                    bad_line(fmt, csv_path, rows, tmp, template)
                csv_path.unlink()


if __name__ == "__main__":
    main()
