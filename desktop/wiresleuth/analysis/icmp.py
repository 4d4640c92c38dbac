"""ICMP errors about our packets: which flow they are about, and what they say in words.

A router that drops our packet says so with an ICMP error quoting the packet's IP header
and first transport bytes; that quote, not the error's own addresses, ties it to a flow.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, fields

from wiresleuth.model.packet import ICMP, ICMPV6, TCP, UDP, PacketRecord

_V4_ERRORS = {3, 4, 5, 11, 12}
_V6_ERRORS = {1, 2, 3, 4}

_V4_UNREACHABLE = {
    0: "network unreachable",
    1: "host unreachable",
    2: "protocol unreachable",
    3: "port unreachable",
    4: "fragmentation needed",
    5: "source route failed",
    6: "destination network unknown",
    7: "destination host unknown",
    9: "network administratively prohibited",
    10: "host administratively prohibited",
    11: "network unreachable for this type of service",
    12: "host unreachable for this type of service",
    13: "communication administratively prohibited",
}
_V6_UNREACHABLE = {
    0: "no route to destination",
    1: "communication administratively prohibited",
    2: "beyond scope of source address",
    3: "address unreachable",
    4: "port unreachable",
    5: "source address failed policy",
    6: "reject route to destination",
}


def _describe(proto: int, kind: int, code: int, mtu: int | None) -> str:
    if proto == ICMP:
        if kind == 3:
            text = _V4_UNREACHABLE.get(code, f"destination unreachable (code {code})")
            return f"{text}, next-hop MTU {mtu}" if code == 4 and mtu else text
        return {
            4: "source quench",
            5: "redirect",
            11: "time exceeded" + (" in transit" if code == 0 else " reassembling fragments"),
            12: "parameter problem",
        }.get(kind, f"ICMP type {kind}")
    if kind == 1:
        return _V6_UNREACHABLE.get(code, f"destination unreachable (code {code})")
    if kind == 2:
        return f"packet too big, MTU {mtu}"
    if kind == 3:
        return "hop limit exceeded" if code == 0 else "fragment reassembly time exceeded"
    return "parameter problem"


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """What an ICMP error says and which packet it quotes."""

    description: str
    """In words: "fragmentation needed, next-hop MTU 1400", "port unreachable", ..."""
    mtu: int | None
    """Next-hop MTU of "fragmentation needed" / "packet too big", else None."""
    proto: int
    """IP protocol of the quoted packet."""
    src: str
    """Source address of the quoted packet (normally ours)."""
    dst: str
    """Destination address of the quoted packet."""
    sport: int | None
    """Quoted source port (TCP/UDP), when the quote reaches that far."""
    dport: int | None
    """Quoted destination port."""
    seq: int | None
    """Quoted TCP sequence number."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IcmpError(Quote):
    """An ICMP/ICMPv6 error packet of a capture and what it quotes."""

    packet: PacketRecord
    """The ICMP packet itself."""


QUOTE_BYTES = 72
"""ICMP bytes after type, code and checksum that hold a quote's addresses and ports (4 of
the rest of the header, an IPv6 header, 8 of the transport header, some extension room)."""


def read_quote(proto: int, kind: int | None, code: int | None, payload: bytes) -> Quote | None:
    """The quote of an ICMP (``proto`` ICMP) or ICMPv6 error, from the bytes after its type,
    code and checksum; None for other messages or unreadable quotes."""
    if proto == ICMP and kind in _V4_ERRORS:
        rest, quote = payload[:4], payload[4:]
        if len(quote) < 20 or quote[0] >> 4 != 4:
            return None
        header = (quote[0] & 0x0F) * 4
        inner = quote[9]
        src = str(ipaddress.IPv4Address(quote[12:16]))
        dst = str(ipaddress.IPv4Address(quote[16:20]))
        mtu = int.from_bytes(rest[2:4], "big") if kind == 3 and code == 4 else None
    elif proto == ICMPV6 and kind in _V6_ERRORS:
        rest, quote = payload[:4], payload[4:]
        if len(quote) < 40 or quote[0] >> 4 != 6:
            return None
        header = 40
        inner = quote[6]
        src = str(ipaddress.IPv6Address(quote[8:24]))
        dst = str(ipaddress.IPv6Address(quote[24:40]))
        mtu = int.from_bytes(rest, "big") if kind == 2 else None
    else:
        return None
    transport = quote[header:]
    sport = dport = seq = None
    if inner in (TCP, UDP) and len(transport) >= 4:
        sport = int.from_bytes(transport[0:2], "big")
        dport = int.from_bytes(transport[2:4], "big")
        if inner == TCP and len(transport) >= 8:
            seq = int.from_bytes(transport[4:8], "big")
    return Quote(
        description=_describe(proto, kind, code or 0, mtu),
        mtu=mtu,
        proto=inner,
        src=src,
        dst=dst,
        sport=sport,
        dport=dport,
        seq=seq,
    )


def icmp_error(packet: PacketRecord) -> IcmpError | None:
    """Read an ICMP error's quoted header; None for other packets or unreadable quotes."""
    quote = read_quote(packet.proto, packet.icmp_type, packet.icmp_code, packet.payload)
    if quote is None:
        return None
    return IcmpError(packet=packet, **{f.name: getattr(quote, f.name) for f in fields(Quote)})
