"""The ring of attempts' captures: bounded in bytes and in packets, oldest out first."""

import pytest

from wiresleuth.engine.watch_ring import CaptureRing, RingEntry


def entry(attempt: int, size: int, packets: int) -> RingEntry:
    return RingEntry(attempt=attempt, data=bytes(size), packets=packets)


def test_bytes_bound_drops_the_oldest() -> None:
    ring = CaptureRing(max_bytes=1000, max_packets=1000)
    for n in range(1, 6):
        assert ring.add(entry(n, 300, 1))
    assert len(ring) == 3 and ring.bytes == 900 and ring.evicted == 2
    assert ring.get(2) is None and ring.get(3) is not None and ring.get(5) is not None


def test_packets_bound_drops_the_oldest() -> None:
    ring = CaptureRing(max_bytes=10_000, max_packets=50)
    for n in range(1, 5):
        ring.add(entry(n, 10, 20))
    assert [n for n in range(1, 5) if ring.get(n)] == [3, 4] and ring.packets == 40


def test_an_entry_larger_than_a_bound_is_refused_and_keeps_the_rest() -> None:
    ring = CaptureRing(max_bytes=1000, max_packets=10)
    ring.add(entry(1, 100, 1))
    assert not ring.add(entry(2, 2000, 1)) and not ring.add(entry(3, 10, 11))
    assert ring.get(1) is not None and ring.refused == 2 and len(ring) == 1


def test_bounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        CaptureRing(max_bytes=0)
