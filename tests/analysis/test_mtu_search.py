"""The path-MTU search as a state machine: scripted paths, no packets."""

from __future__ import annotations

import pytest

from wiresleuth.analysis.mtu_search import BinarySearch, LinearSearch


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
