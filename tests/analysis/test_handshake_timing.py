"""The one handshake-timing rule every "answered by a nearer device" conclusion uses."""

from __future__ import annotations

import pytest

from wiresleuth.analysis.handshake_timing import faster_than_path, much_faster


@pytest.mark.parametrize(
    ("handshake", "path", "faster"),
    [
        (0.0004, 0.100, True),  # C6: the router answers a 100 ms path at once
        (0.024, 0.100, True),  # under a quarter, 76 ms faster
        (0.026, 0.100, False),  # over a quarter of the path
        (0.001, 0.019, False),  # a path this short proves nothing (a busy host's ICMP)
        (0.001, 0.020, True),
        (0.002, 0.016, False),  # the PAC wizard once judged from 10 ms: no more
        (0.004, 0.020, True),
        (0.006, 0.020, False),  # over a quarter of a short path
    ],
)
def test_faster_than_the_path(handshake: float, path: float, faster: bool) -> None:
    assert faster_than_path(handshake, path) is faster


def test_much_faster_than_another_round_trip() -> None:
    assert much_faster(0.001, 0.100) and not much_faster(0.030, 0.100)
