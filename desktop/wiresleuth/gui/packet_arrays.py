"""A capture's packets as numpy columns, for the timeline's packet-size strip and lookups.

Made once per document, in the loading worker, so that showing 100 000 packets costs the
window a few array copies instead of a Python loop over every packet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.timeline import Connection

_LARGEST = int(np.iinfo(np.int64).max)


@dataclass(frozen=True, kw_only=True, eq=False)
class PacketArrays:
    """One row per packet, in frame-number order."""

    numbers: npt.NDArray[np.int64]
    """Frame numbers, ascending."""
    times: npt.NDArray[np.float64]
    """Epoch seconds."""
    lengths: npt.NDArray[np.float64]
    """IP lengths in bytes."""
    outgoing: npt.NDArray[np.bool_]
    """True for packets sent by this computer (the client side of a connection)."""

    def __len__(self) -> int:
        return len(self.numbers)

    def times_of(self, numbers: Sequence[int]) -> dict[int, float]:
        """Frame number -> time, for those of ``numbers`` that are here (a bundle may cite
        frames it does not hold, or numbers no capture can have)."""
        if not len(self.numbers):
            return {}
        wanted = np.fromiter((n for n in numbers if 0 <= n <= _LARGEST), np.int64)
        at = np.searchsorted(self.numbers, wanted)
        found = self.numbers[np.minimum(at, len(self.numbers) - 1)] == wanted
        return {
            int(n): float(self.times[i]) for n, i, ok in zip(wanted, at, found, strict=True) if ok
        }


def packet_arrays(
    packets: Sequence[PacketRecord], connections: Sequence[Connection]
) -> PacketArrays:
    """Columns of ``packets``; a packet is outgoing when it comes from a connection's client."""
    ordered = sorted(packets, key=lambda p: p.number)
    count = len(ordered)
    clients = {(c.client, c.client_port) for c in connections}
    return PacketArrays(
        numbers=np.fromiter((p.number for p in ordered), np.int64, count),
        times=np.fromiter((p.time for p in ordered), np.float64, count),
        lengths=np.fromiter((p.length for p in ordered), np.float64, count),
        outgoing=np.fromiter(((p.src, p.sport) in clients for p in ordered), np.bool_, count),
    )
