"""Per-connection timelines: the moments of a TCP (and TLS) connection that tell its story.

Every event names the packet that proves it, so the report, the viewer and the findings can
point at the same frame in the saved pcapng.
"""

from __future__ import annotations

from collections.abc import Iterable

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.analysis.flows import Stream, TcpFlow
from wiresleuth.analysis.tls_records import (
    ALERT_LEVELS,
    APPLICATION_DATA,
    TlsMessage,
    TlsParse,
    parse_tls,
)
from wiresleuth.model.packet import ACK, RST, SYN, PacketRecord
from wiresleuth.model.timeline import Connection, TimelineEvent

_TLS_EVENTS = {
    "client-hello": "client-hello",
    "server-hello": "server-hello",
    "certificate": "certificate",
    "change-cipher-spec": "change-cipher-spec",
    "alert": "alert",
    "encrypted-alert": "alert",
}
_TLS13 = 0x0304
_SNIPPET = 40


def _event(flow: TcpFlow, packet: PacketRecord, kind: str, detail: str = "") -> TimelineEvent:
    return TimelineEvent(
        time=packet.time,
        kind=kind,
        direction="out" if flow.is_from_client(packet) else "in",
        packet=packet.number,
        length=packet.length,
        dscp=packet.dscp,
        ttl=packet.ttl,
        detail=detail,
    )


def _segment(packet: PacketRecord, stream: Stream) -> str:
    start = stream.offset_of(packet.seq + (1 if packet.has(SYN) else 0))
    size = max(packet.payload_len, len(packet.payload))
    if start is None:
        return f"{size} bytes"
    return f"bytes {start}:{start + size}"


def _tcp_events(flow: TcpFlow) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    first_syn = flow.syns[0] if flow.syns else None
    for syn in flow.syns:
        if syn is first_syn:
            events.append(_event(flow, syn, "syn", _options(syn)))
        else:
            events.append(_event(flow, syn, "retransmission", "SYN sent again"))
    syn_acks = [p for p in flow.server_stream.packets if p.has(SYN | ACK) and not p.has(RST)]
    for index, syn_ack in enumerate(syn_acks):
        if index == 0:
            rtt = flow.handshake_rtt
            timing = f"{rtt * 1000:.1f} ms after SYN" if rtt is not None else ""
            detail = ", ".join(part for part in (timing, _options(syn_ack)) if part)
            events.append(_event(flow, syn_ack, "syn-ack", detail))
        else:
            events.append(_event(flow, syn_ack, "retransmission", "SYN-ACK sent again"))
    if flow.handshake_ack is not None:
        events.append(_event(flow, flow.handshake_ack, "ack", "handshake complete"))
    for packet in flow.fins:
        events.append(_event(flow, packet, "fin"))
    ttls: dict[int, list[int]] = {}  # per stream, once: a flood of resets stays linear
    for packet in flow.rsts:
        events.append(_event(flow, packet, "rst", _rst_detail(flow, packet, ttls)))
    for stream in (flow.client_stream, flow.server_stream):
        by_number = {p.number: p for p in stream.packets}
        for number in stream.retransmissions:
            packet = by_number[number]
            events.append(_event(flow, packet, "retransmission", _segment(packet, stream)))
        for number in stream.out_of_order:
            packet = by_number[number]
            events.append(_event(flow, packet, "out-of-order", _segment(packet, stream)))
        for number in stream.dup_acks:
            packet = by_number[number]
            events.append(_event(flow, packet, "dup-ack", f"ack {packet.ack}"))
    for error in flow.icmp_errors:
        events.append(
            _event(flow, error.packet, "icmp", f"{error.description} from {error.packet.src}")
        )
    return events


def _options(packet: PacketRecord) -> str:
    parts = []
    if packet.mss is not None:
        parts.append(f"MSS {packet.mss}")
    if packet.wscale is not None:
        parts.append(f"wscale {packet.wscale}")
    if packet.dscp:
        parts.append(f"DSCP {dscp_name(packet.dscp)}")
    return ", ".join(parts)


def _rst_detail(flow: TcpFlow, packet: PacketRecord, ttls: dict[int, list[int]]) -> str:
    """Where a reset came from; ``ttls`` caches each stream's other TTLs (by stream id)."""
    side = "client" if flow.is_from_client(packet) else "server"
    stream = flow.stream_of(packet)
    seen = ttls.get(id(stream))
    if seen is None:
        seen = ttls[id(stream)] = list(
            dict.fromkeys(p.ttl for p in stream.packets if not p.has(RST))
        )
    note = f"from the {side}'s address, TTL {packet.ttl}"
    if seen and packet.ttl not in seen:
        note += f" (its other packets: TTL {', '.join(str(t) for t in seen)})"
    return note


def _tls_detail(message: TlsMessage, parse: TlsParse) -> str:
    if message.name == "alert":
        level = ALERT_LEVELS.get(message.alert_level or 0, f"level {message.alert_level}")
        return f"{level}: {message.alert_description}"
    if message.name == "encrypted-alert":
        return "encrypted alert"
    if message.name == "client-hello" and parse.sni:
        return f"SNI {parse.sni}"
    if message.name == "server-hello" and parse.version is not None:
        return _version_name(parse.version)
    if message.name == "certificate" and parse.certificates:
        return f"{len(parse.certificates)} certificates"
    return ""


def _version_name(version: int) -> str:
    names = {
        0x0300: "SSL 3.0",
        0x0301: "TLS 1.0",
        0x0302: "TLS 1.1",
        0x0303: "TLS 1.2",
        0x0304: "TLS 1.3",
    }
    return names.get(version, f"version 0x{version:04x}")


def _snippet(data: bytes) -> str:
    text = data[:_SNIPPET].decode("latin-1")
    line = text.splitlines()[0] if text.splitlines() else text
    return "".join(c if c.isprintable() else "." for c in line)


def _looks_tls(parse: TlsParse) -> bool:
    return bool(parse.messages)


def _stream_events(
    flow: TcpFlow, stream: Stream, parse: TlsParse, data_start: int | None, tls: bool
) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for message in parse.messages:
        kind = _TLS_EVENTS.get(message.name)
        if kind is None:
            continue
        packet = stream.packet_at(message.offset)
        events.append(_event(flow, packet, kind, _tls_detail(message, parse)))
    first = _packet_at(stream, data_start)
    if first is not None and data_start is not None:
        detail = _segment(first, stream)
        if not _looks_tls(parse) and stream.data:
            detail += f": {_snippet(stream.data[data_start:])}"
        events.append(_event(flow, first, "first-data", detail))
    injected = _packet_at(stream, parse.non_tls_offset) if tls else None
    if injected is not None and parse.non_tls_offset is not None:
        offset = parse.non_tls_offset
        text = _snippet(stream.data[offset:])
        events.append(_event(flow, injected, "data", f"not TLS at byte {offset}: {text}"))
    return events


def _packet_at(stream: Stream, offset: int | None) -> PacketRecord | None:
    if offset is None:
        return None
    try:
        return stream.packet_at(offset)
    except KeyError:
        return None


def _app_data(parse: TlsParse) -> list[TlsMessage]:
    return [m for m in parse.messages if m.content_type == APPLICATION_DATA]


def _first_data_offsets(
    flow: TcpFlow, client: TlsParse, server: TlsParse
) -> tuple[int | None, int | None]:
    """Offset of the first application byte each way (None: no application bytes).

    A stream that is not TLS starts its data at offset 0. With TLS up to 1.2 data starts
    with the first application-data record. TLS 1.3 encrypts the end of the handshake as
    application-data records too: the client's first one is its Finished, so its data starts
    with the second; the server's data is estimated as its first record sent after the
    client's first data (after the client's Finished when the client sent none).
    """
    client_records, server_records = _app_data(client), _app_data(server)
    if server.version == _TLS13:
        client_data = client_records[1].offset if len(client_records) > 1 else None
        server_data = None
        if client_records:
            # After the client's first data if it sent any (session tickets come before the
            # answer), else after its Finished (a server that speaks first).
            mark = client_records[1 if client_data is not None else 0].offset
            after = flow.client_stream.time_at(mark)
            later = [m for m in server_records if flow.server_stream.time_at(m.offset) > after]
            server_data = later[0].offset if later else None
    else:
        client_data = client_records[0].offset if client_records else None
        server_data = server_records[0].offset if server_records else None
    if not _looks_tls(client):
        client_data = 0 if flow.client_stream.end else None
    if not _looks_tls(server):
        server_data = 0 if flow.server_stream.end else None
    return client_data, server_data


def connection_timeline(flow: TcpFlow, label: str = "") -> Connection:
    """The events of one connection, in time order (ties keep packet order)."""
    client_tls = parse_tls(flow.client_stream.data)
    server_tls = parse_tls(flow.server_stream.data)
    client_first, server_first = _first_data_offsets(flow, client_tls, server_tls)
    events = _tcp_events(flow)
    tls = _looks_tls(client_tls) or _looks_tls(server_tls)
    events += _stream_events(flow, flow.client_stream, client_tls, client_first, tls)
    events += _stream_events(flow, flow.server_stream, server_tls, server_first, tls)
    events.sort(key=lambda e: (e.time, e.packet or 0, _KIND_ORDER.get(e.kind, 99)))
    numbers = [p.number for p in flow.packets] + [e.packet.number for e in flow.icmp_errors]
    return Connection(
        id=flow.id,
        client=flow.client,
        client_port=flow.client_port,
        server=flow.server,
        server_port=flow.server_port,
        start=events[0].time if events else flow.start,
        end=events[-1].time if events else flow.end,
        events=tuple(events),
        packets=tuple(sorted(numbers)),
        label=label,
    )


_KIND_ORDER = {
    kind: index
    for index, kind in enumerate(
        (
            "syn",
            "syn-ack",
            "ack",
            "client-hello",
            "server-hello",
            "certificate",
            "change-cipher-spec",
            "first-data",
            "data",
            "alert",
            "retransmission",
            "out-of-order",
            "dup-ack",
            "icmp",
            "fin",
            "rst",
        )
    )
}


def build_timelines(flows: Iterable[TcpFlow]) -> list[Connection]:
    """A timeline per connection, in the order given."""
    return [connection_timeline(flow) for flow in flows]
