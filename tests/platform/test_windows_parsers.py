from collections.abc import Callable

import pytest

from tests.platform.conftest import sample
from wiresleuth.platform.facts import Route
from wiresleuth.platform.gateway import choose_gateway
from wiresleuth.platform.unavailable import FactUnavailable
from wiresleuth.platform.windows_parsers import parse_arp_a, parse_ipconfig_dns, parse_route_print


def _active_rows(text: str) -> int:
    """Rows between the IPv4 'Network Destination' header and the next ==== rule."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Network Destination"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("====="))
    return end - start - 1


@pytest.mark.parametrize(
    "name", ["getmac_windows10_route_print_-4.txt", "jc_windows10_route_print.txt"]
)
def test_every_active_ipv4_row_and_nothing_else(name: str) -> None:
    text = sample(name)
    routes = parse_route_print(text)
    assert len(routes) == _active_rows(text)
    assert all(":" not in r.destination for r in routes)


def test_default_route_and_on_link_routes() -> None:
    routes = parse_route_print(sample("getmac_windows10_route_print_-4.txt"))
    [default] = [r for r in routes if r.is_default]
    assert default == Route(
        destination="0.0.0.0/0", gateway="10.0.0.1", interface="10.0.0.185", metric=25
    )
    assert all(r.gateway is None for r in routes if not r.is_default)
    assert (
        Route(destination="172.17.112.0/20", gateway=None, interface="172.17.112.1", metric=271)
        in routes
    )


def test_persistent_routes_are_not_counted_twice() -> None:
    routes = parse_route_print(sample("jc_windows10_route_print.txt"))
    assert [r for r in routes if r.destination == "10.0.0.0/8"] == [
        Route(destination="10.0.0.0/8", gateway="192.168.22.1", interface="10.211.55.3", metric=16)
    ]
    [default] = [r for r in routes if r.is_default]
    assert (default.gateway, default.metric) == ("10.211.55.1", 15)


def test_crlf_output_parses_the_same(crlf: Callable[[str], str]) -> None:
    text = sample("getmac_windows10_route_print_-4.txt")
    assert parse_route_print(crlf(text)) == parse_route_print(text)
    arp = sample("getmac_windows10_arp_-a.txt")
    assert parse_arp_a(crlf(arp)) == parse_arp_a(arp)
    ipconfig = sample("jc_windows10_ipconfig_all.txt")
    assert parse_ipconfig_dns(crlf(ipconfig)) == parse_ipconfig_dns(ipconfig)


def test_route_print_that_is_not_route_print_is_refused() -> None:
    with pytest.raises(FactUnavailable):
        parse_route_print(sample("getmac_windows10_arp_-a.txt"))


def test_arp_entries_belong_to_their_interface() -> None:
    text = sample("getmac_windows10_arp_-a.txt")
    entries = parse_arp_a(text)
    rows = [line for line in text.splitlines() if line.startswith("  ") and "-" in line]
    assert len(entries) == len(rows)
    first = entries[0]
    assert (first.address, first.mac, first.interface, first.state) == (
        "10.0.0.1",
        "6a:d7:9a:29:2b:82",
        "10.0.0.185",
        "dynamic",
    )
    assert {e.interface for e in entries} == {
        "10.0.0.185",
        "192.168.84.1",
        "192.168.17.1",
        "192.168.56.1",
        "192.168.38.1",
        "192.168.235.1",
        "172.17.112.1",
    }


def test_gateway_from_one_machines_route_print_and_arp() -> None:
    # Both samples come from the same Windows 10 machine in getmac's test data.
    gateway = choose_gateway(
        parse_route_print(sample("getmac_windows10_route_print_-4.txt")),
        parse_arp_a(sample("getmac_windows10_arp_-a.txt")),
    )
    assert gateway is not None
    assert (gateway.address, gateway.interface, gateway.mac) == (
        "10.0.0.1",
        "10.0.0.185",
        "6a:d7:9a:29:2b:82",
    )
    assert gateway.vendor is None  # 6a:... is locally administered


def test_ipconfig_servers_per_adapter() -> None:
    conf = parse_ipconfig_dns(sample("getmac_windows10_ipconfig_all.txt"))
    assert conf.per_interface["Ethernet 3"] == ("8.8.8.8", "208.67.220.220")
    assert conf.per_interface["VMware Network Adapter VMnet1"] == (
        "fec0:0:0:ffff::1%1",
        "fec0:0:0:ffff::2%1",
        "fec0:0:0:ffff::3%1",
    )
    assert conf.servers[:2] == ("8.8.8.8", "208.67.220.220")
    assert len(conf.servers) == 5  # the three fec0 defaults appear once
    assert conf.search == ()
    assert "Local Area Connection* 1" not in conf.per_interface  # disconnected, no servers


def test_ipconfig_global_suffix_search_list_spans_lines() -> None:
    conf = parse_ipconfig_dns(sample("jc_windows10_ipconfig_all.txt"))
    assert conf.search == ("tailff123.ts.net", "internal.companyname.com")
    assert conf.per_interface["Ethernet 2"] == ("10.50.13.1",)
    assert conf.per_interface["Tailscale"][0] == "fec0:0:0:ffff::1%1"


def test_ipconfig_windows7_primary_suffix() -> None:
    conf = parse_ipconfig_dns(sample("jc_windows7_ipconfig_all.txt"))
    assert conf.servers == ("192.168.22.151",)
    assert conf.search == ("somecompany.corp",)


def test_ipconfig_output_we_cannot_read_is_refused() -> None:
    with pytest.raises(FactUnavailable, match="English"):
        parse_ipconfig_dns(sample("getmac_windows10_route_print_-4.txt"))
