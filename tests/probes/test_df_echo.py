"""DF echo waves on this host's loopback: real ICMP sockets, no lab."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Sequence

import pytest

from wiresleuth.model.mtu_observations import SweepProbe
from wiresleuth.probes.df_echo import DfEcho
from wiresleuth.probes.pmtu_sweep import probe_wait, run_waves, sweep

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux ICMP sockets")


def _echo_or_skip() -> DfEcho:
    try:
        return DfEcho("127.0.0.1")
    except OSError as exc:
        pytest.skip(f"no ICMP socket for this user ({exc}); as root or with "
                    "net.ipv4.ping_group_range covering the user's group it runs")  # fmt: skip


def test_a_wave_gets_every_reply_each_from_its_own_socket() -> None:
    echo = _echo_or_skip()
    try:
        sizes = [1500, 1368, 1236, 1104, 972, 840, 708, 576]
        found = asyncio.run(echo.probe_wave(sizes, 2.0))
        sockets = len({s.fileno() for s in echo._sockets})
        idents = {
            s.getsockname()[1] for s in echo._sockets if s.type == socket.SOCK_DGRAM
        }  # a ping socket's identifier is its "port"
    finally:
        echo.close()
    assert [p.size for p in found] == sizes
    assert all(p.result == "reply" and p.rtt is not None for p in found), found
    assert sockets == (1 if echo.raw else len(sizes))
    assert echo.raw or len(idents) == len(sizes)


def test_a_healthy_path_is_known_after_one_wave() -> None:
    echo = _echo_or_skip()

    async def wave(sizes: Sequence[int], wait: float) -> list[SweepProbe]:
        return await echo.probe_wave(sizes, wait, wait_after=lambda rtt: probe_wait(rtt, 1.0))

    try:
        probes, found = asyncio.run(run_waves(wave, low=576, high=1500, budget=1.0))
    finally:
        echo.close()
    assert found == 1500
    assert len(probes) == 8 and all(p.result == "reply" for p in probes)


def test_a_sweep_never_asks_for_more_than_an_ip_packet_holds() -> None:
    """Loopback's MTU is 65536; an IPv4 packet is at most 65535 bytes."""
    _echo_or_skip().close()
    found = asyncio.run(sweep("127.0.0.1", budget=1.0))
    assert found.method == "socket"
    assert max(p.size for p in found.probes) <= 65535


def test_sweeps_sharing_one_wave_never_have_more_than_a_wave_in_flight() -> None:
    """The sweeps of one name's addresses run side by side, one wave at a time between
    them: a network policy never sees more than a wave's 8 probes in flight."""
    in_flight, most = 0, 0

    async def wave(sizes: Sequence[int], wait: float) -> list[SweepProbe]:
        nonlocal in_flight, most
        in_flight += len(sizes)
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= len(sizes)
        return [SweepProbe(size=s, result="reply", at=0.0, rtt=0.01) for s in sizes]

    async def three_addresses() -> None:
        one_wave = asyncio.Lock()
        await asyncio.gather(
            *(run_waves(wave, low=576, high=9000, budget=1.0, one_wave=one_wave) for _ in range(3))
        )

    asyncio.run(three_addresses())
    assert most == 8
