"""One streaming pass over a capture file: decode in batches, feed the passive analysis.

This is the glue between the fast reader (``record_reader`` + ``fast_decode``, numpy) and the
pure analysis (``analysis.passive_tcp``, plain Python lists): each batch of frames becomes
columns, the TCP segments among them go to the TCP analyser, DNS messages and ICMP errors to
their own collectors, and nothing else is kept. Memory is a batch plus the per-conversation
summaries, whatever the size of the file.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wiresleuth.analysis.icmp import QUOTE_BYTES
from wiresleuth.analysis.passive_model import DnsMessage, IcmpNote, PassiveCapture
from wiresleuth.analysis.passive_tcp import (
    PREFIX_BUDGET,
    TcpAnalyser,
    TcpConversation,
    TcpSegments,
    conversation_keys,
)
from wiresleuth.capture.fast_decode import (
    ICMP_HEADER,
    IP_PACKET,
    TCP_HEADER,
    UDP_HEADER,
    AddressBook,
    Columns,
    decode_batch,
)
from wiresleuth.capture.fast_records import count_frames, tcp_options
from wiresleuth.capture.record_reader import CaptureReader, Interface, RecordBatch
from wiresleuth.errors import CaptureFileError
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.packet import SYN
from wiresleuth.sources.scan_worker import LISTS, analyse_share

I64 = npt.NDArray[np.int64]
log = logging.getLogger(__name__)

DNS_PORT = 53
MAX_DNS_MESSAGES = 200_000
"""DNS messages kept for the resolver findings (the rest are counted)."""
MAX_ICMP = 100_000
"""ICMP packets kept for path evidence."""


@dataclass(frozen=True, kw_only=True)
class FileScan:
    """Everything one pass over a capture file found."""

    path: Path
    """The file."""
    format: str
    """pcap or pcapng."""
    compressed: bool
    """gzip-compressed."""
    size: int
    """Bytes of capture read: the file's size, or its decompressed size when compressed."""
    packets: int
    """Frames in the file."""
    ip_packets: int
    """Frames that carry an IP packet."""
    first_time: float | None
    """Time of the first frame."""
    last_time: float | None
    """Time of the last frame."""
    interfaces: tuple[Interface, ...]
    """Capture interfaces (link types)."""
    unknown_links: dict[int, int]
    """Link types not decoded -> frames."""
    undecodable: int
    """Frames too short for their own headers."""
    warnings: tuple[str, ...]
    """Damage and limits, in words."""
    conversations: tuple[TcpConversation, ...]
    """TCP conversations, in order of first packet."""
    dns: tuple[DnsMessage, ...]
    """DNS messages over UDP (port 53)."""
    icmp: tuple[IcmpNote, ...]
    """ICMP packets (first ones)."""
    gaps: tuple[CaptureGap, ...] = ()
    """Where the file is damaged: frames lost there (the reader's ``gaps``)."""

    def passive(self) -> PassiveCapture:
        """What the passive findings read."""
        return PassiveCapture(
            name=self.path.name,
            conversations=self.conversations,
            dns=self.dns,
            icmp=self.icmp,
            gaps=self.gaps,
        )


@dataclass
class _Collect:
    dns: list[DnsMessage] = field(default_factory=list)
    dns_dropped: int = 0
    icmp: list[IcmpNote] = field(default_factory=list)
    unknown: dict[int, int] = field(default_factory=dict)
    undecodable: int = 0
    ip_packets: int = 0
    first: float | None = None
    last: float | None = None


def _macs(data: npt.NDArray[np.uint8], at: I64) -> I64:
    """48-bit numbers of the Ethernet addresses at ``at`` (-1 stays -1)."""
    out = np.full(len(at), -1, dtype=np.int64)
    has = at >= 0
    if has.any():
        pos = at[has]
        value = np.zeros(len(pos), dtype=np.int64)
        for k in range(6):
            value = (value << 8) | data[pos + k].astype(np.int64)
        out[has] = value
    return out


def tcp_rows(cols: Columns) -> I64:
    """The frames of a decoded batch that carry a TCP segment Wireshark would analyse."""
    return np.flatnonzero(
        (cols.status == IP_PACKET) & (cols.transport == TCP_HEADER) & (cols.ip_valid == 1)
    )


def segment_columns(batch: RecordBatch, cols: Columns, rows: I64) -> dict[str, npt.NDArray[Any]]:
    """The analysis' columns for the TCP segments at ``rows`` (numpy arrays)."""
    data = np.frombuffer(batch.buffer, dtype=np.uint8)
    flags = cols.flags[rows]
    mss = np.full(len(rows), -1, dtype=np.int64)
    wscale = np.full(len(rows), -1, dtype=np.int64)
    for index in np.flatnonzero(flags & SYN).tolist():
        row = rows[index]
        start, end = int(cols.options_start[row]), int(cols.options_end[row])
        if end > start:
            options = tcp_options(batch.buffer[start:end])
            mss[index] = options.get("mss", -1)
            wscale[index] = options.get("wscale", -1)
    src = (cols.src[rows] << 16) | cols.sport[rows]
    dst = (cols.dst[rows] << 16) | cols.dport[rows]
    return {
        **_keys(src, dst),
        "number": rows + batch.first_number,
        "time": batch.times[rows],
        "flags": flags,
        "seq": cols.seq[rows],
        "ack": cols.ack[rows],
        "window": cols.window[rows],
        "seglen": _wireshark_seglen(batch, cols, rows),
        "frame_len": batch.wirelens[rows],
        "ttl": cols.ttl[rows],
        "tos": cols.tos[rows],
        "src": cols.src[rows],
        "dst": cols.dst[rows],
        "sport": cols.sport[rows],
        "dport": cols.dport[rows],
        "payload_start": cols.payload_start[rows],
        "payload_end": cols.payload_end[rows],
        "src_mac": _macs(data, cols.src_mac[rows]),
        "dst_mac": _macs(data, cols.dst_mac[rows]),
        "mss": mss,
        "wscale": wscale,
    }


def tcp_segments(batch: RecordBatch, cols: Columns, book: AddressBook, rows: I64) -> TcpSegments:
    """The TCP segments at ``rows`` of a decoded batch, as the analysis takes them."""
    columns = segment_columns(batch, cols, rows)
    fields: dict[str, Any] = {
        name: (array.tolist() if name in LISTS else array) for name, array in columns.items()
    }
    return TcpSegments(addresses=book.names, buffer=batch.buffer, **fields)


def _wireshark_seglen(batch: RecordBatch, cols: Columns, rows: I64) -> I64:
    """TCP payload length as Wireshark counts it: the IP header's length, but no more than
    the frame's length on the wire; -1 when that is shorter than the TCP header (Wireshark
    then skips its sequence analysis)."""
    frame_left = batch.wirelens[rows] - (cols.transport_start[rows] - batch.offsets[rows])
    reported = np.minimum(cols.transport_wire[rows], frame_left)
    header = cols.tcp_header[rows]
    return np.where(reported >= header, reported - header, -1)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_BUCKETS = 8
_MAIN_BUCKETS = 2
"""The main process, which also reads and decodes, keeps 2 conversations in 8 (measured:
the fastest split of the benchmark's million packets on two cores)."""


def _share(cols: Columns, rows: I64) -> I64:
    """Which of two shares each segment's conversation belongs to (a hash of its two
    endpoints, so that big and small conversations spread evenly)."""
    src = (cols.src[rows] << 16) | cols.sport[rows]
    dst = (cols.dst[rows] << 16) | cols.dport[rows]
    low, high = np.minimum(src, dst).astype(np.uint64), np.maximum(src, dst).astype(np.uint64)
    mixed: npt.NDArray[np.uint64] = (low * _GOLDEN) ^ (high * _GOLDEN * _GOLDEN)
    bucket = (mixed >> np.uint64(40)) % np.uint64(_BUCKETS)
    share: I64 = (bucket >= np.uint64(_MAIN_BUCKETS)).astype(np.int64)
    return share


def _keys(src: I64, dst: I64) -> dict[str, npt.NDArray[Any]]:
    """``conversation_keys`` in numpy (the same numbers), Python for very large address ids."""
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    if len(high) and int(high.max()) >= 1 << 32:
        keys = conversation_keys(src.tolist(), dst.tolist())
        return {name: np.asarray(values, dtype=object) for name, values in keys.items()}
    key = (low.astype(np.uint64) << np.uint64(32)) | high.astype(np.uint64)
    return {"key": key, "forward": src < dst}


def _side_data(batch: RecordBatch, cols: Columns, book: AddressBook, into: _Collect) -> None:
    """DNS messages, ICMP packets and frame counts of a batch."""
    unknown, undecodable, _ = count_frames(batch, cols)
    for linktype, count in unknown.items():
        into.unknown[linktype] = into.unknown.get(linktype, 0) + count
    into.undecodable += len(undecodable)
    ip = cols.status == IP_PACKET
    into.ip_packets += int(ip.sum())
    if into.first is None:
        into.first = float(batch.times[0])
    into.last = float(batch.times[-1])
    dns = np.flatnonzero(
        ip & (cols.transport == UDP_HEADER) & ((cols.sport == DNS_PORT) | (cols.dport == DNS_PORT))
    )
    names = book.names
    for row in dns.tolist():
        if len(into.dns) >= MAX_DNS_MESSAGES:
            into.dns_dropped += 1
            continue
        into.dns.append(
            DnsMessage(
                number=batch.first_number + row,
                time=float(batch.times[row]),
                src=names[int(cols.src[row])],
                dst=names[int(cols.dst[row])],
                payload=bytes(
                    batch.buffer[int(cols.payload_start[row]) : int(cols.payload_end[row])]
                ),
            )
        )
    icmp = np.flatnonzero(ip & (cols.transport == ICMP_HEADER))
    for row in icmp.tolist()[: max(0, MAX_ICMP - len(into.icmp))]:
        start, end = int(cols.payload_start[row]), int(cols.payload_end[row])
        rest = batch.buffer[start : start + 4] if end - start >= 4 else b""
        into.icmp.append(
            IcmpNote(
                number=batch.first_number + row,
                time=float(batch.times[row]),
                src=names[int(cols.src[row])],
                dst=names[int(cols.dst[row])],
                icmp_type=int(cols.icmp_type[row]),
                icmp_code=int(cols.icmp_code[row]),
                version=int(cols.version[row]),
                ttl=int(cols.ttl[row]),
                ident=int.from_bytes(rest, "big") if rest else -1,
                quote=bytes(batch.buffer[start : min(end, start + QUOTE_BYTES)]),
            )
        )


def scan_file(
    path: Path,
    *,
    workers: int | None = None,
    max_packets: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> FileScan:
    """Read and analyse a capture file in one pass (CaptureFileError when it cannot be read).

    With ``workers=2`` (the default for an uncompressed file over PARALLEL_FROM bytes on a
    machine with two cores or more) a second process analyses half of the conversations
    while this one reads and decodes (``scan_worker``); conversations never interact, so
    the result is the same. ``on_progress(bytes_read, packets)`` is called after each batch.
    """
    path = Path(path)
    shared = (workers if workers is not None else _default_workers(path)) > 1
    if shared and max_packets is None:
        try:
            return _scan(path, None, on_progress, shared=True)
        except _WorkerFailed as exc:
            log.warning("the second process failed (%s): analysing %s in one", exc, path.name)
    return _scan(path, max_packets, on_progress, shared=False)


PARALLEL_FROM = 64 << 20
"""Files from this size (bytes) are analysed by two processes on a multi-core machine."""


class _WorkerFailed(Exception):
    """The second process died or stopped answering."""


def _default_workers(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError:
        return 1
    return 2 if size >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1


class _Share:
    """The second process and the pipe that feeds it."""

    def __init__(self, path: Path) -> None:
        import multiprocessing  # here: a small file's scan (one process) goes without it

        # fork starts at once (spawn re-imports everything: a quarter of a second); it is
        # safe only while this process runs no other thread (the window's worker threads)
        alone = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
        context = (
            multiprocessing.get_context("fork") if alone else multiprocessing.get_context("spawn")
        )
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(
            target=analyse_share,
            args=(str(path), theirs, PREFIX_BUDGET // 2, self.pipe),
            name="wiresleuth-scan",
            daemon=True,
        )
        self.process.start()
        theirs.close()
        self.names_sent = 0

    def send(self, batch: RecordBatch, cols: Columns, book: AddressBook, rows: I64) -> None:
        assert batch.file_offset is not None
        columns = segment_columns(batch, cols, rows)
        columns["payload_start"] = columns["payload_start"] + batch.file_offset
        columns["payload_end"] = columns["payload_end"] + batch.file_offset
        names = book.names[self.names_sent :]
        self.names_sent = len(book.names)
        try:
            self.pipe.send((names, columns))
        except (OSError, EOFError, ValueError) as exc:
            raise _WorkerFailed(str(exc)) from exc

    def finish(self) -> tuple[list[TcpConversation], bool]:
        try:
            self.pipe.send(None)
            if not self.pipe.poll(WORKER_TIMEOUT):
                raise _WorkerFailed(f"no answer within {WORKER_TIMEOUT:.0f} s")
            conversations, exhausted = self.pipe.recv()
        except (OSError, EOFError, ValueError) as exc:
            raise _WorkerFailed(str(exc)) from exc
        return conversations, exhausted

    def close(self) -> None:
        self.pipe.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


WORKER_TIMEOUT = 600.0
"""Seconds the main process waits for the second one to hand over its conversations."""


def _scan(
    path: Path,
    max_packets: int | None,
    on_progress: Callable[[int, int], None] | None,
    *,
    shared: bool,
) -> FileScan:
    analyser = TcpAnalyser(prefix_budget=PREFIX_BUDGET // (2 if shared else 1))
    book = AddressBook()
    got = _Collect()
    share: _Share | None = None
    exhausted = False
    try:
        with CaptureReader(path, max_packets=max_packets) as reader:
            if shared and not reader.compressed:
                share = _Share(path)
            for batch in reader.batches():
                cols = decode_batch(batch, book)
                rows = tcp_rows(cols)
                if share is not None:
                    theirs = _share(cols, rows) == 1
                    share.send(batch, cols, book, rows[theirs])  # first: it works meanwhile
                    rows = rows[~theirs]
                analyser.add(tcp_segments(batch, cols, book, rows))
                _side_data(batch, cols, book, got)
                if on_progress is not None:
                    on_progress(reader.bytes_read, reader.packets)
            packets = reader.packets
            interfaces = tuple(reader.interfaces)
            warnings = list(reader.warnings)
            gaps = reader.gaps
            file_format, compressed = reader.format, reader.compressed
            size = reader.bytes_read
        conversations = analyser.conversations()
        exhausted = analyser.prefix_budget_exhausted
        if share is not None:
            theirs_conversations, theirs_exhausted = share.finish()
            exhausted = exhausted or theirs_exhausted
            conversations = sorted(
                conversations + theirs_conversations, key=lambda conv: conv.first_frame
            )
            conversations = [replace(c, index=i) for i, c in enumerate(conversations)]
    finally:
        if share is not None:
            share.close()
    if packets and sum(got.unknown.values()) == packets:
        raise _only_unknown(path, got.unknown)
    if exhausted:
        warnings.append("the first bytes of some connections were not kept (too many connections)")
    warnings += _notes(got, packets)
    return FileScan(
        path=path,
        format=file_format,
        compressed=compressed,
        size=size,
        packets=packets,
        ip_packets=got.ip_packets,
        first_time=got.first,
        last_time=got.last,
        interfaces=interfaces,
        unknown_links=got.unknown,
        undecodable=got.undecodable,
        warnings=tuple(warnings),
        conversations=tuple(conversations),
        dns=tuple(got.dns),
        icmp=tuple(got.icmp),
        gaps=gaps,
    )


def _only_unknown(path: Path, unknown: dict[int, int]) -> CaptureFileError:
    from wiresleuth.capture.pcap_file import linktype_name

    names = ", ".join(linktype_name(linktype) for linktype in unknown)
    return CaptureFileError(
        f"{path.name} holds only packets of a kind this program does not decode ({names}); "
        "it reads Ethernet, Linux cooked, raw IP and loopback captures"
    )


def _notes(got: _Collect, packets: int) -> list[str]:
    notes = []
    if got.undecodable:
        notes.append(f"{got.undecodable} packets were too short for their own headers (skipped)")
    for linktype, count in got.unknown.items():
        from wiresleuth.capture.pcap_file import linktype_name

        notes.append(f"{count} packets of {linktype_name(linktype)} were skipped (not decoded)")
    if got.dns_dropped:
        notes.append(f"only the first {MAX_DNS_MESSAGES} DNS messages were examined")
    if packets == 0:
        notes.append("the file holds no packets")
    return notes
