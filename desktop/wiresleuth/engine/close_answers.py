"""When the capture may stop: once every connection the run closed has had its close answered.

After the probes, capture keeps running for the packets that closing our sockets causes: the
peer acknowledges our FIN (or resets) one round trip later. Without them a healthy connection
would end, in the capture, with a FIN nobody answered. Capture used to wait a fixed one and a
half of the slowest round trip; it now stops as soon as the capture holds every answer, and
waits that long only when one is missing (the same deadline bounds it).

A connection the peer closed first (our requests ask it to: ``Connection: close``) is closed
both ways once our FIN follows the peer's: the peer's last ACK would acknowledge a close the
capture already shows complete, and is not waited for (a round trip at the end of every run).

A connection counts once the capture saw its handshake answered (SYN-ACK): a SYN nobody
answered has no close to wait for (a late SYN-ACK, if it comes, is reset by our kernel and
settles it). Pure: packets in, a count out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wiresleuth.model.packet import ACK, FIN, RST, SYN, TCP, PacketRecord

_MOD = 1 << 32


@dataclass
class _Connection:
    answered: bool = False
    """The peer's SYN-ACK was seen: the connection was established."""
    fin_end: int | None = None
    """Sequence number the peer acknowledges once it has our FIN."""
    peer_fin: bool = False
    """The peer's FIN was seen."""
    settled: bool = False
    """A reset either way, our FIN acknowledged, or both FINs seen: nothing more to wait for."""


class CloseAnswers:
    """Fed the capture's packets in order; says how many closes still wait for their answer."""

    def __init__(self) -> None:
        self._connections: dict[tuple[str, int, str, int], _Connection] = {}

    def feed(self, records: Iterable[PacketRecord]) -> None:
        """Take more packets (in capture order)."""
        for r in records:
            if r.proto != TCP or r.sport is None or r.dport is None:
                continue
            flags = r.tcp_flags
            ours = (r.src, r.sport, r.dst, r.dport)
            if flags & SYN and not flags & ACK:
                self._connections.setdefault(ours, _Connection())
                continue
            conn = self._connections.get(ours)
            if conn is not None:  # from the side that opened it: this program
                if flags & RST:
                    conn.settled = True
                elif flags & FIN:
                    conn.fin_end = (r.seq + r.payload_len + 1) % _MOD
                    conn.settled = conn.settled or conn.peer_fin
                continue
            conn = self._connections.get((r.dst, r.dport, r.src, r.sport))
            if conn is None:
                continue  # a connection opened before capture started
            if flags & SYN:
                conn.answered = True
            if flags & RST:
                conn.settled = True
                continue
            if flags & FIN:
                conn.peer_fin = True
            if conn.fin_end is not None and flags & ACK:
                conn.settled = conn.settled or (r.ack - conn.fin_end) % _MOD < _MOD // 2

    @property
    def waiting(self) -> int:
        """Established connections whose close the capture has not yet seen answered."""
        return sum(1 for c in self._connections.values() if c.answered and not c.settled)
