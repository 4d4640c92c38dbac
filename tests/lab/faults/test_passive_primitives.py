"""The ordinary-fault primitives: the shipped scenario declares them; bad values name the key."""

from __future__ import annotations

import pytest

from wiresleuth.lab.faults import PRIMITIVES
from wiresleuth.lab.faults.client_exchange import ClientExchange
from wiresleuth.lab.faults.client_lookups import ClientLookups
from wiresleuth.lab.faults.dns_server import DnsServer
from wiresleuth.lab.faults.reject_port import RejectPort
from wiresleuth.lab.faults.slow_reader import SlowReader
from wiresleuth.lab.params import ParamError
from wiresleuth.lab.scenario import load_scenario


def test_the_scenario_has_every_pattern() -> None:
    kinds = [f.kind for f in load_scenario("passive-faults").faults]
    for kind in ("reject_port", "drop_port", "slow_reader", "listener", "dns_server",
                 "client_exchange", "client_lookups"):  # fmt: skip
        assert kind in kinds and kind in PRIMITIVES
    modes = {f.mode for f in load_scenario("passive-faults").faults if isinstance(f, DnsServer)}
    assert modes == {"servfail", "silent", "answer_all"}


@pytest.mark.parametrize(
    ("kind", "params", "key"),
    [
        (RejectPort, {"port": 0}, "port"),
        (RejectPort, {"port": 80, "address": "8.8.8.8"}, "address"),
        (SlowReader, {"address": "100.64.1.94", "pause": 99}, "pause"),
        (SlowReader, {"address": "100.64.1.94", "rcvbuf": 10}, "rcvbuf"),
        (DnsServer, {"address": "100.64.1.95", "mode": "flaky"}, "mode"),
        (DnsServer, {"address": "100.64.1.95", "mode": "answer_all"}, "answer"),
        (ClientExchange, {"address": "100.64.1.90", "port": 80, "wait_before": -1}, "wait_before"),
        (ClientExchange, {"address": "192.168.1.1", "port": 80}, "address"),
        (ClientLookups, {"server": "100.64.1.95", "names": ()}, "names"),
        (ClientLookups, {"server": "100.64.1.95", "names": ("a",), "tries": 0}, "tries"),
    ],
)
def test_bad_parameters_name_the_key(kind: type, params: dict[str, object], key: str) -> None:
    with pytest.raises(ParamError) as caught:
        kind(**params)
    assert caught.value.key == key
