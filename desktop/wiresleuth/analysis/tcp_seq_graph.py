"""One direction of a TCP connection as a sequence graph (tcptrace's, Stevens'): bytes over time.

Each data segment is a vertical bar from its first to its last sequence number at the time
it was seen; a segment carrying bytes already seen is a retransmission. The other side's
acknowledgements draw the ACK line (and, with its window, the edge of what it would accept);
its SACK blocks show what arrived beyond a hole. A hole is a range of bytes not seen while
later bytes were, from the moment a later segment revealed it until a segment filled it (or
never: "4096 bytes never arrived" is a hole that stays open to the end of the graph).

Sequence numbers are relative, as Wireshark shows them: the first data byte is 1. Reading
is the analysis's own (``flows``), so the graph shows what the findings measured.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.analysis.flows import Stream, TcpFlow
from wiresleuth.model.packet import ACK, RST, SYN


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A data segment of the direction graphed."""

    time: float
    """When it was seen (epoch seconds)."""
    start: int
    """Relative sequence number of its first byte."""
    end: int
    """One past its last byte."""
    frame: int
    """Its frame number."""
    retransmission: bool
    """It carried bytes already seen."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AckPoint:
    """An acknowledgement from the other side."""

    time: float
    """When it was seen."""
    ack: int
    """Relative sequence number acknowledged (next byte expected)."""
    window_edge: int
    """``ack`` plus the advertised window (scaled when both SYNs announced scaling)."""
    frame: int
    """Its frame number."""
    sacks: tuple[tuple[int, int], ...] = ()
    """SACK blocks (relative), what arrived beyond a hole."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hole:
    """Bytes not seen while later bytes were."""

    start: int
    """Relative sequence number of its first byte."""
    end: int
    """One past its last byte."""
    opened: float
    """When a later segment showed it (epoch seconds)."""
    filled: float | None
    """When a segment filled it; None when it never was."""


@dataclass(frozen=True, kw_only=True)
class SeqGraph:
    """The sequence graph of one direction of a connection."""

    sender: str
    """``address:port`` of the side whose bytes are graphed."""
    receiver: str
    """``address:port`` of the side acknowledging them."""
    segments: tuple[Segment, ...]
    """Data segments, in capture order."""
    acks: tuple[AckPoint, ...]
    """The receiver's acknowledgements, in capture order."""
    holes: tuple[Hole, ...]
    """Holes, in the order they opened (pieces of one hole filled at different times are
    separate holes)."""
    start: float
    """Time of the connection's first packet."""
    end: float
    """Time of its last packet."""

    @property
    def bytes_sent(self) -> int:
        """Highest relative sequence number seen, minus one (bytes of the stream)."""
        return max((s.end for s in self.segments), default=1) - 1

    @property
    def lost(self) -> int:
        """Bytes never seen although later ones were."""
        return sum(h.end - h.start for h in self.holes if h.filled is None)


def _endpoint(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _holes(segments: list[Segment], first: int | None) -> list[Hole]:
    """Holes among ``segments``; ``first`` is the first byte expected (1 when the handshake
    was seen, so bytes missing before the first segment count; None when it was not)."""
    found: list[Hole] = []
    open_holes: list[tuple[int, int, float]] = []
    highest = first
    for segment in segments:
        if highest is not None and segment.start > highest:
            open_holes.append((highest, segment.start, segment.time))
        still: list[tuple[int, int, float]] = []
        for start, end, opened in open_holes:
            low, high = max(start, segment.start), min(end, segment.end)
            if low >= high:
                still.append((start, end, opened))
                continue
            found.append(Hole(start=low, end=high, opened=opened, filled=segment.time))
            if start < low:
                still.append((start, low, opened))
            if high < end:
                still.append((high, end, opened))
        open_holes = still
        highest = segment.end if highest is None else max(highest, segment.end)
    found += [Hole(start=s, end=e, opened=o, filled=None) for s, e, o in open_holes]
    return sorted(found, key=lambda hole: (hole.opened, hole.start))


def _relative(stream: Stream, seq: int) -> int | None:
    offset = stream.offset_of(seq)
    return None if offset is None else offset + 1


def sequence_graph(flow: TcpFlow, *, from_server: bool | None = None) -> SeqGraph:
    """The graph of the server's bytes (``from_server``), or the client's; by default the
    direction that carried more."""
    client, server = flow.client_stream, flow.server_stream
    if from_server is None:
        from_server = server.end >= client.end
    sent, acking = (server, client) if from_server else (client, server)
    hello = flow.syn_ack if from_server else flow.syn
    peer_hello = flow.syn if from_server else flow.syn_ack
    scaling = (
        hello is not None
        and peer_hello is not None
        and hello.wscale is not None
        and peer_hello.wscale is not None
    )
    scale = 1 << min(peer_hello.wscale or 0, 14) if scaling and peer_hello is not None else 1
    retransmitted = set(sent.retransmissions)
    segments = []
    for packet in sent.packets:
        size = max(packet.payload_len, len(packet.payload))
        if not size or packet.has(RST):
            continue
        start = _relative(sent, packet.seq + (1 if packet.has(SYN) else 0))
        if start is None:
            continue
        segments.append(
            Segment(
                time=packet.time,
                start=start,
                end=start + size,
                frame=packet.number,
                retransmission=packet.number in retransmitted,
            )
        )
    acks = []
    for packet in acking.packets:
        if not packet.has(ACK) or packet.has(RST):
            continue
        ack = _relative(sent, packet.ack)
        if ack is None:
            continue
        window = packet.window * (1 if packet.has(SYN) else scale)
        sacks = []
        for left, right in packet.sack_blocks:
            low, high = _relative(sent, left), _relative(sent, right)
            if low is not None and high is not None and low < high:
                sacks.append((low, high))
        acks.append(
            AckPoint(
                time=packet.time,
                ack=ack,
                window_edge=ack + window,
                frame=packet.number,
                sacks=tuple(sacks),
            )
        )
    return SeqGraph(
        sender=_endpoint(sent.sender, sent.sender_port),
        receiver=_endpoint(acking.sender, acking.sender_port),
        segments=tuple(segments),
        acks=tuple(acks),
        holes=tuple(_holes(segments, 1 if sent.isn is not None else None)),
        start=flow.start,
        end=flow.end,
    )
