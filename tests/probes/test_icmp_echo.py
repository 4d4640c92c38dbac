"""Echo round trips are the network's, not this program's delay in noticing the reply; one
measurement's requests go out as one wave and leave nothing behind."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests.probes.busy_loop import BLOCKS, while_busy
from wiresleuth.platform.own_sockets import own_socket_inodes
from wiresleuth.probes.hop_waves import WAVE
from wiresleuth.probes.icmp_echo import icmp_echo_rtts

NO_SOCKET = "sysctl net.ipv4.ping_group_range='0 2147483647'"


async def _measured_while_busy() -> tuple[float, ...]:
    hog = asyncio.create_task(while_busy())
    try:
        return await icmp_echo_rtts("127.0.0.1", count=3, timeout=3.0)
    finally:
        await hog


def test_a_busy_event_loop_does_not_lengthen_the_echo_rtt() -> None:
    try:
        samples = asyncio.run(_measured_while_busy())
    except PermissionError as exc:
        pytest.skip(f"no ICMP socket here ({exc}): {NO_SOCKET}")
    assert samples
    # The loop is late by up to BLOCKS for every reply; a kernel-stamped loopback echo is not.
    assert min(samples) < BLOCKS / 3, samples


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_every_request_of_a_full_wave_is_answered(address: str) -> None:
    try:
        samples = asyncio.run(icmp_echo_rtts(address, count=WAVE, timeout=3.0))
    except PermissionError as exc:
        pytest.skip(f"no ICMP socket here ({exc}): {NO_SOCKET}")
    except OSError as exc:
        pytest.skip(f"no {address} on this computer ({exc})")
    assert len(samples) == WAVE, samples


def test_a_wave_larger_than_the_programs_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 8 probes"):
        asyncio.run(icmp_echo_rtts("127.0.0.1", count=WAVE + 1, timeout=1.0))


def test_measurements_side_by_side_each_get_their_own_replies() -> None:
    async def together() -> list[tuple[float, ...]]:
        return list(
            await asyncio.gather(
                *(icmp_echo_rtts("127.0.0.1", count=3, timeout=3.0) for _ in range(4))
            )
        )

    try:
        results = asyncio.run(together())
    except PermissionError as exc:
        pytest.skip(f"no ICMP socket here ({exc}): {NO_SOCKET}")
    assert [len(r) for r in results] == [3, 3, 3, 3]


def test_a_cancelled_measurement_closes_its_socket_and_leaves_no_task() -> None:
    async def cancel_midway() -> set[asyncio.Task[object]]:
        before = own_socket_inodes()
        measuring = asyncio.create_task(icmp_echo_rtts("127.0.0.1", count=3, timeout=3.0))
        await asyncio.sleep(0)  # the first request is out, the wave waits
        measuring.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await measuring
        assert own_socket_inodes() - before == set()  # each one it opened is closed
        return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

    try:
        left = asyncio.run(cancel_midway())
    except PermissionError as exc:
        pytest.skip(f"no ICMP socket here ({exc}): {NO_SOCKET}")
    assert not left
