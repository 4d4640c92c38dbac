"""Read pcap and pcapng files into PacketRecords, surviving damaged files.

A file from a user may be anything: truncated by a full disk, written by a tool we never
heard of, or not a capture at all. Whole-file problems raise CaptureFileError with a plain
message; damage inside the file becomes a warning and the readable part is still analysed.
"""

from __future__ import annotations

import logging
import os
import struct
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from wiresleuth.capture.decode import DECODED_LINKTYPES, decode_frame
from wiresleuth.errors import CaptureFileError
from wiresleuth.input_files.regular import open_regular
from wiresleuth.model.packet import PacketRecord

_PCAP_MAGICS = {
    b"\xa1\xb2\xc3\xd4",
    b"\xd4\xc3\xb2\xa1",
    b"\xa1\xb2\x3c\x4d",
    b"\x4d\x3c\xb2\xa1",
}
_PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_DETAILED_WARNINGS = 10
_SCAPY_MAX_RECORD = 65535
"""scapy's readers keep at most this many bytes of a record (longer ones are cut, not lost)."""


@dataclass(frozen=True, kw_only=True)
class CaptureFile:
    """What a capture file held, as far as it could be read."""

    path: Path
    """The file read."""
    records: tuple[PacketRecord, ...]
    """Decoded IP packets, numbered as Wireshark numbers the frames."""
    packets: int
    """Frames read from the file (IP or not)."""
    skipped: int
    """Frames that carry no IP packet we decode (ARP, unknown link type, undecodable)."""
    linktypes: tuple[int, ...]
    """Link types (LINKTYPE values) seen, in order of first appearance."""
    warnings: tuple[str, ...]
    """Plain-language notes about damage or limits (empty for a clean file)."""


class _ScapyWarnings(logging.Handler):
    """Collects scapy's reader warnings emitted by this thread while a file is read."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.thread == self.thread and message.startswith("Pcap"):
            self.messages.append(message)


def linktype_name(linktype: int) -> str:
    """A readable name for a link type ("802.11 plus radiotap header (127)")."""
    if linktype in DECODED_LINKTYPES:
        return f"{DECODED_LINKTYPES[linktype]} ({linktype})"
    try:
        from scapy.libs import winpcapy

        text = winpcapy.pcap_datalink_val_to_description(linktype)
    except (OSError, ImportError, AttributeError):
        text = None
    if text:
        return f"{text.decode('utf-8', 'replace')} ({linktype})"
    return f"link type {linktype}"


def _check_magic(path: Path, handle: BinaryIO) -> None:
    head = handle.read(4)
    handle.seek(0)
    if not head:
        raise CaptureFileError(f"{path.name} is empty: it holds no capture")
    if head[:2] == _GZIP_MAGIC:
        return
    if len(head) < 4 and any(m.startswith(head) for m in (*_PCAP_MAGICS, _PCAPNG_MAGIC)):
        raise CaptureFileError(f"{path.name} is cut off inside its file header")
    if head not in _PCAP_MAGICS and head != _PCAPNG_MAGIC:
        raise CaptureFileError(
            f"{path.name} is not a capture file: pcap and pcapng files start with a known "
            f"signature, this one starts with {head.hex(' ')}"
        )


def _open(path: Path) -> BinaryIO:
    """The file, if it is a regular file (never blocks on a FIFO) and starts like a capture."""
    handle = open_regular(path, what="a capture file", error=CaptureFileError)
    try:
        _check_magic(path, handle)
    except BaseException:
        handle.close()
        raise
    return handle


def _open_reader(path: Path, handle: BinaryIO) -> Any:
    """scapy's pcap/pcapng reader on a file we opened (and close, whatever happens)."""
    from scapy.error import Scapy_Exception
    from scapy.utils import RawPcapReader

    reader_class: Any = RawPcapReader  # typed as taking a path, but takes a file object too
    try:
        return reader_class(handle)
    except (Scapy_Exception, EOFError, OSError, ValueError) as exc:
        raise CaptureFileError(
            f"{path.name} has a damaged or truncated file header and cannot be read ({exc})"
        ) from exc


def _frame_meta(reader: Any, meta: Any) -> tuple[int, float]:
    """Link type and timestamp of a record, for pcap and pcapng metadata alike."""
    if hasattr(meta, "tsresol"):
        resolution = meta.tsresol or 1_000_000
        return int(meta.linktype), ((meta.tshigh << 32) | meta.tslow) / resolution
    divisor = 1e9 if getattr(reader, "nano", False) else 1e6
    # The upper bits of a pcap header's link type carry FCS information, not the type.
    return int(reader.linktype) & 0xFFFF, meta.sec + meta.usec / divisor


def _position(reader: Any) -> int | None:
    """Where the reader stands in the file (None for compressed files: no byte offsets)."""
    handle = getattr(reader, "f", None)
    if handle is None or not hasattr(handle, "tell") or handle.__class__.__name__ == "GzipFile":
        return None
    try:
        return int(handle.tell())
    except (OSError, ValueError):
        return None


def _unread_tail(path: Path, position: int, reader: Any) -> tuple[int, int]:
    """After the reader stopped at ``position``: (bytes of an incomplete last record,
    complete packet records it did not read). Both 0 for a file that simply ended."""
    try:
        with open_regular(path, what="a capture file", error=CaptureFileError) as handle:
            size = os.fstat(handle.fileno()).st_size
            if not hasattr(reader, "interfaces"):  # classic pcap: nothing but records
                return size - position, 0
            endian = ">" if getattr(reader, "endian", "<") in (">", "!") else "<"
            unread = 0
            while position < size:
                handle.seek(position)
                head = handle.read(8)
                if len(head) < 8:
                    return size - position, unread
                kind, length = struct.unpack(endian + "II", head)
                if kind == 0x0A0D0D0A:  # a new section (maybe another byte order): stop here
                    return 0, unread + 1
                if length < 12 or length % 4 or position + length > size:
                    return size - position, unread
                unread += kind in (2, 3, 6)  # packet, simple packet, enhanced packet blocks
                position += length
        return 0, unread
    except (OSError, CaptureFileError):
        return 0, 0


def _reader_message(messages: list[str]) -> str:
    text = messages[-1] if messages else ""
    return text.removeprefix("more ").strip()


def read_capture(path: Path, *, max_packets: int | None = None) -> CaptureFile:
    """Read a pcap or pcapng file (optionally gzip-compressed) into PacketRecords."""
    path = Path(path)
    handle = _open(path)
    records: list[PacketRecord] = []
    notes: list[str] = []
    linktypes: dict[int, None] = {}
    unknown: Counter[int] = Counter()
    failed = number = 0
    handler = _ScapyWarnings()
    scapy_log = logging.getLogger("scapy.runtime")
    scapy_log.addHandler(handler)
    try:
        reader = _open_reader(path, handle)
        try:
            iterator = iter(reader)
            while True:
                if max_packets is not None and number >= max_packets:
                    notes.append(f"only the first {max_packets} packets were read")
                    break
                position = _position(reader)
                try:
                    data, meta = next(iterator)
                except StopIteration:
                    notes += _ending(path, reader, position, number, handler.messages)
                    break
                except Exception as exc:  # a foreign parser on hostile input: never fatal
                    notes.append(
                        f"the file is damaged after packet {number} ({type(exc).__name__}: "
                        f"{exc}); later packets could not be read"
                    )
                    break
                number += 1
                caplen = getattr(meta, "caplen", None)
                if caplen is not None and len(data) < min(caplen, _SCAPY_MAX_RECORD):
                    notes.append(f"packet {number} is cut short: the file ends inside it")
                record, problem = _decode(reader, (data, meta), number, linktypes, unknown)
                if record is not None:
                    records.append(record)
                elif problem:
                    failed += 1
                    if failed <= _MAX_DETAILED_WARNINGS:
                        notes.append(problem)
        finally:
            reader.close()
    finally:
        handle.close()
        scapy_log.removeHandler(handler)
    return _result(path, records, number, failed, linktypes, unknown, notes)


def _ending(
    path: Path, reader: Any, position: int | None, number: int, messages: list[str]
) -> list[str]:
    """Notes on how the file ended: cleanly, cut inside a record, or damaged before its end."""
    reason = _reader_message(messages)
    if position is None:  # compressed: only the reader can tell
        return [f"the file is damaged after packet {number} ({reason})"] if reason else []
    incomplete, unread = _unread_tail(path, position, reader)
    notes = []
    if unread:
        because = f" ({reason})" if reason else ""
        notes.append(
            f"the file is damaged after packet {number}{because}: {unread} further packet "
            "records could not be read"
        )
    if incomplete:
        notes.append(
            f"the file ends with {incomplete} bytes that are not a whole packet record "
            "(the capture was cut off or damaged)"
        )
    return notes


def _decode(
    reader: Any,
    item: tuple[bytes, Any],
    number: int,
    linktypes: dict[int, None],
    unknown: Counter[int],
) -> tuple[PacketRecord | None, str | None]:
    """The record of one frame, or None and why (None, None: not an IP packet)."""
    data, meta = item
    try:
        linktype, when = _frame_meta(reader, meta)
    except (AttributeError, TypeError, ValueError, OverflowError) as exc:
        return None, f"packet {number} has a damaged record header ({exc})"
    linktypes.setdefault(linktype, None)
    if linktype not in DECODED_LINKTYPES:
        unknown[linktype] += 1
        return None, None
    try:
        return decode_frame(data, linktype, number=number, time=when), None
    except Exception as exc:  # scapy dissectors on malformed frames: skip the frame
        return None, f"packet {number} could not be decoded ({type(exc).__name__}: {exc})"


def _result(
    path: Path,
    records: list[PacketRecord],
    number: int,
    failed: int,
    linktypes: dict[int, None],
    unknown: Counter[int],
    warnings: list[str],
) -> CaptureFile:
    if number and sum(unknown.values()) == number:
        names = ", ".join(linktype_name(lt) for lt in unknown)
        raise CaptureFileError(
            f"{path.name} holds only packets of a kind this program does not decode ({names}); "
            "it reads Ethernet, Linux cooked, raw IP and loopback captures"
        )
    notes = list(dict.fromkeys(warnings))
    if failed > _MAX_DETAILED_WARNINGS:
        notes.append(f"{failed} packets in all could not be decoded and were skipped")
    for linktype, count in unknown.items():
        notes.append(f"{count} packets of {linktype_name(linktype)} were skipped (not decoded)")
    if number == 0:
        notes.append("the file holds no packets")
    return CaptureFile(
        path=path,
        records=tuple(records),
        packets=number,
        skipped=number - len(records),
        linktypes=tuple(linktypes),
        warnings=tuple(notes),
    )
