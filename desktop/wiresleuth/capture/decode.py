"""scapy packets -> PacketRecord: the one place that knows scapy's layer classes.

ICMP payloads start after type, code and checksum: the next four bytes are the rest of
the header (echo id/sequence, the next-hop MTU of "fragmentation needed" / "packet too big"),
then the body (for errors: the quoted header of the packet that caused them).

Lengths come from the IP and TCP headers (what was on the wire), payload bytes from what was
captured, so a snap-length cut shows as ``len(payload) < payload_len`` instead of lying.
Dissection stops at the transport header: the analysis parses payloads itself, and scapy's
payload dissectors (TLS, HTTP, DNS...) would only cost time and risk exceptions.
"""

from __future__ import annotations

from typing import Any

from wiresleuth.model.address import normalise
from wiresleuth.model.packet import ICMP, ICMPV6, TCP, UDP, PacketRecord

DECODED_LINKTYPES: dict[int, str] = {
    0: "BSD loopback (NULL)",
    1: "Ethernet",
    12: "raw IP",
    14: "raw IP (OpenBSD)",
    101: "raw IP",
    108: "OpenBSD loopback",
    113: "Linux cooked (SLL)",
    228: "raw IPv4",
    229: "raw IPv6",
    276: "Linux cooked v2 (SLL2)",
}
"""Link types whose frames we decode to IP packets (LINKTYPE values as in capture files)."""

_LOOPBACK = {0, 108}
_IPV6_EXTENSIONS = {0, 43, 44, 51, 60, 135, 139, 140, 253, 254}
_FRAGMENT = 44


def _scapy() -> Any:
    """Import the few scapy layer modules we need (lazily: scapy costs ~0.3 s to import)."""
    import scapy.layers.inet
    import scapy.layers.inet6
    import scapy.layers.l2

    return scapy


def link_layer(linktype: int) -> Any | None:
    """The scapy class that dissects frames of a link type, None when we do not decode it."""
    if linktype not in DECODED_LINKTYPES:
        return None
    scapy = _scapy()
    l2 = scapy.layers.l2
    inet6 = scapy.layers.inet6
    classes: dict[int, Any] = {
        0: l2.Loopback,
        1: l2.Ether,
        12: inet6.IPv46,
        14: inet6.IPv46,
        101: inet6.IPv46,
        108: getattr(l2, "LoopbackOpenBSD", l2.Loopback),
        113: l2.CookedLinux,
        228: scapy.layers.inet.IP,
        229: inet6.IPv6,
        276: l2.CookedLinuxV2,
    }
    return classes[linktype]


def dissect(data: bytes, linktype: int) -> Any | None:
    """Dissect one frame down to its transport header; None for link types we do not decode."""
    cls = link_layer(linktype)
    if cls is None:
        return None
    scapy = _scapy()
    inet, inet6 = scapy.layers.inet, scapy.layers.inet6
    stop = (inet.TCP, inet.UDP, inet.ICMP, inet6._ICMPv6)
    if linktype in _LOOPBACK:
        # The 4-byte address family differs by OS (IPv6 is 24, 28 or 30) and byte order;
        # the IP version nibble says the same thing reliably.
        return inet6.IPv46(data[4:], stop_dissection_after=stop) if len(data) > 4 else None
    return cls(data, stop_dissection_after=stop)


def decode_frame(data: bytes, linktype: int, *, number: int, time: float) -> PacketRecord | None:
    """Decode a raw frame; None when it carries no IP packet (ARP, STP, unknown link type)."""
    packet = dissect(data, linktype)
    if packet is None:
        return None
    return decode_packet(packet, number=number, time=time)


def _suffix(layer: Any) -> bytes:
    """The captured bytes from this layer on (its own header and payload, no link padding)."""
    original = getattr(layer, "original", b"")
    if isinstance(original, bytes) and original:
        return original
    return bytes(layer)


def _address(value: Any) -> str:
    """The one spelling the analysis uses (RFC 5952 for IPv6, as ``ipaddress`` writes it)."""
    return normalise(str(value))


def _mac(value: Any) -> str | None:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, bytes) and len(value) >= 6:
        return ":".join(f"{b:02x}" for b in value[:6])
    return None


def _link_addresses(packet: Any) -> tuple[str | None, str | None]:
    scapy = _scapy()
    l2 = scapy.layers.l2
    ether = packet.getlayer(l2.Ether)
    if ether is not None:
        return _mac(ether.src), _mac(ether.dst)
    cooked = packet.getlayer(l2.CookedLinux) or packet.getlayer(l2.CookedLinuxV2)
    if cooked is not None and cooked.lladdrlen == 6:
        return _mac(cooked.src), None
    return None, None


def decode_packet(packet: Any, *, number: int, time: float | None = None) -> PacketRecord | None:
    """Read the fields of PacketRecord from a dissected scapy packet; None when not IP."""
    scapy = _scapy()
    inet, inet6 = scapy.layers.inet, scapy.layers.inet6
    ip = packet.getlayer(inet.IP)
    ip6 = packet.getlayer(inet6.IPv6)
    if ip is None and ip6 is None:
        return None
    if ip is not None and ip6 is not None:
        # Tunnelled: take whichever comes first (the outer header).
        ip_first = _depth(packet, ip) < _depth(packet, ip6)
        ip, ip6 = (ip, None) if ip_first else (None, ip6)
    src_mac, dst_mac = _link_addresses(packet)
    when = float(packet.time) if time is None else time
    fields: dict[str, Any]
    if ip is not None:
        fields, proto, transport, wire_len = _ipv4(ip)
    else:
        fields, proto, transport, wire_len = _ipv6(ip6, inet6)
    fields.update(_transport(proto, transport, wire_len, inet))
    return PacketRecord(
        number=number, time=when, proto=proto, src_mac=src_mac, dst_mac=dst_mac, **fields
    )


def _depth(packet: Any, layer: Any) -> int:
    depth, current = 0, packet
    while current is not None and current is not layer and depth < 64:
        current = current.payload if current.payload else None
        depth += 1
    return depth


def _ipv4(ip: Any) -> tuple[dict[str, Any], int, Any | None, int]:
    captured = _suffix(ip)
    header = max(int(ip.ihl or 5) * 4, 20)
    total = int(ip.len) if ip.len is not None else len(captured)
    if total < header:  # TSO'd packets are captured with length 0; trust what we have
        total = len(captured)
    tos = int(ip.tos or 0)
    flags = int(ip.flags)
    fields: dict[str, Any] = {
        "src": _address(ip.src),
        "dst": _address(ip.dst),
        "ip_version": 4,
        "ttl": int(ip.ttl),
        "dscp": tos >> 2,
        "ecn": tos & 3,
        "ip_id": int(ip.id),
        "length": total,
        "df": bool(flags & 0x2),
    }
    transport = ip.payload if int(ip.frag or 0) == 0 and ip.payload else None
    return fields, int(ip.proto), transport, max(total - header, 0)


def _ipv6(ip6: Any, inet6: Any) -> tuple[dict[str, Any], int, Any | None, int]:
    tc = int(ip6.tc or 0)
    plen = int(ip6.plen) if ip6.plen is not None else len(_suffix(ip6)) - 40
    fields: dict[str, Any] = {
        "src": _address(ip6.src),
        "dst": _address(ip6.dst),
        "ip_version": 6,
        "ttl": int(ip6.hlim),
        "dscp": tc >> 2,
        "ecn": tc & 3,
        "ip_id": None,
        "length": 40 + plen,
        "df": False,
    }
    nh = int(ip6.nh)
    layer = ip6.payload if ip6.payload else None
    first_payload = _suffix(layer) if layer is not None else b""
    hops = 0
    while layer is not None and nh in _IPV6_EXTENSIONS and hops < 16:
        if not isinstance(layer, inet6._IPv6ExtHdr):
            layer = None
            break
        if nh == _FRAGMENT and int(layer.offset or 0) != 0:
            nh = int(layer.nh)
            layer = None  # a later fragment: no transport header in it
            break
        nh = int(layer.nh)
        layer = layer.payload if layer.payload else None
        hops += 1
    extensions = len(first_payload) - len(_suffix(layer)) if layer is not None else 0
    return fields, nh, layer, max(plen - extensions, 0)


def _transport(proto: int, layer: Any | None, wire_len: int, inet: Any) -> dict[str, Any]:
    """Ports, TCP fields, ICMP type/code and payload from the transport layer."""
    if layer is None:
        return {"payload_len": wire_len}
    segment = _suffix(layer)
    if proto == TCP and isinstance(layer, inet.TCP):
        header = max(int(layer.dataofs or 5) * 4, 20)
        options = _tcp_options(layer.options)
        return {
            "sport": int(layer.sport),
            "dport": int(layer.dport),
            "tcp_flags": int(layer.flags),
            "seq": int(layer.seq),
            "ack": int(layer.ack),
            "window": int(layer.window),
            "payload": segment[header:],
            "payload_len": max(wire_len - header, 0),
            **options,
        }
    if proto == UDP and isinstance(layer, inet.UDP):
        return {
            "sport": int(layer.sport),
            "dport": int(layer.dport),
            "payload": segment[8:],
            "payload_len": max(wire_len - 8, 0),
        }
    if proto in (ICMP, ICMPV6) and len(segment) >= 2:
        # Keep the word after the checksum: it holds the MTU of "frag needed" / "too big".
        return {
            "icmp_type": segment[0],
            "icmp_code": segment[1],
            "payload": segment[4:],
            "payload_len": max(wire_len - 4, 0),
        }
    return {"payload": segment, "payload_len": wire_len}


def _tcp_options(options: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for option in options or ():
        if not isinstance(option, tuple) or len(option) != 2:
            continue
        name, value = option
        if name == "MSS" and isinstance(value, int):
            found["mss"] = value
        elif name == "WScale" and isinstance(value, int):
            found["wscale"] = value
        elif name == "SAck" and isinstance(value, tuple):
            edges = [v for v in value if isinstance(v, int)]
            found["sack_blocks"] = tuple(zip(edges[0::2], edges[1::2], strict=False))
    return found
