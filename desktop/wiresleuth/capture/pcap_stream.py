"""Frames out of a classic pcap byte stream that arrives in pieces (the capture helper's output).

``record_reader`` reads files in large batches and tolerates damage; a live stream from our
own helper must instead hand over each packet as soon as its last byte arrives, and any
damage means the helper is not what we think it is, so it stops the capture.
"""

from __future__ import annotations

import struct

from wiresleuth.capture.frame import Frame
from wiresleuth.errors import CaptureUnavailable

HEADER_BYTES = 24
RECORD_HEADER_BYTES = 16
MAX_CAPLEN = 262_144
"""Largest captured length a record may claim (the helper's snap length limit)."""

_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}


class StreamDamaged(CaptureUnavailable):
    """The stream is not classic pcap, or a record is impossible."""


class PcapStream:
    """Feed bytes in any pieces; get back every frame completed by them."""

    def __init__(self, ifname: str) -> None:
        self.ifname = ifname
        self.linktype: int | None = None
        """Link type from the file header; None until the header has arrived."""
        self._buffer = bytearray()
        self._record = struct.Struct("<IIII")
        self._unit = 1e-6

    @property
    def header_seen(self) -> bool:
        """Whether the 24-byte file header has arrived (the helper opened its capture)."""
        return self.linktype is not None

    @property
    def pending(self) -> int:
        """Bytes received that do not yet make a whole record."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame]:
        """Append ``data``; return the frames it completed, in stream order."""
        self._buffer += data
        offset = 0 if self.header_seen else self._read_header()
        frames: list[Frame] = []
        buffer, record = self._buffer, self._record
        while len(buffer) - offset >= RECORD_HEADER_BYTES and self.linktype is not None:
            seconds, fraction, caplen, wirelen = record.unpack_from(buffer, offset)
            if caplen > MAX_CAPLEN:
                raise StreamDamaged(
                    f"the capture helper sent a record of {caplen} bytes (limit {MAX_CAPLEN})"
                )
            end = offset + RECORD_HEADER_BYTES + caplen
            if end > len(buffer):
                break
            frames.append(
                Frame(
                    data=bytes(buffer[offset + RECORD_HEADER_BYTES : end]),
                    time=seconds + fraction * self._unit,
                    linktype=self.linktype,
                    wirelen=max(wirelen, caplen),
                    ifname=self.ifname,
                )
            )
            offset = end
        del buffer[:offset]
        return frames

    def _read_header(self) -> int:
        if len(self._buffer) < HEADER_BYTES:
            return 0
        magic = bytes(self._buffer[:4])
        if magic not in _MAGICS:
            raise StreamDamaged(f"the capture helper's output is not a pcap stream ({magic.hex()})")
        order, self._unit = _MAGICS[magic]
        self._record = struct.Struct(f"{order}IIII")
        major, _minor, _zone, _sigfigs, _snaplen, linktype = struct.unpack_from(
            f"{order}HHiIII", self._buffer, 4
        )
        if major != 2:
            raise StreamDamaged(f"the capture helper wrote pcap version {major}, not 2")
        self.linktype = linktype & 0x0FFFFFFF  # the top bits may carry FCS information
        return HEADER_BYTES
