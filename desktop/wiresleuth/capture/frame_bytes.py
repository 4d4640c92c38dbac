"""The captured bytes of a few frames of a capture file, by frame number.

PacketRecords keep the fields and the transport payload; the viewer's details and bytes
panes show the whole frame as captured (link header, IP and transport headers, options,
checksums). Reading a few frames walks the file's records with the fast reader up to the
highest number wanted, decoding nothing: a frame near the end of a million-packet file
costs one pass over the record headers, done in a worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wiresleuth.capture.record_reader import CaptureReader


@dataclass(frozen=True, kw_only=True)
class RawFrame:
    """One frame as the file holds it."""

    number: int
    """Frame number (1-based, as Wireshark counts)."""
    time: float
    """Epoch seconds."""
    linktype: int
    """LINKTYPE of its interface (1 Ethernet, 113 Linux cooked...)."""
    data: bytes
    """The captured bytes."""
    wire_length: int
    """Its length on the wire (more than ``len(data)`` when the snap length cut it)."""


def read_frames(path: Path, numbers: Iterable[int]) -> dict[int, RawFrame]:
    """The frames of ``path`` numbered ``numbers`` (those the file has).

    CaptureFileError when the file cannot be read.
    """
    wanted = {n for n in numbers if n >= 1}
    if not wanted:
        return {}
    found: dict[int, RawFrame] = {}
    with CaptureReader(Path(path), max_packets=max(wanted)) as reader:
        for batch in reader.batches():
            first, count = batch.first_number, len(batch)
            for number in sorted(n for n in wanted if first <= n < first + count):
                index = number - first
                found[number] = RawFrame(
                    number=number,
                    time=float(batch.times[index]),
                    linktype=int(batch.linktypes[index]),
                    data=batch.frame(index),
                    wire_length=int(batch.wirelens[index]),
                )
            if len(found) == len(wanted):
                break
    return found
