"""The base topology: built as documented, and removed without a trace."""

import json
from pathlib import Path

import pytest

from tests.lab.conftest import fresh_names
from wiresleuth.errors import LabError
from wiresleuth.lab import addresses
from wiresleuth.lab.commands import run, run_in
from wiresleuth.lab.lab import build_lab, teardown_lab
from wiresleuth.lab.processes import read_table, start_ticks
from wiresleuth.lab.scenario import load_scenario
from wiresleuth.lab.topology import existing_namespaces

pytestmark = pytest.mark.lab


def _addresses(ns: str) -> set[str]:
    shown = json.loads(run(["ip", "-j", "-n", ns, "addr", "show"]).stdout)
    return {f"{a['local']}/{a['prefixlen']}" for link in shown for a in link.get("addr_info", [])}


def test_up_then_down_leaves_nothing_behind() -> None:
    names = fresh_names("topology")
    lab = build_lab(load_scenario("baseline"), names)
    try:
        procs = read_table(names.state_dir)
        assert {p.name for p in procs} >= {"dns", "squid", "delay-line", "server-www.lab.test"}
        assert existing_namespaces(names) == list(names.namespaces)
        client, router = names.ns("client"), names.ns("router")
        assert f"{addresses.CLIENT}/24" in _addresses(client)
        assert {f"{addresses.CLIENT_GATEWAY}/24", f"{addresses.ROUTER_WAN}/24"} <= _addresses(
            router
        )
        assert {f"{addresses.DNS_SERVER}/24", "100.64.1.10/32"} <= _addresses(names.ns("internet"))
        resolv = Path(f"/etc/netns/{client}/resolv.conf").read_text()
        assert f"nameserver {addresses.DNS_SERVER}" in resolv
        assert run_in(router, ["sysctl", "-n", "net.ipv4.ip_forward"]).stdout.strip() == "1"
        assert run_in(client, ["sysctl", "-n", "net.ipv4.ping_group_range"]).stdout.split() == [
            "0", "2147483647"]  # fmt: skip
        offloads = run_in(router, ["ethtool", "-k", "to-client"]).stdout
        for feature in ("tcp-segmentation-offload", "generic-segmentation-offload",
                        "generic-receive-offload"):  # fmt: skip
            assert f"{feature}: off" in offloads
        assert lab.bundles.os_trust.exists() and lab.bundles.public.exists()
    finally:
        assert lab.teardown() == []
    assert existing_namespaces(names) == []
    assert not any(
        names.etc_dir(role).exists() for role in ("client", "router", "proxy", "internet")
    )
    assert not names.state_dir.exists()
    assert all(start_ticks(p.pid) != p.start_ticks for p in procs), "a lab process survived"


def test_a_second_lab_with_the_same_prefix_is_refused_until_down() -> None:
    names = fresh_names("topology")
    lab = build_lab(load_scenario("baseline"), names)
    try:
        with pytest.raises(LabError, match=r"already up.*lab down"):
            build_lab(load_scenario("baseline"), names)
        assert existing_namespaces(names) == list(names.namespaces), "the refusal broke the lab"
    finally:
        lab.teardown()
    assert teardown_lab(names) == []


def test_two_routers_put_the_internet_one_hop_further_and_leave_nothing_behind() -> None:
    names = fresh_names("two-routers")
    lab = build_lab(load_scenario("C6"), names)  # routers = 2, the cache on hop 2
    try:
        assert existing_namespaces(names) == [*names.namespaces, names.ns("wan")]
        wan, router = names.ns("wan"), names.ns("router")
        assert {f"{addresses.WAN_TRANSIT}/24", f"{addresses.ROUTER_WAN}/24"} <= _addresses(wan)
        assert f"{addresses.ROUTER_TRANSIT}/24" in _addresses(router)
        assert f"{addresses.ROUTER_WAN}/24" not in _addresses(router)
        client = names.ns("client")
        # TTL 2 expires at the second router; the server answers TTL 3 (and is ~100 ms away:
        # the delay line moved to the second router's internet link)
        second = run_in(client, ["ping", "-n", "-c", "1", "-W", "2", "-t", "2", "100.64.1.30"],
                        check=False).stdout  # fmt: skip
        assert f"From {addresses.WAN_TRANSIT}" in second and "exceeded" in second
        third = run_in(client, ["ping", "-n", "-c", "1", "-W", "2", "-t", "3", "100.64.1.30"])
        rtt = float(third.stdout.split("time=")[1].split()[0])
        assert 90 < rtt < 400, third.stdout
        assert "delay-line" in {p.name for p in read_table(names.state_dir)}
    finally:
        assert lab.teardown() == []
    assert existing_namespaces(names) == []
    assert not names.etc_dir("wan").exists()
