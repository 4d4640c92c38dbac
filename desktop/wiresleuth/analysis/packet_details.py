"""What a packet's payload holds, as a details tree: TLS records, HTTP lines, DNS sections, ICMP.

The packet list's Info column says it in one line (``packet_info``); this is the same reading
opened up, with the byte range of each line so the bytes pane can mark it. Offsets are from
the start of the transport payload; the viewer shifts them to frame offsets. The payload is
read on its own (a TLS record begun in an earlier segment is named as a continuation).
"""

from __future__ import annotations

from wiresleuth.analysis.icmp import icmp_error
from wiresleuth.analysis.packet_info import (
    DNS_PORTS,
    HTTP_METHODS,
    tls_version_name,
)
from wiresleuth.analysis.tls_records import (
    ALERT_DESCRIPTIONS,
    ALERT_LEVELS,
    HANDSHAKE_NAMES,
    TlsParse,
    parse_tls,
)
from wiresleuth.model.detail_tree import DetailNode
from wiresleuth.model.packet import ICMP, ICMPV6, TCP, UDP, PacketRecord

_CONTENT = {20: "Change Cipher Spec", 21: "Alert", 22: "Handshake", 23: "Application Data"}
_MAX_RECORD = 2**14 + 2048
_MAX_NODES = 200
_LINE = 200


def _line(text: str) -> str:
    printable = "".join(ch if ch.isprintable() else "." for ch in text)
    return printable if len(printable) <= _LINE else printable[: _LINE - 1] + "…"


def _is_record(data: bytes, pos: int) -> bool:
    if len(data) - pos < 5:
        return False
    length = int.from_bytes(data[pos + 3 : pos + 5], "big")
    return 20 <= data[pos] <= 23 and data[pos + 1] == 3 and data[pos + 2] <= 4 and 0 < length <= _MAX_RECORD


def _hello_lines(kind: int, parse: TlsParse) -> tuple[DetailNode, ...]:
    """What a hello says that matters: names, protocols, the version and suite chosen."""
    lines = []
    if kind == 1 and parse.sni:
        lines.append(DetailNode(text=f"Server name (SNI): {_line(parse.sni)}"))
    if kind in (1, 2) and parse.alpn:
        lines.append(DetailNode(text=_line("ALPN: " + ", ".join(parse.alpn))))
    if kind == 2 and parse.version is not None:
        lines.append(DetailNode(text=f"Version chosen: {tls_version_name(parse.version)}"))
    if kind == 2 and parse.cipher_suite is not None:
        lines.append(DetailNode(text=f"Cipher suite chosen: 0x{parse.cipher_suite:04x}"))
    if kind == 11 and parse.certificates:
        lines.append(DetailNode(text=f"Certificates in the chain: {len(parse.certificates)}"))
    return tuple(lines)


def _handshakes(
    data: bytes, start: int, end: int, encrypted: bool, parse: TlsParse
) -> list[DetailNode]:
    """Handshake messages inside one record body (cleartext ones only)."""
    if encrypted:
        return [DetailNode(text="Encrypted handshake message", start=start, end=end)]
    nodes: list[DetailNode] = []
    pos = start
    while pos + 4 <= end and len(nodes) < _MAX_NODES:
        kind = data[pos]
        size = int.from_bytes(data[pos + 1 : pos + 4], "big")
        name = HANDSHAKE_NAMES.get(kind, f"type {kind}").replace("-", " ").title()
        stop = min(pos + 4 + size, end)
        more = "" if pos + 4 + size <= end else " (continues in the next record or segment)"
        nodes.append(
            DetailNode(
                text=f"Handshake: {name}, {size} bytes{more}",
                start=pos,
                end=stop,
                children=_hello_lines(kind, parse),
            )
        )
        pos += 4 + size
    return nodes


def tls_details(data: bytes) -> list[DetailNode]:
    """The TLS records that start in ``data`` (a segment that starts with a record header)."""
    parse = parse_tls(data)
    nodes: list[DetailNode] = []
    pos, encrypted = 0, False
    while _is_record(data, pos) and len(nodes) < _MAX_NODES:
        kind = data[pos]
        version = int.from_bytes(data[pos + 1 : pos + 3], "big")
        length = int.from_bytes(data[pos + 3 : pos + 5], "big")
        body, end = pos + 5, min(pos + 5 + length, len(data))
        children: list[DetailNode] = [
            DetailNode(text=f"Content type: {_CONTENT[kind]} ({kind})", start=pos, end=pos + 1),
            DetailNode(
                text=f"Version: {tls_version_name(version)} (0x{version:04x})",
                start=pos + 1,
                end=pos + 3,
            ),
            DetailNode(text=f"Length: {length}", start=pos + 3, end=pos + 5),
        ]
        if kind == 22:
            children += _handshakes(data, body, end, encrypted, parse)
        elif kind == 21 and length == 2 and end - body == 2 and not encrypted:
            level = ALERT_LEVELS.get(data[body], f"level {data[body]}")
            description = ALERT_DESCRIPTIONS.get(data[body + 1], f"alert {data[body + 1]}")
            children.append(
                DetailNode(text=f"Alert: {level}, {description}", start=body, end=end)
            )
        elif kind == 20:
            encrypted = True
        cut = "" if pos + 5 + length <= len(data) else " (continues in the next segment)"
        nodes.append(
            DetailNode(
                text=f"TLS record: {_CONTENT[kind]}, {length} bytes{cut}",
                start=pos,
                end=end,
                children=tuple(children),
            )
        )
        pos += 5 + length
    return nodes


def http_details(data: bytes) -> list[DetailNode]:
    """The lines of an HTTP/1.x head, and the size of what follows it."""
    lines: list[DetailNode] = []
    pos = 0
    while pos < len(data) and len(lines) < _MAX_NODES:
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end + 1
        text = data[pos:end].rstrip(b"\r\n")
        if not text:
            pos = end
            break
        lines.append(DetailNode(text=_line(text.decode("latin-1")), start=pos, end=end))
        pos = end
    if pos < len(data):
        lines.append(DetailNode(text=f"Body: {len(data) - pos} bytes", start=pos, end=len(data)))
    kind = "request" if data.startswith(HTTP_METHODS) else "response"
    return [
        DetailNode(text=f"HTTP {kind}", start=0, end=len(data), children=tuple(lines))
    ]


def dns_details(data: bytes) -> list[DetailNode]:
    """Header, questions and records of a DNS message (dnspython's presentation)."""
    import dns.exception
    import dns.flags
    import dns.message
    import dns.rcode

    try:
        message = dns.message.from_wire(data, ignore_trailing=True)
    except (dns.exception.DNSException, ValueError, UnicodeError, IndexError, KeyError) as exc:
        return [DetailNode(text=f"DNS message that could not be read: {exc}", start=0, end=len(data))]
    header = [
        DetailNode(text=f"ID: 0x{message.id:04x}", start=0, end=2),
        DetailNode(text=f"Flags: {dns.flags.to_text(message.flags) or 'none'}", start=2, end=4),
        DetailNode(text=f"Response code: {dns.rcode.to_text(message.rcode())}", start=2, end=4),
    ]
    sections = []
    for title, rrsets in (
        ("Questions", message.question),
        ("Answers", message.answer),
        ("Authority", message.authority),
        ("Additional", message.additional),
    ):
        rows = [DetailNode(text=_line(line)) for rrset in rrsets for line in rrset.to_text().splitlines()]
        if rows:
            sections.append(DetailNode(text=f"{title} ({len(rows)})", children=tuple(rows[:_MAX_NODES])))
    return [
        DetailNode(
            text="Domain Name System", start=0, end=len(data), children=(*header, *sections)
        )
    ]


def icmp_details(packet: PacketRecord) -> list[DetailNode]:
    """What an ICMP error quotes (the packet it is about)."""
    error = icmp_error(packet)
    if error is None:
        return []
    quoted = f"{error.src}" + (f":{error.sport}" if error.sport is not None else "")
    quoted += f" → {error.dst}" + (f":{error.dport}" if error.dport is not None else "")
    children = [
        DetailNode(text=f"Says: {error.description}"),
        DetailNode(text=f"About a packet (protocol {error.proto}) {quoted}"),
    ]
    if error.seq is not None:
        children.append(DetailNode(text=f"Its TCP sequence number: {error.seq}"))
    return [DetailNode(text="ICMP error", start=0, end=len(packet.payload), children=tuple(children))]


def payload_details(packet: PacketRecord) -> list[DetailNode]:
    """The payload's content as a tree (offsets from the payload's first byte)."""
    data = packet.payload
    if packet.proto in (ICMP, ICMPV6):
        return icmp_details(packet)
    if not data:
        return []
    if packet.proto == TCP:
        if _is_record(data, 0):
            return tls_details(data)
        if data.startswith(HTTP_METHODS) or data.startswith(b"HTTP/1."):
            return http_details(data)
    if packet.proto == UDP and {packet.sport, packet.dport} & DNS_PORTS:
        return dns_details(data)
    note = ""
    if len(data) < packet.payload_len:
        note = f" ({packet.payload_len} on the wire: the rest was not captured)"
    return [DetailNode(text=f"Data: {len(data)} bytes{note}", start=0, end=len(data))]
