"""Copy a capture file to pcapng, with a comment on every packet a finding cites.

The bundle's capture.pcapng must keep the frame numbers the evidence quotes, so every
record of the input is copied in order (link types and interfaces kept, one interface
description per input interface); Wireshark shows the comments in its packet list. The
copy streams: memory stays at one batch whatever the size of the file.

Timestamps are written in the unit of the input's interface (microseconds or
nanoseconds); for nanosecond inputs they come from the reader's float times, so they may
differ from the original by a fraction of a microsecond.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

from wiresleuth.capture.record_reader import CaptureReader, Interface, RecordBatch
from wiresleuth.errors import CaptureFileError

_SHB, _IDB, _EPB = 0x0A0D0D0A, 1, 6


def _block(kind: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def _option(code: int, value: bytes) -> bytes:
    return struct.pack("<HH", code, len(value)) + value + b"\x00" * (-len(value) % 4)


_MAX_OPTION = 65_532
"""An option's length field has 16 bits (and the value is padded to 4 bytes)."""


def _comment_bytes(text: str) -> bytes:
    """A packet comment as UTF-8, cut (at a character) to what an option can hold."""
    data = text.encode("utf-8", "replace")
    if len(data) <= _MAX_OPTION:
        return data
    return data[: _MAX_OPTION - 3].decode("utf-8", "ignore").encode("utf-8") + b"..."


def _section_header(application: str) -> bytes:
    options = _option(4, application.encode()) + _option(0, b"")
    return _block(_SHB, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + options)


def _interface(interface: Interface) -> bytes:
    exponent = 9 if interface.resolution > 1_000_000 else 6
    options = _option(9, bytes([exponent]))
    if interface.name:
        options += _option(2, interface.name.encode())
    body = struct.pack("<HHI", interface.linktype & 0xFFFF, 0, interface.snaplen or 262144)
    return _block(_IDB, body + options + _option(0, b""))


def copy_as_pcapng(
    source: Path, dest: Path, comments: Mapping[int, str], *, application: str = "WireSleuth"
) -> int:
    """Write ``source`` as pcapng at ``dest``; the number of packets written."""
    written = 0
    try:
        with CaptureReader(source) as reader, dest.open("wb", buffering=1 << 20) as out:
            out.write(_section_header(application))
            declared: dict[int, int] = {}  # reader interface -> interface id in the copy
            scale: dict[int, int] = {}  # reader interface -> timestamp units per second
            for batch in reader.batches():
                for iface in np.unique(batch.interfaces).tolist():
                    if iface not in declared:
                        info = reader.interfaces[iface] if iface >= 0 else _damaged()
                        declared[iface] = len(declared)
                        scale[iface] = 1_000_000_000 if info.resolution > 1_000_000 else 1_000_000
                        out.write(_interface(info))
                written += _records(out, batch, declared, scale, comments)
    except OSError as exc:
        raise CaptureFileError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    return written


def _damaged() -> Interface:
    return Interface(linktype=147, snaplen=262144, resolution=1_000_000, name="damaged records")


def _records(
    out: BinaryIO,
    batch: RecordBatch,
    declared: dict[int, int],
    scale: dict[int, int],
    comments: Mapping[int, str],
) -> int:
    buffer = batch.buffer
    pack = struct.Struct("<IIIII").pack
    count = len(batch)
    offsets = batch.offsets.tolist()
    caplens = batch.caplens.tolist()
    wirelens = batch.wirelens.tolist()
    times = batch.times.tolist()
    ifaces = batch.interfaces.tolist()
    first = batch.first_number
    for i in range(count):
        iface = ifaces[i]
        ticks = round(times[i] * scale[iface])
        caplen = caplens[i]
        start = offsets[i]
        data = buffer[start : start + caplen]
        options = b""
        comment = comments.get(first + i)
        if comment:
            options = _option(1, _comment_bytes(comment)) + _option(0, b"")
        pad = b"\x00" * (-caplen % 4)
        length = 32 + caplen + len(pad) + len(options)
        out.write(struct.pack("<II", _EPB, length))
        out.write(pack(declared[iface], (ticks >> 32) & 0xFFFFFFFF, ticks & 0xFFFFFFFF, caplen,
                       max(wirelens[i], caplen)))  # fmt: skip
        out.write(data)
        out.write(pad + options)
        out.write(struct.pack("<I", length))
    return count
