"""Bounded polling: every wait in the lab has a deadline and says what it waited for."""

from __future__ import annotations

import time
from collections.abc import Callable

from wiresleuth.errors import LabError


def wait_until(
    condition: Callable[[], bool], *, what: str, timeout: float, interval: float = 0.05
) -> float:
    """Poll ``condition`` until true; return the seconds it took, LabError after ``timeout``."""
    start = time.monotonic()
    deadline = start + timeout
    while True:
        if condition():
            return time.monotonic() - start
        if time.monotonic() >= deadline:
            raise LabError(f"{what}: not ready after {timeout:.1f} s")
        time.sleep(interval)
