"""The path RTT over the lab's 100 ms path (tests/probes/path_rtt_lab.toml): one
measurement's probes are in flight together, as a capture in the client namespace shows,
and a path that drops every echo costs one timeout before the TCP fallback.

The measurements run in the client namespace as the program does there (a child process);
the capture is a packet socket opened in that namespace from this process.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lab.conftest import scenario_lab
from wiresleuth.lab.commands import run_in
from wiresleuth.lab.lab import Lab
from wiresleuth.lab.netns_socket import netns_socket

pytestmark = pytest.mark.lab

SCENARIO = Path(__file__).with_name("path_rtt_lab.toml")
WWW, QUIET = "100.64.1.10", "100.64.1.20"
PATH_RTT = 0.100
"""The lab's path: 50 ms each way through the router's delay line."""
ETH_P_ALL = 0x0003
ETH_HEADER = 14

MEASURE = """
import asyncio, json, sys, time
from wiresleuth.probes.icmp_echo import icmp_echo_rtts
from wiresleuth.probes.path_rtt import measure_path_rtt
from wiresleuth.probes.tcp_rtt import tcp_rtts
from wiresleuth.probes.errors import describe_os_error
how, address, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
async def measure():
    if how == "icmp":
        return {"samples": await icmp_echo_rtts(address, count=3, timeout=timeout)}
    if how == "tcp":
        return {"samples": await tcp_rtts(address, port, count=3, timeout=timeout)}
    got = await measure_path_rtt(address, avoid_port=port, timeout=timeout)
    return {"samples": got.samples, "method": got.method, "error": got.error}
started = time.monotonic()
try:
    result = asyncio.run(measure())
except OSError as exc:
    result = {"raised": describe_os_error(exc)}
result["took"] = time.monotonic() - started
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with scenario_lab("path-rtt", SCENARIO) as built:
        yield built


def _measure(lab: Lab, how: str, address: str, port: int = 0, timeout: float = 2.0) -> Any:
    argv = [sys.executable, "-c", MEASURE, how, address, str(port), str(timeout)]
    done = run_in(lab.names.ns("client"), argv, timeout=30)
    return json.loads(done.stdout)


def _sniffer(lab: Lab) -> socket.socket:
    sock = netns_socket(lab.names.ns("client"), socket.AF_PACKET, socket.SOCK_RAW,
                        socket.htons(ETH_P_ALL))  # fmt: skip
    sock.setblocking(False)
    return sock


def _events(sniffer: socket.socket, address: str) -> list[str]:
    """What the client's interfaces carried to and from ``address``, in order: ``echo``,
    ``echo-reply``, ``syn``, ``syn-ack`` or ``rst``."""
    events: list[str] = []
    while True:
        try:
            frame, where = sniffer.recvfrom(65535)
        except BlockingIOError:
            return events
        if where[1] != 0x0800:
            continue
        ip = frame[ETH_HEADER:]
        header = (ip[0] & 0x0F) * 4
        source, destination = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
        if address not in (source, destination):
            continue
        if ip[9] == socket.IPPROTO_ICMP and ip[header] in (0, 8):
            events.append("echo" if ip[header] == 8 else "echo-reply")
        elif ip[9] == socket.IPPROTO_TCP:
            flags = struct.unpack_from("!B", ip, header + 13)[0]
            if flags & 0x04:
                events.append("rst")
            elif flags & 0x12 == 0x12:
                events.append("syn-ack")
            elif flags & 0x02:
                events.append("syn")


def test_the_echo_requests_are_in_flight_together(lab: Lab) -> None:
    with _sniffer(lab) as sniffer:
        got = _measure(lab, "icmp", WWW)
        events = _events(sniffer, WWW)
    # every request left before the first reply came back (one after another alternates)
    assert events == ["echo"] * 3 + ["echo-reply"] * 3, events
    # each request is answered, though the router's conntrack is on (see lab.set_path_delay)
    assert len(got["samples"]) == 3 and min(got["samples"]) >= PATH_RTT * 0.9, got


def test_the_tcp_connects_are_in_flight_together(lab: Lab) -> None:
    with _sniffer(lab) as sniffer:
        got = _measure(lab, "tcp", WWW, port=80)
        events = _events(sniffer, WWW)
    assert events[:6] == ["syn"] * 3 + ["syn-ack"] * 3, events
    assert len(got["samples"]) == 3 and min(got["samples"]) >= PATH_RTT * 0.9, got


def test_a_path_that_drops_every_echo_costs_one_timeout(lab: Lab) -> None:
    timeout = 1.0
    rule = ["FORWARD", "-d", QUIET, "-p", "icmp", "--icmp-type", "echo-request", "-j", "DROP"]
    lab.iptables("router", "-I", *rule)
    try:
        with _sniffer(lab) as sniffer:
            got = _measure(lab, "path", QUIET, port=443, timeout=timeout)
            events = _events(sniffer, QUIET)
    finally:
        lab.iptables("router", "-D", *rule)
    assert got["method"] == "tcp:80" and got["error"] == "icmp: no echo reply", got
    assert events[:3] == ["echo"] * 3 and "echo-reply" not in events, events
    # one after another, three echoes waited 3 s before the first SYN left
    assert got["took"] < 2 * timeout, got


def test_connects_that_all_fail_raise_the_error(lab: Lab) -> None:
    rule = ["FORWARD", "-d", WWW, "-p", "tcp", "--dport", "9",
            "-j", "REJECT", "--reject-with", "icmp-host-unreachable"]  # fmt: skip
    lab.iptables("router", "-I", *rule)
    try:
        got = _measure(lab, "tcp", WWW, port=9)
    finally:
        lab.iptables("router", "-D", *rule)
    assert got.get("raised") == "unreachable", got
