"""Single TTL-limited probes on loopback: the fates a probe's socket sees without a router.

The routers' ICMP errors (the error queue) are proven in the lab (test_hop_locator.py); here
each probe meets the answers a server gives: a handshake, a reset, data, a close, an echo
reply, a port unreachable.
"""

from __future__ import annotations

import asyncio
import errno
import socket

import pytest

from tests.probes.loopback_servers import LoopbackServer, reset_after
from wiresleuth.probes.ttl_probes import data_probe, echo_probe, syn_probe, udp_probe


def test_a_syn_is_answered_by_a_listener_and_refused_by_a_closed_port(refused_port: int) -> None:
    with LoopbackServer(lambda conn: None) as server:
        found = asyncio.run(syn_probe("127.0.0.1", server.port, 1))
    assert (found.fate, found.answer, found.ttl) == ("answered", "syn-ack", 1)
    assert found.local_port and found.rtt is not None and found.rtt < 1.0
    refused = asyncio.run(syn_probe("127.0.0.1", refused_port, 1))
    assert (refused.fate, refused.answer) == ("answered", "reset")


def test_a_clienthello_is_answered_by_a_reset() -> None:
    with LoopbackServer(reset_after(0.2)) as server:
        found = asyncio.run(
            data_probe("127.0.0.1", server.port, 2, b"\x16\x03\x01hello", connect_timeout=1.0)
        )
    assert (found.fate, found.answer) == ("answered", "reset")
    assert found.rtt is not None and 0.15 < found.rtt < 2.0


def test_a_request_is_answered_by_data_or_a_close() -> None:
    def answer(conn: socket.socket) -> None:
        conn.recv(100)
        conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\n\r\n")

    with LoopbackServer(answer) as server:
        found = asyncio.run(data_probe("127.0.0.1", server.port, 1, b"GET /", connect_timeout=1.0))
    assert (found.fate, found.answer) == ("answered", "data")
    assert found.data == b"HTTP/1.1 503 Service Unavailable\r\n\r\n"

    with LoopbackServer(lambda conn: conn.recv(100) and None) as server:
        closed = asyncio.run(data_probe("127.0.0.1", server.port, 1, b"GET /", connect_timeout=1.0))
    assert (closed.fate, closed.answer) == ("answered", "fin")


def test_a_data_probe_whose_connect_fails_says_so(refused_port: int) -> None:
    found = asyncio.run(data_probe("127.0.0.1", refused_port, 1, b"x", connect_timeout=1.0))
    assert found.fate == "failed" and found.error == "connect at full TTL: refused"


def test_an_echo_is_answered_by_the_destination() -> None:
    try:
        found = asyncio.run(echo_probe("127.0.0.1", 1))
    except PermissionError as exc:
        pytest.skip(
            f"ping sockets are not allowed here ({exc}): sysctl -w "
            "net.ipv4.ping_group_range='0 2147483647' allows them (the lab test covers it)"
        )
    assert (found.fate, found.answer) == ("answered", "echo-reply")
    assert found.local_port is not None


def test_a_datagram_to_an_unused_port_gets_port_unreachable_from_the_destination() -> None:
    found = asyncio.run(udp_probe("127.0.0.1", 1))
    assert (found.fate, found.answer, found.reported_by) == (
        "answered", "port-unreachable", "127.0.0.1",
    )  # fmt: skip
    assert found.icmp_type == 3 and found.icmp_code == 3


def _no_socket(family: int, kind: int, proto: int) -> socket.socket:
    raise OSError(errno.EMFILE, "Too many open files")


def _closed_socket(family: int, kind: int, proto: int) -> socket.socket:
    sock = socket.socket(family, kind, proto)
    sock.close()  # every call on it fails with EBADF, as a socket the system took away
    return sock


PROBES = {
    "syn": lambda sockets: syn_probe("127.0.0.1", 9, 3, sockets=sockets),
    "data": lambda sockets: data_probe(
        "127.0.0.1", 9, 3, b"x", connect_timeout=1.0, sockets=sockets
    ),
    "udp": lambda sockets: udp_probe("127.0.0.1", 3, sockets=sockets),
}


@pytest.mark.parametrize("kind", PROBES)
def test_a_probe_without_a_socket_is_recorded_as_failed(kind: str) -> None:
    found = asyncio.run(PROBES[kind](_no_socket))
    assert (found.fate, found.ttl, found.answer) == ("failed", 3, None)
    assert found.error is not None and found.error.startswith("no socket: ")


@pytest.mark.parametrize("kind", PROBES)
def test_a_probe_whose_socket_fails_is_recorded_as_failed(kind: str) -> None:
    found = asyncio.run(PROBES[kind](_closed_socket))
    assert (found.fate, found.ttl, found.answer) == ("failed", 3, None)
    assert found.error and not found.error.startswith("no socket")
