import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.platform.conftest import sample
from wiresleuth.platform.facts import Neighbour, Route
from wiresleuth.platform.gateway import choose_gateway, default_gateway
from wiresleuth.platform.linux_parsers import parse_proc_net_arp, parse_proc_net_route

REPO = Path(__file__).resolve().parents[2]


def test_gateway_of_this_vm_from_recorded_tables() -> None:
    gateway = choose_gateway(
        parse_proc_net_route(sample("linux_vm_proc_net_route.txt")),
        parse_proc_net_arp(sample("linux_vm_proc_net_arp.txt")),
    )
    assert gateway is not None
    assert (gateway.address, gateway.interface, gateway.mac) == (
        "192.0.2.1",
        "eth0",
        "02:fc:00:00:00:05",
    )
    assert gateway.vendor is None
    assert gateway.mac_missing_reason is None


def test_lowest_metric_default_route_wins() -> None:
    routes = [
        Route(destination="0.0.0.0/0", gateway="198.18.0.1", interface="a", metric=600),
        Route(destination="0.0.0.0/0", gateway="198.18.1.1", interface="b", metric=100),
        Route(destination="198.18.0.0/24", gateway=None, interface="a", metric=0),
    ]
    gateway = choose_gateway(routes, [])
    assert gateway is not None
    assert (gateway.address, gateway.interface) == ("198.18.1.1", "b")


def test_no_default_route_means_no_gateway() -> None:
    routes = parse_proc_net_route(sample("linux_vm_proc_net_route.txt"))
    assert choose_gateway([r for r in routes if not r.is_default], []) is None


def test_missing_and_unresolved_neighbour_entries_say_why() -> None:
    routes = parse_proc_net_route(sample("linux_vm_proc_net_route.txt"))
    missing = choose_gateway(routes, [])
    assert missing is not None and missing.mac is None
    assert "no entry for 192.0.2.1" in (missing.mac_missing_reason or "")
    unresolved = choose_gateway(
        routes, [Neighbour(address="192.0.2.1", mac=None, interface="eth0", state="flags=0x0")]
    )
    assert unresolved is not None and "unresolved" in (unresolved.mac_missing_reason or "")
    unreadable = choose_gateway(routes, [], neighbour_problem="cannot read /proc/net/arp")
    assert unreadable is not None
    assert unreadable.mac_missing_reason == "neighbour cache unreadable: cannot read /proc/net/arp"


def test_default_gateway_of_this_machine_matches_iproute2() -> None:
    routes = json.loads(
        subprocess.run(
            ["ip", "-j", "-4", "route", "show", "default"],
            capture_output=True,
            check=True,
            timeout=5,
            text=True,
        ).stdout
    )
    gateway = default_gateway()
    if not routes:
        assert gateway is None
        return
    assert gateway is not None
    assert (gateway.address, gateway.interface) == (routes[0]["gateway"], routes[0]["dev"])


# --- a real gateway with an F5 MAC, in network namespaces made for the test -----------------

F5_MAC = "00:01:d7:12:34:56"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def f5_gateway_namespace() -> Iterator[str]:
    """Namespace ``client`` whose default gateway 198.18.0.1 is a veth with an F5 MAC."""
    if os.geteuid() != 0:
        pytest.skip("needs root to create network namespaces")
    client, router = f"wsplat-c{os.getpid()}", f"wsplat-r{os.getpid()}"
    try:
        _ip("netns", "add", client)
        _ip("netns", "add", router)
        _ip(
            "link",
            "add",
            "wsc0",
            "netns",
            client,
            "type",
            "veth",
            "peer",
            "name",
            "wsr0",
            "netns",
            router,
        )
        _ip("-n", router, "link", "set", "wsr0", "address", F5_MAC)
        _ip("-n", client, "addr", "add", "198.18.0.2/24", "dev", "wsc0")
        _ip("-n", router, "addr", "add", "198.18.0.1/24", "dev", "wsr0")
        for ns, dev in ((client, "wsc0"), (router, "wsr0")):
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip("-n", ns, "link", "set", dev, "up")
        _ip("-n", client, "route", "add", "default", "via", "198.18.0.1")
        yield client
    finally:
        for ns in (client, router):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)


def _default_gateway_in(namespace: str) -> dict[str, object]:
    code = (
        "import dataclasses, json\n"
        "from wiresleuth.platform.gateway import default_gateway\n"
        "print(json.dumps(dataclasses.asdict(default_gateway())))\n"
    )
    done = subprocess.run(
        ["ip", "netns", "exec", namespace, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_f5_gateway_is_named_from_inside_its_namespace(f5_gateway_namespace: str) -> None:
    before = _default_gateway_in(f5_gateway_namespace)
    assert before["address"] == "198.18.0.1"
    assert before["mac"] is None  # nothing sent yet: no ARP entry
    assert "no entry for 198.18.0.1" in str(before["mac_missing_reason"])

    subprocess.run(
        ["ip", "netns", "exec", f5_gateway_namespace, "ping", "-c", "1", "-W", "2", "198.18.0.1"],
        check=True,
        capture_output=True,
        timeout=10,
    )
    after = _default_gateway_in(f5_gateway_namespace)
    assert after == {
        "address": "198.18.0.1",
        "interface": "wsc0",
        "mac": F5_MAC,
        "vendor": "F5 Networks, Inc.",
        "mac_missing_reason": None,
    }
