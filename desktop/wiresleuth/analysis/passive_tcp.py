"""TCP conversations of a whole capture, one pass, with Wireshark's own analysis rules.

Engineers compare what we say with what Wireshark says, so the per-segment flags follow
``tcp_analyze_sequence_number`` of Wireshark's TCP dissector (epan/dissectors/packet-tcp.c)
rule for rule: retransmission (and its fast and spurious kinds, which Wireshark also counts
as ``tcp.analysis.retransmission``), out-of-order, previous segment not captured, ACKed
unseen segment, duplicate ACK, zero window (and its probe), window update, keep-alive.
Conversations are split as Wireshark splits them (a SYN with another initial sequence number
starts a new one), frames and bytes count whole frames as ``-z conv,tcp`` does, the handshake
RTT is the SYN-ACK's ``tcp.analysis.ack_rtt`` and the initial RTT ``tcp.analysis.initial_rtt``.
``tests/analysis/test_passive_tcp_tshark.py`` checks all of it against tshark.

It works in one pass with bounded state per conversation (counters, the first frames of
each kind, a few kilobytes of each direction's first bytes, the TLS record walk), so that a
capture of millions of packets never has to be held in memory. The fast reader feeds it
columns (``TcpSegments``); ``segments_from_records`` makes the same from PacketRecords.

Who is the client: the sender of the SYN; failing that the receiver of the SYN-ACK; failing
both, the rule of ``flows.py`` (well-known port, then ephemeral port, then lower port).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol, SupportsInt

from wiresleuth.analysis.passive_tls_walk import TEXT_LIMIT, TlsWalk
from wiresleuth.model.packet import ACK, FIN, RST, SYN, TCP, PacketRecord

_M = 0xFFFFFFFF
_H = 0x80000000

RETRANSMISSION = 0x0001
"""Wireshark's TCP_A_RETRANSMISSION."""
LOST_PACKET = 0x0002
"""Previous segment not captured."""
ACK_LOST_PACKET = 0x0004
"""ACKed segment that was not captured."""
KEEP_ALIVE = 0x0008
"""Keep-alive."""
DUPLICATE_ACK = 0x0010
"""Duplicate ACK."""
ZERO_WINDOW = 0x0020
"""Zero window."""
ZERO_WINDOW_PROBE = 0x0040
"""Zero window probe."""
ZERO_WINDOW_PROBE_ACK = 0x0080
"""ACK of a zero window probe."""
KEEP_ALIVE_ACK = 0x0100
"""ACK of a keep-alive."""
OUT_OF_ORDER = 0x0200
"""Out-of-order segment."""
FAST_RETRANSMISSION = 0x0400
"""Fast retransmission (also a retransmission for ``tcp.analysis.retransmission``)."""
WINDOW_UPDATE = 0x0800
"""Window update."""
SPURIOUS_RETRANSMISSION = 0x4000
"""Spurious retransmission (also a retransmission for ``tcp.analysis.retransmission``)."""

ANY_RETRANSMISSION = RETRANSMISSION | FAST_RETRANSMISSION | SPURIOUS_RETRANSMISSION
"""What ``tcp.analysis.retransmission`` matches."""

FLAG_NAMES: dict[int, str] = {
    RETRANSMISSION: "retransmission",
    FAST_RETRANSMISSION: "fast-retransmission",
    SPURIOUS_RETRANSMISSION: "spurious-retransmission",
    OUT_OF_ORDER: "out-of-order",
    LOST_PACKET: "lost-segment",
    ACK_LOST_PACKET: "acked-unseen",
    DUPLICATE_ACK: "duplicate-ack",
    ZERO_WINDOW: "zero-window",
    ZERO_WINDOW_PROBE: "zero-window-probe",
    ZERO_WINDOW_PROBE_ACK: "zero-window-probe-ack",
    WINDOW_UPDATE: "window-update",
    KEEP_ALIVE: "keep-alive",
    KEEP_ALIVE_ACK: "keep-alive-ack",
}
"""Flag -> the name used in summaries (the tshark field is ``tcp.analysis.<name with _>``)."""

FRAMES_KEPT = 50
"""Frame numbers kept per kind of event and direction (counts go on)."""
TURNS_KEPT = 8
"""Turns (who speaks, when) kept per conversation, from its start (counts go on): the
opening exchanges, which latency attribution judges, and a few to compare them with."""
ZERO_WINDOWS_KEPT = 20
"""Zero-window episodes kept per direction (the longest; counts go on)."""
CLIENT_PREFIX = 1024
"""Bytes kept of each side's first data (an HTTP request line, the start of a ClientHello)."""
PREFIX_BUDGET = 128 << 20
"""Bytes of first data kept over all conversations (a scan of a million flows stays bounded)."""
_HOLES_KEPT = 64
_ACK_RTT_SEGMENTS = 64  # data segments per direction whose ACK is timed (enough for a minimum)
_FAR = 1 << 62
_FAST_RETRANSMISSION_WINDOW = 0.020  # Wireshark: within 20 ms of the last duplicate ACK
_DEFAULT_OOO_THRESHOLD = 0.003  # Wireshark: 3 ms until the initial RTT is known


class Payloads(Protocol):
    """Where payload bytes are read from: a batch's buffer, or the file itself."""

    def __getitem__(self, where: slice, /) -> bytes | bytearray: ...


class IntColumn(Protocol):
    """A column read now and then by index (a list, or a numpy array left as it is)."""

    def __getitem__(self, index: int, /) -> SupportsInt: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class TcpSegments:
    """TCP segments of part of a capture: one list per field, index i is one segment."""

    addresses: Sequence[str]
    """Address id -> address (shared by every batch of one capture)."""
    buffer: Payloads
    """The bytes the payload offsets point into."""
    number: Sequence[int]
    """Frame numbers."""
    time: Sequence[float]
    """Capture times, epoch seconds."""
    src: IntColumn
    """Source address ids."""
    dst: IntColumn
    """Destination address ids."""
    sport: IntColumn
    """Source ports."""
    dport: IntColumn
    """Destination ports."""
    flags: Sequence[int]
    """TCP flags."""
    seq: Sequence[int]
    """Sequence numbers."""
    ack: Sequence[int]
    """Acknowledgement numbers."""
    window: Sequence[int]
    """Window fields (unscaled)."""
    seglen: Sequence[int]
    """Payload length on the wire (-1: unknown, the segment is counted but not analysed)."""
    payload_start: IntColumn
    """Where the captured payload starts in ``buffer``."""
    payload_end: IntColumn
    """Where it ends."""
    frame_len: Sequence[int]
    """Frame length on the wire (what ``-z conv,tcp`` adds up)."""
    ttl: Sequence[int]
    """IP TTL / hop limit."""
    tos: Sequence[int]
    """TOS / traffic class byte."""
    src_mac: IntColumn
    """Ethernet source address as a 48-bit number (-1: none)."""
    dst_mac: IntColumn
    """Ethernet destination address (-1: none)."""
    mss: IntColumn
    """MSS option (-1: none); only SYNs need it."""
    key: Sequence[int]
    """Conversation key of the two endpoints (``conversation_key``)."""
    forward: Sequence[bool]
    """Whether the sender is the lower endpoint of the key."""
    wscale: IntColumn | None = None
    """Window scale option (-1: none); only SYNs need it (None: not read, windows unscaled)."""

    def __len__(self) -> int:
        return len(self.number)


def _mac_number(mac: str | None) -> int:
    return int(mac.replace(":", ""), 16) if mac else -1


def segments_from_records(
    records: Iterable[PacketRecord], addresses: list[str] | None = None
) -> TcpSegments:
    """TcpSegments of the TCP packets among ``records`` (the slow path: tests, small files).

    ``addresses`` is the id -> address list to extend (pass the same list for every batch of
    one capture). PacketRecords keep no link layer: frame lengths are counted as Ethernet
    frames (IP length + 14).
    """
    names = addresses if addresses is not None else []
    ids = {name: index for index, name in enumerate(names)}

    def ident(address: str) -> int:
        found = ids.get(address)
        if found is None:
            found = ids[address] = len(names)
            names.append(address)
        return found

    tcp = [r for r in records if r.proto == TCP and r.sport is not None and r.dport is not None]
    payloads: list[int] = []
    buffer = bytearray()
    for record in tcp:
        payloads.append(len(buffer))
        buffer += record.payload
    return TcpSegments(
        addresses=names,
        buffer=bytes(buffer),
        number=[r.number for r in tcp],
        time=[r.time for r in tcp],
        src=[ident(r.src) for r in tcp],
        dst=[ident(r.dst) for r in tcp],
        sport=[r.sport or 0 for r in tcp],
        dport=[r.dport or 0 for r in tcp],
        flags=[r.tcp_flags for r in tcp],
        seq=[r.seq for r in tcp],
        ack=[r.ack for r in tcp],
        window=[r.window for r in tcp],
        seglen=[r.payload_len for r in tcp],
        payload_start=payloads,
        payload_end=[start + len(r.payload) for start, r in zip(payloads, tcp, strict=True)],
        frame_len=[r.length + 14 for r in tcp],
        ttl=[r.ttl for r in tcp],
        tos=[(r.dscp << 2) | r.ecn for r in tcp],
        src_mac=[_mac_number(r.src_mac) for r in tcp],
        dst_mac=[_mac_number(r.dst_mac) for r in tcp],
        mss=[r.mss if r.mss is not None else -1 for r in tcp],
        wscale=[r.wscale if r.wscale is not None else -1 for r in tcp],
        **conversation_keys(
            [(ident(r.src) << 16) | (r.sport or 0) for r in tcp],
            [(ident(r.dst) << 16) | (r.dport or 0) for r in tcp],
        ),
    )


def conversation_key(a: int, b: int) -> int:
    """The key of the conversation between two endpoints (address id << 16 | port): the lower
    endpoint << 32 | the higher (a tag bit keeps keys of very large ids apart)."""
    low, high = (a, b) if a < b else (b, a)
    if high < 1 << 32:
        return (low << 32) | high
    return (1 << 100) | (low << 48) | high


def conversation_keys(src: Sequence[int], dst: Sequence[int]) -> dict[str, list[Any]]:
    """``key`` and ``forward`` columns from the endpoints (address id << 16 | port)."""
    return {
        "key": [conversation_key(a, b) for a, b in zip(src, dst, strict=True)],
        "forward": [a < b for a, b in zip(src, dst, strict=True)],
    }


# -- results -----------------------------------------------------------------------------


class Mark(NamedTuple):
    """A packet worth citing: a SYN, a SYN-ACK, a reset..."""

    frame: int
    """Frame number."""
    time: float
    """Capture time."""
    ttl: int
    """Its IP TTL / hop limit."""
    src_mac: int
    """Its Ethernet source address as a number (-1: none)."""


class Turn(NamedTuple):
    """One side's run of new data until the other side sends data (a request, an answer)."""

    from_client: bool
    """Whether the client spoke."""
    first_frame: int
    """Its first data segment."""
    first_time: float
    """When that was captured."""
    last_time: float
    """When its last new data was captured (before the other side spoke)."""
    ack_frame: int
    """The other side's first pure ACK of all of it, before it spoke (-1: none)."""
    ack_time: float
    """When that was captured (0.0: none)."""


class ZeroWindow(NamedTuple):
    """A time a receiver advertised a zero window: it could take no more data."""

    frame: int
    """The first segment with the zero window."""
    time: float
    """When that was captured."""
    end_frame: int
    """Its first segment with an open window again (-1: the window never opened again)."""
    end_time: float
    """When that was captured (the conversation's last packet when it never opened)."""

    @property
    def reopened(self) -> bool:
        """Whether the window opened again."""
        return self.end_frame >= 0

    @property
    def seconds(self) -> float:
        """How long the window stayed closed (until the end of the capture if it never opened)."""
        return self.end_time - self.time


@dataclass(frozen=True, kw_only=True)
class Hole:
    """Bytes of a direction never seen although later bytes were (lost before the capture)."""

    start: int
    """First missing stream offset."""
    end: int
    """One past the last."""
    frame_after: int
    """The frame that arrived after the hole (Wireshark: previous segment not captured)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DirectionSummary:
    """What one side of a conversation sent (slots: two per conversation, and more fields
    than CPython shares in an instance dictionary)."""

    address: str
    """Sender address."""
    port: int
    """Sender port."""
    frames: int
    """Frames sent."""
    frame_bytes: int
    """Frame bytes sent (link layer included, as ``-z conv,tcp`` counts)."""
    payload_bytes: int
    """TCP payload bytes sent (retransmissions included)."""
    first_frame: int | None
    """First frame of this side."""
    first_data_frame: int | None
    """First frame carrying payload."""
    first_data_time: float | None
    """When it was captured."""
    counts: dict[str, int]
    """Analysis flag name -> segments flagged (see FLAG_NAMES)."""
    frames_of: dict[str, tuple[int, ...]]
    """Analysis flag name -> the first FRAMES_KEPT frames flagged."""
    resets: tuple[Mark, ...]
    """Segments with RST (the first FRAMES_KEPT)."""
    reset_count: int
    """Segments with RST, all of them."""
    fins: tuple[Mark, ...]
    """Segments with FIN."""
    ttls: dict[int, int]
    """TTL / hop limit -> first frame that carried it."""
    tos_counts: dict[int, int]
    """TOS byte -> frames."""
    tos_frames: dict[int, tuple[int, ...]]
    """TOS byte -> first frames that carried it."""
    max_segment: int
    """Largest payload sent."""
    retransmitted: tuple[tuple[int, int, int, float], ...]
    """(frame, stream offset, length, time) of the first retransmissions."""
    holes: tuple[Hole, ...]
    """Ranges of this side's bytes never captured (at the end of the capture)."""
    holes_dropped: int
    """Holes beyond those kept."""
    end_offset: int
    """One past the highest stream offset seen."""
    acked_offset: int | None
    """Highest stream offset the peer acknowledged (None: nothing)."""
    min_ack_rtt: float | None
    """Fastest acknowledgement of this side's data by the peer (Wireshark's ack_rtt)."""
    ack_rtt_samples: int
    """How many of this side's segments were acknowledged exactly."""
    prefix: bytes
    """This side's first bytes, in order (up to CLIENT_PREFIX)."""
    tls: TlsWalk
    """The record walk of this side's bytes."""
    macs: tuple[int, int]
    """(source, destination) Ethernet address of its first frame as numbers (-1: none)."""
    zero_windows: tuple[ZeroWindow, ...] = ()
    """Times this side advertised a zero window (the longest ZERO_WINDOWS_KEPT, in order)."""
    zero_window_count: int = 0
    """How many times, all of them."""
    window_scale: int | None = None
    """Shift of this side's window field (0: no scaling); None when the handshake was not
    captured (the window is then known only up to its scale)."""
    last_window: int | None = None
    """The last receive window this side advertised before any reset it sent, in bytes
    (scaled when known)."""
    last_time: float | None = None
    """When its last segment was captured."""

    def count(self, *names: str) -> int:
        """Segments with any of the named flags (each segment counted once per name)."""
        return sum(self.counts.get(name, 0) for name in names)

    @property
    def retransmissions(self) -> int:
        """Segments Wireshark marks ``tcp.analysis.retransmission`` (fast and spurious too)."""
        return self.counts.get("any-retransmission", 0)


@dataclass(frozen=True, kw_only=True)
class TcpConversation:
    """One TCP conversation (Wireshark's tcp.stream), summarised."""

    index: int
    """Stream index, in order of first packet (Wireshark's ``tcp.stream``)."""
    a: tuple[str, int]
    """Address and port of the first packet's sender (``-z conv,tcp``'s A side)."""
    b: tuple[str, int]
    """The other side."""
    client: DirectionSummary
    """What the client sent (client: the SYN's sender, see the module doc)."""
    server: DirectionSummary
    """What the server sent."""
    start: float
    """Time of the earliest packet (as ``-z conv,tcp``: capture clocks may step back)."""
    end: float
    """Time of the latest packet."""
    first_frame: int
    """Its first frame."""
    last_frame: int
    """Its last frame."""
    syns: tuple[Mark, ...]
    """The client's SYNs (more than one: retried)."""
    syn_ack: Mark | None
    """The first SYN-ACK."""
    handshake_ack: Mark | None
    """The client's ACK completing the handshake."""
    handshake_rtt: float | None
    """SYN to SYN-ACK (Wireshark's ack_rtt of the SYN-ACK: from the first SYN it answers)."""
    initial_rtt: float | None
    """SYN to the handshake's last ACK (Wireshark's tcp.analysis.initial_rtt)."""
    client_mss: int | None
    """MSS option of the (first) SYN."""
    server_mss: int | None
    """MSS option of the SYN-ACK."""
    roles_known: bool
    """Whether client and server come from the handshake (else guessed from ports)."""
    turns: tuple[Turn, ...] = ()
    """Who sent data when: the first TURNS_KEPT turns."""
    turn_count: int = 0
    """Turns seen while each side sent its first 64 data segments (the opening exchanges;
    later turns of a long transfer are not followed, which costs nothing per segment)."""

    @property
    def duration(self) -> float:
        """Seconds from first to last packet."""
        return self.end - self.start

    @property
    def frames(self) -> int:
        """Frames both ways."""
        return self.client.frames + self.server.frames

    @property
    def id(self) -> str:
        """``client:port->server:port`` (IPv6 addresses in brackets)."""
        return f"{_endpoint(*self._client_end)}->{_endpoint(*self._server_end)}"

    @property
    def _client_end(self) -> tuple[str, int]:
        return self.client.address, self.client.port

    @property
    def _server_end(self) -> tuple[str, int]:
        return self.server.address, self.server.port

    @property
    def target(self) -> str:
        """``server:port`` (brackets for IPv6), as findings name targets."""
        return _endpoint(*self._server_end)

    def direction(self, a_to_b: bool) -> DirectionSummary:
        """The A->B (True) or B->A direction."""
        client_is_a = (self.client.address, self.client.port) == self.a
        return self.client if client_is_a == a_to_b else self.server


def _endpoint(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


# -- state while the capture is walked ---------------------------------------------------


class _Side:
    """One direction of a conversation: Wireshark's per-flow state plus what we keep."""

    __slots__ = (
        "ack_rtt_min",
        "ack_rtt_samples",
        "base",
        "base_set",
        "bytes",
        "counts",
        "dupacknum",
        "fins",
        "first_data_frame",
        "first_data_time",
        "first_frame",
        "frames",
        "frames_of",
        "holes",
        "holes_dropped",
        "last_ttl",
        "lastack",
        "lastack_time",
        "lastflags",
        "macs",
        "max_segment",
        "maxseqtobeacked",
        "nextseq",
        "nextseq_time",
        "open_window",
        "payload_bytes",
        "prefix",
        "prefix_limit",
        "reset_count",
        "resets",
        "retransmitted",
        "tls",
        "tos_counts",
        "tos_frames",
        "tracked",
        "ttls",
        "unacked",
        "watch",
        "window",
        "wscale",
        "zero_count",
        "zero_open",
        "zero_windows",
    )

    def __init__(self) -> None:
        self.base = 0
        self.base_set = False
        self.nextseq = 0
        self.nextseq_time = 0.0
        self.maxseqtobeacked = 0
        self.lastack = 0
        self.lastack_time = 0.0
        self.window = -1  # Wireshark starts with G_MAXUINT32: never equal to a real window
        self.dupacknum = 0
        self.lastflags = 0
        self.unacked: deque[tuple[int, float, bool]] = deque()
        self.ack_rtt_min: float | None = None
        self.ack_rtt_samples = 0
        self.frames = 0
        self.bytes = 0
        self.payload_bytes = 0
        self.first_frame: int | None = None
        self.first_data_frame: int | None = None
        self.first_data_time: float | None = None
        self.counts: dict[int, int] = {}
        self.frames_of: dict[int, list[int]] = {}
        self.resets: list[Mark] = []
        self.reset_count = 0
        self.fins: list[Mark] = []
        self.ttls: dict[int, int] = {}
        self.last_ttl = -1
        self.tos_counts: dict[int, int] = {}
        self.tos_frames: dict[int, list[int]] = {}
        self.max_segment = 0
        self.retransmitted: list[tuple[int, int, int, float]] = []
        self.holes: list[list[int]] = []  # [start, end, frame after] in stream offsets
        self.holes_dropped = 0
        self.prefix = bytearray()
        self.prefix_limit = CLIENT_PREFIX
        self.tls = TlsWalk()
        self.macs = (-1, -1)
        self.tracked = 0
        self.watch = 0  # any data reaching this offset goes through _data
        self.wscale = -2  # window scale option of this side's SYN (-1: none; -2: no SYN seen)
        self.open_window = -1  # the window before this side's first reset
        self.zero_open: list[Any] | None = None  # [frame, time] of an open zero-window episode
        self.zero_windows: list[ZeroWindow] | None = None  # made when needed (memory, GC)
        self.zero_count = 0

    def rel(self, seq: int) -> int:
        """Stream offset of a sequence number (Wireshark's relative sequence number - 1)."""
        offset = (seq - self.base - 1) & _M
        return offset - (1 << 32) if offset >= _H else offset

    def close_zero_window(self, frame: int, time: float) -> None:
        """The window opened again."""
        assert self.zero_open is not None
        if self.zero_windows is None:
            self.zero_windows = []
        _keep(self.zero_windows, ZeroWindow(self.zero_open[0], self.zero_open[1], frame, time))
        self.zero_open = None
        self.zero_count += 1

    def _last_window(self) -> int:
        """The last window this side advertised before any reset it sent."""
        return self.open_window if self.open_window >= 0 else self.window

    def summary(self, address: str, port: int, peer: _Side, end: float) -> DirectionSummary:
        zero_windows, zero_count = list(self.zero_windows or ()), self.zero_count
        if self.zero_open is not None:  # closed until the end
            _keep(zero_windows, ZeroWindow(self.zero_open[0], self.zero_open[1], -1, end))
            zero_count += 1
        window = self._last_window()
        handshake = self.wscale > -2 and peer.wscale > -2
        scaled = self.wscale >= 0 and peer.wscale >= 0
        shift = min(self.wscale, 14) if scaled else 0
        counts = {FLAG_NAMES[flag]: count for flag, count in self.counts.items()}
        counts["any-retransmission"] = sum(
            count for flag, count in self.counts.items() if flag & ANY_RETRANSMISSION
        )
        return DirectionSummary(
            address=address,
            port=port,
            frames=self.frames,
            frame_bytes=self.bytes,
            payload_bytes=self.payload_bytes,
            first_frame=self.first_frame,
            first_data_frame=self.first_data_frame,
            first_data_time=self.first_data_time,
            counts=counts,
            frames_of={FLAG_NAMES[f]: tuple(v) for f, v in self.frames_of.items()},
            resets=tuple(self.resets),
            reset_count=self.reset_count,
            fins=tuple(self.fins),
            ttls=dict(self.ttls),
            tos_counts=dict(self.tos_counts),
            tos_frames={k: tuple(v) for k, v in self.tos_frames.items()},
            max_segment=self.max_segment,
            retransmitted=tuple(self.retransmitted),
            holes=tuple(Hole(start=h[0], end=h[1], frame_after=h[2]) for h in self.holes),
            holes_dropped=self.holes_dropped,
            end_offset=self.rel(self.nextseq) if self.base_set and self.nextseq else 0,
            acked_offset=self.rel(peer.lastack) if self.base_set and peer.lastack else None,
            min_ack_rtt=self.ack_rtt_min,
            ack_rtt_samples=self.ack_rtt_samples,
            prefix=bytes(self.prefix),
            tls=replace(self.tls, _ahead={}),  # segments kept beyond a hole: not needed now
            macs=self.macs,
            zero_windows=tuple(sorted(zero_windows)) if zero_windows else (),
            zero_window_count=zero_count,
            window_scale=shift if handshake else None,
            last_window=window << shift if window >= 0 else None,
            last_time=self.lastack_time if self.frames else None,
        )


class _Conversation:
    __slots__ = (
        "a",
        "a_low",
        "b",
        "end",
        "first_frame",
        "first_rtt",
        "handshake_ack",
        "handshake_rtt",
        "index",
        "last_frame",
        "mru_syn",
        "mss",
        "pairs",
        "side_a",
        "side_b",
        "speaker",
        "start",
        "syn_ack",
        "syn_ack_from_a",
        "syn_frames",
        "syn_from_a",
        "t_ack",
        "t_first",
        "turn_count",
        "turns",
        "waiting",
    )

    def __init__(self, index: int, a: int, b: int, number: int, time: float, a_low: bool) -> None:
        self.index = index
        self.a_low = a_low  # whether A is the lower endpoint of the key
        self.a = a  # endpoint (address id << 16 | port) of the first packet's sender
        self.b = b
        self.side_a = _Side()
        self.side_b = _Side()
        # (sender, other side) by whether the sender is the lower endpoint of the key
        forward = (self.side_a, self.side_b)
        backward = (self.side_b, self.side_a)
        self.pairs = (backward, forward) if a_low else (forward, backward)
        self.start = self.end = time
        self.first_frame = self.last_frame = number
        self.syn_frames: list[Mark] = []
        self.syn_from_a: bool | None = None
        self.syn_ack: Mark | None = None
        self.syn_ack_from_a: bool | None = None
        self.handshake_ack: Mark | None = None
        self.handshake_rtt: float | None = None
        self.first_rtt = 0.0
        self.mru_syn = 0.0
        self.mss: dict[str, int] = {}
        self.speaker: _Side | None = None  # the side that sent the latest new data
        self.waiting: _Side | None = None  # a side whose turn awaits the other's pure ACK
        # the current turn: (from A, first frame, its time), last frame and time, the peer's ACK
        self.t_first: tuple[bool, int, float] = (True, -1, 0.0)
        self.t_ack: tuple[int, float, int] | None = None  # (frame, time, ACK number)
        self.turns: list[tuple[bool, int, float, float, int, float]] | None = None
        self.turn_count = 0


class TcpAnalyser:
    """Feed it TcpSegments in capture order; ``conversations()`` gives the summaries."""

    def __init__(self, *, prefix_budget: int = PREFIX_BUDGET) -> None:
        self._open: dict[int, _Conversation] = {}
        self._all: list[_Conversation] = []
        self._addresses: Sequence[str] = ()
        self._prefix_left = prefix_budget
        self.prefix_budget_exhausted = False
        """True when the first bytes of some conversations were not kept (too many)."""

    def add(self, segs: TcpSegments) -> None:
        """Analyse one batch of segments (call in capture order)."""
        self._addresses = segs.addresses
        table = self._open
        columns = (
            range(len(segs.number)), segs.number, segs.time, segs.flags, segs.seq, segs.ack,
            segs.window, segs.seglen, segs.key, segs.forward, segs.frame_len, segs.ttl, segs.tos,
        )  # fmt: skip
        for i, number, now, flags, seq, ack, window, seglen, key, forward, size, ttl, tos in zip(
            *columns, strict=True
        ):
            conv = table.get(key)
            if conv is None:
                conv = self._new(key, segs, i, forward)
            d, r = conv.pairs[forward]
            if seglen < 0:  # a header cut short: Wireshark counts the frame, nothing more
                conv.last_frame = number
                conv.end, conv.start = max(conv.end, now), min(conv.start, now)
                d.frames += 1
                d.bytes += size
                if d.first_frame is None:
                    d.first_frame = number
                    d.macs = (int(segs.src_mac[i]), int(segs.dst_mac[i]))
                continue
            nxt = d.nextseq
            # The common cases (in-order data, an ACK that moves on) take the short way; the
            # rest goes through the whole of Wireshark's rules in _sequence.
            if (
                flags & (SYN | FIN | RST)
                or not window
                or not d.window
                or not nxt
                or seq != nxt
                or seglen == 1
                or not r.base_set
                or (seglen == 0 and ack == d.lastack)
            ):
                conv, d, r, ta = self._sequence(conv, d, r, key, forward, segs, i)
            else:
                # In order, no SYN/FIN/RST, open window: only these two flags can apply.
                ta = 0
                if ack != d.lastack:
                    d.dupacknum = 0
                    rmax = r.maxseqtobeacked
                    if rmax and flags & ACK and ((rmax - ack) & _M) >= _H:
                        ta = self._ack_lost(r)
                if seglen:
                    end = (seq + seglen) & _M
                    rack = r.lastack
                    if rack and (end == rack or ((end - rack) & _M) >= _H):
                        ta |= SPURIOUS_RETRANSMISSION
                    d.nextseq = end
                    d.nextseq_time = now
                if seq == d.maxseqtobeacked or not d.maxseqtobeacked:
                    d.maxseqtobeacked = d.nextseq
                d.window = window
                d.lastack = ack
                d.lastack_time = now
                d.lastflags = ta
            if now >= conv.end:
                conv.end = now
            elif now < conv.start:  # clocks may step back: keep the whole span
                conv.start = now
            conv.last_frame = number
            d.frames += 1
            d.bytes += size
            if r.unacked and flags & ACK:
                self._acked(conv, r, ack, now, flags)
            if ta:
                self._flagged(d, ta, number, seq, seglen, now)
            if ttl != d.last_ttl:
                d.last_ttl = ttl
                d.ttls.setdefault(ttl, number)
            if tos:
                self._marked(d, tos, number)
            if not conv.first_rtt and conv.mru_syn and flags & (SYN | ACK) == ACK:
                self._first_rtt(conv, d, Mark(number, now, ttl, int(segs.src_mac[i])))
            if seglen:
                d.payload_bytes += seglen
                if seglen > d.max_segment:
                    d.max_segment = seglen
                if d.tracked < _ACK_RTT_SEGMENTS:  # (each side's first data: the opening)
                    d.tracked += 1
                    end = (seq + seglen + (1 if flags & (SYN | FIN) else 0)) & _M
                    d.unacked.append((end, now, bool(flags & SYN)))
                    if conv.speaker is not d and not ta & ANY_RETRANSMISSION:
                        self._turn(conv, d, number, now)  # new data from the other side
                offset = (seq - d.base - (0 if flags & SYN else 1)) & _M
                if offset < _H and (ta or d.holes or offset + seglen > d.watch):
                    self._data(d, number, now, offset, seglen, ta, nxt, segs, i)
            elif conv.waiting is r and ack == r.nextseq and flags & ACK:
                conv.t_ack = (number, now, ack)  # the first pure ACK of all r sent
                conv.waiting = None

    @staticmethod
    def _turn(conv: _Conversation, d: _Side, number: int, now: float) -> None:
        """``d`` starts speaking: the other side's turn (if any) is over, a new one begins."""
        count = conv.turn_count
        conv.turn_count = count + 1
        if count > TURNS_KEPT:  # beyond the turns kept: only counted
            conv.speaker = d
            return
        if conv.speaker is not None:
            if conv.turns is None:
                conv.turns = []
            conv.turns.append(_closed(conv))
        conv.speaker = d
        if count < TURNS_KEPT:
            conv.t_first = (d is conv.side_a, number, now)
            conv.t_ack = None
            conv.waiting = d
        else:
            conv.waiting = None

    def _new(self, key: int, segs: TcpSegments, i: int, forward: bool) -> _Conversation:
        src = (int(segs.src[i]) << 16) | int(segs.sport[i])
        dst = (int(segs.dst[i]) << 16) | int(segs.dport[i])
        conv = _Conversation(len(self._all), src, dst, segs.number[i], segs.time[i], forward)
        self._all.append(conv)
        self._open[key] = conv
        return conv

    def _sequence(
        self,
        conv: _Conversation,
        d: _Side,
        r: _Side,
        key: int,
        forward: bool,
        segs: TcpSegments,
        i: int,
    ) -> tuple[_Conversation, _Side, _Side, int]:
        """Wireshark's tcp_analyze_sequence_number, all of it; the analysis flags."""
        number, now, flags = segs.number[i], segs.time[i], segs.flags[i]
        seq, ack, window, seglen = segs.seq[i], segs.ack[i], segs.window[i], segs.seglen[i]
        from_a = d is conv.side_a
        if flags & (SYN | ACK) == SYN and d.base_set and seq != d.base:
            # A SYN with another ISN is a new conversation on the same ports.
            conv = self._new(key, segs, i, forward)
            from_a, d, r = True, conv.side_a, conv.side_b
        if d.first_frame is None:  # a side's first packet always comes this way (no nextseq)
            d.first_frame = number
            d.macs = (int(segs.src_mac[i]), int(segs.dst_mac[i]))
        if not d.base_set:
            d.base = seq if flags & SYN else (seq - 1) & _M
            d.base_set = True
        if not r.base_set and flags & ACK:
            r.base = (ack - 1) & _M
            r.base_set = True
        nxt = d.nextseq
        ta = 0
        plain = not flags & (SYN | FIN | RST)
        if d.zero_open is not None and window and not flags & RST:
            d.close_zero_window(number, now)
        if seglen == 1 and seq == nxt and r.window == 0:
            ta = ZERO_WINDOW_PROBE
        else:
            if window == 0 and plain:
                ta = ZERO_WINDOW
                if d.zero_open is None:
                    d.zero_open = [number, now]
            if nxt and ((nxt - seq) & _M) >= _H and not flags & RST:
                ta |= LOST_PACKET
            if seglen <= 1 and plain and seq == (nxt - 1) & _M:
                ta |= KEEP_ALIVE
            if seglen == 0 and plain and seq == nxt and ack == d.lastack:
                if window and window != d.window:
                    ta |= WINDOW_UPDATE
                elif window and r.lastflags & KEEP_ALIVE:
                    ta |= KEEP_ALIVE_ACK
                elif window == 0 and d.window == 0 and r.lastflags & ZERO_WINDOW_PROBE:
                    ta |= ZERO_WINDOW_PROBE_ACK
                elif window and window == d.window:
                    d.dupacknum += 1
                    ta |= DUPLICATE_ACK
        if ack != d.lastack:
            d.dupacknum = 0
            rmax = r.maxseqtobeacked
            if rmax and flags & ACK and ((rmax - ack) & _M) >= _H:
                ta |= self._ack_lost(r)
        synfin = flags & (SYN | FIN)
        if (seglen or synfin) and not ta & KEEP_ALIVE:
            behind = nxt and ((seq - nxt) & _M) >= _H
            if seglen > 1 and (nxt - 1) & _M == seq:
                behind = False
            end = (seq + seglen) & _M
            rack = r.lastack
            if seglen and rack and (end == rack or ((end - rack) & _M) >= _H):
                ta |= SPURIOUS_RETRANSMISSION
            elif (
                behind
                and r.dupacknum >= 2
                and rack == seq
                and now - r.lastack_time < _FAST_RETRANSMISSION_WINDOW
            ):
                ta |= FAST_RETRANSMISSION
            elif (
                behind
                and now - d.nextseq_time < (conv.first_rtt or _DEFAULT_OOO_THRESHOLD)
                and nxt != (end + (1 if synfin else 0)) & _M
            ):
                ta |= OUT_OF_ORDER
            elif behind:
                ta |= RETRANSMISSION
        new_next = (seq + seglen + (1 if synfin else 0)) & _M
        if (not nxt or ((nxt - new_next) & _M) >= _H) and not ta & ZERO_WINDOW_PROBE:
            d.nextseq = new_next
            d.nextseq_time = now
        if (seq == d.maxseqtobeacked or not d.maxseqtobeacked) and not ta & ZERO_WINDOW_PROBE:
            d.maxseqtobeacked = d.nextseq
        if flags & RST and d.open_window < 0:
            d.open_window = d.window  # a reset's window (often 0) says nothing of the receiver
        d.window = window
        d.lastack = ack
        d.lastack_time = now
        d.lastflags = ta
        if synfin and not seglen:
            d.unacked.append((new_next, now, bool(flags & SYN)))
        if flags & (SYN | RST | FIN):
            mark = Mark(number, now, segs.ttl[i], int(segs.src_mac[i]))
            self._control(conv, d, from_a, flags, mark, int(segs.mss[i]))
            if flags & SYN and not flags & RST:
                d.wscale = int(segs.wscale[i]) if segs.wscale is not None else -1
        return conv, d, r, ta

    @staticmethod
    def _ack_lost(r: _Side) -> int:
        """ACKed unseen segment, as tshark 4.0 marks it: a new ACK number beyond the highest
        contiguous byte seen of the other side; then expect no more than what it sent so far.

        (A repeated ACK number is not marked again: inferred from tshark 4.0.17 on the
        corpus, see tests/analysis/test_passive_tcp_tshark.py.)"""
        r.maxseqtobeacked = r.nextseq
        return ACK_LOST_PACKET

    @staticmethod
    def _acked(conv: _Conversation, r: _Side, ack: int, now: float, flags: int) -> None:
        """Drop what this ACK covers; the ack RTT of the oldest segment it ends exactly."""
        pending = r.unacked
        match = None
        while pending:
            top = pending[0][0]
            if top != ack and ((ack - top) & _M) >= _H:
                break  # not acknowledged yet
            item = pending.popleft()
            if match is None and top == ack:
                match = item
        if match is None:
            return
        rtt = now - match[1]
        if match[2]:
            if flags & SYN and conv.handshake_rtt is None:
                conv.handshake_rtt = rtt
            return
        r.ack_rtt_samples += 1
        if r.ack_rtt_min is None or rtt < r.ack_rtt_min:
            r.ack_rtt_min = rtt

    @staticmethod
    def _flagged(d: _Side, ta: int, number: int, seq: int, seglen: int, now: float) -> None:
        counts = d.counts
        frames_of = d.frames_of
        for flag in _FLAGS:
            if ta & flag:
                counts[flag] = counts.get(flag, 0) + 1
                kept = frames_of.setdefault(flag, [])
                if len(kept) < FRAMES_KEPT:
                    kept.append(number)
        if ta & ANY_RETRANSMISSION and len(d.retransmitted) < FRAMES_KEPT:
            d.retransmitted.append((number, d.rel(seq), seglen, now))

    @staticmethod
    def _marked(d: _Side, tos: int, number: int) -> None:
        d.tos_counts[tos] = d.tos_counts.get(tos, 0) + 1
        kept = d.tos_frames.setdefault(tos, [])
        if len(kept) < 10:
            kept.append(number)

    @staticmethod
    def _first_rtt(conv: _Conversation, d: _Side, mark: Mark) -> None:
        """Wireshark's initial RTT: the most recent SYN to the first ACK without SYN."""
        conv.first_rtt = mark.time - conv.mru_syn
        from_a = d is conv.side_a
        if conv.handshake_ack is None and conv.syn_ack is not None and from_a == conv.syn_from_a:
            conv.handshake_ack = mark

    def _control(
        self,
        conv: _Conversation,
        d: _Side,
        from_a: bool,
        flags: int,
        mark: Mark,
        mss: int,
    ) -> None:
        if flags & RST:
            d.reset_count += 1
            if len(d.resets) < FRAMES_KEPT:
                d.resets.append(mark)
            return
        if flags & FIN and len(d.fins) < FRAMES_KEPT:
            d.fins.append(mark)
        if flags & (SYN | ACK) == SYN:
            conv.mru_syn = mark.time
            if conv.syn_from_a is None:
                conv.syn_from_a = from_a
                if mss >= 0:
                    conv.mss["client"] = mss
            if conv.syn_from_a == from_a and len(conv.syn_frames) < FRAMES_KEPT:
                conv.syn_frames.append(mark)
        elif flags & SYN and conv.syn_ack is None:
            conv.syn_ack = mark
            conv.syn_ack_from_a = from_a
            if mss >= 0:
                conv.mss["server"] = mss

    def _data(
        self,
        d: _Side,
        number: int,
        now: float,
        offset: int,
        seglen: int,
        ta: int,
        expected: int,
        segs: TcpSegments,
        i: int,
    ) -> None:
        """Holes, the TLS walk and the first bytes: what a data segment may change.

        ``expected`` is the sequence number the sender was due to send next (before this
        segment): bytes between it and this segment never reached the capture point."""
        if d.first_data_frame is None:
            d.first_data_frame = number
            d.first_data_time = now
        end = offset + seglen
        if ta & LOST_PACKET:
            start = d.rel(expected)
            if 0 <= start < offset:
                if len(d.holes) < _HOLES_KEPT:
                    d.holes.append([start, offset, number])
                else:
                    d.holes_dropped += 1
        elif d.holes:
            _fill(d.holes, offset, end)
        start, stop = int(segs.payload_start[i]), int(segs.payload_end[i])
        if stop > start:
            data = bytes(segs.buffer[start:stop])
            walk = d.tls
            if not walk.done or 0 < len(walk.text) < TEXT_LIMIT:
                walk.segment(offset, data, number, now)
            prefix = d.prefix
            if offset == len(prefix) and len(prefix) < d.prefix_limit:
                take = min(d.prefix_limit - len(prefix), len(data))
                if take > self._prefix_left:
                    self.prefix_budget_exhausted = True
                    d.prefix_limit = len(prefix)
                else:
                    prefix += data[:take]
                    self._prefix_left -= take
        d.watch = _watch(d)

    def conversations(self) -> list[TcpConversation]:
        """Summaries of every conversation so far, in order of first packet."""
        return [self._summary(conv) for conv in self._all]

    def _summary(self, conv: _Conversation) -> TcpConversation:
        names = self._addresses
        a = (names[conv.a >> 16], conv.a & 0xFFFF)
        b = (names[conv.b >> 16], conv.b & 0xFFFF)
        if conv.syn_from_a is not None:
            client_is_a, known = conv.syn_from_a, True
        elif conv.syn_ack_from_a is not None:
            client_is_a, known = not conv.syn_ack_from_a, True
        else:
            client_is_a, known = _guess_client_is_a(a[1], b[1]), False
        client, server = (a, b) if client_is_a else (b, a)
        client_side, server_side = (
            (conv.side_a, conv.side_b) if client_is_a else (conv.side_b, conv.side_a)
        )
        return TcpConversation(
            index=conv.index,
            a=a,
            b=b,
            client=client_side.summary(*client, server_side, conv.end),
            server=server_side.summary(*server, client_side, conv.end),
            start=conv.start,
            end=conv.end,
            first_frame=conv.first_frame,
            last_frame=conv.last_frame,
            syns=tuple(conv.syn_frames),
            syn_ack=conv.syn_ack,
            handshake_ack=conv.handshake_ack,
            handshake_rtt=conv.handshake_rtt,
            initial_rtt=conv.first_rtt or None,
            client_mss=conv.mss.get("client"),
            server_mss=conv.mss.get("server"),
            roles_known=known,
            turns=_turns(conv, client_is_a),
            turn_count=conv.turn_count,
        )


_FLAGS = tuple(FLAG_NAMES)


def _watch(d: _Side) -> int:
    """The lowest stream offset whose arrival needs more than counting (see _data)."""
    walk = d.tls
    marks = [_FAR]
    if not walk.done:
        marks.append(walk.waiting_for)
    elif 0 < len(walk.text) < TEXT_LIMIT and walk.non_tls_offset is not None:
        marks.append(walk.non_tls_offset + len(walk.text))
    if len(d.prefix) < d.prefix_limit:
        marks.append(len(d.prefix))
    return min(marks)


def _closed(conv: _Conversation) -> tuple[bool, int, float, float, int, float]:
    """The conversation's current turn, as kept: its last data is when the speaker's next
    sequence number last moved; the peer's ACK counts if it covered all of it."""
    from_a, first_frame, first_time = conv.t_first
    speaker = conv.speaker
    assert speaker is not None
    ack = conv.t_ack
    if ack is not None and ack[2] == speaker.nextseq:
        return from_a, first_frame, first_time, speaker.nextseq_time, ack[0], ack[1]
    return from_a, first_frame, first_time, speaker.nextseq_time, -1, 0.0


def _turns(conv: _Conversation, client_is_a: bool) -> tuple[Turn, ...]:
    """The kept turns, the one still open included."""
    if conv.speaker is None:
        return ()
    kept = conv.turns or []
    if conv.turn_count <= TURNS_KEPT:
        kept = [*kept, _closed(conv)]
    return tuple(Turn(a == client_is_a, b, c, d, e, f) for a, b, c, d, e, f in kept)


def _keep(kept: list[ZeroWindow], episode: ZeroWindow) -> None:
    """Add an episode, keeping the ZERO_WINDOWS_KEPT longest."""
    kept.append(episode)
    if len(kept) > ZERO_WINDOWS_KEPT:
        kept.remove(min(kept, key=lambda z: z.seconds))


def _fill(holes: list[list[int]], start: int, end: int) -> None:
    """Remove [start, end) from the holes (a late segment or a retransmission arrived)."""
    kept: list[list[int]] = []
    for hole in holes:
        low, high, frame = hole
        if end <= low or start >= high:
            kept.append(hole)
            continue
        if low < start:
            kept.append([low, start, frame])
        if end < high:
            kept.append([end, high, frame])
    holes[:] = kept


def _guess_client_is_a(a_port: int, b_port: int) -> bool:
    """Whether A is the client of a conversation whose handshake was not captured."""
    if (a_port < 1024) != (b_port < 1024):
        return b_port < 1024
    if (a_port >= 32768) != (b_port >= 32768):
        return a_port >= 32768
    if a_port != b_port:
        return a_port > b_port
    return True


__all__ = [
    "ANY_RETRANSMISSION",
    "FLAG_NAMES",
    "DirectionSummary",
    "Hole",
    "TcpAnalyser",
    "TcpConversation",
    "TcpSegments",
    "Turn",
    "ZeroWindow",
    "segments_from_records",
]
