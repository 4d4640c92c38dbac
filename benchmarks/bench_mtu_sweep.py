"""How long the path-MTU sweep in waves (the product's) and a binary one take against a
linear one, on the lab's black hole.

Builds the ``mtu-blackhole`` lab (root, Linux), then drives both searches with real DF
echoes from the client namespace to the server behind the 1280-byte link; the linear walk
goes down from 1500 in steps of 8 bytes (a 1-byte walk would take minutes of timeouts),
so the ratio printed understates the real gain. Run::

    sudo .venv/bin/python benchmarks/bench_mtu_sweep.py
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import Sequence

from wiresleuth.analysis.mtu_search import BinarySearch, LinearSearch
from wiresleuth.lab.lab import build_lab
from wiresleuth.lab.names import PREFIX_ENV, LabNames
from wiresleuth.lab.netns_socket import netns_socket
from wiresleuth.lab.scenario import load_scenario
from wiresleuth.model.mtu_observations import SweepProbe
from wiresleuth.probes.df_echo import DfEcho
from wiresleuth.probes.pmtu_sweep import probe_wait, run_waves

SERVER = "100.64.1.50"
LINEAR_STEP = 8


async def drive(search: BinarySearch | LinearSearch, echo: DfEcho) -> tuple[int | None, int, float]:
    started = time.perf_counter()
    rtt: float | None = None
    probes = 0
    while (size := search.next_size()) is not None:
        got = await echo.probe(size, probe_wait(rtt, 2.0))
        probes += 1
        if got.rtt is not None:
            rtt = got.rtt if rtt is None else min(rtt, got.rtt)
        search.record(size, got.result == "reply", mtu_hint=got.mtu)
    return search.result, probes, time.perf_counter() - started


async def drive_waves() -> tuple[int | None, int, float]:
    def icmp() -> socket.socket:
        return netns_socket(
            names.ns("client"), socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP
        )

    echo = DfEcho(SERVER, sock=icmp(), opener=icmp)

    async def wave(sizes: Sequence[int], wait: float) -> list[SweepProbe]:
        return await echo.probe_wave(sizes, wait, wait_after=lambda rtt: probe_wait(rtt, 2.0))

    started = time.perf_counter()
    try:
        probes, found = await run_waves(wave, low=576, high=1500, budget=2.0)
    finally:
        echo.close()
    return found, len(probes), time.perf_counter() - started


async def measure() -> None:
    w_mtu, w_probes, w_time = await drive_waves()
    icmp = netns_socket(names.ns("client"), socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    echo = DfEcho(SERVER, sock=icmp)
    try:
        b_mtu, b_probes, b_time = await drive(BinarySearch(low=576, high=1500), echo)
        l_mtu, l_probes, l_time = await drive(
            LinearSearch(low=576, high=1500, step=LINEAR_STEP), echo
        )
    finally:
        echo.close()
    print(f"waves  : path MTU {w_mtu}, {w_probes} probes in waves of at most 8, {w_time:.2f} s")
    print(f"binary : path MTU {b_mtu}, {b_probes} probes, {b_time:.2f} s")
    print(f"linear : path MTU {l_mtu} (step {LINEAR_STEP}), {l_probes} probes, {l_time:.2f} s")
    print(
        f"ratio  : linear/binary = {l_time / b_time:.1f}x time, {l_probes / b_probes:.1f}x probes"
    )
    print(f"ratio  : binary/waves = {b_time / w_time:.1f}x time")


if __name__ == "__main__":
    os.environ.setdefault(PREFIX_ENV, "wsb-")
    names = LabNames.from_env()
    lab = build_lab(load_scenario("mtu-blackhole"), names)
    try:
        asyncio.run(measure())
    finally:
        lab.teardown()
    sys.exit(0)
