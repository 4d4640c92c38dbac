"""The stall meter: when was this program not scheduled during the run?

A stopped program (a loaded machine, a closed laptop lid, ``kill -STOP``) finds its probes'
deadlines past on waking, with answers maybe waiting unread: a silence the network did not
cause. Nothing outside the program records such a stop in a way it can read afterwards on
every platform, so the engine measures it itself: a small task on the run's event loop
sleeps ``INTERVAL`` and notes every wake that came much later than asked.

Threshold: a gap is a stall when the wake came at least one whole interval late (the gap is
two intervals or more). Ordinary lateness (a callback running a few milliseconds, timer
granularity) is far below an interval, and the meter cannot place a stop more finely than
its interval anyway: the recorded window is its last look before and its first look after.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from wiresleuth.model.engine_observations import Stall

INTERVAL = 0.05
"""Seconds between looks: 20 wakes a second cost nothing next to the probes, and a stop is
placed to within this (the analysis allows one interval after a stall for the waits that
woke with the meter)."""
MOST_STALLS = 200
"""Stalls kept: each is at least two intervals long, so a run within its budget rarely has
more; those beyond are counted, not kept (a run's observations stay small)."""


class StallMeter:
    """Started on the run's loop; ``stop`` returns what it saw."""

    def __init__(self, interval: float = INTERVAL, most: int = MOST_STALLS) -> None:
        self.interval = interval
        self._most = most
        self._stalls: list[Stall] = []
        self.dropped = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin looking (call from a coroutine on the run's loop)."""
        self._task = asyncio.create_task(self._look(), name="stall meter")

    async def stop(self) -> tuple[Stall, ...]:
        """Stop looking; every stall seen, in order."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        return tuple(self._stalls)

    async def _look(self) -> None:
        before, before_wall = time.monotonic(), time.time()
        while True:
            await asyncio.sleep(self.interval)
            now, now_wall = time.monotonic(), time.time()
            if now - before >= 2 * self.interval:
                self._note(Stall(
                    started_at=before_wall, ended_at=now_wall,
                    monotonic_start=before, monotonic_end=now,
                ))  # fmt: skip
            before, before_wall = now, now_wall

    def _note(self, stall: Stall) -> None:
        if len(self._stalls) < self._most:
            self._stalls.append(stall)
        else:
            self.dropped += 1
