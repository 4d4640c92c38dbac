"""When a queued packet may leave: the pure decisions of the delay line and the payload hold.

No I/O here: ``delay_line`` feeds each packet's bytes and arrival time in, and acts on the
answer. A constant delay keeps packet order by construction (release = arrival + delay).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

_IPPROTO_TCP = 6
_MAX_FLOWS = 1024
"""Flows remembered by the hold before finished holds are forgotten."""


@dataclass(frozen=True, kw_only=True)
class TcpInfo:
    """The few TCP/IPv4 header fields the hold needs."""

    flow: tuple[bytes, int, bytes, int]
    """(source address, source port, destination address, destination port)."""
    seq: int
    """Sequence number."""
    payload_len: int
    """Bytes of TCP payload."""


def parse_tcp(packet: bytes) -> TcpInfo | None:
    """TCP fields of an IPv4 packet, or None for anything else (or a truncated header)."""
    if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != _IPPROTO_TCP:
        return None
    ihl = (packet[0] & 0x0F) * 4
    total = struct.unpack_from("!H", packet, 2)[0]
    if len(packet) < ihl + 20:
        return None
    sport, dport, seq = struct.unpack_from("!HHI", packet, ihl)
    doff = (packet[ihl + 12] >> 4) * 4
    return TcpInfo(
        flow=(packet[12:16], sport, packet[16:20], dport),
        seq=seq,
        payload_len=max(0, total - ihl - doff),
    )


@dataclass(kw_only=True)
class ConstantDelay:
    """Every packet leaves ``delay`` seconds after it arrived."""

    delay: float
    """One-way delay in seconds."""

    def release_at(self, packet: bytes, now: float) -> float | None:
        """When to accept the packet (None: drop it)."""
        del packet
        return now + self.delay


@dataclass(kw_only=True)
class PayloadHold:
    """TCP packets carrying payload wait ``hold`` seconds; SYNs and pure ACKs pass at once.

    Models software on the host holding each request before it reaches the wire: the first
    payload packet of a flow opens a hold; later payload packets of that flow leave with it.
    A retransmission of a packet already held is dropped (the original is still coming).
    """

    hold: float
    """Seconds a request is held."""
    _until: dict[tuple[bytes, int, bytes, int], float] = field(default_factory=dict)
    _held: set[tuple[tuple[bytes, int, bytes, int], int]] = field(default_factory=set)

    def release_at(self, packet: bytes, now: float) -> float | None:
        """When to accept the packet (None: drop it, ``now``: pass at once)."""
        info = parse_tcp(packet)
        if info is None or info.payload_len == 0:
            return now
        key = (info.flow, info.seq)
        until = self._until.get(info.flow)
        if until is not None and now < until:
            if key in self._held:
                return None
            self._held.add(key)
            return until
        self._held = {k for k in self._held if k[0] != info.flow}
        self._held.add(key)
        if len(self._until) > _MAX_FLOWS:
            self._until = {f: t for f, t in self._until.items() if t > now}
        self._until[info.flow] = now + self.hold
        return now + self.hold
