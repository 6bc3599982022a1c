"""Shared fixtures for the near-repeat tests: the real incident files of data/incidents/."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "incidents"


@pytest.fixture(scope="session")
def incidents_dir() -> Path:
    return DATA
