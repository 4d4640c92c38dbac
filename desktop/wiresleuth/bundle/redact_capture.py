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

The file is read and written in chunks of whole blocks (2 MiB), never held whole: a bundle
of a 256 MiB capture once held five copies of it (1.3 GB). The search runs over each chunk
with the last 64 KiB of the one before, whose output is held back until then, so a secret
that crosses a chunk boundary is found whole, as over the whole file (every secret the
patterns know is far shorter: a header line, a URL's user and password, a token).

Written by hand because no library reads pcapng with byte offsets of each packet's data
(scapy and python-pcapng decode packets, they do not say where their bytes lie).
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import BinaryIO

from wiresleuth.bundle.redact import redact_bytes

_PCAPNG_SHB = 0x0A0D0D0A
_IDB, _EPB, _SPB, _OLD_PB, _DSB = 1, 6, 3, 2, 10
_VLAN_TAGS = (0x8100, 0x88A8, 0x9100)
_IPV6_EXTENSIONS = (0, 43, 60)
_ICMP_ERRORS = (3, 4, 5, 11, 12)
HEADERS_READ = 512
"""Bytes of a frame read to find where its headers end (a frame whose headers reach further
is masked whole)."""
_PCAP_MAGICS = {
    b"\xa1\xb2\xc3\xd4": ">",
    b"\xd4\xc3\xb2\xa1": "<",
    b"\xa1\xb2\x3c\x4d": ">",
    b"\x4d\x3c\xb2\xa1": "<",
}
CHUNK = 2 << 20
"""Bytes searched at a time (whole blocks; a larger block is a chunk of its own)."""
OVERLAP = 64 << 10
"""Bytes of the chunk before searched again with the next: a longer secret across a chunk
boundary would be masked only in part (also the context before each search)."""

_KEEP, _DATA, _DROP = 0, 1, 2
Segment = tuple[int, int, int]
"""(start, end, kind): a run of the file that keeps its bytes, takes the masked form (packet
data), or is left out (decryption secrets)."""


def redact_capture(data: bytes) -> bytes:
    """The capture with secrets in packet data masked; its structure byte for byte the same
    (apart from decryption secrets, which are dropped). A file that is neither pcap nor
    pcapng, or the damaged tail of one, is masked as plain bytes."""
    return b"".join(redact_capture_chunks(io.BytesIO(data), len(data)))


def redact_capture_file(path: Path, opener: Callable[[Path], Path]) -> None:
    """Redact the capture at ``path`` in place, through a sibling made by ``opener`` (which
    creates it with the mode wanted) that replaces it; never held whole in memory."""
    partial = opener(path.with_name(path.name + ".redacting"))
    try:
        with path.open("rb") as source, partial.open("r+b") as target:
            for piece in redact_capture_chunks(source, os.fstat(source.fileno()).st_size):
                target.write(piece)
            target.truncate()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def redact_capture_chunks(
    source: BinaryIO, size: int, *, chunk: int = CHUNK, overlap: int = OVERLAP
) -> Iterator[bytes]:
    """``redact_capture`` of the ``size`` bytes read from ``source``, in pieces: about
    ``chunk`` + 2 ``overlap`` bytes are held at a time (``chunk`` at least ``overlap``).

    Each search covers, in file order: ``overlap`` bytes already written (context only, so
    that a word is not cut at the start of the search), the bytes held back from the search
    before, and the new chunk. Held bytes go out with the union of both searches' masks.
    """
    chunk = max(chunk, overlap)
    head = source.read(min(size, 24))
    source.seek(0)
    segments = _split(_segments(_reader(source), head, size), chunk)
    context = b""  # original bytes just before ``done``, already written
    window = b""  # original bytes from ``done``: the held tail, then the new chunk
    held_masked = b""  # the held tail as the search before masked it
    done = 0  # file offset of window[0]
    pending: list[Segment] = []
    end_of_file = False
    while not end_of_file:
        target = done + len(window) + chunk
        while not pending or pending[-1][1] < target:
            found = next(segments, None)
            if found is None:
                end_of_file = True
                break
            pending.append(found)
        read_to = pending[-1][1] if pending else done + len(window)
        window += _read_exactly(source, read_to - done - len(window))
        masked = redact_bytes(context + window)[len(context) :]
        if held_masked:  # a mask from either search stands
            masked = _union(window[: len(held_masked)], held_masked, masked)
        keep = len(window) if end_of_file else max(len(window) - overlap, len(held_masked))
        out, pending = _output(window, masked, done, done + keep, pending)
        if out:
            yield out
        context = (context + window[:keep])[-overlap:]
        window, held_masked = window[keep:], masked[keep:]
        done += keep


def _union(original: bytes, first: bytes, second: bytes) -> bytes:
    """``second`` with the bytes ``first`` masked where ``second`` kept the original."""
    import numpy as np  # here: ``report`` imports this module and must start without numpy

    orig = np.frombuffer(original, np.uint8)
    a = np.frombuffer(first, np.uint8)
    b = np.frombuffer(second, np.uint8)
    head = np.where(a != orig, a, b[: len(orig)])
    return head.tobytes() + second[len(orig) :]


def _output(
    window: bytes, masked: bytes, start: int, end: int, pending: list[Segment]
) -> tuple[bytes, list[Segment]]:
    """The bytes of the file range [start, end) as they go out, and the segments left."""
    pieces = []
    left: list[Segment] = []
    for first, last, kind in pending:
        lo, hi = max(first, start), min(last, end)
        if lo < hi and kind != _DROP:
            pieces.append((masked if kind == _DATA else window)[lo - start : hi - start])
        if last > end:
            left.append((max(first, end), last, kind))
    return b"".join(pieces), left


def _read_exactly(source: BinaryIO, count: int) -> bytes:
    data = source.read(count) if count > 0 else b""
    if len(data) != count:
        raise OSError(f"the capture file ended {count - len(data)} bytes early")
    return data


def _reader(source: BinaryIO) -> Callable[[int, int], bytes]:
    """Reads ``count`` bytes at ``offset`` (the structure is read apart from the data)."""
    fd = source.fileno() if _has_fileno(source) else None

    def read_at(offset: int, count: int) -> bytes:
        if fd is not None:
            return os.pread(fd, count, offset)
        assert isinstance(source, io.BytesIO)
        return source.getbuffer()[offset : offset + count].tobytes()

    return read_at


def _has_fileno(source: BinaryIO) -> bool:
    try:
        source.fileno()
    except (OSError, io.UnsupportedOperation):
        return False
    return True


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


def _split(segments: Iterator[Segment], most: int) -> Iterator[Segment]:
    """The same runs, none longer than ``most`` (a file that is not a capture is one run)."""
    for start, end, kind in segments:
        while end - start > most and kind != _DROP:
            yield (start, start + most, kind)
            start += most
        yield (start, end, kind)


def _segments(read_at: Callable[[int, int], bytes], head: bytes, size: int) -> Iterator[Segment]:
    """The file's runs in order, ending at ``size``."""
    if head[:4] in _PCAP_MAGICS:
        offset = yield from _pcap_segments(read_at, _PCAP_MAGICS[head[:4]], size)
    elif len(head) >= 12 and struct.unpack_from("<I", head)[0] == _PCAPNG_SHB:
        offset = yield from _pcapng_segments(read_at, size)
    else:
        offset = 0
    if offset < size:  # not a capture, or its damaged tail: all data
        yield (offset, size, _DATA)


def _data_runs(
    read_at: Callable[[int, int], bytes], start: int, end: int, linktype: int | None
) -> Iterator[Segment]:
    """A frame's bytes: its headers kept, its transport payload to be masked."""
    skip = payload_offset(read_at(start, min(end - start, HEADERS_READ)), linktype)
    if skip:
        yield (start, start + skip, _KEEP)
    if start + skip < end:
        yield (start + skip, end, _DATA)


def _pcap_segments(
    read_at: Callable[[int, int], bytes], order: str, size: int
) -> Generator[Segment, None, int]:
    """Where each record's captured bytes lie (classic pcap); returns where they end."""
    offset = 24
    if size < offset:
        return 0
    yield (0, offset, _KEEP)
    linktype = struct.unpack_from(order + "I", read_at(20, 4))[0] & 0x0FFFFFFF
    while offset + 16 <= size:
        caplen = struct.unpack_from(order + "I", read_at(offset + 8, 4))[0]
        start, end = offset + 16, offset + 16 + caplen
        if end > size:
            break
        yield (offset, start, _KEEP)
        yield from _data_runs(read_at, start, end, linktype)
        offset = end
    return offset


def _pcapng_segments(
    read_at: Callable[[int, int], bytes], size: int
) -> Generator[Segment, None, int]:
    """Packet data and decryption-secrets blocks of a pcapng file; returns where its blocks
    end."""
    order = "<"
    offset = 0
    links: list[int] = []  # interface id -> link type, in this section
    while offset + 12 <= size:
        top = read_at(offset, 12)
        kind = struct.unpack_from(order + "I", top)[0]
        if kind == _PCAPNG_SHB:  # the same in either byte order; its magic says which follows
            order = "<" if top[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        length = struct.unpack_from(order + "I", top, 4)[0]
        if length < 12 or length % 4 or offset + length > size:
            break
        body = offset + 8
        data: tuple[int, int] | None = None
        link: int | None = None
        if kind == _IDB and length >= 20:
            links.append(struct.unpack_from(order + "H", read_at(body, 2))[0])
        elif (kind == _EPB and length >= 32) or (kind == _OLD_PB and length >= 32):
            caplen = struct.unpack_from(order + "I", read_at(body + 12, 4))[0]
            fmt = "I" if kind == _EPB else "H"
            interface = struct.unpack_from(order + fmt, read_at(body, 4))[0]
            link = links[interface] if interface < len(links) else None
            data = (body + 20, min(body + 20 + caplen, offset + length - 4))
        elif kind == _SPB and length >= 16:
            link = links[0] if links else None
            data = (body + 4, offset + length - 4)
        if kind == _DSB:
            yield (offset, offset + length, _DROP)
        elif data is not None and data[0] < data[1]:
            yield (offset, data[0], _KEEP)
            yield from _data_runs(read_at, data[0], data[1], link)
            yield (data[1], offset + length, _KEEP)
        else:
            yield (offset, offset + length, _KEEP)
        offset += length
    return offset
