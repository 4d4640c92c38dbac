"""A coroutine that keeps the event loop late, as a busy program does, for timing tests."""

from __future__ import annotations

import asyncio
import time

BLOCKS = 0.03
"""How long the busy coroutine holds the event loop at a time (seconds)."""


async def while_busy() -> None:
    """Hold the event loop BLOCKS seconds at a time, 40 times."""
    for _ in range(40):
        time.sleep(BLOCKS)  # a busy window thread, a slow decode: the loop is late
        await asyncio.sleep(0)
