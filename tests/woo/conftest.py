from __future__ import annotations

from pathlib import Path

import pytest

from hicmonitor.woo.detect import Detector
from hicmonitor.woo.register import load_register

ROOT = Path(__file__).resolve().parents[2]
REGISTER = ROOT / "content" / "personen.yaml"


@pytest.fixture(scope="session")
def register():
    return load_register(REGISTER)


@pytest.fixture(scope="session")
def detector(register):
    """One detector with deduce for the whole session (deduce loads in a few seconds)."""
    return Detector(register)
