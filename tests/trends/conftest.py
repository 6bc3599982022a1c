"""Shared fixtures for the trend tests: one loaded store and one full analysis per session."""

from __future__ import annotations

import pytest

from hicmonitor.services import trends as trend_service


@pytest.fixture(scope="session")
def frames(shared_con) -> trend_service.TrendFrames:
    return trend_service.load_frames(shared_con)


@pytest.fixture(scope="session")
def full_analysis(frames) -> trend_service.TrendAnalysis:
    return trend_service.analyse(frames)
