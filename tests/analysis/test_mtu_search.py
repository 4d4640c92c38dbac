"""The path-MTU searches as state machines: scripted paths, no packets."""

from __future__ import annotations

import pytest

from wiresleuth.analysis.mtu_search import WAVE, BinarySearch, LinearSearch, WaveSearch


def run(search: BinarySearch | LinearSearch, mtu: int | None, *, hint: bool = False) -> list[int]:
    while (size := search.next_size()) is not None:
        ok = mtu is not None and size <= mtu
        search.record(size, ok, mtu_hint=mtu if hint and not ok else None)
    return search.tried


@pytest.mark.parametrize("mtu", [576, 577, 600, 1000, 1279, 1280, 1281, 1499, 1500])
def test_binary_search_finds_every_mtu_exactly_in_log_steps(mtu: int) -> None:
    search = BinarySearch(low=576, high=1500)
    tried = run(search, mtu)
    assert search.result == mtu
    assert len(tried) <= 2 + 10  # high, low, then ceil(log2(925))
    assert len(tried) == len(set(tried))


def test_a_healthy_path_costs_one_probe() -> None:
    search = BinarySearch(low=576, high=1500)
    assert run(search, 1500) == [1500]


def test_a_routers_hint_is_tried_next_and_confirmed_with_one_probe() -> None:
    search = BinarySearch(low=576, high=1500)
    assert run(search, 1280, hint=True) == [1500, 1280, 1281]
    assert search.result == 1280


def test_a_wrong_hint_does_not_fool_the_search() -> None:
    search = BinarySearch(low=576, high=1500)
    while (size := search.next_size()) is not None:
        search.record(size, size <= 1200, mtu_hint=1400 if size > 1200 else None)
    assert search.result == 1200


def test_nothing_passes_at_all() -> None:
    search = BinarySearch(low=576, high=1500)
    assert run(search, None) == [1500, 576]
    assert search.result is None


def test_linear_walk_needs_one_probe_per_size() -> None:
    linear = LinearSearch(low=576, high=1500)
    assert len(run(linear, 1280)) == 1500 - 1280 + 1
    assert linear.result == 1280


def test_bad_range_is_refused() -> None:
    with pytest.raises(ValueError, match="bad search range"):
        BinarySearch(low=1500, high=576)


def waves(
    search: WaveSearch, mtu: int | None, *, hint: bool = False, lose_once: set[int] | None = None
) -> list[list[int]]:
    """Drive a wave search against a path; ``lose_once``: sizes whose first echo is lost."""
    unlucky = set(lose_once or ())
    sent: list[list[int]] = []
    while wave := search.next_wave():
        sent.append(wave)
        assert len(wave) <= search.width
        for size in wave:
            if size in unlucky:
                unlucky.discard(size)
                search.record(size, False)
            elif mtu is not None and size <= mtu:
                search.record(size, True)
            else:
                search.record(size, False, proof=hint, mtu_hint=mtu if hint else None)
        assert len(sent) < 12, "the search does not end"
    return sent


@pytest.mark.parametrize("mtu", [576, 577, 600, 1000, 1279, 1280, 1281, 1400, 1499, 1500])
def test_wave_search_finds_every_mtu_exactly_in_few_waves_of_at_most_eight(mtu: int) -> None:
    search = WaveSearch(low=576, high=1500)
    sent = waves(search, mtu)
    assert search.result == mtu
    assert len(sent) <= 4  # a black hole costs one probe wait per wave, not one per lost size
    assert all(len(wave) <= WAVE == 8 for wave in sent)


def test_every_size_from_576_to_1500_and_to_9000() -> None:
    for high in (1500, 9000):
        for mtu in range(576, high + 1, 1 if high == 1500 else 97):
            search = WaveSearch(low=576, high=high)
            sent = waves(search, mtu)
            assert search.result == mtu, (high, mtu)
            assert sum(map(len, sent)) <= 37


def test_a_healthy_path_is_known_after_the_first_wave() -> None:
    search = WaveSearch(low=576, high=1500)
    sent = waves(search, 1500)
    assert len(sent) == 1 and sent[0][0] == 1500 and sent[0][-1] == 576


def test_a_lost_size_counts_only_once_lost_twice() -> None:
    """The black hole's first lost size is sent again with the next wave, and the last
    wave sends each remaining size twice: one unlucky echo cannot lower the result."""
    search = WaveSearch(low=576, high=1500)
    sent = waves(search, 1280)
    assert sum(wave.count(1281) for wave in sent) == 2
    lucky = WaveSearch(low=576, high=1500)
    waves(lucky, 1500, lose_once={1368})
    assert lucky.result == 1500
    unlucky = WaveSearch(low=576, high=1500)
    waves(unlucky, 1280, lose_once={1252, 1104})
    assert unlucky.result == 1280


def test_a_routers_hint_is_proven_in_one_wave_of_two() -> None:
    search = WaveSearch(low=576, high=1500)
    sent = waves(search, 1280, hint=True)
    assert sent[1:] == [[1280, 1281]]
    assert search.result == 1280


def test_nothing_passes_costs_two_waves() -> None:
    search = WaveSearch(low=576, high=1500)
    assert waves(search, None)[1:] == [[576]]
    assert search.result is None


def test_a_wave_needs_room() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        WaveSearch(low=576, high=1500, width=1)
