"""The stall meter on a real event loop: a coroutine that blocks the loop (``time.sleep``,
as a stopped program would look to the loop) is recorded with its start and length."""

from __future__ import annotations

import asyncio
import time

from wiresleuth.engine.stall_meter import StallMeter
from wiresleuth.model.engine_observations import Stall

BLOCK = 0.4


Spans = list[tuple[float, float]]


async def blocked_run(meter: StallMeter, blocks: int) -> tuple[Spans, tuple[Stall, ...]]:
    meter.start()
    await asyncio.sleep(0.15)
    spans = []
    for _ in range(blocks):
        before = time.time()
        time.sleep(BLOCK)  # the loop is not served: what a stopped program's loop sees
        spans.append((before, time.time()))
        await asyncio.sleep(0.15)
    return spans, await meter.stop()


def test_a_blocked_loop_is_recorded_with_its_times() -> None:
    meter = StallMeter()
    (span,), stalls = asyncio.run(asyncio.wait_for(blocked_run(meter, 1), 10))
    covering = [s for s in stalls if s.started_at <= span[0] and s.ended_at >= span[1]]
    assert len(covering) == 1, stalls
    found = covering[0]
    assert BLOCK <= found.length < BLOCK + 2 * meter.interval + 0.5  # placed within its look
    assert found.monotonic_end - found.monotonic_start == found.length


def test_the_list_is_bounded_and_the_rest_counted() -> None:
    meter = StallMeter(most=2)
    spans, stalls = asyncio.run(asyncio.wait_for(blocked_run(meter, 3), 10))
    assert len(stalls) == 2
    assert meter.dropped >= 1
    assert stalls[0].started_at <= spans[0][0]


def test_stopping_ends_its_task() -> None:
    async def main() -> tuple[list[str], list[str]]:
        meter = StallMeter()
        meter.start()
        await asyncio.sleep(0.06)
        running = [t.get_name() for t in asyncio.all_tasks()]
        await meter.stop()
        return running, [t.get_name() for t in asyncio.all_tasks()]

    running, after = asyncio.run(asyncio.wait_for(main(), 5))
    assert "stall meter" in running and "stall meter" not in after
