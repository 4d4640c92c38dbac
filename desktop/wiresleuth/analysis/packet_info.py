"""What each packet is, in one line: the packet list's Protocol and Info columns.

An engineer reads a packet list the way Wireshark shows it: ``Client Hello (SNI=portal...)``,
``Alert (Fatal, Handshake Failure)``, ``HTTP/1.1 404 Not Found``, ``Standard query response
0xb9e6 A wpad.lab.test A 100.64.1.80``, ``50123 → 443 [SYN] Seq=0 Win=64240 Len=0 MSS=536``.
The TCP and TLS reading is the analysis's own (``flows`` reassembles each direction and marks
retransmissions, out-of-order segments, duplicate ACKs and lost bytes; ``tls_records`` walks
the records of the reassembled stream), so the Info column says what the findings say: one
interpretation of the wire. Sequence and acknowledgement numbers are relative, as
Wireshark shows them (SYN = 0, first data byte = 1). DNS messages are read with dnspython.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import overload

from wiresleuth.analysis.flows import Stream, assemble_flows
from wiresleuth.analysis.tls_records import (
    ALERT_LEVELS,
    HANDSHAKE_NAMES,
    TlsMessage,
    TlsParse,
    parse_tls,
)
from wiresleuth.model.packet import ACK, ICMP, ICMPV6, SYN, TCP, UDP, PacketRecord

HTTP_METHODS = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"CONNECT ",
                b"PATCH ", b"TRACE ")  # fmt: skip
"""How an HTTP/1.x request starts."""
DNS_PORTS = frozenset({53, 5353, 5355})
"""UDP ports whose payload is read as a DNS message (DNS, mDNS, LLMNR)."""
_FLAG_ORDER = ((0x01, "FIN"), (0x02, "SYN"), (0x04, "RST"), (0x08, "PSH"), (0x10, "ACK"),
               (0x20, "URG"), (0x40, "ECE"), (0x80, "CWR"))  # fmt: skip
_LINE = 160
_MOD = 1 << 32
_HALF = 1 << 31
"""Characters of a text line (an HTTP request line, injected text) shown at most."""

_TLS_TITLES = {
    "client-hello": "Client Hello",
    "server-hello": "Server Hello",
    "certificate": "Certificate",
    "server-key-exchange": "Server Key Exchange",
    "certificate-request": "Certificate Request",
    "server-hello-done": "Server Hello Done",
    "certificate-verify": "Certificate Verify",
    "client-key-exchange": "Client Key Exchange",
    "finished": "Finished",
    "new-session-ticket": "New Session Ticket",
    "encrypted-extensions": "Encrypted Extensions",
    "certificate-status": "Certificate Status",
    "change-cipher-spec": "Change Cipher Spec",
    "application-data": "Application Data",
    "encrypted-handshake": "Encrypted Handshake Message",
    "encrypted-alert": "Encrypted Alert",
}
_TLS_VERSIONS = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2",
                 0x0304: "TLS 1.3"}  # fmt: skip
_ICMP4 = {0: "Echo (ping) reply", 3: "Destination unreachable", 4: "Source quench",
          5: "Redirect", 8: "Echo (ping) request", 9: "Router advertisement",
          10: "Router solicitation", 11: "Time-to-live exceeded", 12: "Parameter problem",
          13: "Timestamp request", 14: "Timestamp reply"}  # fmt: skip
_ICMP4_UNREACHABLE = {0: "Network unreachable", 1: "Host unreachable",
                      2: "Protocol unreachable", 3: "Port unreachable",
                      4: "Fragmentation needed", 9: "Network administratively prohibited",
                      10: "Host administratively prohibited",
                      13: "Communication administratively filtered"}  # fmt: skip
_ICMP6 = {1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded",
          4: "Parameter Problem", 128: "Echo (ping) request", 129: "Echo (ping) reply",
          133: "Router Solicitation", 134: "Router Advertisement",
          135: "Neighbor Solicitation", 136: "Neighbor Advertisement", 137: "Redirect",
          143: "Multicast Listener Report Message v2"}  # fmt: skip
_DNS_RCODES = {1: "Format error", 2: "Server failure", 3: "No such name", 4: "Not implemented",
               5: "Refused"}  # fmt: skip


def _signed(diff: int) -> int:
    """A 32-bit sequence difference as a signed number (wrap-around)."""
    diff %= _MOD
    return diff - _MOD if diff >= _HALF else diff


@dataclass(frozen=True, slots=True, kw_only=True)
class PacketInfo:
    """One packet as the packet list shows it."""

    protocol: str
    """The highest protocol recognised: TCP, TLS, HTTP, DNS, UDP, ICMP, ICMPv6, IPv4/IPv6."""
    info: str
    """What the packet is, in one line."""
    seq: int | None = None
    """TCP sequence number relative to the sender's ISN (SYN = 0), None for other protocols."""
    ack: int | None = None
    """TCP acknowledgement relative to the peer's ISN, None without the ACK flag."""
    window: int | None = None
    """TCP window in bytes (scaled once both SYNs announced window scaling)."""
    notes: tuple[str, ...] = ()
    """Sequence-analysis marks, as Wireshark words them ("TCP Retransmission")."""


def tcp_flag_names(flags: int) -> str:
    """``SYN, ACK`` (Wireshark's order)."""
    return ", ".join(name for bit, name in _FLAG_ORDER if flags & bit) or "<None>"


def text_line(data: bytes) -> str:
    """The first line of ``data`` as text (Latin-1: every byte shows), cut at ``_LINE``."""
    line = data.split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")
    printable = "".join(ch if ch.isprintable() else "." for ch in line)
    return printable if len(printable) <= _LINE else printable[: _LINE - 1] + "…"


def http_first_line(payload: bytes) -> str | None:
    """The request or status line when ``payload`` starts an HTTP/1.x message."""
    if payload.startswith(HTTP_METHODS) or payload.startswith(b"HTTP/1."):
        return text_line(payload)
    return None


def tls_version_name(version: int) -> str:
    """``TLS 1.2`` for 0x0303."""
    return _TLS_VERSIONS.get(version, f"0x{version:04x}")


def tls_message_title(message: TlsMessage, parse: TlsParse | None = None) -> str:
    """``Client Hello (SNI=..., ALPN=h2)``, ``Alert (Fatal, Handshake Failure)``..."""
    if message.name == "alert":
        level = ALERT_LEVELS.get(message.alert_level or 0, f"level {message.alert_level}")
        description = (message.alert_description or "").replace("_", " ").title()
        return f"Alert ({level.title()}, {description})"
    title = _TLS_TITLES.get(message.name)
    if title is None:
        title = message.name.replace("-", " ").title()
        if message.handshake_type is not None and message.handshake_type not in HANDSHAKE_NAMES:
            title = f"Handshake type {message.handshake_type}"
    if parse is None:
        return title
    extras = []
    if message.name == "client-hello":
        if parse.sni:
            extras.append(f"SNI={parse.sni}")
        if parse.alpn:
            extras.append("ALPN=" + ",".join(parse.alpn))
    elif message.name == "server-hello":
        if parse.version is not None:
            extras.append(tls_version_name(parse.version))
        if parse.alpn:
            extras.append("ALPN=" + ",".join(parse.alpn))
    elif message.name == "certificate" and parse.certificates:
        extras.append(f"{len(parse.certificates)} certificates")
    return f"{title} ({', '.join(extras)})" if extras else title


def dns_summary(payload: bytes) -> str | None:
    """Wireshark's DNS Info line, None when the bytes are no DNS message."""
    import dns.exception
    import dns.message
    import dns.rcode
    import dns.rdatatype

    try:
        message = dns.message.from_wire(payload, ignore_trailing=True)
    except (dns.exception.DNSException, ValueError, UnicodeError, IndexError, KeyError):
        return None
    response = bool(message.flags & 0x8000)
    parts = [f"Standard query{' response' if response else ''} 0x{message.id:04x}"]
    rcode = message.rcode()
    if response and rcode in _DNS_RCODES:
        parts.append(_DNS_RCODES[rcode])
    elif response and rcode != 0:
        parts.append(dns.rcode.to_text(rcode))
    for question in message.question:
        parts.append(f"{dns.rdatatype.to_text(question.rdtype)} {_dns_name(question.name)}")
    for rrset in message.answer:
        kind = dns.rdatatype.to_text(rrset.rdtype)
        for item in rrset:
            parts.append(f"{kind} {item.to_text()}")
    return " ".join(parts)


def _dns_name(name: object) -> str:
    text = str(name)
    return text[:-1] if text.endswith(".") and text != "." else text


def icmp_summary(packet: PacketRecord) -> str:
    """``Echo (ping) request id=0x2f58, seq=1``, ``Destination unreachable (Fragmentation
    needed, MTU 1280)``, ``Packet Too Big (MTU 1280)``..."""
    kind, code, rest = packet.icmp_type, packet.icmp_code or 0, packet.payload[:4]
    if packet.proto == ICMP:
        name = _ICMP4.get(kind if kind is not None else -1, f"Type {kind}")
        if kind in (0, 8) and len(rest) == 4:
            ident, seq = int.from_bytes(rest[:2], "big"), int.from_bytes(rest[2:], "big")
            return f"{name} id=0x{ident:04x}, seq={seq}"
        if kind == 3:
            reason = _ICMP4_UNREACHABLE.get(code, f"code {code}")
            if code == 4 and len(rest) == 4:
                reason += f", MTU {int.from_bytes(rest[2:], 'big')}"
            return f"{name} ({reason})"
        return name if not code else f"{name} (code {code})"
    name = _ICMP6.get(kind if kind is not None else -1, f"Type {kind}")
    if kind in (128, 129) and len(rest) == 4:
        ident, seq = int.from_bytes(rest[:2], "big"), int.from_bytes(rest[2:], "big")
        return f"{name} id=0x{ident:04x}, seq={seq}"
    if kind == 2 and len(rest) == 4:
        return f"{name} (MTU {int.from_bytes(rest, 'big')})"
    return name if not code else f"{name} (code {code})"


@dataclass
class _TcpContext:
    """What the flows say about the TCP packets, by frame number."""

    bases: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    """Frame -> (base sequence number of its sender's stream, of its peer's)."""
    tls: dict[int, list[str]] = field(default_factory=dict)
    continuation: set[int] = field(default_factory=set)
    foreign: dict[int, str] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)
    scale: dict[int, int] = field(default_factory=dict)


def _tls_stream(stream: Stream, into: _TcpContext) -> TlsParse | None:
    parse = parse_tls(stream.data)
    if not parse.messages:
        return None
    covered: set[int] = set()
    for message in parse.messages:
        try:
            number = stream.packet_at(message.offset).number
        except KeyError:
            continue
        into.tls.setdefault(number, []).append(tls_message_title(message, parse))
        covered.add(number)
    for packet in stream.packets:
        if packet.number not in covered and max(packet.payload_len, len(packet.payload)):
            into.continuation.add(packet.number)
    return parse


def _foreign(stream: Stream, offset: int, into: _TcpContext) -> None:
    """Bytes that are not TLS in a TLS connection (an injected HTTP answer, C6)."""
    try:
        packet = stream.packet_at(offset)
    except KeyError:
        return
    into.foreign[packet.number] = text_line(stream.data[offset:])
    into.continuation.discard(packet.number)


def _mark(into: _TcpContext, numbers: Iterable[int], note: str) -> None:
    for number in numbers:
        into.notes.setdefault(number, []).append(note)


def _after_gaps(stream: Stream) -> list[int]:
    """Packets carrying the first bytes seen after bytes that never arrived."""
    found = []
    for _start, end in stream.gaps:
        try:
            found.append(stream.packet_at(end).number)
        except KeyError:
            continue
    return found


def _tcp_context(packets: Sequence[PacketRecord], context: _TcpContext | None = None) -> _TcpContext:
    """What the flows of ``packets`` say, added to ``context`` (a new one by default)."""
    context = context if context is not None else _TcpContext()
    for flow in assemble_flows(packets):
        client, server = flow.client_stream, flow.server_stream
        scaling = (
            flow.syn is not None
            and flow.syn.wscale is not None
            and flow.syn_ack is not None
            and flow.syn_ack.wscale is not None
        )
        for packet in flow.packets:
            mine, peer = (client, server) if flow.is_from_client(packet) else (server, client)
            context.bases[packet.number] = (mine.base_seq, peer.base_seq)
            if scaling and not packet.has(SYN):
                hello = flow.syn if mine is client else flow.syn_ack
                assert hello is not None and hello.wscale is not None
                context.scale[packet.number] = 1 << min(hello.wscale, 14)
        parses = {id(stream): _tls_stream(stream, context) for stream in (client, server)}
        if any(parse is not None for parse in parses.values()):
            for stream in (client, server):
                parse = parses[id(stream)]
                if parse is None and stream.data:
                    _foreign(stream, 0, context)
                elif parse is not None and parse.non_tls_offset is not None:
                    _foreign(stream, parse.non_tls_offset, context)
        for stream in (client, server):
            _mark(context, stream.retransmissions, "TCP Retransmission")
            _mark(context, stream.out_of_order, "TCP Out-Of-Order")
            _mark(context, stream.dup_acks, "TCP Dup ACK")
            _mark(context, _after_gaps(stream), "TCP Previous segment not captured")
    return context


def _relative(value: int, base: int | None) -> int | None:
    """A sequence number counted from its stream's base, as Wireshark shows it (base = 1)."""
    return None if base is None else _signed(value - base) + 1


def _tcp_line(packet: PacketRecord, info: PacketInfo, peer_base: int | None) -> str:
    size = max(packet.payload_len, len(packet.payload))
    parts = [f"{packet.sport} → {packet.dport} [{tcp_flag_names(packet.tcp_flags)}]"]
    parts.append(f"Seq={info.seq if info.seq is not None else packet.seq}")
    if info.ack is not None:
        parts.append(f"Ack={info.ack}")
    parts.append(f"Win={info.window}")
    parts.append(f"Len={size}")
    if packet.mss is not None:
        parts.append(f"MSS={packet.mss}")
    if packet.wscale is not None:
        parts.append(f"WS={1 << min(packet.wscale, 14)}")
    for left, right in packet.sack_blocks:
        if peer_base is not None:
            left, right = _signed(left - peer_base) + 1, _signed(right - peer_base) + 1
        parts.append(f"SLE={left} SRE={right}")
    return " ".join(parts)


def _tcp_info(packet: PacketRecord, context: _TcpContext) -> PacketInfo:
    mine_base, peer_base = context.bases.get(packet.number, (None, None))
    seq = _relative(packet.seq, mine_base)
    ack: int | None = None
    if packet.has(ACK):
        ack = _relative(packet.ack, peer_base) if packet.number in context.bases else packet.ack
    window = packet.window * context.scale.get(packet.number, 1)
    notes = tuple(context.notes.get(packet.number, ()))
    info = PacketInfo(protocol="TCP", info="", seq=seq, ack=ack, window=window, notes=notes)
    line = _tcp_line(packet, info, peer_base)
    protocol, summary = "TCP", ""
    if packet.number in context.foreign:
        protocol = "TCP"
        summary = f"Not TLS: {context.foreign[packet.number]}"
    elif packet.number in context.tls:
        protocol, summary = "TLS", ", ".join(context.tls[packet.number])
    elif packet.number in context.continuation:
        protocol, summary = "TLS", "TLS segment (continues a record)"
    else:
        first = http_first_line(packet.payload)
        if first is not None:
            protocol, summary = "HTTP", first
    marks = "".join(f"[{note}] " for note in notes)
    text = f"{marks}{summary}  ·  {line}" if summary else f"{marks}{line}"
    return PacketInfo(
        protocol=protocol, info=text, seq=seq, ack=ack, window=window, notes=notes
    )


def describe_packet(packet: PacketRecord, context: _TcpContext | None = None) -> PacketInfo:
    """One packet on its own (TCP without its connection: absolute numbers, no TLS walk)."""
    if packet.proto == TCP and packet.sport is not None:
        return _tcp_info(packet, context or _TcpContext())
    if packet.proto == UDP and packet.sport is not None:
        size = max(packet.payload_len, len(packet.payload))
        if {packet.sport, packet.dport} & DNS_PORTS:
            summary = dns_summary(packet.payload)
            if summary is not None:
                return PacketInfo(protocol="DNS", info=summary)
        return PacketInfo(protocol="UDP", info=f"{packet.sport} → {packet.dport} Len={size}")
    if packet.proto in (ICMP, ICMPV6) and packet.icmp_type is not None:
        return PacketInfo(
            protocol="ICMP" if packet.proto == ICMP else "ICMPv6", info=icmp_summary(packet)
        )
    version = f"IPv{packet.ip_version}"
    return PacketInfo(protocol=version, info=f"IP protocol {packet.proto}")


class PacketDescriber(Sequence[PacketInfo]):
    """Protocol and Info of the packets of a capture, each worked out when first asked for.

    A list of 200 000 packets shows a screenful at a time: a TCP packet's line needs its
    connection reassembled, and only the connections of the packets asked for are. The
    packets are grouped by connection once (``prepare``, in the loading worker); asking for
    every line (a text filter) costs what describing the whole capture costs, so that runs
    in a worker too. Safe to read from two threads: a connection worked out twice gives the
    same lines twice.
    """

    def __init__(self, packets: Sequence[PacketRecord]) -> None:
        self._packets = packets
        self._groups: dict[frozenset[tuple[str, int]], list[int]] | None = None
        self._group_of: dict[int, frozenset[tuple[str, int]]] = {}
        self._described: set[frozenset[tuple[str, int]]] = set()
        self._context = _TcpContext()
        self._infos: dict[int, PacketInfo] = {}

    def __len__(self) -> int:
        return len(self._packets)

    def prepare(self) -> PacketDescriber:
        """Group the TCP packets by connection (endpoints): one pass, no reassembly."""
        if self._groups is None:
            groups: dict[frozenset[tuple[str, int]], list[int]] = {}
            for index, packet in enumerate(self._packets):
                if packet.proto == TCP and packet.sport is not None and packet.dport is not None:
                    key = frozenset(((packet.src, packet.sport), (packet.dst, packet.dport)))
                    groups.setdefault(key, []).append(index)
                    self._group_of[index] = key
            self._groups = groups
        return self

    def _describe_group(self, key: frozenset[tuple[str, int]]) -> None:
        if key in self._described:
            return
        assert self._groups is not None
        _tcp_context([self._packets[i] for i in self._groups[key]], self._context)
        self._described.add(key)

    @overload
    def __getitem__(self, index: int) -> PacketInfo: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[PacketInfo]: ...

    def __getitem__(self, index: int | slice) -> PacketInfo | Sequence[PacketInfo]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        found = self._infos.get(index)
        if found is None:
            self.prepare()
            key = self._group_of.get(index)
            if key is not None:
                self._describe_group(key)
            found = describe_packet(self._packets[index], self._context)
            self._infos[index] = found
        return found

    @property
    def complete(self) -> bool:
        """Whether every line has been worked out."""
        return len(self._infos) == len(self._packets)


def describe_packets(packets: Sequence[PacketRecord]) -> list[PacketInfo]:
    """Protocol and Info of every packet, in the order given (TCP packets are read with their
    connection)."""
    describer = PacketDescriber(packets)
    return [describer[index] for index in range(len(describer))]
