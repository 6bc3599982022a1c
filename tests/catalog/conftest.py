"""Fixtures of the catalogue tests: the seed content, read independently of our loader, and
the municipalities of a real store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from hicmonitor.catalog.check import RegionInfo
from hicmonitor.services.catalogue import store_regions
from tests.conftest import REPO

CONTENT = REPO / "content"
KINDS = ("maatregelen", "moties", "wetgeving", "partners")
HERE = Path(__file__).parent
BROKEN = HERE / "broken"
FACTS = HERE / "reference_facts.md"  # copy of the public-facts brief the seed was written from


def raw_seed() -> dict[str, dict[str, dict]]:
    """kind -> id -> the item as plain PyYAML reads it (not through hicmonitor)."""
    out: dict[str, dict[str, dict]] = {}
    for kind in KINDS:
        out[kind] = {}
        for path in sorted((CONTENT / kind).glob("*.yaml")):
            data = yaml.safe_load(path.read_text("utf-8"))
            out[kind][data["id"]] = data
    return out


@pytest.fixture(scope="session")
def seed() -> dict[str, dict[str, dict]]:
    return raw_seed()


@pytest.fixture(scope="session")
def regions(shared_con) -> dict[str, RegionInfo]:
    return store_regions(shared_con)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the seed content (only the catalogue's folders)."""
    root = tmp_path / "content"
    for kind in KINDS:
        shutil.copytree(CONTENT / kind, root / kind)
    return root
