"""The TCP path RTT on real loopback sockets: the kernel's handshake time, the connects of a
measurement in flight together, refusals as answers, nothing left open."""

from __future__ import annotations

import asyncio
import contextlib
import time

from tests.probes.busy_loop import BLOCKS, while_busy
from tests.probes.loopback_servers import full_listener, refusing_port
from wiresleuth.platform.own_sockets import own_socket_inodes
from wiresleuth.probes.tcp_rtt import tcp_rtts

SYN_SENT = "02"
"""The state column of /proc/net/tcp for a connect waiting for its SYN-ACK."""


def test_the_tcp_fallback_takes_the_kernels_handshake_time() -> None:
    async def measure() -> tuple[float, ...]:
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        hog = asyncio.create_task(while_busy())
        try:
            return await tcp_rtts("127.0.0.1", port, count=3, timeout=3.0)
        finally:
            await hog
            server.close()

    samples = asyncio.run(measure())
    assert samples and min(samples) < BLOCKS / 3, samples


def test_a_refused_connect_is_a_sample() -> None:
    with refusing_port() as port:
        samples = asyncio.run(tcp_rtts("127.0.0.1", port, count=3, timeout=3.0))
    assert len(samples) == 3, samples


def _syn_sent(port: int) -> int:
    """Sockets of this host waiting for a SYN-ACK from 127.0.0.1:port (/proc/net/tcp)."""
    remote = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(1 for row in rows if row[2] == remote and row[3] == SYN_SENT)


async def _most_in_flight(port: int, measuring: asyncio.Task[tuple[float, ...]]) -> int:
    """The most connects to ``port`` seen waiting at once while ``measuring`` runs."""
    most = 0
    for _ in range(1000):  # 5 s at most
        most = max(most, _syn_sent(port))
        if measuring.done():
            break
        await asyncio.sleep(0.005)
    return most


def test_unanswered_connects_wait_out_one_timeout_together() -> None:
    timeout = 0.6

    async def measure() -> tuple[tuple[float, ...], int, float]:
        with full_listener() as port:
            started = time.monotonic()
            measuring = asyncio.create_task(tcp_rtts("127.0.0.1", port, count=3, timeout=timeout))
            most = await _most_in_flight(port, measuring)
            samples = await measuring
            return samples, most, time.monotonic() - started

    samples, most, took = asyncio.run(measure())
    assert samples == ()  # a timeout is no sample, and no error either
    assert most == 3  # one after another, never more than one waited at a time
    assert took < 2 * timeout, took  # one after another: 3 timeouts


def test_a_cancelled_measurement_closes_its_sockets_and_leaves_no_task() -> None:
    async def cancel_midway() -> tuple[int, int, set[asyncio.Task[object]]]:
        with full_listener() as port:
            before = own_socket_inodes()
            measuring = asyncio.create_task(tcp_rtts("127.0.0.1", port, count=3, timeout=5.0))
            for _ in range(200):  # until all three wait (1 s at most)
                if _syn_sent(port) == 3:
                    break
                await asyncio.sleep(0.005)
            during = _syn_sent(port)
            measuring.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await measuring
            left = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
            assert own_socket_inodes() - before == set()  # each one it opened is closed
            return during, _syn_sent(port), left

    during, after, left = asyncio.run(cancel_midway())
    assert during == 3
    assert after == 0 and not left
