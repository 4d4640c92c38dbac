"""The wave's schedule with real asyncio futures standing for the probes' answers: the next
probe goes at once when the previous was answered, after SPACING when not, each probe is
waited for until its own deadline, and the answers come back in probe order."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from wiresleuth.probes.hop_waves import WAVE
from wiresleuth.probes.probe_wave import (
    LATE,
    LATE_MIN,
    SPACING,
    answered,
    first_error,
    send_wave,
)


class Ticks:
    """Counts the event loop's turns while it runs (a task that yields every turn)."""

    def __init__(self) -> None:
        self.count = 0

    async def run(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)


def test_a_probe_answered_at_once_lets_the_next_go_at_once() -> None:
    async def wave() -> list[int]:
        ticks = Ticks()
        ticking = asyncio.create_task(ticks.run())
        await asyncio.sleep(0)
        seen: list[int] = []
        loop = asyncio.get_running_loop()

        def start(index: int) -> asyncio.Future[int]:
            seen.append(ticks.count)
            future: asyncio.Future[int] = loop.create_future()
            future.set_result(index)  # a LAN: answered before the next probe is due
            return future

        futures = await send_wave(start, count=WAVE, timeout=5.0)
        ticking.cancel()
        assert answered(futures) == list(range(WAVE))
        return seen

    seen = asyncio.run(wave())
    assert len(set(seen)) == 1, seen  # every probe sent within one turn of the loop


def test_unanswered_probes_go_out_spaced_and_are_given_up_at_their_own_deadline() -> None:
    timeout = 1.0

    async def wave() -> tuple[list[float], list[asyncio.Future[int]], float]:
        loop = asyncio.get_running_loop()
        sent: list[float] = []

        def start(_index: int) -> asyncio.Future[int]:
            sent.append(loop.time())
            return loop.create_future()  # never answered

        futures = await send_wave(start, count=3, timeout=timeout)
        return sent, futures, loop.time()

    sent, futures, ended = asyncio.run(wave())
    assert all(f.cancelled() for f in futures)
    # each waited at least SPACING for its predecessor, and all were out before the first
    # one's deadline: three timeouts one after another would end at 3 s
    assert [b - a >= SPACING - 1e-3 for a, b in itertools.pairwise(sent)] == [True, True]
    assert sent[-1] < sent[0] + timeout
    assert ended >= sent[-1] + timeout and ended < sent[0] + 2 * timeout


def test_answers_come_back_in_probe_order_whatever_order_they_arrived_in() -> None:
    async def wave() -> tuple[list[str], BaseException | None]:
        loop = asyncio.get_running_loop()

        def start(index: int) -> asyncio.Future[str]:
            future: asyncio.Future[str] = loop.create_future()
            if index == 1:
                loop.call_later(0.3, future.set_exception, ConnectionResetError("reset"))
            else:  # the first answer arrives last
                loop.call_later(0.2 - index * 0.05, future.set_result, f"probe {index}")
            return future

        futures = await send_wave(start, count=4, timeout=2.0)
        return answered(futures), first_error(futures)

    answers, error = asyncio.run(wave())
    assert answers == ["probe 0", "probe 2", "probe 3"]
    assert isinstance(error, ConnectionResetError)


@pytest.mark.parametrize("count", [0, WAVE + 1])
def test_a_wave_sends_one_to_the_programs_limit(count: int) -> None:
    async def wave() -> None:
        loop = asyncio.get_running_loop()
        await send_wave(lambda _i: loop.create_future(), count=count, timeout=1.0)

    with pytest.raises(ValueError, match=f"not {count}"):
        asyncio.run(wave())


def test_a_probe_lost_beside_answered_ones_is_given_up_after_a_few_round_trips() -> None:
    """A rate limit that lets one echo in three through: the lost ones are given up LATE
    times the slowest answered round trip after they left, not at the 2 s deadline."""
    timeout, rtt = 2.0, 0.05

    async def wave() -> tuple[list[asyncio.Future[int]], float, float]:
        loop = asyncio.get_running_loop()
        began = loop.time()

        def start(index: int) -> asyncio.Future[int]:
            future: asyncio.Future[int] = loop.create_future()
            if index != 1:  # the second is dropped
                loop.call_later(rtt, future.set_result, index)
            return future

        futures = await send_wave(start, count=3, timeout=timeout)
        return futures, began, loop.time()

    futures, began, ended = asyncio.run(wave())
    assert answered(futures) == [0, 2] and futures[1].cancelled()
    assert ended - began < 2 * SPACING + LATE * rtt + 0.3 < timeout


def test_no_answer_at_all_waits_for_every_deadline() -> None:
    """Nothing to compare with: a probe is waited for until its own deadline (the grace
    needs an answered round trip)."""
    assert LATE_MIN > 0

    async def wave() -> float:
        loop = asyncio.get_running_loop()
        began = loop.time()
        await send_wave(lambda _i: loop.create_future(), count=2, timeout=0.4)
        return loop.time() - began

    assert asyncio.run(wave()) >= 0.4
