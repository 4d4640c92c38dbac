"""Grouping captured SYN headers into attempts (pure part of the connect watch)."""

from __future__ import annotations

from wiresleuth.model.packet import ACK, RST, SYN, TCP, PacketRecord
from wiresleuth.probes.connect_watch import syn_attempts


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
