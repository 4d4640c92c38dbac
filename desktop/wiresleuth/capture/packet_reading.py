"""A capture file's packets for the viewer: PacketRecords, and the time Wireshark counts from.

The viewer's packet list, timelines and sequence graphs all show time as Wireshark's
``frame.time_relative``: seconds since frame 1 of the file, whatever that frame carries (an
ARP frame counts, though it is no PacketRecord). So the records come with ``time_zero``, the
time of frame 1, read here and nowhere else.

Reading is the fast reader's (``record_reader``, ``fast_decode``, ``fast_records``): no scapy,
and a million-packet file streams in bounded memory. ``on_progress(bytes_read, total_bytes)``
is called after each batch; raising from it stops the reading (that is how the window
cancels opening a large file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wiresleuth.capture.fast_decode import AddressBook, decode_batch
from wiresleuth.capture.fast_records import batch_records
from wiresleuth.capture.record_reader import CaptureReader
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.packet import PacketRecord

Progress = Callable[[int, int], None]
"""Called with (bytes read so far, bytes of the file) after each batch."""


@dataclass(frozen=True, kw_only=True)
class PacketReading:
    """The IP packets of a capture file, numbered as Wireshark numbers its frames."""

    records: tuple[PacketRecord, ...]
    """Decoded IP packets (frames of other kinds are counted, not kept)."""
    frames: int
    """Frames read (IP or not)."""
    time_zero: float | None
    """Epoch seconds of frame 1: Wireshark's time reference (None for a file without frames)."""
    complete: bool
    """False when reading stopped at the limit before the end of the file."""
    warnings: tuple[str, ...]
    """The reader's notes about damage and cut records."""
    gaps: tuple[CaptureGap, ...] = ()
    """Where damage lost frames (the reader's ``gaps``; those beyond ``limit`` left out)."""


def read_packets(
    path: Path, *, limit: int | None = None, on_progress: Progress | None = None
) -> PacketReading:
    """The IP packets of the first ``limit`` frames of ``path`` (all without a limit).

    CaptureFileError when the file cannot be read at all.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    records: list[PacketRecord] = []
    book = AddressBook()
    time_zero: float | None = None
    # One frame more than the limit is read (and dropped): it tells "cut" from "whole".
    with CaptureReader(path, max_packets=None if limit is None else limit + 1) as reader:
        for batch in reader.batches():
            if time_zero is None and len(batch):
                time_zero = float(batch.times[0])
            got = batch_records(batch, decode_batch(batch, book), book)
            records += got if limit is None else [r for r in got if r.number <= limit]
            if on_progress is not None:
                on_progress(reader.bytes_read, max(size, reader.bytes_read))
        frames = reader.packets
        warnings = [w for w in reader.warnings if not w.startswith("only the first")]
        gaps = tuple(g for g in reader.gaps if limit is None or g.after < limit)
    complete = True
    if limit is not None and frames > limit:
        complete, frames = False, limit
    return PacketReading(
        records=tuple(records),
        frames=frames,
        time_zero=time_zero,
        complete=complete,
        warnings=tuple(warnings),
        gaps=gaps,
    )

