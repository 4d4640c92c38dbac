"""The pcapng blocks this program writes: a section header, interface descriptions, and
enhanced packet blocks with a comment on each packet a finding cites.

Written by hand: the format is a few fixed structs (the pcapng specification, IETF
draft-ietf-opsawg-pcapng), the reader of the same format is ours (``record_reader``), and
the only writers at hand (scapy's ``PcapNgWriter``, python-pcapng) cost a second or more of
imports for what is a dozen lines here — on every live run, where it lengthened the run.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from typing import BinaryIO

from wiresleuth.capture.record_reader import Interface, RecordBatch

_SHB, _IDB, _EPB = 0x0A0D0D0A, 1, 6

_MAX_OPTION = 65_532
"""An option's length field has 16 bits (and the value is padded to 4 bytes)."""


def _block(kind: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def _option(code: int, value: bytes) -> bytes:
    return struct.pack("<HH", code, len(value)) + value + b"\x00" * (-len(value) % 4)


def _comment_bytes(text: str) -> bytes:
    """A packet comment as UTF-8, cut (at a character) to what an option can hold."""
    data = text.encode("utf-8", "replace")
    if len(data) <= _MAX_OPTION:
        return data
    return data[: _MAX_OPTION - 3].decode("utf-8", "ignore").encode("utf-8") + b"..."


def section_header(application: str) -> bytes:
    """The section header block that starts the file (little-endian, length unknown)."""
    options = _option(4, application.encode()) + _option(0, b"")
    return _block(_SHB, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + options)


def interface_description(interface: Interface) -> bytes:
    """An interface description block; timestamps in micro- or nanoseconds as the input's."""
    exponent = 9 if interface.resolution > 1_000_000 else 6
    options = _option(9, bytes([exponent]))
    if interface.name:
        options += _option(2, interface.name.encode())
    body = struct.pack("<HHI", interface.linktype & 0xFFFF, 0, interface.snaplen or 262144)
    return _block(_IDB, body + options + _option(0, b""))


def ticks_per_second(interface: Interface) -> int:
    """The timestamp unit ``interface_description`` declares for ``interface``."""
    return 1_000_000_000 if interface.resolution > 1_000_000 else 1_000_000


def write_packets(
    out: BinaryIO,
    batch: RecordBatch,
    declared: Mapping[int, int],
    scale: Mapping[int, int],
    comments: Mapping[int, str],
) -> int:
    """One enhanced packet block per record of ``batch``; the number written.

    ``declared`` maps the batch's interface indexes to interface ids already written,
    ``scale`` to their timestamp units per second; ``comments`` is keyed by frame number.
    """
    buffer = batch.buffer
    pack = struct.Struct("<IIIII").pack
    offsets = batch.offsets.tolist()
    caplens = batch.caplens.tolist()
    wirelens = batch.wirelens.tolist()
    times = batch.times.tolist()
    ifaces = batch.interfaces.tolist()
    first = batch.first_number
    for i in range(len(batch)):
        iface = ifaces[i]
        ticks = round(times[i] * scale[iface])
        caplen = caplens[i]
        start = offsets[i]
        options = b""
        comment = comments.get(first + i)
        if comment:
            options = _option(1, _comment_bytes(comment)) + _option(0, b"")
        pad = b"\x00" * (-caplen % 4)
        length = 32 + caplen + len(pad) + len(options)
        out.write(struct.pack("<II", _EPB, length))
        out.write(pack(declared[iface], (ticks >> 32) & 0xFFFFFFFF, ticks & 0xFFFFFFFF, caplen,
                       max(wirelens[i], caplen)))  # fmt: skip
        out.write(buffer[start : start + caplen])
        out.write(pad + options)
        out.write(struct.pack("<I", length))
    return len(batch)


def write_pcapng(
    out: BinaryIO,
    batch: RecordBatch,
    interfaces: Sequence[Interface],
    comments: Mapping[int, str],
    *,
    application: str = "WireSleuth",
) -> int:
    """A whole file: ``batch`` whose interface indexes point into ``interfaces``."""
    out.write(section_header(application))
    for interface in interfaces:
        out.write(interface_description(interface))
    ids = {index: index for index in range(len(interfaces))}
    scale = {index: ticks_per_second(x) for index, x in enumerate(interfaces)}
    return write_packets(out, batch, ids, scale, comments)
