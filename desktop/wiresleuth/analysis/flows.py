"""TCP connections reassembled from decoded packets, as seen at the capture point.

Each direction becomes a Stream of byte offsets counted from the sender's ISN+1, so that a
TLS parser can walk the bytes and every byte can be traced back to the packet that carried
it. What the wire proves about loss is kept: ranges never seen although later bytes were
(gaps), bytes seen twice (retransmissions), holes filled late (out of order), duplicate ACKs.

Who is the client: the sender of the SYN; failing that the receiver of the SYN-ACK; failing
both (capture started mid-connection) the side with a well-known port (< 1024) is the server,
else the side with an ephemeral port (>= 32768) is the client, else the lower port is the
server, else the sender of the first packet is the client.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from wiresleuth.analysis.icmp import IcmpError, icmp_error
from wiresleuth.model.address import normalise
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.packet import ACK, FIN, RST, SYN, TCP, PacketRecord

_MOD = 1 << 32
_HALF = 1 << 31

Endpoint = tuple[str, int]


def _signed(diff: int) -> int:
    """A 32-bit sequence difference as a signed number (handles wrap-around)."""
    diff %= _MOD
    return diff - _MOD if diff >= _HALF else diff


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int
    packet: PacketRecord
    data: bytes | None  # None: on the wire but not captured (snap length)


@dataclass(frozen=True, kw_only=True)
class Stream:
    """One direction of a TCP connection, reassembled."""

    sender: str
    """Address of the side that sent these bytes."""
    sender_port: int
    """Its port."""
    isn: int | None
    """Initial sequence number (from the SYN or SYN-ACK), None without a handshake."""
    base_seq: int | None
    """Sequence number of offset 0 (ISN+1, or the lowest sequence seen without a handshake)."""
    packets: tuple[PacketRecord, ...]
    """Every packet this side sent, in capture order."""
    data: bytes
    """Captured bytes from offset 0, up to the first gap or uncaptured byte."""
    end: int
    """One past the highest byte offset seen on the wire."""
    gaps: tuple[tuple[int, int], ...]
    """[start, end) offset ranges never seen although later bytes were: lost segments."""
    uncaptured: tuple[tuple[int, int], ...]
    """[start, end) ranges that were on the wire but cut off by the snap length."""
    retransmissions: tuple[int, ...]
    """Packet numbers carrying bytes that had already been seen."""
    out_of_order: tuple[int, ...]
    """Packet numbers carrying new bytes below the highest byte already seen (filling a hole)."""
    dup_acks: tuple[int, ...]
    """Packet numbers of duplicate ACKs this side sent: empty segments repeating its previous
    ACK number and non-zero window (Wireshark's rule); a burst means the peer's bytes went
    missing, a single one may answer a spurious retransmission."""
    acked: int | None
    """Highest offset of this stream the peer acknowledged (FIN counts one), None if never."""
    max_payload: int
    """Largest segment payload this side sent, in bytes on the wire."""
    dscp_values: tuple[int, ...]
    """Distinct DSCP values of this side's packets, in order of appearance."""
    ttls: tuple[int, ...]
    """Distinct TTL / hop limits of this side's packets, in order of appearance."""
    _pieces: tuple[_Piece, ...] = field(default=(), repr=False)
    _starts: tuple[int, ...] = field(default=(), repr=False)

    def _piece(self, offset: int) -> _Piece:
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0 and self._pieces[index].start <= offset < self._pieces[index].end:
            return self._pieces[index]
        raise KeyError(f"byte {offset} of {self.sender}:{self.sender_port} was never seen")

    def packet_at(self, offset: int) -> PacketRecord:
        """The packet that first carried the byte at ``offset``; KeyError if never seen."""
        return self._piece(offset).packet

    def time_at(self, offset: int) -> float:
        """When the byte at ``offset`` was first seen; KeyError if never seen."""
        return self._piece(offset).packet.time

    def offset_of(self, seq: int) -> int | None:
        """The stream offset of a sequence number (None without a base)."""
        if self.base_seq is None:
            return None
        return _signed(seq - self.base_seq)


@dataclass(frozen=True, kw_only=True)
class TcpFlow:
    """One TCP connection: its packets, handshake and both reassembled directions."""

    client: str
    """Address of the connecting side."""
    client_port: int
    """Its port."""
    server: str
    """Address of the accepting side."""
    server_port: int
    """Its port."""
    packets: tuple[PacketRecord, ...]
    """Every TCP packet of the connection, in capture order."""
    syns: tuple[PacketRecord, ...]
    """Every SYN the client sent (more than one: the first went unanswered)."""
    syn: PacketRecord | None
    """The SYN the SYN-ACK answered (else the first SYN)."""
    syn_ack: PacketRecord | None
    """The server's first SYN-ACK."""
    handshake_ack: PacketRecord | None
    """The client's ACK completing the handshake."""
    client_stream: Stream
    """Bytes from client to server."""
    server_stream: Stream
    """Bytes from server to client."""
    rsts: tuple[PacketRecord, ...]
    """Packets with RST set, either direction."""
    fins: tuple[PacketRecord, ...]
    """Packets with FIN set, either direction."""
    icmp_errors: tuple[IcmpError, ...] = ()
    """ICMP errors quoting a packet of this connection."""
    capture_gap: CaptureGap | None = None
    """Where the capture itself lost frames while this connection was open (a damaged
    file, a capture's drops; ``capture_gaps.flows_with_gaps``): its holes prove no loss."""

    @property
    def id(self) -> str:
        """``client:port->server:port`` (IPv6 addresses in brackets)."""
        client = _endpoint(self.client, self.client_port)
        return f"{client}->{_endpoint(self.server, self.server_port)}"

    @property
    def start(self) -> float:
        """Time of the first packet."""
        return self.packets[0].time

    @property
    def end(self) -> float:
        """Time of the last packet."""
        return self.packets[-1].time

    @property
    def handshake_rtt(self) -> float | None:
        """Seconds from the SYN to the SYN-ACK, as seen at this capture point."""
        if self.syn is None or self.syn_ack is None:
            return None
        return self.syn_ack.time - self.syn.time

    @property
    def client_mss(self) -> int | None:
        """MSS option of the client's SYN."""
        return self.syn.mss if self.syn is not None else None

    @property
    def server_mss(self) -> int | None:
        """MSS option of the server's SYN-ACK."""
        return self.syn_ack.mss if self.syn_ack is not None else None

    @property
    def client_dup_acks(self) -> tuple[int, ...]:
        """Duplicate ACKs from the client: server bytes went missing."""
        return self.client_stream.dup_acks

    @property
    def server_dup_acks(self) -> tuple[int, ...]:
        """Duplicate ACKs from the server: client bytes went missing."""
        return self.server_stream.dup_acks

    def is_from_client(self, packet: PacketRecord) -> bool:
        """Whether the packet was sent by the client."""
        return normalise(packet.src) == self.client and packet.sport == self.client_port

    def stream_of(self, packet: PacketRecord) -> Stream:
        """The direction a packet belongs to."""
        return self.client_stream if self.is_from_client(packet) else self.server_stream


def _endpoint(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


class _Direction:
    """Mutable reassembly state of one direction while packets are walked in order."""

    def __init__(self, sender: Endpoint, packets: list[PacketRecord]) -> None:
        self.sender = sender
        self.packets = packets
        syns = [p for p in packets if p.has(SYN) and not p.has(RST)]
        self.isn: int | None = syns[0].seq if syns else None
        self.base = self._base(packets)
        self.seen: list[list[int]] = []  # merged [start, end) ranges seen on the wire
        self.pieces: list[_Piece] = []
        self.highest = 0
        self.retransmissions: list[int] = []
        self.out_of_order: list[int] = []
        self.dup_acks: list[int] = []
        self.acked: int | None = None
        self.max_payload = 0
        self.last_ack: tuple[int, int] | None = None  # (ack, window) of our previous packet

    def _base(self, packets: list[PacketRecord]) -> int | None:
        if self.isn is not None:
            return (self.isn + 1) % _MOD
        seqs = [p.seq for p in packets if not p.has(RST)]
        if not seqs:
            return None
        first = seqs[0]
        return (first + min(_signed(s - first) for s in seqs)) % _MOD

    def _overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.seen, [start, _MOD]) - 1
        if index >= 0 and self.seen[index][1] > start:
            return True
        return index + 1 < len(self.seen) and self.seen[index + 1][0] < end

    def _new_ranges(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) not seen before."""
        fresh: list[tuple[int, int]] = []
        cursor = start
        index = bisect.bisect_right(self.seen, start, key=lambda rng: rng[1])
        while index < len(self.seen) and self.seen[index][0] < end:
            seen_start, seen_end = self.seen[index]
            if seen_start > cursor:
                fresh.append((cursor, seen_start))
            cursor = max(cursor, seen_end)
            index += 1
        if cursor < end:
            fresh.append((cursor, end))
        return fresh

    def _mark_seen(self, start: int, end: int) -> None:
        """Add [start, end) to the merged, sorted ranges seen (touching ranges merge)."""
        low = bisect.bisect_left(self.seen, start, key=lambda rng: rng[1])
        high = bisect.bisect_right(self.seen, end, key=lambda rng: rng[0])
        if low < high:
            start = min(start, self.seen[low][0])
            end = max(end, self.seen[high - 1][1])
        self.seen[low:high] = [[start, end]]

    def add_segment(self, packet: PacketRecord) -> None:
        """Account for the payload of a packet this side sent."""
        if packet.has(RST):  # text in a reset (some stacks explain themselves) is not data
            return
        wire = max(packet.payload_len, len(packet.payload))
        self.max_payload = max(self.max_payload, wire)
        if wire == 0 or self.base is None:
            return
        start = _signed(packet.seq + (1 if packet.has(SYN) else 0) - self.base)
        if start < 0:  # bytes from before the first we saw: old data sent again
            self.retransmissions.append(packet.number)
            return
        end = start + wire
        if wire <= 1 and end == self.highest and self.highest > 0:
            return  # keep-alive probe: one old byte (or none) to elicit an ACK
        if self._overlaps(start, end):
            self.retransmissions.append(packet.number)
        elif start < self.highest:
            self.out_of_order.append(packet.number)
        captured_end = start + len(packet.payload)
        for fresh_start, fresh_end in self._new_ranges(start, end):
            cut = min(fresh_end, max(captured_end, fresh_start))
            if cut > fresh_start:
                chunk = packet.payload[fresh_start - start : cut - start]
                self.pieces.append(_Piece(fresh_start, cut, packet, chunk))
            if fresh_end > cut:
                self.pieces.append(_Piece(cut, fresh_end, packet, None))
        self._mark_seen(start, end)
        self.highest = max(self.highest, end)

    def note_ack(self, packet: PacketRecord, peer: _Direction) -> None:
        """Track what this side acknowledged of the peer, and its duplicate ACKs."""
        if not packet.has(ACK) or peer.base is None:
            return
        offset = _signed(packet.ack - peer.base)
        if offset >= 0:
            peer.acked = offset if peer.acked is None else max(peer.acked, offset)
        empty = max(packet.payload_len, len(packet.payload)) == 0
        pure = empty and not packet.tcp_flags & (SYN | FIN | RST)
        key = (packet.ack, packet.window)
        # Wireshark's rule: an empty segment repeating the previous ACK and non-zero window.
        if pure and packet.window and self.last_ack == key:
            self.dup_acks.append(packet.number)
        self.last_ack = key

    def finish(self) -> Stream:
        pieces = tuple(sorted(self.pieces, key=lambda piece: piece.start))
        gaps: list[tuple[int, int]] = []
        cursor = 0
        for seen_start, seen_end in self.seen:
            if seen_start > cursor:
                gaps.append((cursor, seen_start))
            cursor = max(cursor, seen_end)
        data = bytearray()
        for piece in pieces:
            if piece.start != len(data) or piece.data is None:
                break
            data += piece.data
        uncaptured = _merge([(p.start, p.end) for p in pieces if p.data is None])
        return Stream(
            sender=self.sender[0],
            sender_port=self.sender[1],
            isn=self.isn,
            base_seq=self.base,
            packets=tuple(self.packets),
            data=bytes(data),
            end=self.highest,
            gaps=tuple(gaps),
            uncaptured=tuple(uncaptured),
            retransmissions=tuple(self.retransmissions),
            out_of_order=tuple(self.out_of_order),
            dup_acks=tuple(self.dup_acks),
            acked=self.acked,
            max_payload=self.max_payload,
            dscp_values=tuple(dict.fromkeys(p.dscp for p in self.packets)),
            ttls=tuple(dict.fromkeys(p.ttl for p in self.packets)),
            _pieces=pieces,
            _starts=tuple(piece.start for piece in pieces),
        )


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _endpoints(packet: PacketRecord) -> tuple[Endpoint, Endpoint]:
    assert packet.sport is not None and packet.dport is not None
    return (normalise(packet.src), packet.sport), (normalise(packet.dst), packet.dport)


class _Builder:
    """Packets of one connection while the capture is walked."""

    def __init__(self) -> None:
        self.packets: list[PacketRecord] = []
        self.closed = False  # FIN or RST seen: a new SYN starts a new connection
        self.icmp: list[IcmpError] = []

    def add(self, packet: PacketRecord) -> None:
        self.packets.append(packet)
        if packet.tcp_flags & (FIN | RST):
            self.closed = True

    def _roles(self) -> tuple[Endpoint, Endpoint]:
        for packet in self.packets:
            src, dst = _endpoints(packet)
            if packet.has(SYN) and not packet.has(ACK) and not packet.has(RST):
                return src, dst
        for packet in self.packets:
            src, dst = _endpoints(packet)
            if packet.has(SYN | ACK) and not packet.has(RST):
                return dst, src
        first_src, first_dst = _endpoints(self.packets[0])
        return _guess_roles(first_src, first_dst)

    def finish(self) -> TcpFlow:
        client, server = self._roles()
        outbound = [_endpoints(p)[0] == client for p in self.packets]
        from_client = [p for p, out in zip(self.packets, outbound, strict=True) if out]
        from_server = [p for p, out in zip(self.packets, outbound, strict=True) if not out]
        client_dir = _Direction(client, from_client)
        server_dir = _Direction(server, from_server)
        for packet, out in zip(self.packets, outbound, strict=True):
            if out:
                mine, peer = client_dir, server_dir
            else:
                mine, peer = server_dir, client_dir
            mine.add_segment(packet)
            mine.note_ack(packet, peer)
        syns = tuple(p for p in from_client if p.has(SYN) and not p.tcp_flags & (ACK | RST))
        syn_ack = next((p for p in from_server if p.has(SYN | ACK) and not p.has(RST)), None)
        syn = syns[0] if syns else None
        if syn_ack is not None:
            answered = [
                s for s in syns if s.time <= syn_ack.time and (s.seq + 1) % _MOD == syn_ack.ack
            ]
            syn = answered[-1] if answered else syn
        handshake_ack = None
        if syn_ack is not None:
            handshake_ack = next(
                (
                    p
                    for p in from_client
                    if p.time >= syn_ack.time
                    and p.has(ACK)
                    and not p.tcp_flags & (SYN | RST)
                    and p.ack == (syn_ack.seq + 1) % _MOD
                ),
                None,
            )
        return TcpFlow(
            client=client[0],
            client_port=client[1],
            server=server[0],
            server_port=server[1],
            packets=tuple(self.packets),
            syns=syns,
            syn=syn,
            syn_ack=syn_ack,
            handshake_ack=handshake_ack,
            client_stream=client_dir.finish(),
            server_stream=server_dir.finish(),
            rsts=tuple(p for p in self.packets if p.has(RST)),
            fins=tuple(p for p in self.packets if p.has(FIN)),
            icmp_errors=tuple(self.icmp),
        )


def _guess_roles(a: Endpoint, b: Endpoint) -> tuple[Endpoint, Endpoint]:
    """(client, server) of a connection whose handshake was not captured."""
    if (a[1] < 1024) != (b[1] < 1024):
        return (b, a) if a[1] < 1024 else (a, b)
    if (a[1] >= 32768) != (b[1] >= 32768):
        return (a, b) if a[1] >= 32768 else (b, a)
    if a[1] != b[1]:
        return (b, a) if a[1] < b[1] else (a, b)
    return a, b


def assemble_flows(packets: Sequence[PacketRecord]) -> list[TcpFlow]:
    """Group TCP packets into connections (in order of first packet) and reassemble them."""
    current: dict[frozenset[Endpoint], _Builder] = {}
    by_key: dict[frozenset[Endpoint], list[_Builder]] = {}
    builders: list[_Builder] = []
    errors: list[IcmpError] = []
    for packet in packets:
        if packet.proto != TCP or packet.sport is None or packet.dport is None:
            error = icmp_error(packet)
            if error is not None and error.proto == TCP and error.sport is not None:
                errors.append(error)
            continue
        key = frozenset(_endpoints(packet))
        builder = current.get(key)
        new_syn = packet.has(SYN) and not packet.tcp_flags & (ACK | RST)
        if builder is None or (new_syn and builder.closed):
            builder = _Builder()
            current[key] = builder
            by_key.setdefault(key, []).append(builder)
            builders.append(builder)
        builder.add(packet)
    for error in errors:
        assert error.sport is not None and error.dport is not None
        key = frozenset({(normalise(error.src), error.sport), (normalise(error.dst), error.dport)})
        candidates = by_key.get(key)
        if not candidates:
            continue
        started = [b for b in candidates if b.packets[0].time <= error.packet.time]
        (started[-1] if started else candidates[0]).icmp.append(error)
    return [builder.finish() for builder in builders]
