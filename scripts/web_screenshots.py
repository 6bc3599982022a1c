"""Screenshots of the web's pages for the README (``make screenshots-web``).

Starts ``hic web`` on a free loopback port over the store given (default out/hicmonitor.duckdb),
opens every page in Debian's Chromium (Playwright) and writes ``docs/img/web-<page>.png``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.web import browser  # noqa: E402
from tests.web.conftest import start_server, stop_server  # noqa: E402

SHOTS = {
    "landelijk": ("/", 1800),
    "gemeente": ("/gemeente/GM0344", 2200),
    "kaart": ("/kaart", 1300),
    "maatregelen": ("/maatregelen?categorie=woninginbraak", 1100),
    "gemeenten": ("/gemeenten", 900),
    "rapporten": ("/rapporten", 700),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=REPO / "out" / "hicmonitor.duckdb")
    ap.add_argument("--uit", type=Path, default=REPO / "docs" / "img")
    args = ap.parse_args()
    why = browser.missing()
    if why:
        sys.exit(why)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="hic-shots-"))
    server = start_server(args.db, tmp / "cache", tmp / "server.log")
    try:
        with sync_playwright() as p:
            b = browser.launch(p)
            page = b.new_page(viewport={"width": 1200, "height": 900}, base_url=server.base)
            for name, (path, height) in SHOTS.items():
                page.set_viewport_size({"width": 1200, "height": height})
                page.goto(path)
                target = args.uit / f"web-{name}.png"
                page.screenshot(path=str(target))
                print(target)
            b.close()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
