"""A hop probe's own packets in the capture: what it sent, the ICMP error about it, the answer.

A probe is tied to its packets by its local port (TCP, UDP) or its echo identifier and
sequence number (ICMP); an ICMP error by the packet it quotes. With capture, this names the
router that dropped a probe the socket could not name (an established connection's
segment), and gives what left this computer for the quote comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wiresleuth.analysis.hop_quotes import CapturedQuote, captured_quote
from wiresleuth.model.hop_observations import HopProbe
from wiresleuth.model.packet import ACK, FIN, ICMP, RST, SYN, TCP, UDP, PacketRecord

_ICMP_ERRORS = frozenset({3, 11})


@dataclass(frozen=True, kw_only=True)
class ProbePackets:
    """The captured packets of one probe (None where not captured)."""

    sent: PacketRecord | None = None
    """The probe as it left: the SYN, the first data segment, the echo request."""
    error: PacketRecord | None = None
    """The ICMP error quoting it."""
    quote: CapturedQuote | None = None
    """What that error quotes."""
    answer: PacketRecord | None = None
    """The answer from the destination address (SYN-ACK, reset, data, echo reply)."""

    @property
    def numbers(self) -> tuple[int, ...]:
        """Frame numbers, in time order."""
        found = [p for p in (self.sent, self.error, self.answer) if p is not None]
        return tuple(p.number for p in sorted(found, key=lambda p: p.time))


class HopCapture:
    """The capture's packets to and about one destination address, indexed for probes."""

    def __init__(self, packets: Sequence[PacketRecord], address: str) -> None:
        self.address = address
        self._out: dict[tuple[int, int], list[PacketRecord]] = {}
        self._in: dict[tuple[int, int], list[PacketRecord]] = {}
        self._errors: list[tuple[PacketRecord, CapturedQuote]] = []
        for packet in sorted(packets, key=lambda p: p.number):
            if packet.dst == address and packet.sport is not None:
                self._out.setdefault((packet.proto, packet.sport), []).append(packet)
            elif packet.src == address and packet.dport is not None:
                self._in.setdefault((packet.proto, packet.dport), []).append(packet)
            if packet.proto == ICMP and packet.icmp_type is not None:
                key = _echo_key(packet)
                if packet.icmp_type == 8 and packet.dst == address and key is not None:
                    self._out.setdefault((ICMP, key), []).append(packet)
                elif packet.icmp_type == 0 and packet.src == address and key is not None:
                    self._in.setdefault((ICMP, key), []).append(packet)
                elif packet.icmp_type in _ICMP_ERRORS:
                    quote = captured_quote(packet.payload)
                    if quote is not None and quote.dst == address:
                        self._errors.append((packet, quote))

    def tcp(self, probe: HopProbe, *, data: bool) -> ProbePackets:
        """The packets of a TCP probe (``data``: a segment after the handshake, else the SYN)."""
        port = probe.local_port
        if port is None:
            return ProbePackets()
        outgoing = self._out.get((TCP, port), [])
        if data:
            sent = next((p for p in outgoing if p.payload_len > 0), None)
        else:
            sent = next((p for p in outgoing if p.has(SYN) and not p.has(ACK)), None)
        error, quote = next(
            (
                (packet, quote)
                for packet, quote in self._errors
                if quote.proto == TCP
                and quote.sport == port
                and (sent is None or quote.seq == sent.seq)
            ),
            (None, None),
        )
        answer = None
        after = sent.time if sent is not None else probe.sent_at
        for packet in self._in.get((TCP, port), []):
            if packet.time < after:
                continue
            if (
                packet.has(RST)
                or packet.payload_len > 0
                or packet.has(FIN)
                or (not data and packet.has(SYN | ACK))
            ):
                answer = packet
                break
        return ProbePackets(sent=sent, error=error, quote=quote, answer=answer)

    def echo(self, probe: HopProbe) -> ProbePackets:
        """The packets of an ICMP echo probe (identifier ``local_port``, sequence = TTL)."""
        if probe.local_port is None:
            return ProbePackets()
        key = (probe.local_port << 16) | probe.ttl
        sent = next(iter(self._out.get((ICMP, key), [])), None)
        error, quote = next(
            (
                (packet, quote)
                for packet, quote in self._errors
                if quote.proto == ICMP
                and quote.ident == probe.local_port
                and quote.seq == probe.ttl
            ),
            (None, None),
        )
        answer = next(iter(self._in.get((ICMP, key), [])), None)
        return ProbePackets(sent=sent, error=error, quote=quote, answer=answer)

    def udp(self, probe: HopProbe) -> ProbePackets:
        """The packets of a UDP probe."""
        port = probe.local_port
        if port is None:
            return ProbePackets()
        sent = next(iter(self._out.get((UDP, port), [])), None)
        error, quote = next(
            (
                (packet, quote)
                for packet, quote in self._errors
                if quote.proto == UDP and quote.sport == port
            ),
            (None, None),
        )
        return ProbePackets(sent=sent, error=error, quote=quote)

    def of(self, kind: str, probe: HopProbe) -> ProbePackets:
        """The packets of a probe of a trace of ``kind``."""
        if kind == "echo":
            return self.echo(probe)
        if kind == "udp":
            return self.udp(probe)
        return self.tcp(probe, data=kind != "syn")


def _echo_key(packet: PacketRecord) -> int | None:
    """Identifier and sequence number of an echo request or reply, as one number."""
    if len(packet.payload) < 4:
        return None
    return int.from_bytes(packet.payload[0:4], "big")
