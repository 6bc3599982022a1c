"""Fuzzing the real server: Schemathesis against the OpenAPI document (0 server errors, 0
answers that break the schema), and random parameters on the pages (never a 5xx).

The suite runs a bounded Schemathesis run; docs/web.md gives the longer one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


def schemathesis_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("schemathesis")
    return [str(exe)] if exe.exists() else [shutil.which("schemathesis") or "schemathesis"]


def test_schemathesis_finds_nothing(server, tmp_path) -> None:
    proc = subprocess.run(
        [
            *schemathesis_cmd(),
            "run",
            server.url("/api/v1/openapi.json"),
            "--checks",
            CHECKS,
            "--max-examples",
            "8",
            "--seed",
            "20261201",
            "--phases",
            "examples,coverage,fuzzing",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Tested: 9" in out and "No issues found" in out


TEXT = st.text(min_size=0, max_size=120)
PAGES = ["/kaart", "/maatregelen", "/moties", "/zoek"]
PARAMS = ["categorie", "jaar", "maat", "aanpak", "erkenning", "gemeente", "status", "q"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(PAGES),
    params=st.dictionaries(st.sampled_from(PARAMS), TEXT, max_size=4),
    segment=TEXT,
)
def test_pages_never_fail_on_odd_input(client, path, params, segment) -> None:
    r = client.get(path, params=params)
    assert r.status_code < 500, (path, params, r.text[:300])
    assert r.status_code in (200, 303, 400, 404)
    r = client.get("/gemeente/" + quote(segment, safe=""))
    assert r.status_code < 500, (segment, r.text[:300])
