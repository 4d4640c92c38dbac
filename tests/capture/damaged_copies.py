"""Healthy corpus captures with pcapng block headers overwritten, as the old redaction did."""

from __future__ import annotations

import struct
from pathlib import Path

from tests.capture.corpora import packets

_EPB = 6


def with_damaged_blocks(name: str, dest: Path, *blocks: int) -> Path:
    """A copy of the corpus pcapng ``name`` at ``dest`` whose enhanced packet blocks at the
    given (0-based) indexes have their type and length overwritten with ``*``."""
    data = bytearray(packets(name).read_bytes())
    starts = []
    pos = 0
    while pos + 12 <= len(data):
        kind, length = struct.unpack_from("<II", data, pos)
        if kind == _EPB:
            starts.append(pos)
        pos += length
    for index in blocks:
        data[starts[index] : starts[index] + 8] = b"*" * 8
    dest.write_bytes(bytes(data))
    return dest
