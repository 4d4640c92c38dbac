"""The PAC function table: pypac's helpers, our resolver for everything that looks a name up."""

from __future__ import annotations

from typing import Any

from pypac import parser_functions as pf
from pypac import parser_functions_ex as pfx

from tests.probes.pac_servers import MapDns
from wiresleuth.probes.pac_functions import PAC_FUNCTION_NAMES, pac_functions, recording_resolver


def table(port: int, lookups: list[dict[str, Any]]) -> dict[str, Any]:
    return pac_functions(my_ip="10.1.2.3", resolve=recording_resolver(("127.0.0.1", port), lookups))


def test_the_table_is_exactly_the_pac_functions_and_leaves_pypac_alone() -> None:
    before = (pf.dnsResolve, pfx.dnsResolveEx, dict(pf.function_injections))
    with MapDns({}) as server:
        functions = table(server.port, [])
    assert set(functions) == PAC_FUNCTION_NAMES
    assert functions["shExpMatch"] is pf.shExpMatch  # pypac's own pure helpers
    assert (pf.dnsResolve, pfx.dnsResolveEx, dict(pf.function_injections)) == before


def test_is_in_net_resolves_a_name_through_our_resolver() -> None:
    """The name exists only in the test's DNS server: the machine's resolver cannot answer."""
    lookups: list[dict[str, Any]] = []
    with MapDns({"intranet.lab.test": "10.20.1.1"}) as server:
        functions = table(server.port, lookups)
        assert functions["isInNet"]("intranet.lab.test", "10.20.0.0", "255.255.0.0") is True
        assert functions["isInNet"]("other.lab.test", "10.20.0.0", "255.255.0.0") is False
        assert functions["isInNetEx"]("intranet.lab.test", "10.20.0.0/16") is True
    assert [(x["name"], x["address"]) for x in lookups] == [
        ("intranet.lab.test", "10.20.1.1"),
        ("other.lab.test", None),
        ("intranet.lab.test", "10.20.1.1"),
    ]
    assert server.queries == ["intranet.lab.test", "other.lab.test", "intranet.lab.test"]


def test_ipv6_prefixes_written_without_double_colon_match() -> None:
    with MapDns({}) as server:
        functions = table(server.port, [])
    assert functions["isInNetEx"]("3ffe:8311:ffff:1:0:0:0:0", "3ffe:8311:ffff/48") is True
    assert functions["isInNetEx"]("3ffe:8312::1", "3ffe:8311:ffff/48") is False
    assert functions["myIpAddress"]() == functions["myIpAddressEx"]() == "10.1.2.3"
