"""The loop's quiet moment: soon when nothing holds the loop, at the bound when something
keeps it busy."""

from __future__ import annotations

import asyncio
import time

from wiresleuth.engine.quiet_loop import once_quiet


def test_an_idle_loop_is_quiet_at_once() -> None:
    async def main() -> float:
        began = time.monotonic()
        await once_quiet(most=2.0, quiet=0.02)
        return time.monotonic() - began

    assert asyncio.run(main()) < 1.0


def test_a_busy_loop_is_never_quiet_and_the_bound_ends_the_wait() -> None:
    async def busy() -> None:
        while True:
            time.sleep(0.005)  # a step that holds the loop, as a check's set-up does
            await asyncio.sleep(0)

    async def main() -> float:
        hog = asyncio.create_task(busy())
        began = time.monotonic()
        await once_quiet(most=0.3, quiet=0.02)
        hog.cancel()
        return time.monotonic() - began

    assert asyncio.run(main()) >= 0.3
