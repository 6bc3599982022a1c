"""Web load: the municipality JSON at 32 concurrent clients on loopback, against a small static
file served by the same server in the same run.

Starts ``hic web`` on a free loopback port (its own process) over a fresh store with the
embedded data, warms the municipality answers (one request each), then runs for ``--duur``
seconds per phase a keep-alive HTTP/1.1 load generator (asyncio, raw sockets: light enough
not to be the bottleneck) with ``--clients`` connections:

1. the static file ``/static/css/hic.css`` (the baseline);
2. ``/api/v1/gemeenten/{code}``, cycling over all municipalities.

Prints p50/p99 latency, requests per second and errors per phase and the throughput ratio
(target: p99 < 50 ms and >= 50% of the static file's throughput).

``--tijdens-laden RIJEN`` repeats phase 2 while ``hic laad`` loads a generated open-data file
of that many rows (3,000,000 in the issue) into the same store: reads must not fail (0 errors).

    .venv/bin/python benchmarks/bench_web.py --duur 10
    .venv/bin/python benchmarks/bench_web.py --duur 10 --tijdens-laden 3000000
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: Path, cache: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "HICMONITOR_WEBCACHE": str(cache), "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hicmonitor", "--db", str(db), "web", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("hic web did not start")


async def one_client(
    port: int, paths: list[str], offset: int, stop: float, lat: list[float], errs: list[str]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            lat.append(time.perf_counter() - t0)
            if status != 200:
                errs.append(f"{status} {path}")
    except (OSError, asyncio.IncompleteReadError) as exc:
        errs.append(repr(exc))
    finally:
        writer.close()


async def phase(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errs: list[str] = []
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*(one_client(port, paths, k * 7, stop, lat, errs) for k in range(clients)))
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [float("nan")] * 99
    return {
        "requests": len(lat),
        "rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
        "errors": len(errs),
        "first_errors": errs[:3],
    }


def generate_rows(path: Path, rows: int) -> int:
    spec = importlib.util.spec_from_file_location(
        "bench_load", REPO / "benchmarks" / "bench_load.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod.generate_scaled(path, rows / 92_040_000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--duur", type=float, default=10.0, help="seconds per phase")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--tijdens-laden", type=int, default=0, metavar="RIJEN")
    ap.add_argument("--db", type=Path, help="an existing store (default: a fresh one)")
    ap.add_argument("--gemeenten", type=int, default=0, help="cycle over the first N (0: all)")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from hicmonitor.services.database import connect_loaded

    tmp = Path(tempfile.mkdtemp(prefix="hic-bench-web-"))
    db = tmp / "web.duckdb"
    if args.db:
        shutil.copy(args.db, db)
    connect_loaded(db).close()
    proc, port = start(db, tmp / "cache")
    try:
        import httpx

        base = f"http://127.0.0.1:{port}"
        codes = [g["code"] for g in httpx.get(base + "/api/v1/gemeenten", timeout=60).json()]
        codes = codes[: args.gemeenten or None]
        t0 = time.perf_counter()
        for c in codes:  # warm: every answer computed once
            httpx.get(f"{base}/api/v1/gemeenten/{c}", timeout=60).raise_for_status()
        warm = time.perf_counter() - t0
        static = ["/static/css/hic.css"]
        muni = [f"/api/v1/gemeenten/{c}" for c in codes]
        size_static = len(httpx.get(base + static[0]).content)
        size_muni = len(httpx.get(base + muni[0]).content)
        res = {
            "clients": args.clients,
            "seconds_per_phase": args.duur,
            "municipalities": len(codes),
            "warm_all_s": round(warm, 1),
            "bytes": {"static": size_static, "municipality_json": size_muni},
        }
        res["static"] = asyncio.run(phase(port, static, args.clients, args.duur))
        res["municipality"] = asyncio.run(phase(port, muni, args.clients, args.duur))
        res["ratio_rps"] = round(res["municipality"]["rps"] / res["static"]["rps"], 3)
        if args.tijdens_laden:
            csv = tmp / "load.csv"
            n = generate_rows(csv, args.tijdens_laden)
            env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
            t_load = time.perf_counter()
            load = subprocess.Popen(
                [sys.executable, "-m", "hicmonitor", "--db", str(db), "laad", str(csv)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            during = []
            while load.poll() is None:
                during.append(asyncio.run(phase(port, muni, args.clients, 2.0)))
            out = load.communicate()[0]
            load_s = time.perf_counter() - t_load
            after = asyncio.run(phase(port, muni, args.clients, 2.0))
            lat = {
                "requests": sum(d["requests"] for d in during),
                "errors": sum(d["errors"] for d in during),
                "p99_ms_worst_window": max((d["p99_ms"] for d in during), default=None),
                "rps_mean": round(statistics.mean(d["rps"] for d in during), 1) if during else None,
                "first_errors": [e for d in during for e in d["first_errors"]][:3],
            }
            res["during_load"] = {
                "rows": n,
                "load_seconds": round(load_s, 1),
                "load_exit": load.returncode,
                "load_output": out.strip().splitlines()[-1:] if out else [],
                **lat,
                "after": after,
            }
        print(json.dumps(res, indent=1))
        m = res["municipality"]
        ok = m["p99_ms"] < 50 and res["ratio_rps"] >= 0.5 and m["errors"] == 0
        print(
            f"municipality JSON: p50 {m['p50_ms']} ms, p99 {m['p99_ms']} ms, {m['rps']} req/s; "
            f"static: {res['static']['rps']} req/s; ratio {res['ratio_rps']} "
            f"({'meets' if ok else 'misses'} p99 < 50 ms and ratio >= 0.5)"
        )
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
