"""Decode a batch of raw frames to IP/TCP/UDP/ICMP header fields with numpy, a column each.

The same fields as ``decode.py`` (scapy, one packet at a time) for every frame of a
``RecordBatch`` at once: link layers (Ethernet with 802.1Q/802.1ad tags and 802.3/SNAP,
Linux cooked v1/v2, BSD/OpenBSD loopback, raw IP), IPv4 with options, IPv6 with extension
headers, then TCP, UDP and ICMP. The rules follow scapy's dissectors exactly, so that
``records()`` gives PacketRecords equal to ``decode.decode_frame``'s (a test checks every
corpus file); where scapy's behaviour on malformed headers is arbitrary the difference is
documented in ``tests/capture/test_fast_decode.py``.

Lengths come from the headers (what was on the wire) and payload bytes from what was
captured, as in ``decode.py``. Payload bytes are not copied: a column holds where they are in
the batch's buffer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from wiresleuth.capture.record_reader import RecordBatch

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

IP_PACKET = 1
"""status: an IP packet (the other columns hold its fields)."""
NOT_IP = 0
"""status: a frame without an IP packet (ARP, STP, ...)."""
UNKNOWN_LINK = 2
"""status: a link type this program does not decode."""
UNDECODABLE = 3
"""status: too short for its own link or IP header (the scapy path skips it with a warning)."""
DAMAGED = 4
"""status: the record itself was damaged (no interface, impossible length)."""

NO_TRANSPORT, TCP_HEADER, UDP_HEADER, ICMP_HEADER, OTHER_PAYLOAD = 0, 1, 2, 3, 4
"""transport: which header the transport bytes were read as (see ``_transport``)."""

_ETHERNET, _SLL, _SLL2 = 1, 113, 276
_LOOPBACK = (0, 108)
_RAW46 = (12, 14, 101)
_RAW4, _RAW6 = 228, 229
DECODED = frozenset({0, 1, 12, 14, 101, 108, 113, 228, 229, 276})
_VLAN_TYPES = (0x8100, 0x88A8)
_EXT_HEADERS = (0, 43, 60)  # hop-by-hop, routing, destination options: (len + 1) * 8 bytes
_FRAGMENT = 44
_EXT_NOT_DISSECTED = (51, 135, 139, 140, 253, 254)  # extension numbers scapy leaves raw
_MASK64 = (1 << 64) - 1


class AddressBook:
    """Addresses as small integers (fast dict keys), with one spelling each (RFC 5952)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._ids: dict[tuple[int, int, int], int] = {}

    def ids(self, version: I64, high: I64, low: I64) -> I64:
        """Ids of addresses given as (version, upper 64 bits, lower 64 bits) columns."""
        out = np.empty(len(version), dtype=np.int64)
        v4 = version == 4
        if v4.any():
            unique, inverse = np.unique(low[v4], return_inverse=True)
            keys = [(4, 0, value) for value in unique.tolist()]
            out[v4] = self._map(keys)[inverse.reshape(-1)]
        v6 = ~v4
        if v6.any():
            pairs = np.ascontiguousarray(np.stack([high[v6], low[v6]], axis=1))
            rows = pairs.view(np.dtype((np.void, 16))).reshape(-1)
            unique, inverse = np.unique(rows, return_inverse=True)
            pairs = unique.view(np.int64).reshape(-1, 2)
            keys = [(6, hi, lo) for hi, lo in pairs.tolist()]
            out[v6] = self._map(keys)[inverse.reshape(-1)]
        return out

    def _map(self, keys: list[tuple[int, int, int]]) -> I64:
        mapped = np.empty(len(keys), dtype=np.int64)
        for row, key in enumerate(keys):
            found = self._ids.get(key)
            if found is None:
                found = len(self.names)
                self._ids[key] = found
                ver, hi, lo = key
                packed = (hi & _MASK64).to_bytes(8, "big") + (lo & _MASK64).to_bytes(8, "big")
                if ver == 4:
                    self.names.append(str(ipaddress.IPv4Address(packed[12:])))
                else:
                    self.names.append(str(ipaddress.IPv6Address(packed)))
            mapped[row] = found
        return mapped


@dataclass(frozen=True, kw_only=True)
class Columns:
    """Header fields of every frame of a batch; -1 where a field does not apply."""

    status: I64
    """IP_PACKET, NOT_IP, UNKNOWN_LINK, UNDECODABLE or DAMAGED."""
    version: I64
    """4 or 6."""
    src: I64
    """Source address id (``AddressBook.names``)."""
    dst: I64
    """Destination address id."""
    proto: I64
    """IP protocol (after IPv6 extension headers)."""
    ttl: I64
    """TTL / hop limit."""
    tos: I64
    """TOS / traffic class byte (DSCP << 2 | ECN)."""
    ip_id: I64
    """IPv4 identification (-1 for IPv6)."""
    length: I64
    """IP length on the wire, header included."""
    df: I64
    """1 when Don't Fragment is set."""
    transport: I64
    """Which transport header was read (NO_TRANSPORT, TCP_HEADER, ...)."""
    sport: I64
    """Source port (TCP/UDP)."""
    dport: I64
    """Destination port."""
    flags: I64
    """TCP flags (9 bits, as scapy reads them)."""
    seq: I64
    """TCP sequence number."""
    ack: I64
    """TCP acknowledgement number."""
    window: I64
    """TCP window (unscaled)."""
    options_start: I64
    """Where TCP options start in the buffer."""
    options_end: I64
    """Where they end (== start: none)."""
    payload_start: I64
    """Where the transport payload starts in the buffer."""
    payload_end: I64
    """Where its captured part ends."""
    payload_len: I64
    """Transport payload length on the wire."""
    icmp_type: I64
    """ICMP/ICMPv6 type."""
    icmp_code: I64
    """ICMP/ICMPv6 code."""
    transport_start: I64
    """Where the transport header starts in the buffer."""
    transport_wire: I64
    """Transport length on the wire according to the IP header."""
    tcp_header: I64
    """TCP header length field (data offset * 4), as Wireshark reads it."""
    ip_valid: I64
    """1 when Wireshark would dissect past the IP header (version matches its ether type,
    header and total lengths possible); 0 for headers it calls bogus."""
    src_mac: I64
    """Where the Ethernet (or cooked) source address is in the buffer."""
    dst_mac: I64
    """Where the Ethernet destination address is."""


class _Bytes:
    """Reads big-endian fields at arrays of positions, never outside the buffer."""

    def __init__(self, buffer: bytes | bytearray) -> None:
        self.u8 = np.frombuffer(buffer, dtype=np.uint8)
        self.last = max(len(self.u8) - 1, 0)
        if not len(self.u8):
            self.u8 = np.zeros(1, dtype=np.uint8)

    def b(self, at: I64) -> I64:
        return self.u8[np.clip(at, 0, self.last)].astype(np.int64)

    def h(self, at: I64) -> I64:
        return (self.b(at) << 8) | self.b(at + 1)

    def w(self, at: I64) -> I64:
        return (self.h(at) << 16) | self.h(at + 2)

    def q(self, at: I64) -> I64:
        """Eight bytes as a signed 64-bit number (only compared for equality)."""
        return ((self.w(at) << 32) | self.w(at + 4)).astype(np.int64)


def _full(n: int, value: int = -1) -> I64:
    return np.full(n, value, dtype=np.int64)


class _Frames:
    """Mutable working columns while one batch is decoded."""

    def __init__(self, batch: RecordBatch) -> None:
        n = len(batch)
        self.n = n
        self.start = batch.offsets
        self.end = batch.offsets + batch.caplens
        self.status = _full(n, NOT_IP)
        self.l3 = _full(n)  # where the IP header starts
        self.limit = self.end.copy()  # where the IP layer's bytes end (802.3 length)
        self.version = _full(n)
        self.src_mac = _full(n)
        self.dst_mac = _full(n)


def _among(values: npt.NDArray[Any], choices: Iterable[int]) -> npt.NDArray[np.bool_]:
    """Which ``values`` are among a few small integers: ``np.isin`` by lookup table, which
    is exact here and never takes numpy's sorting path (that one imports numpy.ma, some
    10 ms of a small file's whole analysis)."""
    return np.isin(values, tuple(choices), kind="table")


def _link(frames: _Frames, data: _Bytes, linktypes: I64) -> None:
    """Find the IP header of each frame from its link layer."""
    start, end = frames.start, frames.end
    size = end - start
    frames.status[linktypes < 0] = DAMAGED
    known = _among(linktypes, list(DECODED))
    frames.status[(linktypes >= 0) & ~known] = UNKNOWN_LINK
    ether_type = _full(frames.n)
    at = _full(frames.n)  # where the ether type sits (the IP header follows it)

    eth = (linktypes == _ETHERNET) & (size > 0)
    frames.status[eth & (size < 14)] = UNDECODABLE
    eth &= size >= 14
    ether_type[eth] = data.h(start[eth] + 12)
    at[eth] = start[eth] + 12
    dot3 = eth & (ether_type <= 1500)
    frames.src_mac[eth & ~dot3] = start[eth & ~dot3] + 6
    frames.dst_mac[eth & ~dot3] = start[eth & ~dot3]
    if dot3.any():
        _snap(frames, data, dot3, ether_type, at)

    for linktype, header, type_at, lladdr_len_at, lladdr_at in (
        (_SLL, 16, 14, 4, 6),
        (_SLL2, 20, 0, 10, 12),
    ):
        cooked = (linktypes == linktype) & (size > 0)
        frames.status[cooked & (size < header)] = UNDECODABLE
        cooked &= size >= header
        ether_type[cooked] = data.h(start[cooked] + type_at)
        at[cooked] = start[cooked] + header - 2
        if linktype == _SLL:
            has_mac = cooked & (data.h(start + lladdr_len_at) == 6)
        else:
            has_mac = cooked & (data.b(start + lladdr_len_at + 1) == 6)
        frames.src_mac[has_mac] = start[has_mac] + lladdr_at

    # 802.1Q / 802.1ad tags, stacked (scapy binds both after Ethernet, each other and SLL).
    for _ in range(8):
        tagged = (ether_type == 0x8100) | ((ether_type == 0x88A8) & (linktypes == _ETHERNET))
        tagged &= at >= 0
        if not tagged.any():
            break
        inner = at + 6
        short = tagged & (inner > frames.limit)
        ether_type[short] = -1  # a cut tag: scapy gives up (raw bytes)
        tagged &= ~short
        ether_type[tagged] = data.h(inner[tagged] - 2)
        at[tagged] = inner[tagged] - 2
        llc = tagged & (ether_type <= 1500)
        ether_type[llc] = -1  # LLC under a VLAN tag: not followed

    v4 = ether_type == 0x0800
    v6 = ether_type == 0x86DD
    frames.l3[v4 | v6] = at[v4 | v6] + 2
    frames.version[v4] = 4
    frames.version[v6] = 6

    loop = _among(linktypes, _LOOPBACK) & (size > 4)
    frames.l3[loop] = start[loop] + 4
    raw = _among(linktypes, _RAW46) & (size > 0)
    frames.l3[raw] = start[raw]
    either = loop | raw
    frames.version[either] = np.where(data.b(frames.l3[either]) >> 4 == 6, 6, 4)
    for linktype, version in ((_RAW4, 4), (_RAW6, 6)):
        only = (linktypes == linktype) & (size > 0)
        frames.l3[only] = start[only]
        frames.version[only] = version


def _snap(frames: _Frames, data: _Bytes, dot3: B, ether_type: I64, at: I64) -> None:
    """802.3 frames: IP inside LLC/SNAP (AA AA 03, OUI 0); the 802.3 length bounds it."""
    start = frames.start
    frames.limit[dot3] = np.minimum(frames.end[dot3], start[dot3] + 14 + ether_type[dot3])
    llc = start + 14
    snap = dot3 & (llc + 8 <= frames.limit)
    snap &= (data.b(llc) == 0xAA) & (data.b(llc + 1) == 0xAA) & (data.b(llc + 2) == 3)
    ether_type[dot3] = -1
    ether_type[snap] = data.h(llc[snap] + 6)
    at[snap] = llc[snap] + 6
    at[dot3 & ~snap] = -1


@dataclass
class _Ip:
    """Per-frame IP results, filled by _ipv4 and _ipv6."""

    src_hi: I64
    src_lo: I64
    dst_hi: I64
    dst_lo: I64
    proto: I64
    ttl: I64
    tos: I64
    ip_id: I64
    length: I64
    df: I64
    payload: I64  # where the IP payload (transport) starts; -1: no transport
    payload_end: I64  # where its bytes end
    wire: I64  # transport length on the wire
    valid: I64  # 1: a header Wireshark dissects further (version, header and total lengths)


def _ipv4(frames: _Frames, data: _Bytes, ip: _Ip, top: B) -> None:
    v4 = frames.version == 4
    l3, limit = frames.l3, frames.limit
    short = v4 & (limit - l3 < 20)
    frames.status[short & top] = UNDECODABLE
    v4 &= ~short
    frames.status[v4] = IP_PACKET
    a = l3[v4]
    lim = limit[v4]
    ihl = data.b(a) & 0x0F
    header = np.maximum(ihl * 4, 20)
    length_field = data.h(a + 2)
    total = np.where(length_field < header, lim - a, length_field)
    frag = data.h(a + 6)
    ip.tos[v4] = data.b(a + 1)
    ip.ip_id[v4] = data.h(a + 4)
    ip.ttl[v4] = data.b(a + 8)
    ip.proto[v4] = data.b(a + 9)
    ip.src_hi[v4] = 0
    ip.dst_hi[v4] = 0
    ip.src_lo[v4] = data.w(a + 12)
    ip.dst_lo[v4] = data.w(a + 16)
    ip.length[v4] = total
    ip.df[v4] = (frag >> 14) & 1
    # scapy's options take ihl*4 - 20 bytes (what there is of them); the payload is then cut
    # at the length field counted from ihl*4 (not cut when the length is below that).
    begin = np.minimum(a + header, lim)
    cut = length_field - ihl * 4
    end = np.where(cut < 0, lim, np.minimum(lim, begin + np.maximum(cut, 0)))
    has = ((frag & 0x1FFF) == 0) & (end > begin) & (ihl >= 5)
    ip.payload[v4] = np.where(has, begin, -1)
    # Wireshark gives up on a version other than 4, a header under 20 bytes, or a total
    # length below the header's (0 is TSO: the captured length counts, as above)
    ip.valid[v4] = (
        (data.b(a) >> 4 == 4) & (ihl >= 5) & ((length_field == 0) | (length_field >= ihl * 4))
    )
    ip.payload_end[v4] = end
    ip.wire[v4] = np.maximum(total - header, 0)


def _ipv6(frames: _Frames, data: _Bytes, ip: _Ip, top: B) -> None:
    v6 = frames.version == 6
    l3, limit = frames.l3, frames.limit
    short = v6 & (limit - l3 < 40)
    frames.status[short & top] = UNDECODABLE
    v6 &= ~short
    frames.status[v6] = IP_PACKET
    a = l3[v6]
    lim = limit[v6]
    plen = data.h(a + 4)
    first = a + 40
    nh = data.b(a + 6)
    jumbo = (plen == 0) & (nh == 0) & (lim - first >= 8)
    # Payload length 0 without a jumbo option: a GSO/BIG TCP packet captured before it was
    # cut up (as decode.py does for IPv4 length 0), so the captured bytes are the payload.
    plen = np.where((plen == 0) & ~jumbo, lim - first, plen)
    ip.tos[v6] = ((data.b(a) & 0x0F) << 4) | (data.b(a + 1) >> 4)
    ip.ttl[v6] = data.b(a + 7)
    ip.ip_id[v6] = -1
    ip.df[v6] = 0
    ip.length[v6] = 40 + plen
    ip.src_hi[v6], ip.src_lo[v6] = data.q(a + 8), data.q(a + 16)
    ip.dst_hi[v6], ip.dst_lo[v6] = data.q(a + 24), data.q(a + 32)
    end = np.minimum(lim, first + plen)
    for index in np.flatnonzero(jumbo).tolist():
        end[index] = _jumbo_end(data, int(first[index]), int(lim[index]))
    cursor = first.copy()
    alive = cursor < end  # a layer follows (scapy dissects only non-empty payloads)
    for _ in range(16):
        ext = alive & _among(nh, (*_EXT_HEADERS, _FRAGMENT, *_EXT_NOT_DISSECTED))
        if not ext.any():
            break
        fragment = ext & (nh == _FRAGMENT)
        # scapy needs a whole fixed part: 2 bytes (options headers), 8 (routing, fragment)
        minimum = np.where((nh == 43) | fragment, 8, 2)
        raw = ext & (_among(nh, _EXT_NOT_DISSECTED) | (end - cursor < minimum))
        alive &= ~raw  # scapy leaves it raw: no transport, protocol as announced
        ext &= ~raw
        later = ext & fragment & ((data.h(cursor + 2) >> 3) != 0)
        size = np.where(fragment, 8, (data.b(cursor + 1) + 1) * 8)
        nh = np.where(ext, data.b(cursor), nh)
        alive &= ~later
        cursor = np.where(ext, np.minimum(cursor + size, end), cursor)
        alive &= cursor < end
    ip.proto[v6] = nh
    ip.payload[v6] = np.where(alive, cursor, -1)
    ip.valid[v6] = data.b(a) >> 4 == 6
    ip.payload_end[v6] = end
    ip.wire[v6] = np.where(alive, np.maximum(plen - (cursor - first), 0), plen)


def _jumbo_end(data: _Bytes, first: int, limit: int) -> int:
    """Where scapy ends a jumbogram's payload (RFC 2675), quirks included: it reads the
    Jumbo Payload option's length in host (little-endian) order, and gives up (raw bytes,
    an empty payload here) when its option scan runs past the end."""
    body = data.u8[first:limit].tobytes()
    hbh_len = 8 + body[1] * 8
    index, offset = 0, 2
    while offset <= len(body):
        if offset >= len(body):
            return first
        if body[offset] == 0xC2:
            return min(
                limit, first + hbh_len + int.from_bytes(body[offset + 2 : offset + 6], "little")
            )
        offset = 4 * index + 2
        index += 1
    return min(limit, first + hbh_len)


def _transport(cols: dict[str, I64], data: _Bytes, ip: _Ip, ok: B) -> None:
    """TCP, UDP and ICMP headers, with scapy's rule: a header cut short is raw bytes."""
    begin, end, proto, wire = ip.payload, ip.payload_end, ip.proto, ip.wire
    has = ok & (begin >= 0)
    seg = end - begin
    cols["payload_len"][ok] = wire[ok]
    other = has.copy()

    tcp = has & (proto == 6) & (seg >= 20)
    other &= ~tcp
    a = begin[tcp]
    cols["transport"][tcp] = TCP_HEADER
    cols["sport"][tcp], cols["dport"][tcp] = data.h(a), data.h(a + 2)
    cols["seq"][tcp], cols["ack"][tcp] = data.w(a + 4), data.w(a + 8)
    offset_byte = data.b(a + 12)
    cols["flags"][tcp] = ((offset_byte & 1) << 8) | data.b(a + 13)
    cols["window"][tcp] = data.h(a + 14)
    dataofs = offset_byte >> 4
    header = np.maximum(dataofs * 4, 20)
    cols["tcp_header"][tcp] = dataofs * 4
    cols["options_start"][tcp] = np.minimum(a + 20, end[tcp])
    cols["options_end"][tcp] = np.minimum(a + 20 + np.maximum(dataofs - 5, 0) * 4, end[tcp])
    cols["payload_start"][tcp] = np.minimum(a + header, end[tcp])
    cols["payload_end"][tcp] = end[tcp]
    cols["payload_len"][tcp] = np.maximum(wire[tcp] - header, 0)

    udp = has & (proto == 17) & (seg >= 8)
    other &= ~udp
    a = begin[udp]
    cols["transport"][udp] = UDP_HEADER
    cols["sport"][udp], cols["dport"][udp] = data.h(a), data.h(a + 2)
    cols["payload_start"][udp] = a + 8
    cols["payload_end"][udp] = end[udp]
    cols["payload_len"][udp] = np.maximum(wire[udp] - 8, 0)

    icmp = other & ((proto == 1) | (proto == 58)) & (seg >= 2)
    other &= ~icmp
    a = begin[icmp]
    cols["transport"][icmp] = ICMP_HEADER
    cols["icmp_type"][icmp], cols["icmp_code"][icmp] = data.b(a), data.b(a + 1)
    cols["payload_start"][icmp] = np.minimum(a + 4, end[icmp])
    cols["payload_end"][icmp] = end[icmp]
    cols["payload_len"][icmp] = np.maximum(wire[icmp] - 4, 0)

    cols["transport"][other] = OTHER_PAYLOAD
    cols["payload_start"][other] = begin[other]
    cols["payload_end"][other] = end[other]


def decode_batch(batch: RecordBatch, book: AddressBook) -> Columns:
    """Header fields of every frame of ``batch`` (addresses entered into ``book``)."""
    n = len(batch)
    data = _Bytes(batch.buffer)
    frames = _Frames(batch)
    _link(frames, data, batch.linktypes)
    top = _among(batch.linktypes, (*_LOOPBACK, *_RAW46, _RAW4, _RAW6))
    ip = _Ip(*(_full(n) for _ in range(14)))
    _ipv4(frames, data, ip, top)
    _ipv6(frames, data, ip, top)
    ok = frames.status == IP_PACKET
    names = (
        "transport", "sport", "dport", "flags", "seq", "ack", "window", "options_start",
        "options_end", "payload_start", "payload_end", "payload_len", "icmp_type", "icmp_code",
        "tcp_header",
    )  # fmt: skip
    cols = {name: _full(n) for name in names}
    cols["transport"][:] = NO_TRANSPORT
    _transport(cols, data, ip, ok)
    src = _full(n)
    dst = _full(n)
    src[ok] = book.ids(frames.version[ok], ip.src_hi[ok], ip.src_lo[ok])
    dst[ok] = book.ids(frames.version[ok], ip.dst_hi[ok], ip.dst_lo[ok])
    return Columns(
        status=frames.status,
        version=frames.version,
        src=src,
        dst=dst,
        proto=ip.proto,
        ttl=ip.ttl,
        tos=ip.tos,
        ip_id=ip.ip_id,
        length=ip.length,
        df=ip.df,
        src_mac=np.where(ok, frames.src_mac, -1),
        dst_mac=np.where(ok, frames.dst_mac, -1),
        transport_start=np.where(ok, ip.payload, -1),
        transport_wire=np.where(ok, ip.wire, -1),
        ip_valid=np.where(ok, ip.valid, 0),
        **cols,
    )
