"""Tell a bundle cut short (a download or copy that stopped) from a file that is no zip.

A zip's directory is at its end, so a cut-off bundle opens as "not a zip" although its start
is a perfectly good one. Its local file headers (each member's header, then its data) say how
far the file should at least have gone: walking them until the bytes run out gives "N of at
least M bytes". Written by hand because ``zipfile`` reads only the directory at the end.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_LOCAL = b"PK\x03\x04"
_HEADER = struct.Struct("<4s2B4HL2L2H")
"""A local file header: signature, version, flags, method, time, date, CRC, sizes, lengths."""
_CENTRAL = b"PK\x01\x02"
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
"""A central directory entry (46 bytes): lengths of name, extra and comment at 28, 30, 32."""
_END = b"PK\x05\x06"
_END_SIZE = 22
_MAX_MEMBERS = 64


def incomplete(path: Path) -> tuple[int, int] | None:
    """(bytes present, bytes the zip's own headers show it needs at least) when ``path``
    starts as a zip and stops before its end; None when it does not start as a zip, or its
    headers cannot say (a member streamed with a data descriptor)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            if handle.read(4) != _LOCAL:
                return None
            offset = 0
            for _ in range(_MAX_MEMBERS):
                handle.seek(offset)
                head = handle.read(_HEADER.size)
                if len(head) < _HEADER.size:
                    return size, offset + _HEADER.size
                fields = _HEADER.unpack(head)
                if fields[0] == _CENTRAL:
                    return _directory(handle, offset, size)
                if fields[0] != _LOCAL:
                    return None
                flags, compressed, name_len, extra_len = fields[2], fields[8], fields[10], fields[11]
                if flags & 0x08:
                    return None  # sizes come after the data: the headers cannot tell
                offset += _HEADER.size + name_len + extra_len + compressed
                if offset > size:
                    return size, offset
    except OSError:
        return None
    return None


def _directory(handle: BinaryIO, offset: int, size: int) -> tuple[int, int] | None:
    """Every member is there: is the directory (and its end record) too?"""
    for _ in range(_MAX_MEMBERS + 1):
        handle.seek(offset)
        head = handle.read(_CENTRAL_HEADER.size)
        if head[:4] == _END:
            return (size, offset + _END_SIZE) if offset + _END_SIZE > size else None
        if len(head) < _CENTRAL_HEADER.size:
            return size, offset + max(len(head), 4) + _END_SIZE
        if head[:4] != _CENTRAL:
            return None
        name_len, extra_len, comment_len = struct.unpack_from("<3H", head, 28)
        offset += _CENTRAL_HEADER.size + name_len + extra_len + comment_len
        if offset > size:
            return size, offset + _END_SIZE
    return None


def incomplete_message(path: Path) -> str | None:
    """``… is incomplete: it holds N of at least M bytes …`` for a bundle cut short."""
    found = incomplete(path)
    if found is None:
        return None
    present, needed = found
    return (
        f"{path} is incomplete: it holds {present} of at least {needed} bytes (the download "
        "or copy was cut short); ask for the file again"
    )
