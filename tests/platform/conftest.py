"""Shared helpers for the platform tests: recorded real samples live in samples/."""

from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    """The text of a recorded sample (see samples/SOURCES.md for where each comes from)."""
    return (SAMPLES / name).read_text(encoding="utf-8")


@pytest.fixture
def crlf() -> Callable[[str], str]:
    """Windows tools write CRLF; the stored copies are LF."""
    return lambda text: text.replace("\n", "\r\n")
