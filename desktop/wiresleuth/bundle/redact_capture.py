"""Mask secrets in a capture file without touching its structure.

``redact_bytes`` masks a secret with ``*`` of the same length, which keeps a file's size, but
run over a whole pcapng it also matched across block headers: a "credential" made of a
length field and the payload bytes around it got its header bytes masked, and tshark then
stopped reading at that block (on a 255 MB capture, 28,047 of 278,743 frames). Here the same
search runs over the whole file (a secret may sit anywhere in a payload), and only bytes that
are packet data take the masked form; headers, block lengths and options keep their own.

Decryption Secrets Blocks (TLS key logs in a capture taken elsewhere) are left out: they
decrypt the whole capture, and a bundle leaves the engineer's hands.

Written by hand because no library reads pcapng with byte offsets of each packet's data
(scapy and python-pcapng decode packets, they do not say where their bytes lie).
"""

from __future__ import annotations

import struct

from wiresleuth.bundle.redact import redact_bytes

_PCAPNG_SHB = 0x0A0D0D0A
_EPB, _SPB, _OLD_PB, _DSB = 6, 3, 2, 10
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
    for start, end in regions:
        out[start:end] = masked[start:end]
    for start, end in reversed(dropped):
        del out[start:end]
    return bytes(out)


def _pcap_regions(data: bytes, order: str) -> list[tuple[int, int]]:
    """Where each record's captured bytes lie (classic pcap); a damaged tail is all data."""
    regions = []
    offset = 24
    while offset + 16 <= len(data):
        caplen = struct.unpack_from(order + "I", data, offset + 8)[0]
        start, end = offset + 16, offset + 16 + caplen
        if end > len(data):
            break
        regions.append((start, end))
        offset = end
    if offset < len(data):
        regions.append((offset, len(data)))
    return regions


def _pcapng_regions(data: bytes) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Packet-data regions and decryption-secrets blocks of a pcapng file."""
    regions: list[tuple[int, int]] = []
    dropped: list[tuple[int, int]] = []
    order = "<"
    offset = 0
    while offset + 12 <= len(data):
        kind = struct.unpack_from(order + "I", data, offset)[0]
        if kind == _PCAPNG_SHB:  # the same in either byte order; its magic says which follows
            magic = data[offset + 8 : offset + 12]
            order = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
        length = struct.unpack_from(order + "I", data, offset + 4)[0]
        if length < 12 or length % 4 or offset + length > len(data):
            break
        body = offset + 8
        if (kind == _EPB and length >= 32) or (kind == _OLD_PB and length >= 32):
            caplen = struct.unpack_from(order + "I", data, body + 12)[0]
            regions.append((body + 20, min(body + 20 + caplen, offset + length - 4)))
        elif kind == _SPB and length >= 16:
            regions.append((body + 4, offset + length - 4))
        elif kind == _DSB:
            dropped.append((offset, offset + length))
        offset += length
    if offset < len(data):
        regions.append((offset, len(data)))
    return regions, dropped
