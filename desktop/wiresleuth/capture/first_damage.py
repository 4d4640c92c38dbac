"""Where a capture file stops being readable for Wireshark: the first damaged record.

Wireshark (and tshark, capinfos) stop at the first record whose framing is impossible: a
pcapng block with an impossible length or whose two length fields disagree, a pcap record
longer than a packet can be. Our reader (``record_reader``) goes on past such damage and
numbers the frames after it itself; what it says about that reaches the viewer and
``report --reanalyse``. ``wiresleuth report`` prints a bundle's findings without decoding
its packets and starts without numpy (issue 15), so it checks the capture's framing here:
block headers only, with ``struct``, fed in chunks as the bundle's member decompresses
(``Bundle.capture_damage``), never extracted and never held whole.

Written by hand: no library reports where a capture's framing breaks without decoding it
(scapy's readers raise on damage without saying where, and import in a second or more).
A file cut short at its end is no damage here: Wireshark reads every frame before the cut,
and the frame numbers hold.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_RECORD = 262_144
"""Largest captured length of a record (``record_reader.MAX_RECORD``, not imported from
there: that module loads numpy)."""
MAX_BLOCK = MAX_RECORD + 65_536 * 4
"""Largest pcapng block taken as whole (the reader's limit: a packet plus generous options)."""
_SHB = 0x0A0D0D0A
_PACKET_BLOCKS = (2, 3, 6)  # obsolete, simple, enhanced packet blocks
_PCAP = {
    b"\xd4\xc3\xb2\xa1": "<",
    b"\xa1\xb2\xc3\xd4": ">",
    b"\x4d\x3c\xb2\xa1": "<",
    b"\xa1\xb2\x3c\x4d": ">",
}


@dataclass(frozen=True, kw_only=True)
class Damage:
    """The first damaged record of a capture file."""

    frames_before: int
    """Frames before it: all that Wireshark shows of the file."""
    offset: int
    """Where the damaged record starts in the file."""
    what: str
    """What is wrong with it, in plain words."""

    def sentence(self) -> str:
        """The damage as a note for a person who cites frames of this file."""
        return (
            f"the file is damaged after frame {self.frames_before} ({self.what}, at byte "
            f"{self.offset}): Wireshark stops reading it there and shows frames 1 to "
            f"{self.frames_before} only"
        )


class DamageFinder:
    """Fed a capture file's bytes in order (``feed``), finds its first damaged record.

    Holds at most one block (or record) and a chunk; a file that is neither pcap nor pcapng
    is not judged (``damage`` stays None: the reader says what it is).
    """

    def __init__(self) -> None:
        self._pending = bytearray()
        self._offset = 0  # file offset of _pending[0]
        self._format: str | None = None  # "pcap", "pcapng", "other"
        self._endian = "<"
        self.frames = 0
        """Packet records read whole so far."""
        self.damage: Damage | None = None
        """The first damage (None: none found so far)."""

    def feed(self, data: bytes) -> None:
        """The next bytes of the file."""
        if self.damage is not None or self._format == "other":
            return
        self._pending += data
        if self._format is None:
            if len(self._pending) < 4:
                return
            head = bytes(self._pending[:4])
            if head in _PCAP:
                self._format, self._endian = "pcap", _PCAP[head]
            elif struct.unpack_from("<I", head)[0] == _SHB:
                self._format = "pcapng"
            else:
                self._format = "other"
                self._pending.clear()
                return
            if self._format == "pcap":
                if len(self._pending) < 24:
                    self._format = None
                    return
                self._consume(24)
        done = self._pcap() if self._format == "pcap" else self._pcapng()
        self._consume(done)

    def _consume(self, count: int) -> None:
        del self._pending[:count]
        self._offset += count

    def _damaged(self, at: int, what: str) -> int:
        self.damage = Damage(frames_before=self.frames, offset=self._offset + at, what=what)
        return at

    def _pcap(self) -> int:
        """Whole records at the start of ``_pending``; the bytes they take."""
        buf, at = self._pending, 0
        record = struct.Struct(self._endian + "I")
        while len(buf) - at >= 16:
            caplen = record.unpack_from(buf, at + 8)[0]
            if caplen > MAX_RECORD:
                return self._damaged(at, f"a record of an impossible length ({caplen} bytes)")
            if len(buf) - at < 16 + caplen:
                break
            at += 16 + caplen
            self.frames += 1
        return at

    def _pcapng(self) -> int:
        """Whole blocks at the start of ``_pending``; the bytes they take."""
        buf, at = self._pending, 0
        while len(buf) - at >= 12:
            kind = struct.unpack_from("<I", buf, at)[0]
            if kind == _SHB:  # the byte order magic says how the rest of the section reads
                magic = bytes(buf[at + 8 : at + 12])
                if magic not in (b"\x4d\x3c\x2b\x1a", b"\x1a\x2b\x3c\x4d"):
                    return self._damaged(at, "a damaged section header")
                self._endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            length = struct.unpack_from(self._endian + "I", buf, at + 4)[0]
            if length < 12 or length % 4 or length > MAX_BLOCK:
                return self._damaged(at, f"a block with an impossible length ({length} bytes)")
            if len(buf) - at < length:
                break
            if struct.unpack_from(self._endian + "I", buf, at + length - 4)[0] != length:
                return self._damaged(at, "a block whose two length fields disagree")
            if struct.unpack_from(self._endian + "I", buf, at)[0] in _PACKET_BLOCKS:
                self.frames += 1
            at += length
        return at
