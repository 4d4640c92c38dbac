"""When a wave of TTL-limited probes has said enough, and which TTLs the next wave tries.

Pure rules (no sockets, no clock), so they are tested as scripted results. A wave sends at
most ``WAVE`` probes at once (a burst a network's policy cannot mistake for a scan) and has
one timeout; it ends early once the nearest answering hop is known and every nearer hop has
had its say, because probes further out can only reach the same device or beyond.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wiresleuth.model.hop_observations import MAX_HOPS, HopProbe

__all__ = ["ENDS", "MAX_HOPS", "RESOLVED", "WAVE", "grace_after_end", "nearest_end",
           "settled", "trace_ended", "waves"]  # fmt: skip

WAVE = 8
"""Probes sent at once."""
ENDS = frozenset({"answered", "unreachable"})
"""Fates that end a trace: nothing further out can be reached."""
RESOLVED = frozenset({"answered", "unreachable", "expired", "failed"})
"""Fates that settle a probe before its wave's timeout."""


def waves(last: int, first: int = 1) -> list[tuple[int, ...]]:
    """TTLs ``first``..``last`` (at most MAX_HOPS) in waves of at most WAVE."""
    last = min(last, MAX_HOPS)
    ttls = list(range(max(first, 1), last + 1))
    return [tuple(ttls[i : i + WAVE]) for i in range(0, len(ttls), WAVE)]


def nearest_end(probes: Sequence[HopProbe]) -> HopProbe | None:
    """The probe with the lowest TTL whose fate ends the trace (answered or unreachable)."""
    ends = [p for p in probes if p.fate in ENDS]
    return min(ends, key=lambda p: p.ttl) if ends else None


def settled(results: Mapping[int, HopProbe], ttls: Sequence[int]) -> bool:
    """Whether a wave need wait no longer: every probe resolved, or the nearest end is known
    and every probe nearer than it resolved."""
    if all(ttl in results and results[ttl].fate in RESOLVED for ttl in ttls):
        return True
    end = nearest_end(list(results.values()))
    if end is None:
        return False
    return all(ttl in results for ttl in ttls if ttl < end.ttl)


def grace_after_end(end: HopProbe) -> float:
    """Seconds a wave still waits for nearer hops once an answer came: nearer routers answer
    sooner than the far end, so twice its round trip (at least half a second) is plenty;
    a hop still quiet then sends no ICMP at all."""
    return max(0.5, 2 * (end.rtt or 0.0))


def trace_ended(probes: Sequence[HopProbe]) -> bool:
    """Whether a trace reached its end (no further wave is worth sending)."""
    return nearest_end(probes) is not None
