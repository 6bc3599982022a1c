"""Real Chromium for the web tests and the screenshots: Debian's ``chromium`` driven by
Playwright (PyPI), with axe-core (npm, ``node_modules/axe-core``) injected into pages.

Nothing is downloaded: Playwright's own browser download is not used.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
INSTALL = (
    "the browser tests need Debian's chromium and the npm package axe-core: "
    "`apt-get install -y chromium` and `npm ci` in the repository (make test does both)"
)


def missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found; {INSTALL}"
    if not AXE.exists():
        return f"{AXE} not found; {INSTALL}"
    return None


def launch(playwright):  # noqa: ANN001, ANN201
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)


def axe_violations(page) -> list[dict]:  # noqa: ANN001
    """axe-core's WCAG 2.1 A/AA violations on the page (injected through DevTools, so the
    page's Content-Security-Policy stays as it is)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text("utf-8") + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
    ]
