"""The hop locator against real routers: a lab with two of them (tests/probes/hops_lab.toml).

The probes run from this process through sockets made inside the lab's client namespace, so
the routers, the relay on hop 2 and the clamp on hop 1 are the kernel's own.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lab.conftest import scenario_lab
from wiresleuth.analysis.hop_quotes import tcp_fields
from wiresleuth.lab.commands import run_in
from wiresleuth.lab.lab import Lab
from wiresleuth.lab.netns_socket import netns_socket
from wiresleuth.model.hop_observations import HopRequest, HopSuspicion
from wiresleuth.probes.hop_locator import locate, reference_trace, run_trace
from wiresleuth.probes.ttl_probes import SocketFactory, syn_probe

pytestmark = pytest.mark.lab

SCENARIO = Path(__file__).with_name("hops_lab.toml")
ROUTER1, ROUTER2 = "198.18.1.1", "100.64.2.2"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with scenario_lab("hop-locator", SCENARIO) as built:
        # Routers limit their ICMP to each destination (Linux: a burst of 6, then one a
        # second); the tests below send many more "time exceeded" than one run does.
        for role in ("router", "wan"):
            run_in(built.names.ns(role), ["sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0"])
        yield built


def _sockets(lab: Lab) -> SocketFactory:
    client = lab.names.ns("client")

    def make(family: int, kind: int, proto: int) -> socket.socket:
        return netns_socket(client, family, kind, proto)

    return make


def _request(address: str, port: int, kind: str, wait: float = 0.0) -> HopRequest:
    return HopRequest(
        target=f"x.lab.test:{port}", address=address, port=port, kind=kind,
        findings=(HopSuspicion(id="test", target=f"x.lab.test:{port}"),),
        host="x.lab.test", answer_wait=wait,
    )  # fmt: skip


def _locate(lab: Lab, request: HopRequest) -> object:
    return asyncio.run(
        locate(
            request, connect_timeout=2.0, echo_timeout=1.0,
            deadline=time.monotonic() + 30, sockets=_sockets(lab), name_timeout=0,
        )
    )  # fmt: skip


def test_the_syn_is_answered_on_hop_2_and_the_server_is_3_hops_away(lab: Lab) -> None:
    found = _locate(lab, _request("100.64.1.30", 443, "syn"))
    reference, syn = found.reference, found.syn  # type: ignore[attr-defined]
    assert reference.kind == "echo" and reference.answered_ttl == 3
    assert [p.reported_by for p in reference.probes[:2]] == [ROUTER1, ROUTER2]
    assert syn.answered_ttl == 2
    assert syn.at(1).fate == "expired" and syn.at(1).reported_by == ROUTER1
    assert syn.at(2).answer == "syn-ack"
    assert len(syn.waves) == 1  # one wave of TTL 1..4 (the server is 3 hops away)


def test_other_ports_reach_the_server(lab: Lab) -> None:
    found = _locate(lab, _request("100.64.1.30", 80, "syn"))
    assert found.syn.answered_ttl == 3  # type: ignore[attr-defined]


def test_a_reset_after_the_client_hello_comes_from_hop_3(lab: Lab) -> None:
    found = _locate(lab, _request("100.64.1.40", 443, "client-hello", wait=0.5))
    data = found.data  # type: ignore[attr-defined]
    assert data.kind == "client-hello" and data.answered_ttl == 3
    assert data.at(3).answer == "reset" and 0.45 <= data.at(3).rtt <= 2.0
    # segments of an established connection: the socket says "expired", not by whom
    assert [data.at(t).fate for t in (1, 2)] == ["expired", "expired"]


def test_injected_data_on_hop_2_answers_the_http_request(lab: Lab) -> None:
    found = _locate(lab, _request("100.64.1.30", 443, "http", wait=0.3))
    data = found.data  # type: ignore[attr-defined]
    assert data.answered_ttl == 2
    assert data.at(2).data.startswith(b"HTTP/1.0 200 OK\r\nX-Bypass-Cache: hop two")
    assert data.at(1).fate == "expired"


def test_hop_2_quotes_the_mss_hop_1_clamped(lab: Lab) -> None:
    found = _locate(lab, _request("100.64.1.46", 80, "syn"))
    syn = found.syn  # type: ignore[attr-defined]
    quoted = {p.ttl: tcp_fields(p.quote).mss for p in syn.probes if p.fate == "expired"}
    assert quoted == {1: 1460, 2: 1200}


def test_without_ping_sockets_the_reference_trace_uses_udp(lab: Lab) -> None:
    inside = _sockets(lab)

    def no_ping(family: int, kind: int, proto: int) -> socket.socket:
        if proto == socket.IPPROTO_ICMP:
            raise PermissionError(13, "Permission denied")
        return inside(family, kind, proto)

    trace = asyncio.run(
        reference_trace("100.64.1.30", timeout=1.0, deadline=time.monotonic() + 10, sockets=no_ping)
    )
    assert trace.kind == "udp" and "ICMP echo not allowed" in (trace.error or "")
    assert trace.answered_ttl == 3 and trace.at(3).answer == "port-unreachable"
    assert trace.at(2).reported_by == ROUTER2


def test_a_spent_budget_sends_nothing(lab: Lab) -> None:
    sent: list[int] = []

    async def probe(ttl: int) -> object:
        sent.append(ttl)
        return await syn_probe("100.64.1.30", 443, ttl, sockets=_sockets(lab))

    trace = asyncio.run(
        run_trace("syn", "100.64.1.30", 443, probe, last=4, timeout=1.0,  # type: ignore[arg-type]
                  deadline=time.monotonic() + 0.1)
    )  # fmt: skip
    assert sent == [] and trace.probes == () and "budget" in (trace.error or "")


def test_a_hop_that_sends_no_time_exceeded_costs_one_grace_period(lab: Lab) -> None:
    """Hop 2 stops sending "time exceeded": its probe stays silent, and the wave ends half a
    second after the answer from hop 3 rather than at its timeout."""
    rule = ("OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP")
    lab.iptables("wan", "-A", *rule)
    try:
        began = time.monotonic()
        trace = asyncio.run(
            reference_trace("100.64.1.40", timeout=5.0, deadline=time.monotonic() + 10,
                            sockets=_sockets(lab))
        )  # fmt: skip
        took = time.monotonic() - began
    finally:
        lab.iptables("wan", "-D", *rule)
    assert trace.at(1).fate == "expired" and trace.at(2).fate == "silent"
    assert trace.answered_ttl == 3
    # the silent probe keeps when its wave gave up (its deadline, for the run's stalls)
    silent = trace.at(2)
    assert silent.ended_at is not None and silent.ended_at >= silent.sent_at
    assert trace.at(1).ended_at is None
    assert took < 4.0, f"the wave waited {took:.1f} s"
