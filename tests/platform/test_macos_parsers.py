import pytest

from tests.platform.conftest import sample
from wiresleuth.platform.facts import Route
from wiresleuth.platform.gateway import choose_gateway
from wiresleuth.platform.macos_parsers import (
    bsd_destination,
    parse_arp_an,
    parse_netstat_rn,
    parse_scutil_dns,
)
from wiresleuth.platform.unavailable import FactUnavailable


@pytest.mark.parametrize(
    ("bsd", "cidr"),
    [
        ("default", "0.0.0.0/0"),
        ("127", "127.0.0.0/8"),
        ("169.254", "169.254.0.0/16"),
        ("198.51.100", "198.51.100.0/24"),
        ("10.0.2/24", "10.0.2.0/24"),
        ("224.0.0/4", "224.0.0.0/4"),
        ("198.51.100.1/32", "198.51.100.1/32"),
        ("127.0.0.1", "127.0.0.1/32"),
    ],
)
def test_bsd_destinations(bsd: str, cidr: str) -> None:
    assert bsd_destination(bsd) == cidr


def test_macos15_routes_without_refs_columns() -> None:
    routes = parse_netstat_rn(sample("getmac_macos15_netstat_-rn.txt"))
    assert routes[0] == Route(destination="0.0.0.0/0", gateway="198.51.100.1", interface="en0")
    assert Route(destination="127.0.0.0/8", gateway="127.0.0.1", interface="lo0") in routes
    # ARP-cache host lines (gateway is a MAC) and link#N are on-link.
    assert Route(destination="198.51.100.1/32", gateway=None, interface="en0") in routes
    assert len(routes) == 12  # the Internet6 table is not read
    assert all(":" not in r.destination for r in routes)


def test_macos10_routes_with_refs_and_use_columns() -> None:
    routes = parse_netstat_rn(sample("getmac_macos10.12_netstat_-rn.txt"))
    assert routes[0] == Route(destination="0.0.0.0/0", gateway="10.0.2.2", interface="en0")
    assert Route(destination="10.0.2.0/24", gateway=None, interface="en0") in routes
    assert {r.interface for r in routes} == {"en0", "lo0"}


def test_netstat_without_internet_table_is_refused() -> None:
    with pytest.raises(FactUnavailable):
        parse_netstat_rn(sample("getmac_macos15_arp_-an.txt"))


def test_arp_an_entries() -> None:
    entries = parse_arp_an(sample("getmac_macos15_arp_-an.txt"))
    assert [(e.address, e.mac, e.interface, e.state) for e in entries] == [
        ("198.51.100.1", "12:34:56:00:a0:20", "en0", "dynamic"),
        ("198.51.100.255", "ff:ff:ff:ff:ff:ff", "en0", "dynamic"),
        ("224.0.0.251", "01:00:5e:00:00:fb", "en0", "permanent"),
    ]


def test_gateway_of_a_mac_behind_a_linksys_router() -> None:
    # getmac's OSX sample: default gateway 192.168.1.1, unpadded MAC 58:6d:8f:7:c9:94.
    entries = parse_arp_an(sample("getmac_osx_arp_-a.txt"))
    default = [Route(destination="0.0.0.0/0", gateway="192.168.1.1", interface="en0")]
    gateway = choose_gateway(default, entries)
    assert gateway is not None
    assert (gateway.mac, gateway.vendor) == ("58:6d:8f:07:c9:94", "Cisco-Linksys, LLC")


def test_gateway_from_one_macs_netstat_and_arp() -> None:
    gateway = choose_gateway(
        parse_netstat_rn(sample("getmac_macos10.12_netstat_-rn.txt")),
        parse_arp_an(sample("getmac_macos10.12_arp_-an.txt")),
    )
    assert gateway is not None
    assert (gateway.address, gateway.interface, gateway.mac) == (
        "10.0.2.2",
        "en0",
        "52:54:00:12:35:02",
    )
    assert gateway.vendor is None  # QEMU's locally administered 52:54:00


def test_scutil_general_and_scoped_resolvers() -> None:
    conf = parse_scutil_dns(sample("ansible_datacenter_macos10.8_scutil_dns.txt"))
    assert conf.servers == ("192.168.80.10", "192.168.80.24")
    assert conf.split == {}  # only multicast-DNS domains, which are skipped
    assert conf.per_interface == {
        "en0": ("192.168.1.1",),
        "ppp0": ("192.168.80.10", "192.168.80.24"),
    }


def test_scutil_search_domain_and_ipv6_servers() -> None:
    conf = parse_scutil_dns(sample("firezone_pr6220_scutil_dns_excerpt.txt"))
    assert conf.search == ("attlocal.net",)
    assert conf.servers == (
        "100.100.111.1",
        "fd00:2021:1111:8000:100:100:111:0",
        "2600:1700:3ecb:2410::1",
        "192.168.1.254",
    )


def test_scutil_without_resolvers_is_refused() -> None:
    with pytest.raises(FactUnavailable):
        parse_scutil_dns(sample("getmac_macos15_arp_-an.txt"))
