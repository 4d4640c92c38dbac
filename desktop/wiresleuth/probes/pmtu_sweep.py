"""The path-MTU sweep towards one address: the wave search of ``analysis.mtu_search``
driven by DF echoes on an ICMP socket, or by the system's ``ping`` where sockets are not
allowed. Up to 8 sizes go out together, so a lost size costs one probe wait per wave, not
one each; every wait is bounded; a lost size is tried once more before it counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

import psutil

from wiresleuth.analysis.mtu_search import MIN_IPV4_MTU, WaveSearch
from wiresleuth.analysis.ping_output import parse_ping, ping_argv
from wiresleuth.model.mtu_observations import PathMtuSweep, SweepProbe
from wiresleuth.probes import df_echo

log = logging.getLogger(__name__)

Prober = Callable[[Sequence[int], float], Awaitable[list[SweepProbe]]]
"""Sends one wave of sizes together and waits at most the given seconds for their fates."""
MAX_PROBES = 48
"""Hard bound on probes per sweep (waves over 576..1500 need at most 29, 576..9000 at most 37)."""
_FIRST_WAIT = 1.0
MAX_IPV4_PACKET = 65535
"""The largest IPv4 packet (its length field): loopback's MTU of 65536 is not a size to send."""


def interface_mtu(address: str) -> int | None:
    """MTU of the interface the system would use towards ``address`` (None if unknown).

    A UDP socket "connected" to the address sends nothing but makes the kernel pick the
    route; its local address names the interface.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((address, 9))
            local = probe.getsockname()[0]
    except OSError:
        return None
    try:
        for name, addrs in psutil.net_if_addrs().items():
            if any(a.address == local for a in addrs):
                stats = psutil.net_if_stats().get(name)
                return stats.mtu if stats and stats.mtu > 0 else None
    except (OSError, psutil.Error):
        return None
    return None


def probe_wait(rtt: float | None, budget: float) -> float:
    """How long to wait for one probe: four round trips plus slack, within the budget."""
    if rtt is None:
        return min(budget, _FIRST_WAIT)
    return max(0.3, min(budget, 4 * rtt + 0.2))


def _system() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    return "darwin" if sys.platform == "darwin" else "linux"


async def ping_probe(address: str, size: int, timeout: float) -> SweepProbe:
    """One DF probe through the system's ``ping`` (killed if it outlives its wait)."""
    system = _system()
    argv = ping_argv(system, address, size, timeout)
    env = dict(os.environ, LC_ALL="C", LANG="C")
    sent = time.time()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
            env=env,
        )
    except OSError as exc:
        return SweepProbe(size=size, result="error", at=sent, detail=f"ping: {exc}")
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout + 2.0)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        return SweepProbe(size=size, result="lost", at=sent, detail="ping did not finish")
    except BaseException:  # cancelled: no ping left running
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        raise
    outcome = parse_ping(out.decode("utf-8", "replace"), system)
    return SweepProbe(
        size=size,
        result=outcome.result,
        at=sent,
        rtt=outcome.rtt,
        mtu=outcome.mtu,
        reported_by=outcome.reported_by,
        detail=outcome.line,
    )


async def run_waves(
    prober: Prober,
    *,
    low: int,
    high: int,
    budget: float,
    one_wave: asyncio.Lock | None = None,
) -> tuple[list[SweepProbe], int | None]:
    """Drive the wave search with ``prober``; (probes in the order sent, path MTU). Sweeps
    that share ``one_wave`` (those of one name's addresses) send one wave at a time
    between them: never more than a wave's 8 probes in flight for a name."""
    search = WaveSearch(low=low, high=high)
    probes: list[SweepProbe] = []
    rtt: float | None = None
    while (wave := search.next_wave()) and len(probes) + len(wave) <= MAX_PROBES:
        async with one_wave or contextlib.nullcontext():
            results = await prober(wave, probe_wait(rtt, budget))
        probes += results
        replies = [p.rtt for p in results if p.result == "reply" and p.rtt is not None]
        if replies:
            rtt = min(replies) if rtt is None else min(rtt, *replies)
        if any(p.result == "error" for p in results):
            break
        for p in results:
            proof = p.result in ("frag_needed", "too_big_local")
            search.record(p.size, p.result == "reply", proof=proof, mtu_hint=p.mtu)
    return probes, search.result


async def sweep(
    address: str, *, budget: float, one_wave: asyncio.Lock | None = None
) -> PathMtuSweep:
    """Sweep ``address`` from 576 bytes to the interface MTU with DF set."""
    # psutil lists every interface with its statistics: 5-30 ms, not on the run's loop
    mtu: int | None = await asyncio.to_thread(interface_mtu, address)
    high = min(mtu or 1500, MAX_IPV4_PACKET)
    low = min(MIN_IPV4_MTU, high)
    echo: df_echo.DfEcho | None = None
    if df_echo.supported():
        try:
            echo = df_echo.DfEcho(address)
        except OSError as exc:
            log.info("no ICMP socket for the MTU sweep (%s): using the system ping", exc)
    try:
        if echo is not None:
            socket_echo = echo

            async def through_socket(sizes: Sequence[int], timeout: float) -> list[SweepProbe]:
                return await socket_echo.probe_wave(
                    sizes, timeout, wait_after=lambda rtt: probe_wait(rtt, budget)
                )

            probes, found = await run_waves(
                through_socket, low=low, high=high, budget=budget, one_wave=one_wave
            )
            method = "socket"
        else:

            async def through_ping(sizes: Sequence[int], timeout: float) -> list[SweepProbe]:
                return list(await asyncio.gather(*(ping_probe(address, s, timeout) for s in sizes)))

            probes, found = await run_waves(
                through_ping, low=low, high=high, budget=budget, one_wave=one_wave
            )
            method = "ping"
    finally:
        if echo is not None:
            echo.close()
    error = None
    if found is None:
        errors = [p.detail for p in probes if p.result == "error"]
        error = errors[0] if errors else "no echo reply at any size: ICMP is blocked or filtered"
    return PathMtuSweep(
        address=address,
        method=method,
        interface_mtu=high,
        low=low,
        probes=tuple(probes),
        path_mtu=found,
        error=error,
    )
