"""Fixtures for the sources: a realistic run's result to write as a bundle."""

from __future__ import annotations

import pytest

from tests.bundle.sample_runs import uncaptured_run
from wiresleuth.model.run import RunResult


@pytest.fixture
def uncaptured() -> RunResult:
    """A cancelled run without capture rights (no capture file)."""
    return uncaptured_run()
