"""Grouping captured SYN headers into attempts (pure part of the connect watch)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from tests.probes.loopback_servers import full_listener
from wiresleuth.model.packet import ACK, RST, SYN, TCP, PacketRecord
from wiresleuth.probes.connect_watch import _others_connecting, syn_attempts


def tcp(n: int, t: float, src: str, dst: str, sport: int, dport: int, flags: int) -> PacketRecord:
    return PacketRecord(
        number=n, time=t, src=src, dst=dst, proto=TCP, sport=sport, dport=dport, tcp_flags=flags
    )


def test_retransmitted_unanswered_syns_and_an_answered_one() -> None:
    packets = [
        tcp(1, 1.0, "198.18.1.10", "100.64.1.74", 41000, 5274, SYN),
        tcp(2, 2.0, "198.18.1.10", "100.64.1.74", 41000, 5274, SYN),
        tcp(3, 4.0, "198.18.1.10", "100.64.1.74", 41000, 5274, SYN),
        tcp(4, 1.5, "198.18.1.10", "100.64.1.9", 41001, 443, SYN),
        tcp(5, 1.6, "100.64.1.9", "198.18.1.10", 443, 41001, SYN | ACK),
        tcp(6, 1.7, "198.18.1.10", "100.64.1.8", 41002, 25, SYN),
        tcp(7, 1.8, "100.64.1.8", "198.18.1.10", 25, 41002, RST | ACK),
        tcp(8, 1.9, "198.18.1.10", "100.64.1.60", 50000, 80, SYN),
    ]
    seen = {(a.dst, a.dport): a for a in syn_attempts(packets, own_ports={50000})}
    assert set(seen) == {("100.64.1.74", 5274), ("100.64.1.9", 443), ("100.64.1.8", 25)}
    agent = seen[("100.64.1.74", 5274)]
    assert (agent.syns, agent.at, agent.last_at, agent.answered) == (3, 1.0, 4.0, False)
    assert seen[("100.64.1.9", 443)].answered and seen[("100.64.1.8", 25)].answered


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/net/tcp")
def test_another_process_connecting_is_seen_and_our_own_connect_is_not() -> None:
    """The cheap look that spares the socket table's costly reading: only a socket of
    another process in SYN_SENT counts."""
    with full_listener() as port:
        assert _others_connecting() is False
        own = socket.socket()
        own.setblocking(False)
        try:
            own.connect_ex(("127.0.0.1", port))  # stays SYN_SENT: the queue is full
            assert _others_connecting() is False
        finally:
            own.close()
        code = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=3)"
        other = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
        try:
            seen = False
            for _ in range(200):  # 2 s at most, until the child's connect has left
                seen = bool(_others_connecting())
                if seen:
                    break
                time.sleep(0.01)
        finally:
            other.kill()
            other.wait(5)
        assert seen
