"""When a watch's attempts run: one at a time, on slots ``every`` seconds apart.

Attempts run in the scheduler's own thread, one after the other, so two never overlap. The
slots are fixed from the start (start, start + every, ...): an attempt that outlasts its
slot (a full diagnosis after a failure takes a minute) makes the slots that passed meanwhile
be skipped, not queued, and the next attempt waits for the next slot. Nothing starts at or
after ``start + duration``. ``cancel()`` (any thread) wakes a waiting scheduler at once and
is passed to the running attempt, which stops within a second (``Engine.cancel``).

The clock is given, so tests drive it by hand and never sleep.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

MIN_EVERY = 5.0
"""Seconds: the shortest interval between attempts (a light check takes a few seconds)."""
MAX_DURATION = 31 * 24 * 3600.0
"""Seconds: the longest watch (a month)."""


class Clock(Protocol):
    """Monotonic time and a wait that a cancel ends early."""

    def now(self) -> float:
        """Monotonic seconds."""

    def wait(self, seconds: float, cancelled: threading.Event) -> bool:
        """Wait up to ``seconds``; True as soon as ``cancelled`` is set."""


class RealClock:
    """``time.monotonic`` and ``Event.wait``: a cancel wakes the wait at once."""

    def now(self) -> float:
        return time.monotonic()

    def wait(self, seconds: float, cancelled: threading.Event) -> bool:
        return cancelled.wait(max(0.0, seconds))


@dataclass(frozen=True, kw_only=True)
class Slot:
    """One attempt as the scheduler starts it."""

    number: int
    """1-based attempt number."""
    index: int
    """Which slot (0-based) it runs in: ``start + index * every``."""
    due: float
    """The slot's time (clock seconds)."""
    skipped_before: int
    """Slots skipped since the previous attempt because it was still running."""


@dataclass(frozen=True, kw_only=True)
class ScheduleEnd:
    """How the schedule ended."""

    attempts: int
    """Attempts run."""
    skipped: int
    """Slots skipped (an attempt was still running)."""
    cancelled: bool
    """Ended by ``cancel()`` rather than by its duration."""


class Scheduler:
    """Runs ``attempt(slot, cancelled)`` on every free slot until the duration is up."""

    def __init__(self, every: float, duration: float, *, clock: Clock | None = None) -> None:
        if not math.isfinite(every) or every < MIN_EVERY:
            raise ValueError(f"the interval must be at least {MIN_EVERY:g} s; got {every:g} s")
        if not math.isfinite(duration) or not 0 < duration <= MAX_DURATION:
            raise ValueError(
                f"the duration must be more than 0 s and at most {MAX_DURATION / 86400:g} days"
            )
        self.every = every
        self.duration = duration
        self._clock = clock or RealClock()
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> threading.Event:
        """Set by ``cancel()``; attempts watch it."""
        return self._cancelled

    def cancel(self) -> None:
        """Stop: no new attempt starts; a waiting scheduler returns at once. Any thread."""
        self._cancelled.set()

    def slots(self) -> int:
        """How many slots the duration holds (the last one starts before its end)."""
        return math.ceil(self.duration / self.every)

    def run(self, attempt: Callable[[Slot, threading.Event], None]) -> ScheduleEnd:
        """Run attempts until the duration is up or ``cancel()``; blocks."""
        start = self._clock.now()
        end = start + self.duration
        index = 0
        number = 0
        skipped = 0
        skipped_since = 0
        while not self._cancelled.is_set():
            due = start + index * self.every
            if due >= end:
                break
            if self._clock.wait(due - self._clock.now(), self._cancelled):
                break
            number += 1
            attempt(
                Slot(number=number, index=index, due=due, skipped_before=skipped_since),
                self._cancelled,
            )
            # the next free slot: those that passed while it ran are skipped, not queued
            now = self._clock.now()
            following = index + 1
            if now > start + following * self.every:
                following = math.floor((now - start) / self.every) + 1
            skipped_since = max(0, min(following, self.slots()) - index - 1)
            skipped += skipped_since
            index = following
        return ScheduleEnd(attempts=number, skipped=skipped, cancelled=self._cancelled.is_set())
