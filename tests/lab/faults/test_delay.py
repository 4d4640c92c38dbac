"""delay: the delay line's one-way delay can be changed; the RTT follows."""

import pytest

from tests.lab.helpers import ping_avg_ms
from wiresleuth.lab.faults.delay import Delay
from wiresleuth.lab.lab import BASE_ONE_WAY_MS, Lab

pytestmark = pytest.mark.lab


def test_changing_the_delay_changes_the_rtt(primitives_lab: Lab) -> None:
    client = primitives_lab.names.ns("client")
    try:
        Delay(one_way_ms=20).apply(primitives_lab)
        assert 39.0 <= ping_avg_ms(client, "100.64.1.10") <= 55.0
        Delay(one_way_ms=0).apply(primitives_lab)
        assert ping_avg_ms(client, "100.64.1.10") < 5.0  # no delay process: the queue is bypassed
    finally:
        Delay(one_way_ms=BASE_ONE_WAY_MS).apply(primitives_lab)
    assert 99.0 <= ping_avg_ms(client, "100.64.1.10") <= 115.0
