"""Mask secrets in a capture file without touching its structure.

``redact_bytes`` masks a secret with ``*`` of the same length, which keeps a file's size, but
run over a whole pcapng it also matched across block headers: a "credential" made of a
length field and the payload bytes around it got its header bytes masked, and tshark then
stopped reading at that block (on a 255 MB capture, 28,047 of 278,743 frames). Here the same
search runs over the whole file (a secret may sit anywhere in a payload), and only bytes that
are packet data take the masked form; headers, block lengths and options keep their own.

Within packet data only the transport payload is masked: link, IP, TCP/UDP and ICMP headers
keep their bytes (ICMP errors: the quoted packet's headers too). Binary header fields can
look like a credential (``4:P\x18..@`` in an acknowledgement number, flags and window was
taken for ``user:password@``): masked, the segment became a bogus one, and the bundle
re-analysed saw a retransmission the run never had (a false ``path.qos_policing``). A
frame whose headers cannot be read is masked whole.

Decryption Secrets Blocks (TLS key logs in a capture taken elsewhere) are left out: they
decrypt the whole capture, and a bundle leaves the engineer's hands.

Written by hand because no library reads pcapng with byte offsets of each packet's data
(scapy and python-pcapng decode packets, they do not say where their bytes lie).
"""

from __future__ import annotations

import struct

from wiresleuth.bundle.redact import redact_bytes

_PCAPNG_SHB = 0x0A0D0D0A
_IDB, _EPB, _SPB, _OLD_PB, _DSB = 1, 6, 3, 2, 10
_VLAN_TAGS = (0x8100, 0x88A8, 0x9100)
_IPV6_EXTENSIONS = (0, 43, 60)
_ICMP_ERRORS = (3, 4, 5, 11, 12)
Region = tuple[int, int, int | None]
"""Start and end of a frame's bytes in the file, and its link type (None: not known)."""
_PCAP_MAGICS = {
    b"\xa1\xb2\xc3\xd4": ">",
    b"\xd4\xc3\xb2\xa1": "<",
    b"\xa1\xb2\x3c\x4d": ">",
    b"\x4d\x3c\xb2\xa1": "<",
}


def redact_capture(data: bytes) -> bytes:
    """The capture with secrets in packet data masked; its structure byte for byte the same
    (apart from decryption secrets, which are dropped). A file that is neither pcap nor
    pcapng, or the damaged tail of one, is masked as plain bytes."""
    dropped: list[tuple[int, int]] = []
    if data[:4] in _PCAP_MAGICS:
        regions = _pcap_regions(data, _PCAP_MAGICS[data[:4]])
    elif len(data) >= 12 and struct.unpack_from("<I", data)[0] == _PCAPNG_SHB:
        regions, dropped = _pcapng_regions(data)
    else:
        return redact_bytes(data)
    masked = redact_bytes(data)
    if masked == data and not dropped:
        return data
    out = bytearray(data)
    for start, end, linktype in regions:
        start += payload_offset(data[start:end], linktype)
        out[start:end] = masked[start:end]
    for start, end in reversed(dropped):
        del out[start:end]
    return bytes(out)


def payload_offset(frame: bytes, linktype: int | None) -> int:
    """Where the transport payload of ``frame`` starts (its headers end there); 0 when its
    link or IP header cannot be read, so that the whole frame is masked."""
    try:
        start = _ip_start(frame, linktype)
        return 0 if start is None else min(_after_headers(frame, start, quoted=False), len(frame))
    except (IndexError, struct.error):
        return 0


def _ip_start(frame: bytes, linktype: int | None) -> int | None:
    if linktype in (101, 228, 229, 12, 14):  # raw IP
        return 0
    if linktype in (0, 108):  # BSD loopback: a 4-byte address family
        return 4
    if linktype == 1:  # Ethernet, with 802.1Q/802.1ad tags
        offset, kind = 14, struct.unpack_from("!H", frame, 12)[0]
        while kind in _VLAN_TAGS:
            kind = struct.unpack_from("!H", frame, offset + 2)[0]
            offset += 4
    elif linktype == 113:  # Linux cooked v1
        offset, kind = 16, struct.unpack_from("!H", frame, 14)[0]
    elif linktype == 276:  # Linux cooked v2
        offset, kind = 20, struct.unpack_from("!H", frame, 0)[0]
    else:
        return None
    return offset if kind in (0x0800, 0x86DD) else None


def _after_headers(frame: bytes, ip: int, *, quoted: bool) -> int:
    """The end of the IP and transport headers of the packet at ``ip``; for an ICMP error,
    of the headers of the packet it quotes."""
    version = frame[ip] >> 4
    if version == 4:
        proto, transport = frame[ip + 9], ip + (frame[ip] & 0x0F) * 4
    elif version == 6:
        proto, transport = frame[ip + 6], ip + 40
        for _ in range(8):
            if proto in _IPV6_EXTENSIONS:
                proto, transport = frame[transport], transport + (frame[transport + 1] + 1) * 8
            elif proto == 44:  # fragment header
                proto, transport = frame[transport], transport + 8
            else:
                break
    else:
        raise IndexError("not an IP packet")
    if proto == 6:
        return transport + (frame[transport + 12] >> 4) * 4
    if proto == 17:
        return transport + 8
    errors = (proto == 1 and frame[transport] in _ICMP_ERRORS) or (
        proto == 58 and frame[transport] < 128
    )
    if proto in (1, 58):
        if errors and not quoted and transport + 8 < len(frame):
            return _after_headers(frame, transport + 8, quoted=True)
        return transport + 8
    return transport


def _pcap_regions(data: bytes, order: str) -> list[Region]:
    """Where each record's captured bytes lie (classic pcap); a damaged tail is all data."""
    regions: list[Region] = []
    linktype = (
        struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF if len(data) >= 24 else None
    )
    offset = 24
    while offset + 16 <= len(data):
        caplen = struct.unpack_from(order + "I", data, offset + 8)[0]
        start, end = offset + 16, offset + 16 + caplen
        if end > len(data):
            break
        regions.append((start, end, linktype))
        offset = end
    if offset < len(data):
        regions.append((offset, len(data), None))
    return regions


def _pcapng_regions(data: bytes) -> tuple[list[Region], list[tuple[int, int]]]:
    """Packet-data regions and decryption-secrets blocks of a pcapng file."""
    regions: list[Region] = []
    dropped: list[tuple[int, int]] = []
    links: list[int] = []  # interface id -> link type, in this section
    order = "<"
    offset = 0
    while offset + 12 <= len(data):
        kind = struct.unpack_from(order + "I", data, offset)[0]
        if kind == _PCAPNG_SHB:  # the same in either byte order; its magic says which follows
            magic = data[offset + 8 : offset + 12]
            order = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        length = struct.unpack_from(order + "I", data, offset + 4)[0]
        if length < 12 or length % 4 or offset + length > len(data):
            break
        body = offset + 8
        if kind == _IDB and length >= 20:
            links.append(struct.unpack_from(order + "H", data, body)[0])
        elif (kind == _EPB and length >= 32) or (kind == _OLD_PB and length >= 32):
            caplen = struct.unpack_from(order + "I", data, body + 12)[0]
            fmt = "I" if kind == _EPB else "H"
            interface = struct.unpack_from(order + fmt, data, body)[0]
            link = links[interface] if interface < len(links) else None
            regions.append((body + 20, min(body + 20 + caplen, offset + length - 4), link))
        elif kind == _SPB and length >= 16:
            regions.append((body + 4, offset + length - 4, links[0] if links else None))
        elif kind == _DSB:
            dropped.append((offset, offset + length))
        offset += length
    if offset < len(data):
        regions.append((offset, len(data), None))
    return regions, dropped
