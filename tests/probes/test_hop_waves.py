"""When a wave of TTL-limited probes has said enough: scripted results, no sockets."""

from __future__ import annotations

from wiresleuth.model.hop_observations import HopProbe
from wiresleuth.probes.hop_waves import grace_after_end, nearest_end, settled, waves


def _p(ttl: int, fate: str, rtt: float | None = None) -> HopProbe:
    return HopProbe(ttl=ttl, sent_at=0.0, fate=fate, rtt=rtt)


def test_waves_of_eight_up_to_sixteen_hops() -> None:
    assert waves(16) == [(1, 2, 3, 4, 5, 6, 7, 8), (9, 10, 11, 12, 13, 14, 15, 16)]
    assert waves(3) == [(1, 2, 3)]
    assert waves(40) == waves(16)  # never beyond sixteen
    assert waves(0) == []


def test_a_wave_waits_while_a_nearer_hop_has_not_spoken() -> None:
    ttls = (1, 2, 3, 4)
    assert not settled({3: _p(3, "answered")}, ttls)
    assert not settled({1: _p(1, "expired"), 3: _p(3, "answered")}, ttls)
    assert settled({1: _p(1, "expired"), 2: _p(2, "expired"), 3: _p(3, "answered")}, ttls)


def test_a_wave_of_expiries_waits_for_every_probe() -> None:
    ttls = (1, 2, 3)
    assert not settled({1: _p(1, "expired"), 2: _p(2, "expired")}, ttls)
    assert settled({t: _p(t, "expired") for t in ttls}, ttls)


def test_the_nearest_end_is_an_answer_or_an_unreachable() -> None:
    found = nearest_end([_p(4, "answered"), _p(2, "unreachable"), _p(1, "expired")])
    assert found is not None and found.ttl == 2
    assert nearest_end([_p(1, "expired"), _p(2, "silent")]) is None


def test_grace_after_an_answer_is_twice_its_round_trip_or_half_a_second() -> None:
    assert grace_after_end(_p(3, "answered", rtt=0.1)) == 0.5
    assert grace_after_end(_p(3, "answered", rtt=2.0)) == 4.0
