"""The watch's ring buffer of its own captured traffic, bounded in bytes and in packets.

Each attempt captures only this program's flows (the engine's capture, filtered to the
endpoints its checks contact) and hands its pcapng here. The ring keeps the most recent
attempts' captures; when a new one would pass either bound, the oldest go. When an attempt
fails, its capture and the one before it are taken from the ring into the failure's evidence
(and the one after, when it comes): "the capture around it". Between attempts the program
sends nothing, so nothing of its own is missed.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

RING_BYTES = 32 * 1024 * 1024
"""Default bound: bytes of pcapng held."""
RING_PACKETS = 100_000
"""Default bound: packets held."""


@dataclass(frozen=True, kw_only=True)
class RingEntry:
    """One attempt's capture."""

    attempt: int
    """The attempt it was captured in."""
    data: bytes
    """The pcapng, as the engine wrote it (comments on the frames its findings cite)."""
    packets: int
    """Frames in it."""


class CaptureRing:
    """The most recent attempts' captures within ``max_bytes`` and ``max_packets``."""

    def __init__(self, *, max_bytes: int = RING_BYTES, max_packets: int = RING_PACKETS) -> None:
        if max_bytes <= 0 or max_packets <= 0:
            raise ValueError("a ring's bounds must be positive")
        self.max_bytes = max_bytes
        self.max_packets = max_packets
        self._entries: OrderedDict[int, RingEntry] = OrderedDict()
        self.bytes = 0
        """Bytes held now."""
        self.packets = 0
        """Packets held now."""
        self.evicted = 0
        """Entries dropped to stay within the bounds."""
        self.refused = 0
        """Entries larger than a bound on their own (never held)."""

    def add(self, entry: RingEntry) -> bool:
        """Hold ``entry``, dropping the oldest to make room; False when it alone is too large."""
        if len(entry.data) > self.max_bytes or entry.packets > self.max_packets:
            self.refused += 1
            return False
        self._entries[entry.attempt] = entry
        self.bytes += len(entry.data)
        self.packets += entry.packets
        while self.bytes > self.max_bytes or self.packets > self.max_packets:
            _, oldest = self._entries.popitem(last=False)
            self.bytes -= len(oldest.data)
            self.packets -= oldest.packets
            self.evicted += 1
        return True

    def get(self, attempt: int) -> RingEntry | None:
        """The capture of ``attempt``, if still held."""
        return self._entries.get(attempt)

    def __len__(self) -> int:
        return len(self._entries)
