"""A live capture's frames as one ``RecordBatch``, so that a run's packets are decoded and
written by the same code as a capture file's (``fast_decode``, ``pcapng_blocks``).

One reader for a run, a bundle and a foreign capture: what a live run concludes from a
packet is what ``analyze`` concludes from the same packet in the saved file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wiresleuth.capture.frame import Frame
from wiresleuth.capture.record_reader import Interface, RecordBatch

MICROSECONDS = 1_000_000
"""The resolution frames are kept at (the capture backends hand over microseconds)."""


def frame_batch(frames: Sequence[Frame]) -> tuple[RecordBatch, list[Interface]]:
    """``frames`` numbered 1..N as one batch, and the interfaces they name in first-seen order
    (one per device and link type, as a pcapng file declares them)."""
    seen: dict[tuple[str, int], int] = {}
    interfaces: list[Interface] = []
    iface_of: list[int] = []
    for frame in frames:
        key = (frame.ifname, frame.linktype)
        index = seen.get(key)
        if index is None:
            index = seen[key] = len(interfaces)
            interfaces.append(
                Interface(
                    linktype=frame.linktype,
                    snaplen=262144,
                    resolution=MICROSECONDS,
                    name=frame.ifname or None,
                )
            )
        iface_of.append(index)
    caplens = np.fromiter((len(f.data) for f in frames), dtype=np.int64, count=len(frames))
    offsets = np.zeros(len(frames), dtype=np.int64)
    if len(frames) > 1:
        np.cumsum(caplens[:-1], out=offsets[1:])
    batch = RecordBatch(
        buffer=b"".join(f.data for f in frames),
        first_number=1,
        offsets=offsets,
        caplens=caplens,
        wirelens=np.fromiter((f.wirelen for f in frames), dtype=np.int64, count=len(frames)),
        times=np.fromiter((f.time for f in frames), dtype=np.float64, count=len(frames)),
        linktypes=np.fromiter((f.linktype for f in frames), dtype=np.int64, count=len(frames)),
        interfaces=np.asarray(iface_of, dtype=np.int64),
    )
    return batch, interfaces
