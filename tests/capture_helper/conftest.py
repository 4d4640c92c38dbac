"""The capture helper compiled once per test session from this checkout's source."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture_helper.build import compile_helper
from tests.capture_helper.running import Helper


@pytest.fixture(scope="session")
def capture_helper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_helper(tmp_path_factory.mktemp("helper"))


@pytest.fixture
def running() -> Iterator[list[Helper]]:
    """Helpers started by a test; killed and reaped at its end whatever happened."""
    helpers: list[Helper] = []
    yield helpers
    for helper in helpers:
        helper.close()
