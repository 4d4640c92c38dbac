import json
import subprocess

import pytest

from tests.platform.conftest import sample
from wiresleuth.platform.commands import read_text
from wiresleuth.platform.facts import Route
from wiresleuth.platform.linux_parsers import (
    parse_ip_neigh_json,
    parse_proc_net_arp,
    parse_proc_net_route,
    parse_resolv_conf,
    parse_resolvectl_status,
    parse_sys_mtu,
)
from wiresleuth.platform.unavailable import FactUnavailable


def test_this_vms_recorded_route_table() -> None:
    routes = parse_proc_net_route(sample("linux_vm_proc_net_route.txt"))
    assert routes == [
        Route(destination="0.0.0.0/0", gateway="192.0.2.1", interface="eth0", metric=0),
        Route(destination="192.0.2.0/24", gateway=None, interface="eth0", metric=0),
    ]


def test_ubuntu_route_table_from_getmac() -> None:
    routes = parse_proc_net_route(sample("getmac_ubuntu18.10_proc_net_route.txt"))
    by_dest = {(r.destination, r.interface): r for r in routes}
    assert by_dest[("0.0.0.0/0", "ens33")].gateway == "192.168.16.2"
    assert by_dest[("0.0.0.0/0", "ens33")].metric == 100
    assert by_dest[("169.254.0.0/16", "ens33")].metric == 1000
    assert by_dest[("172.17.0.0/16", "docker0")].gateway is None
    assert by_dest[("192.168.95.0/24", "ens34")].metric == 101
    assert len(routes) == 5


def test_live_route_table_agrees_with_iproute2() -> None:
    routes = parse_proc_net_route(read_text("/proc/net/route"))
    ip_routes = json.loads(
        subprocess.run(
            ["ip", "-j", "-4", "route", "show", "table", "main"],
            capture_output=True,
            check=True,
            timeout=5,
            text=True,
        ).stdout
    )
    ip_default = [r for r in ip_routes if r["dst"] == "default"]
    ours = [r for r in routes if r.is_default]
    assert [(r.gateway, r.interface) for r in ours] == [
        (r.get("gateway"), r["dev"]) for r in ip_default
    ]


def test_route_table_with_wrong_header_is_refused() -> None:
    with pytest.raises(FactUnavailable):
        parse_proc_net_route(sample("linux_vm_proc_net_arp.txt"))


def test_this_vms_recorded_arp_table() -> None:
    [entry] = parse_proc_net_arp(sample("linux_vm_proc_net_arp.txt"))
    assert (entry.address, entry.mac, entry.interface) == ("192.0.2.1", "02:fc:00:00:00:05", "eth0")


def test_android_arp_table_from_getmac() -> None:
    entries = parse_proc_net_arp(sample("getmac_android9_proc_net_arp.txt"))
    assert [(e.address, e.mac, e.interface) for e in entries] == [
        ("192.168.232.1", "02:00:00:00:01:00", "wlan0"),
        ("192.168.200.1", "8e:8f:aa:c9:d2:8b", "radio0"),
    ]


def test_live_ip_neigh_agrees_with_proc_arp() -> None:
    text = subprocess.run(
        ["ip", "-j", "-4", "neigh"], capture_output=True, check=True, timeout=5, text=True
    ).stdout
    from_ip = {(e.address, e.mac) for e in parse_ip_neigh_json(text) if e.mac}
    from_proc = {
        (e.address, e.mac) for e in parse_proc_net_arp(read_text("/proc/net/arp")) if e.mac
    }
    assert from_proc
    assert from_proc <= from_ip


def test_ip_neigh_that_is_not_json_is_refused() -> None:
    with pytest.raises(FactUnavailable):
        parse_ip_neigh_json(sample("linux_vm_proc_net_arp.txt"))


def test_this_vms_resolv_conf() -> None:
    conf = parse_resolv_conf(sample("linux_vm_resolv.conf"))
    assert conf.servers == ("10.255.255.53",)
    assert conf.search == ()


def test_go_resolv_conf_testdata() -> None:
    # Expectations as Go's own src/net/dnsconfig_unix_test.go states them.
    conf = parse_resolv_conf(sample("golang_resolv.conf"))
    assert conf.servers == ("8.8.8.8", "2001:4860:4860::8888", "fe80::1%lo0")
    assert conf.search == ("localdomain",)
    assert parse_resolv_conf(sample("golang_domain-resolv.conf")).search == ("localdomain",)
    assert parse_resolv_conf(sample("golang_search-resolv.conf")).search == ("test", "invalid")


def test_resolvectl_only_default_route_links_serve_ordinary_queries() -> None:
    conf = parse_resolvectl_status(sample("systemd_issue40183_resolvectl_status.txt"))
    assert conf.servers == ("10.64.0.254", "fd64::fffe")  # eno1; eno2 has -DefaultRoute
    assert "1.1.1.1" not in conf.servers  # fallback servers are not in use
    assert conf.per_interface == {
        "eno2": ("10.64.0.254", "fd64::fffe"),
        "eno1": ("10.64.0.254", "fd64::fffe"),
    }
    assert conf.search == ()


def test_resolvectl_link_with_search_domain() -> None:
    conf = parse_resolvectl_status(sample("systemd_issue18855_resolvectl_status_excerpt.txt"))
    assert conf.servers == ("192.168.1.1", "fdb8:7b34:b3d9::1")
    assert conf.search == ("lan",)
    assert list(conf.per_interface) == ["wlp4s0"]


def test_resolvectl_output_without_sections_is_refused() -> None:
    with pytest.raises(FactUnavailable):
        parse_resolvectl_status(sample("linux_vm_resolv.conf"))


def test_sys_mtu_of_loopback() -> None:
    assert parse_sys_mtu(read_text("/sys/class/net/lo/mtu")) >= 1280
    with pytest.raises(FactUnavailable):
        parse_sys_mtu("auto\n")


def test_old_systemd_resolve_status_continuation_lines() -> None:
    # systemd 23x printed one server per line under the label.
    conf = parse_resolvectl_status(sample("systemd_issue7182_systemd-resolve_status_excerpt.txt"))
    assert conf.servers == ("208.67.222.222", "208.67.220.220", "8.26.56.26")
    assert conf.per_interface == {}
