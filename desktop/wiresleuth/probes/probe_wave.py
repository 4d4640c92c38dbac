"""A few probes of one measurement sent as one small wave, each with its own deadline.

Probe ``i + 1`` leaves when probe ``i`` was answered or ``SPACING`` after it, whichever comes
first: on a LAN the wave is as fast as one probe after another, on a 100 ms path it takes
about one round trip plus ``(count - 1) * SPACING`` instead of ``count`` round trips, and a
lost probe costs its timeout once for the whole wave instead of once per probe. Written by
hand because it is a dozen lines over asyncio futures: the callers' sockets resolve one
future per probe (asyncio's reader/writer callbacks), so no task is ever left behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TypeVar

from wiresleuth.probes.hop_waves import WAVE

T = TypeVar("T")

SPACING = 0.020
"""Seconds between two probes of a wave whose earlier probe is still unanswered.

Not zero: the smallest of the samples is taken as the path's floor, and samples that cross
the access link in one burst share its queue and its scheduling (one Wi-Fi transmit
opportunity or A-MPDU, one DOCSIS or LTE upstream grant, whose request cycles are 2-10 ms),
so they would be one sample three times, and a jittered one could make an honest server look
faster than its path. 20 ms puts each probe into its own grant and its own moment of
queueing. Not more: it is added twice to a 3-probe measurement on any path slower than
20 ms. Three small packets 20 ms apart (50 a second, for 40 ms) stay far below the ICMP and
SYN flood thresholds firewalls ship with (hundreds a second and more)."""


LATE = 4.0
"""A probe still unanswered this many times the slowest answered probe's round trip after it
left is given up (at least ``LATE_MIN`` after it left, at most its own deadline)."""
LATE_MIN = 0.1
"""Seconds any probe is waited for, however fast the others came back."""


async def send_wave(
    start: Callable[[int], asyncio.Future[T]], *, count: int, timeout: float
) -> list[asyncio.Future[T]]:
    """Start probes ``0..count-1`` with ``start`` and wait for each until its own deadline
    (``timeout`` after it was sent); its future then holds the answer or is cancelled.

    Once a probe was answered, another still unanswered is waited for only ``LATE`` times the
    slowest answered round trip (at least ``LATE_MIN``): a device that lets one echo in three
    through (a rate limit) costs a few round trips, not the whole timeout, and an answer that
    much later than its wave's others would not be the path's floor anyway.

    ``start`` sends probe ``i`` and returns the future its answer (or error) will resolve;
    the caller owns the sockets and releases them whatever this returns or raises. At most
    ``count`` probes are in flight, and ``count`` is at most the program's wave limit.
    """
    if not 0 < count <= WAVE:
        raise ValueError(f"a wave sends 1 to {WAVE} probes, not {count}")
    loop = asyncio.get_running_loop()
    futures: list[asyncio.Future[T]] = []
    sent: list[float] = []
    round_trips: list[float] = []

    def timed(index: int) -> Callable[[asyncio.Future[T]], None]:
        def done(future: asyncio.Future[T]) -> None:
            if not future.cancelled() and future.exception() is None:
                round_trips.append(loop.time() - sent[index])

        return done

    def given_up_at(index: int) -> float:
        own = sent[index] + timeout
        if not round_trips:
            return own
        return min(own, sent[index] + max(LATE_MIN, LATE * max(round_trips)))

    try:
        for index in range(count):
            if index:
                await _until(futures[-1:], loop.time() + SPACING)
            futures.append(start(index))
            sent.append(loop.time())
            futures[-1].add_done_callback(timed(index))
        while True:
            now = loop.time()
            waiting = [i for i, f in enumerate(futures) if not f.done() and given_up_at(i) > now]
            if not waiting:
                break
            # woken by each answer: it may shorten the others' wait
            await asyncio.wait(
                [futures[i] for i in waiting],
                timeout=min(given_up_at(i) for i in waiting) - now,
                return_when=asyncio.FIRST_COMPLETED,
            )
    finally:
        for future in futures:
            if not future.cancel() and not future.cancelled():
                future.exception()  # retrieved: asyncio will not log it as forgotten
    return futures


async def _until(futures: Sequence[asyncio.Future[T]], deadline: float) -> None:
    """Until every future is done or the loop's clock reaches ``deadline``."""
    pending = [f for f in futures if not f.done()]
    left = deadline - asyncio.get_running_loop().time()
    if pending and left > 0:
        await asyncio.wait(pending, timeout=left)


def answered(futures: Sequence[asyncio.Future[T]]) -> list[T]:
    """The answers, in probe order (the probes that timed out or failed left out)."""
    done = [f for f in futures if f.done() and not f.cancelled()]
    return [f.result() for f in done if f.exception() is None]


def first_error(futures: Sequence[asyncio.Future[T]]) -> BaseException | None:
    """The error of the first probe (in probe order) that failed other than by a timeout."""
    errors = [f.exception() for f in futures if f.done() and not f.cancelled()]
    return next((e for e in errors if e is not None and not isinstance(e, TimeoutError)), None)
