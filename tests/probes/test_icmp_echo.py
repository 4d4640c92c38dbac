"""Echo round trips are the network's, not this program's delay in noticing the reply."""

from __future__ import annotations

import asyncio
import time

import pytest

from wiresleuth.probes.icmp_echo import icmp_echo_rtts, tcp_rtts

BLOCKS = 0.03
"""How long the busy coroutine holds the event loop at a time (seconds)."""


async def _while_busy() -> None:
    for _ in range(40):
        time.sleep(BLOCKS)  # a busy window thread, a slow decode: the loop is late
        await asyncio.sleep(0)


async def _measured_while_busy() -> tuple[float, ...]:
    hog = asyncio.create_task(_while_busy())
    try:
        return await icmp_echo_rtts("127.0.0.1", count=3, timeout=3.0)
    finally:
        await hog


def test_a_busy_event_loop_does_not_lengthen_the_echo_rtt() -> None:
    try:
        samples = asyncio.run(_measured_while_busy())
    except PermissionError as exc:
        pytest.skip(f"no ICMP socket here ({exc}): sysctl net.ipv4.ping_group_range='0 2147483647'")
    assert samples
    # The loop is late by up to BLOCKS for every reply; a kernel-stamped loopback echo is not.
    assert min(samples) < BLOCKS / 3, samples


def test_the_tcp_fallback_takes_the_kernels_handshake_time() -> None:
    async def measure() -> tuple[float, ...]:
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        hog = asyncio.create_task(_while_busy())
        try:
            return await tcp_rtts("127.0.0.1", port, count=3, timeout=3.0)
        finally:
            await hog
            server.close()

    samples = asyncio.run(measure())
    assert samples and min(samples) < BLOCKS / 3, samples
