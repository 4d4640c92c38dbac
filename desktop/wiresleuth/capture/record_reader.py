"""Stream the packet records of a pcap or pcapng file in batches, in bounded memory.

scapy reads a record at a time through Python objects (about 10 µs each); a million-packet
file from a SPAN port needs something closer to the disk. This reader walks the record
headers with one ``struct`` call each, collects the positions of a few megabytes of records
and hands them over as numpy arrays over one buffer (``RecordBatch``). Memory stays at about
two batches whatever the size of the file.

Formats: classic pcap in both byte orders, micro- and nanosecond resolution; pcapng with any
number of sections (each may change byte order) and interfaces (each with its link type,
timestamp resolution and offset); enhanced, simple and obsolete packet blocks; either
gzip-compressed. Damage never stops the reader where it can go on: a record whose length is
impossible is reported, and the reader looks for the next plausible record; a file cut inside
a record gives the part that is there. Frame numbers follow Wireshark's (every packet record
counts) up to the first damage, where Wireshark stops reading; after a skipped stretch of
garbage they count the damaged record as one frame (an empty one, of no interface), and the
first such skip says in its warning that later numbers are this reader's own
(``renumbered_after``): the skipped bytes may have held any number of packets. (A file that
came whole through our own pcapng writing and redaction never has such damage; a bundle
sample of C1 once did, masked by an older redaction: see tests/capture/samples/damaged.)

Hostile files are bounded too: only a regular file is opened (a FIFO or a device is refused,
never waited on); a gzip stream may expand at most MAX_EXPANSION-fold; interfaces are
limited in number and must declare a timestamp resolution and offset a 64-bit tick count
can express, or the file is refused with a plain CaptureFileError; per-interface figures
live in arrays that grow by doubling, and a new section (in the same byte order) or a
damaged block does not end a batch, so a file of fifty thousand sections reads in linear
time; the search past damage widens step by step, so its cost follows the distance skipped.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import math
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wiresleuth.errors import CaptureFileError
from wiresleuth.input_files.regular import open_regular
from wiresleuth.model.capture_gap import CaptureGap, merged

MAX_RECORD = 262_144
"""Largest captured length accepted in a record (libpcap's and Wireshark's limit)."""
BATCH_BYTES = 16 << 20
"""Bytes of file read per batch: the reader's memory is about twice this."""
_MAX_BLOCK = MAX_RECORD + 65_536 * 4
"""Largest pcapng block accepted (a packet plus generous options)."""
_RESYNC_WINDOW = 4 << 20
"""How far past a damaged record the reader looks for the next plausible one."""
_MAX_NOTES = 10
MAX_INTERFACES = 100_000
"""Interface description blocks accepted in one file (real files hold a handful per section)."""
MAX_RESOLUTION = 10**18
"""Finest timestamp resolution accepted, in ticks per second (10**18 still fits the signed
64-bit arithmetic of the reader; if_tsresol allows up to 10**127)."""
MAX_TIME_OFFSET = 1 << 40
"""Largest pcapng if_tsoffset accepted, in seconds (some 35 000 years)."""
MAX_EXPANSION = 100
"""A gzip-compressed file may expand to at most this many times its size ..."""
EXPANSION_FLOOR = 256 << 20
"""... or to this many bytes, whichever is more (a decompression bomb stops there)."""
LATEST_TIME = float(1 << 34)
"""Timestamps outside [0, this) (the year 2514) are impossible: such a frame takes its
predecessor's time and the damage is noted."""
_RESYNC_STEPS = (4096, 65_536, 1 << 20)

_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000),
    b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000),
    b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000),
}
_SHB = 0x0A0D0D0A
_BYTE_ORDER = 0x1A2B3C4D
_IDB, _PB, _SPB, _EPB = 1, 2, 3, 6
_GZIP = b"\x1f\x8b"

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class Interface:
    """A capture interface of a pcapng file (a pcap file has one)."""

    linktype: int
    """LINKTYPE value of its frames."""
    snaplen: int
    """Snap length it was captured with (0: unlimited)."""
    resolution: int
    """Timestamp units per second."""
    offset: int = 0
    """Seconds added to every timestamp (pcapng if_tsoffset)."""
    name: str | None = None
    """Interface name, when the file says."""


@dataclass(frozen=True, kw_only=True)
class RecordBatch:
    """Consecutive packet records; frame ``i`` is ``buffer[offsets[i]:offsets[i] + caplens[i]]``."""

    buffer: bytes | bytearray
    """The bytes the frames lie in (never changed once handed out)."""
    first_number: int
    """Frame number (1-based) of the first record."""
    offsets: I64
    """Where each frame starts in ``buffer``."""
    caplens: I64
    """Captured bytes of each frame."""
    wirelens: I64
    """Length of each frame on the wire."""
    times: F64
    """Timestamps, epoch seconds."""
    linktypes: I64
    """Link type of each frame."""
    interfaces: I64
    """Index of each frame's interface in ``CaptureReader.interfaces`` (file order)."""
    file_offset: int | None = None
    """Where ``buffer`` starts in the file (None for a compressed file)."""

    def __len__(self) -> int:
        return len(self.offsets)

    @property
    def numbers(self) -> I64:
        """Frame numbers of the records."""
        return np.arange(self.first_number, self.first_number + len(self), dtype=np.int64)

    def frame(self, index: int) -> bytes:
        """The captured bytes of one frame."""
        start = int(self.offsets[index])
        return bytes(self.buffer[start : start + int(self.caplens[index])])


class _Columns:
    """Per-interface figures as arrays indexed by interface number; they grow by doubling,
    so that a file of many sections never rebuilds them per batch."""

    def __init__(self) -> None:
        self.size = 0
        self.linktype = np.zeros(8, dtype=np.int64)
        self.resolution = np.ones(8, dtype=np.int64)
        self.offset = np.zeros(8, dtype=np.float64)

    def add(self, interface: Interface) -> None:
        if self.size == len(self.linktype):
            self.linktype = np.concatenate([self.linktype, np.zeros_like(self.linktype)])
            self.resolution = np.concatenate([self.resolution, np.ones_like(self.resolution)])
            self.offset = np.concatenate([self.offset, np.zeros_like(self.offset)])
        self.linktype[self.size] = interface.linktype
        self.resolution[self.size] = interface.resolution
        self.offset[self.size] = interface.offset
        self.size += 1

    @staticmethod
    def lookup(column: npt.NDArray[Any], iface: I64, missing: float) -> npt.NDArray[Any]:
        """``column[iface]``, ``missing`` where the interface is -1 (a damaged record)."""
        return np.where(iface >= 0, column[np.maximum(iface, 0)], missing)


@dataclass
class _Notes:
    damage: list[str] = field(default_factory=list)
    damaged_records: int = 0

    def add(self, text: str) -> None:
        self.damaged_records += 1
        if len(self.damage) < _MAX_NOTES:
            self.damage.append(text)


def _open(path: Path) -> tuple[io.BufferedIOBase, io.BufferedIOBase, bytes, bool]:
    """The file (decompressing), the file itself, its first bytes, whether compressed."""
    raw = open_regular(path, what="a capture file", error=CaptureFileError)
    head = raw.read(4)
    if not head:
        raw.close()
        raise CaptureFileError(f"{path.name} is empty: it holds no capture")
    raw.seek(0)
    if head[:2] != _GZIP:
        return raw, raw, head, False
    stream = gzip.GzipFile(fileobj=raw, mode="rb")
    try:
        head = stream.read(4)
        stream.seek(0)
    except (OSError, EOFError, zlib.error) as exc:
        stream.close()
        raw.close()
        raise CaptureFileError(
            f"{path.name} is compressed (gzip) but damaged: it has no readable capture ({exc})"
        ) from exc
    return stream, raw, head, True


def _check_head(path: Path, head: bytes) -> None:
    magics = (*_PCAP_MAGICS, struct.pack("<I", _SHB))
    if len(head) < 4 and any(m.startswith(head) for m in magics):
        raise CaptureFileError(f"{path.name} is cut off inside its file header")
    if head not in magics:
        raise CaptureFileError(
            f"{path.name} is not a capture file: pcap and pcapng files start with a known "
            f"signature, this one starts with {head.hex(' ')}"
        )


class CaptureReader:
    """Packet records of one capture file, batch by batch (use as a context manager)."""

    def __init__(
        self, path: Path, *, batch_bytes: int = BATCH_BYTES, max_packets: int | None = None
    ) -> None:
        self.path = Path(path)
        self.batch_bytes = max(batch_bytes, 1 << 16)
        self.max_packets = max_packets
        self.interfaces: list[Interface] = []
        """Every interface seen, in file order (RecordBatch.interfaces indexes this)."""
        self._columns = _Columns()
        self.packets = 0
        """Packet records read so far (damaged ones included)."""
        self.compressed = False
        """Whether the file was gzip-compressed."""
        self.format = ""
        """"pcap" or "pcapng"."""
        self.renumbered_after: int | None = None
        """The last frame numbered as Wireshark numbers it when damage was skipped and the
        reading went on (Wireshark stops at the damage: the frames after it are numbered by
        this reader alone); None when no damage was skipped."""
        self._notes = _Notes()
        self._ending: list[str] = []
        self._gaps: list[CaptureGap] = []
        self._damaged_end = False
        self._stream, self._raw, head, self.compressed = _open(self.path)
        self._expanded = 0
        self._expansion_limit: int | None = None
        if self.compressed:
            size = os.fstat(self._raw.fileno()).st_size
            self._expansion_limit = max(size * MAX_EXPANSION, EXPANSION_FLOOR)
        self._buf: bytes | bytearray = b""
        self._pos = 0
        self._base = 0  # file offset of self._buf[0]
        self._eof = False
        self._last_time = 0.0
        try:
            _check_head(self.path, head)
            if head == struct.pack("<I", _SHB):
                self.format = "pcapng"
                self._section: list[int] = []  # interface indexes of the current section
                self._endian = "<"
                if not self._section_header():
                    raise CaptureFileError(
                        f"{self.path.name} has a damaged or truncated file header and cannot "
                        "be read (its first section header block is incomplete)"
                    )
            else:
                self.format = "pcap"
                self._read_pcap_header(head)
        except BaseException:
            self.close()
            raise

    # -- plumbing -------------------------------------------------------------------------

    def __enter__(self) -> CaptureReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (batches already handed out stay valid)."""
        self._stream.close()
        self._raw.close()

    @property
    def bytes_read(self) -> int:
        """Bytes of the (uncompressed) file handed out so far, for progress."""
        return self._base + self._pos

    @property
    def gaps(self) -> tuple[CaptureGap, ...]:
        """Where frames were lost to damage (a skipped record or block, a damaged header, a
        file cut or damaged at its end): the rules about loss leave those stretches alone."""
        ending = [CaptureGap(after=self.packets, before=None)] if self._damaged_end else []
        return merged(self._gaps + ending)

    def _lost(self, after: int, before: int | None) -> None:
        self._gaps.append(CaptureGap(after=after, before=before))

    @property
    def warnings(self) -> list[str]:
        """Plain-language notes about damage, cut records and limits, in order."""
        notes = list(self._notes.damage)
        if self._notes.damaged_records > _MAX_NOTES:
            notes.append(f"{self._notes.damaged_records} damaged records in all were skipped")
        return notes + self._ending

    def _read_into(self, view: memoryview) -> int:
        """Fill ``view`` from the file as far as it goes; the bytes read."""
        done = 0
        try:
            while done < len(view):
                got = self._stream.readinto(view[done:])
                if not got:
                    break
                done += got
        except (OSError, EOFError, zlib.error) as exc:
            self._eof = True
            self._damaged_end = True
            self._ending.append(
                f"the compressed file is damaged after packet {self.packets} ({exc}); "
                "later packets could not be read"
            )
        self._expanded += done
        if self._expansion_limit is not None and self._expanded > self._expansion_limit:
            raise CaptureFileError(
                f"{self.path.name} expands more than {MAX_EXPANSION}-fold when decompressed "
                f"(over {self._expansion_limit >> 20} MB from "
                f"{os.fstat(self._raw.fileno()).st_size} bytes): a capture does not compress "
                "that well, so it is refused as a decompression bomb; if you trust it, "
                "decompress it (gunzip) and open the result"
            )
        return done

    def _unread(self) -> int:
        """Bytes a read may give: the rest of an uncompressed file and some more (what is
        buffered, at least 64 KB: a file still being written is read on, in steps that
        double), so a small file's read does not zero a whole batch's buffer (16 MB, some
        3 ms each time); a compressed one's expanded size is not known."""
        if not self.compressed:
            with contextlib.suppress(OSError):
                rest = os.fstat(self._raw.fileno()).st_size - self._raw.tell()
                return max(rest, 0) + max(len(self._buf), 1 << 16)
        return 1 << 62

    def _fill(self, need: int) -> bool:
        """Make at least ``need`` bytes available from ``_pos``; False at the end of file."""
        while len(self._buf) - self._pos < need and not self._eof:
            # A new buffer each time (batches handed out keep the old one), read into place:
            # the bytes left over are copied once, the new ones not at all.
            left = len(self._buf) - self._pos
            size = min(max(self.batch_bytes, need), self._unread())
            buf = bytearray(left + size)
            buf[:left] = memoryview(self._buf)[self._pos :]
            got = self._read_into(memoryview(buf)[left:])
            if not got:
                self._eof = True
                break
            if got < size:
                del buf[left + got :]
            self._base += self._pos
            self._buf = buf
            self._pos = 0
        return len(self._buf) - self._pos >= need

    # -- pcap -------------------------------------------------------------------------------

    def _read_pcap_header(self, head: bytes) -> None:
        self._endian, resolution = _PCAP_MAGICS[head]
        if not self._fill(24):
            raise CaptureFileError(
                f"{self.path.name} has a damaged or truncated file header and cannot be read "
                f"(it ends after {len(self._buf)} bytes)"
            )
        _, _, _, _, snaplen, linktype = struct.unpack_from(self._endian + "HHiIII", self._buf, 4)
        # The upper bits of the link type field carry FCS information, not the type.
        self._add_interface(
            Interface(linktype=linktype & 0xFFFF, snaplen=snaplen, resolution=resolution)
        )
        self._pos = 24

    def _pcap_plausible(self, data: npt.NDArray[np.uint8], limit: int) -> I64:
        """Offsets in ``data`` (up to ``limit``) where a believable record header starts."""
        count = len(data) - 16
        if count <= 0:
            return np.zeros(0, dtype=np.int64)
        count = min(count, limit)
        dtype = np.dtype(self._endian + "u4")

        def word(at: int) -> npt.NDArray[np.uint32]:
            view = np.lib.stride_tricks.as_strided(data[at:], shape=(count, 4), strides=(1, 1))
            return np.ascontiguousarray(view).view(dtype).reshape(count)

        seconds, fraction, caplen, wirelen = word(0), word(4), word(8), word(12)
        resolution = self.interfaces[0].resolution
        ok = (caplen > 0) & (caplen <= MAX_RECORD) & (wirelen >= caplen)
        ok &= (wirelen <= MAX_RECORD * 4) & (fraction < resolution)
        if self._last_time:
            ok &= np.abs(seconds.astype(np.float64) - self._last_time) < 86_400 * 7
        return np.flatnonzero(ok).astype(np.int64)

    def _pcap_resync(self, number: int, bad: int) -> bool:
        """After an impossible record at ``_pos``: skip to the next plausible one.

        The search widens step by step (4 KiB, 64 KiB, 1 MiB, then _RESYNC_WINDOW), so that
        damage followed closely by good records costs little however often it occurs.
        """
        for window in (*_RESYNC_STEPS, _RESYNC_WINDOW):
            self._fill(window + 64)
            found = self._pcap_candidate(window)
            if found is not None:
                at = found
                self._notes.add(
                    f"packet {number} has an impossible length ({bad} bytes): the file is "
                    f"damaged there; {at - self._pos} bytes were skipped to the next readable "
                    f"packet{self._renumbering(number - 1, number + 1)}"
                )
                self._lost(number - 1, number + 1)
                self._pos = at
                return True
            if len(self._buf) - self._pos < window + 64:
                break  # the file ends within this window: a wider one holds nothing more
        self._notes.add(
            f"packet {number} has an impossible length ({bad} bytes): the file is damaged "
            "there and no readable packet follows it"
        )
        self._damaged_end = True
        self._pos = len(self._buf)
        return False

    def _pcap_candidate(self, window: int) -> int | None:
        """The first confirmed record start within ``window`` bytes after ``_pos``."""
        start = self._pos
        buf = self._buf
        data = np.frombuffer(buf, dtype=np.uint8)[start + 1 : start + 1 + window + 32]
        unpack = struct.Struct(self._endian + "IIII").unpack_from
        for candidate in self._pcap_plausible(data, window).tolist():
            at = start + 1 + int(candidate)
            caplen = unpack(buf, at)[2]
            after = at + 16 + caplen
            if after + 16 <= len(buf):
                following = np.frombuffer(buf, dtype=np.uint8, count=17, offset=after)
                confirmed = bool(len(self._pcap_plausible(following, 1)))
            else:
                confirmed = self._eof and after <= len(buf)
            if confirmed:
                return at
        return None

    def _pcap_batch(self) -> RecordBatch | None:
        unpack = struct.Struct(self._endian + "I").unpack_from
        self._fill(self.batch_bytes)
        while True:
            if not self._fill(16):
                return self._pcap_tail()
            caplen = unpack(self._buf, self._pos + 8)[0]
            if caplen > MAX_RECORD:
                self.packets += 1  # the damaged record keeps a frame number
                if not self._pcap_resync(self.packets, caplen):
                    return None
                continue
            if not self._fill(16 + caplen):
                return self._pcap_tail()
            break
        buf, pos = self._buf, self._pos
        end = len(buf)
        positions: list[int] = []
        append = positions.append
        last = end - 16  # the last position where a whole record header fits
        if self.max_packets is not None:
            last = min(last, _limit(buf, pos, self._budget(), unpack))
        while pos <= last:
            caplen = unpack(buf, pos + 8)[0]
            nxt = pos + 16 + caplen
            if nxt > end or caplen > MAX_RECORD:
                break  # damage or a record across the buffer's end: the next batch sees it
            append(pos)
            pos = nxt
        self._pos = pos
        return self._pcap_records(positions)

    def _pcap_records(self, positions: list[int]) -> RecordBatch:
        at = np.asarray(positions, dtype=np.int64)
        data = np.frombuffer(self._buf, dtype=np.uint8)
        words = data[at[:, None] + np.arange(16)].view(self._endian + "u4").astype(np.int64)
        seconds, fraction, caplen, wirelen = words[:, 0], words[:, 1], words[:, 2], words[:, 3]
        resolution = self.interfaces[0].resolution
        times = seconds.astype(np.float64) + fraction / float(resolution)
        return self._batch(at + 16, caplen, wirelen, times, np.zeros(len(at), dtype=np.int64))

    def _pcap_tail(self) -> RecordBatch | None:
        """At the end of the file: a record cut short, or stray bytes, or nothing."""
        left = len(self._buf) - self._pos
        if left == 0:
            return None
        self._damaged_end = True
        if left < 16:
            self._ending.append(
                f"the file ends with {left} bytes that are not a whole packet record "
                "(the capture was cut off or damaged)"
            )
            self._pos = len(self._buf)
            return None
        seconds, fraction, caplen, wirelen = struct.unpack_from(
            self._endian + "IIII", self._buf, self._pos
        )
        have = left - 16
        self._lost(self.packets, None)  # the cut packet is kept, short
        self._ending.append(
            f"packet {self.packets + 1} is cut short: the file ends inside it "
            f"({have} of {caplen} bytes)"
        )
        start = self._pos
        self._pos = len(self._buf)
        resolution = self.interfaces[0].resolution
        return self._batch(
            np.asarray([start + 16], dtype=np.int64),
            np.asarray([have], dtype=np.int64),
            np.asarray([wirelen], dtype=np.int64),
            np.asarray([seconds + fraction / resolution], dtype=np.float64),
            np.zeros(1, dtype=np.int64),
        )

    # -- pcapng -----------------------------------------------------------------------------

    def _byte_order(self, at: int) -> str | None:
        """The byte order a section header block at ``at`` declares (12 bytes must be there)."""
        magic = self._buf[at + 8 : at + 12]
        if magic == struct.pack("<I", _BYTE_ORDER):
            return "<"
        if magic == struct.pack(">I", _BYTE_ORDER):
            return ">"
        return None

    def _section_header(self) -> int | None:
        """Read the section header block at ``_pos``; its length, or None if unreadable."""
        if not self._fill(12):
            return None
        endian = self._byte_order(self._pos)
        if endian is None:
            return None
        self._endian = endian
        (length,) = struct.unpack_from(self._endian + "I", self._buf, self._pos + 4)
        if length < 28 or length % 4 or length > _MAX_BLOCK:
            return None
        self._section = []
        return int(length)

    def _add_interface(self, interface: Interface) -> None:
        if len(self.interfaces) >= MAX_INTERFACES:
            raise CaptureFileError(
                f"{self.path.name} describes more than {MAX_INTERFACES} capture interfaces: "
                "the file is damaged or not a real capture"
            )
        self.interfaces.append(interface)
        self._columns.add(interface)

    def _interface(self, body: bytes | bytearray) -> Interface:
        number = len(self.interfaces)
        linktype, _, snaplen = struct.unpack_from(self._endian + "HHI", body, 0)
        resolution, offset, name = 1_000_000, 0, None
        pos = 8
        while pos + 4 <= len(body):
            code, length = struct.unpack_from(self._endian + "HH", body, pos)
            value = body[pos + 4 : pos + 4 + length]
            if code == 0:
                break
            if code == 9 and length == 1:
                base, exponent = (2 if value[0] & 0x80 else 10), value[0] & 0x7F
                resolution = base**exponent
                if resolution > MAX_RESOLUTION:
                    raise CaptureFileError(
                        f"{self.path.name} is damaged: interface {number} declares a timestamp "
                        f"resolution of {base}^{exponent} ticks per second (if_tsresol), beyond "
                        f"what any capture uses (at most 10^18)"
                    )
            elif code == 14 and length == 8:
                (offset,) = struct.unpack(self._endian + "q", value)
                if abs(offset) > MAX_TIME_OFFSET:
                    raise CaptureFileError(
                        f"{self.path.name} is damaged: interface {number} declares a time "
                        f"offset of {offset} seconds (if_tsoffset), beyond any real clock"
                    )
            elif code == 2:
                name = value[:256].decode("utf-8", "replace").rstrip("\x00")
            pos += 4 + length + (-length % 4)
        return Interface(
            linktype=linktype, snaplen=snaplen, resolution=max(resolution, 1), offset=offset,
            name=name,
        )  # fmt: skip

    def _pcapng_resync(self, *, may_fill: bool) -> int | None:
        """The position of the next believable block after damage at ``_pos`` (None: none).

        The search widens step by step, so its cost follows the distance to the next block.
        Without ``may_fill`` only the buffer is searched, and None also means "the buffer
        ends before the answer" (unless the file ends there too).
        """
        unpack = struct.Struct(self._endian + "II").unpack_from
        tail = struct.Struct(self._endian + "I").unpack_from
        for window in (*_RESYNC_STEPS, _RESYNC_WINDOW):
            if may_fill:
                self._fill(window + 64)
            buf, at = self._buf, self._pos
            stop = min(len(buf) - 12, at + window)
            for candidate in range(at + 4, stop, 4):
                kind, length = unpack(buf, candidate)
                if kind not in (_IDB, _PB, _SPB, _EPB, 4, 5, _SHB) or length < 12 or length % 4:
                    continue
                if length > _MAX_BLOCK:
                    continue
                if candidate + length > len(buf):
                    if not may_fill and not self._eof:
                        return None  # the block may be whole once the buffer is refilled
                    continue
                if tail(buf, candidate + length - 4)[0] == length:
                    return candidate
            if len(buf) - at < window + 64:
                break
        return None

    def _pcapng_batch(self) -> RecordBatch | None:
        self._fill(self.batch_bytes)
        epb: list[int] = []
        others: dict[int, tuple[int, int, int, int, float]] = {}
        sections: list[tuple[int, list[int]]] = [(0, self._section)]
        budget = self._budget()
        # Positions point into the current buffer: once one is collected, nothing may refill
        # it (a refill moves the bytes); anything that needs more data ends the batch.
        while len(epb) + len(others) < budget:
            collected = bool(epb or others)
            if len(self._buf) - self._pos < 12 and (collected or not self._fill(12)):
                if not collected:
                    self._pcapng_leftover()
                break
            buf, pos = self._buf, self._pos
            kind, length = struct.unpack_from(self._endian + "II", buf, pos)
            if kind == _SHB:
                if collected and self._byte_order(pos) != self._endian:
                    break  # a new byte order: hand over what we have first
                length = self._section_header() or 0  # 12 bytes are there: no refill
                if not length:
                    what = "a damaged section header"
                    if not self._pcapng_skip(what, kind, epb, others, may_fill=not collected):
                        break
                    continue
                if collected:
                    sections.append((len(epb), self._section))
                else:
                    sections = [(0, self._section)]
                buf, pos = self._buf, self._pos
            elif length < 12 or length % 4 or length > _MAX_BLOCK:
                what = f"a block with an impossible length ({length} bytes)"
                if not self._pcapng_skip(what, kind, epb, others, may_fill=not collected):
                    break
                continue
            if len(buf) - pos < length:
                if collected:
                    break
                if not self._fill(length):
                    self._pcapng_cut(self._pos, kind, length)
                    break
                continue
            (trailer,) = struct.unpack_from(self._endian + "I", buf, pos + length - 4)
            if trailer != length:
                what = "a block whose two length fields disagree"
                if not self._pcapng_skip(what, kind, epb, others, may_fill=not collected):
                    break
                continue
            self._pos = pos + length
            if kind == _EPB:
                epb.append(pos)
            elif kind in (_SPB, _PB):
                others[len(epb) + len(others)] = self._other_packet(kind, pos, length)
            elif kind == _IDB and length >= 20:
                interface = self._interface(buf[pos + 8 : pos + length - 4])
                self._section.append(len(self.interfaces))
                self._add_interface(interface)
        if not epb and not others:
            return None
        return self._pcapng_records(epb, others, sections)

    def _pcapng_leftover(self) -> None:
        left = len(self._buf) - self._pos
        if left:
            self._damaged_end = True
            self._ending.append(
                f"the file ends with {left} bytes that are not a whole block "
                "(the capture was cut off or damaged)"
            )
            self._pos = len(self._buf)

    def _pcapng_skip(
        self,
        what: str,
        kind: int,
        epb: list[int],
        others: dict[int, tuple[int, int, int, int, float]],
        *,
        may_fill: bool,
    ) -> bool:
        """Skip the damage at ``_pos`` to the next believable block; a damaged packet block
        keeps its frame number (an empty frame of no interface in ``others``), as a damaged
        pcap record does. False (and nothing done) when that needs more than the buffer
        holds and ``may_fill`` is False: the caller hands over its batch and the next one
        starts here."""
        done = len(epb) + len(others)
        nxt = self._pcapng_resync(may_fill=may_fill)
        if nxt is None and not may_fill and not self._eof:
            return False
        before = self.packets + done  # frames read before the damage
        if nxt is None:
            self._notes.add(
                f"the file is damaged after frame {before} ({what}); later packets could not "
                "be read"
            )
            self._pos = len(self._buf)
            self._eof = True
            self._damaged_end = True
            return True
        skipped = nxt - self._pos
        self._pos = nxt
        if kind in (_EPB, _SPB, _PB):
            others[done] = (nxt, 0, 0, -1, math.nan)  # no time: the previous frame's
            self._notes.add(
                f"frame {before + 1} is damaged ({what}); {skipped} bytes were skipped to the "
                f"next readable block{self._renumbering(before, before + 2)}"
            )
        else:
            self._lost(before, before + 1)
            self._notes.add(
                f"the file is damaged after frame {before} ({what}); {skipped} bytes were "
                f"skipped to the next readable block{self._renumbering(before, before + 1)}"
            )
        return True

    def _renumbering(self, before: int, first: int) -> str:
        """What skipped damage does to frame numbers (said once: at the first damage)."""
        if self.renumbered_after is not None:
            return ""
        self.renumbered_after = before
        return (
            f". Wireshark stops reading the file at this damage and shows frames 1 to {before} "
            f"only; the frames after it are numbered from {first} on by WireSleuth alone, and "
            "the skipped bytes may have held more packets, so these numbers may not be those "
            "of the capture as it was written"
        )

    def _pcapng_cut(self, pos: int, kind: int, length: int) -> None:
        have = len(self._buf) - pos
        self._pos = len(self._buf)
        self._damaged_end = True
        if kind in (_EPB, _SPB, _PB):
            self._ending.append(
                f"packet {self.packets + 1} is cut short: the file ends inside it "
                f"({have} of {length} bytes of its block); it was left out"
            )
        else:
            self._ending.append(
                f"the file ends with {have} bytes that are not a whole block "
                "(the capture was cut off or damaged)"
            )

    def _other_packet(self, kind: int, pos: int, length: int) -> tuple[int, int, int, int, float]:
        """(data offset, caplen, wirelen, interface, time) of a simple or obsolete packet block
        (interface -1: damaged, kept so that later frames keep their numbers)."""
        buf = self._buf
        if kind == _SPB:
            if not self._section or length < 16:
                self._notes.add(f"packet {self.packets + 1} names no interface; skipped")
                return pos, 0, 0, -1, self._last_time
            (wirelen,) = struct.unpack_from(self._endian + "I", buf, pos + 8)
            iface = self._section[0]
            snap = self.interfaces[iface].snaplen or MAX_RECORD
            caplen = min(wirelen, snap, length - 16)
            return pos + 12, caplen, wirelen, iface, math.nan  # no time: the previous one's
        if length < 32:
            self._notes.add(f"packet {self.packets + 1} has a damaged header; skipped")
            return pos, 0, 0, -1, self._last_time
        local, _, high, low, caplen, wirelen = struct.unpack_from(
            self._endian + "HHIIII", buf, pos + 8
        )
        if local >= len(self._section) or caplen > length - 32:
            self._notes.add(f"packet {self.packets + 1} has a damaged header; skipped")
            return pos, 0, 0, -1, self._last_time
        iface = self._section[local]
        info = self.interfaces[iface]
        return (
            pos + 28,
            caplen,
            wirelen,
            iface,
            ((high << 32) | low) / info.resolution + info.offset,
        )

    def _pcapng_records(
        self,
        epb: list[int],
        others: dict[int, tuple[int, int, int, int, float]],
        sections: list[tuple[int, list[int]]],
    ) -> RecordBatch | None:
        at = np.asarray(epb, dtype=np.int64)
        data = np.frombuffer(self._buf, dtype=np.uint8)
        words = data[at[:, None] + np.arange(4, 28)].view(self._endian + "u4").astype(np.int64)
        length, local, high, low, caplen, wirelen = (words[:, i] for i in range(6))
        valid = caplen <= length - 32
        iface = np.full(len(at), -1, dtype=np.int64)
        # Each section numbers its interfaces from 0: map local numbers section by section.
        bounds = [first for first, _ in sections[1:]] + [len(at)]
        for (first, section), end in zip(sections, bounds, strict=True):
            part = slice(first, end)
            table = np.asarray(section or [-1], dtype=np.int64)
            known = local[part] < len(section)
            valid[part] &= known
            iface[part] = np.where(known, table[np.minimum(local[part], len(table) - 1)], -1)
        iface = np.where(valid, iface, -1)
        ticks = (high << 32) | low
        res = self._columns.lookup(self._columns.resolution, iface, 1)
        if len(ticks) and int(ticks.max()) >= 1 << 53:
            # Beyond 2**53 a float cannot hold the tick count: divide exactly, as Python does.
            times = np.asarray(
                [t / r for t, r in zip(ticks.tolist(), res.tolist(), strict=True)],
                dtype=np.float64,
            )
        else:
            times = ticks.astype(np.float64) / res.astype(np.float64)
        times = times + self._columns.lookup(self._columns.offset, iface, 0.0)
        if not valid.all():
            # Damaged blocks keep their frame number, as empty frames of no interface.
            positions = np.asarray(sorted(others), dtype=np.int64)
            for index in np.flatnonzero(~valid).tolist():
                if len(self._notes.damage) >= _MAX_NOTES:
                    self._notes.damaged_records += 1
                    continue
                before = int(np.searchsorted(positions, index, side="right"))
                self._notes.add(
                    f"packet {self.packets + 1 + index + before} has a damaged header "
                    "(unknown interface or impossible length); skipped"
                )
            caplen = np.where(valid, caplen, 0)
            wirelen = np.where(valid, wirelen, 0)
            times = np.where(valid, times, self._last_time)
        offsets = at + 28
        if others:
            offsets, caplen, wirelen, times, iface = _insert(
                others, offsets, caplen, wirelen, times, iface
            )
            for index in np.flatnonzero(np.isnan(times)).tolist():
                times[index] = times[index - 1] if index else self._last_time
        return self._batch(offsets, caplen, wirelen, times, iface)

    # -- batches ----------------------------------------------------------------------------

    def _budget(self) -> int:
        if self.max_packets is None:
            return 1 << 62
        return max(self.max_packets - self.packets, 0)

    def _empty(self) -> RecordBatch:
        empty = np.zeros(0, dtype=np.int64)
        return RecordBatch(
            buffer=b"", first_number=self.packets + 1, offsets=empty, caplens=empty,
            wirelens=empty, times=empty.astype(np.float64), linktypes=empty, interfaces=empty,
        )  # fmt: skip

    def _batch(self, offsets: I64, caps: I64, wires: I64, times: F64, iface: I64) -> RecordBatch:
        impossible = ~((times >= 0) & (times < LATEST_TIME))  # NaN included
        if impossible.any():
            times = self._replace_times(times, impossible)
        batch = RecordBatch(
            buffer=self._buf,
            first_number=self.packets + 1,
            offsets=offsets,
            caplens=caps,
            wirelens=wires,
            times=times,
            linktypes=self._columns.lookup(self._columns.linktype, iface, -1),
            interfaces=iface,
            file_offset=None if self.compressed else self._base,
        )
        for index in np.flatnonzero(iface < 0).tolist():
            number = self.packets + 1 + index  # a damaged record, kept as an empty frame
            self._lost(number - 1, number + 1)
        self.packets += len(offsets)
        if len(times):
            self._last_time = float(times[-1])
        return batch

    def _replace_times(self, times: F64, impossible: npt.NDArray[np.bool_]) -> F64:
        """Impossible timestamps (before 1970, after 3058, not a number) take their
        predecessor's, so that no later step meets a date it cannot show."""
        times = times.copy()
        for index in np.flatnonzero(impossible).tolist():
            self._notes.add(
                f"packet {self.packets + 1 + index} has an impossible timestamp "
                f"({times[index]!r} s since 1970); it was given the previous packet's time"
            )
            times[index] = times[index - 1] if index else self._last_time
        return times

    def batches(self) -> Iterator[RecordBatch]:
        """Every record of the file, a few megabytes at a time."""
        read = self._pcap_batch if self.format == "pcap" else self._pcapng_batch
        while self._budget() > 0:
            batch = read()
            if batch is None:
                break
            if len(batch):
                yield batch
        if self.max_packets is not None and self.packets >= self.max_packets and not self._at_end():
            self._ending.append(f"only the first {self.max_packets} packets were read")

    def _at_end(self) -> bool:
        return not self._fill(1)


def _limit(buf: bytes | bytearray, pos: int, budget: int, unpack: Any) -> int:
    """The position of the last record header to read when only ``budget`` more records
    are wanted (max_packets)."""
    for _ in range(max(budget - 1, 0)):
        if pos + 16 > len(buf):
            break
        pos += 16 + unpack(buf, pos + 8)[0]
    return pos if budget > 0 else pos - 1


def _insert(
    others: dict[int, tuple[int, int, int, int, float]],
    offsets: I64,
    caps: I64,
    wires: I64,
    times: F64,
    iface: I64,
) -> tuple[I64, I64, I64, F64, I64]:
    """Merge the simple/obsolete packet blocks (by batch position) among the EPBs."""
    total = len(offsets) + len(others)
    is_other = np.zeros(total, dtype=bool)
    is_other[list(others)] = True
    out_off = np.zeros(total, dtype=np.int64)
    out_cap = np.zeros(total, dtype=np.int64)
    out_wire = np.zeros(total, dtype=np.int64)
    out_time = np.zeros(total, dtype=np.float64)
    out_iface = np.zeros(total, dtype=np.int64)
    rest = ~is_other
    out_off[rest], out_cap[rest], out_wire[rest] = offsets, caps, wires
    out_time[rest], out_iface[rest] = times, iface
    for index, (offset, caplen, wirelen, interface, when) in others.items():
        out_off[index], out_cap[index], out_wire[index] = offset, caplen, wirelen
        out_time[index], out_iface[index] = when, interface
    return out_off, out_cap, out_wire, out_time, out_iface
