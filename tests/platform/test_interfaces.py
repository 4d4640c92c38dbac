from pathlib import Path

import psutil

from wiresleuth.platform.commands import read_text
from wiresleuth.platform.interfaces import collect_interfaces, describe_interfaces
from wiresleuth.platform.linux import interface_mtu

SYS_NET = Path("/sys/class/net")


def test_interfaces_agree_with_sysfs() -> None:
    records, problems = collect_interfaces()
    assert problems == []
    by_name = {r["name"]: r for r in records}
    assert {"lo", "eth0"} <= set(by_name)
    # Other work on this machine may add or remove interfaces meanwhile: compare the common ones.
    common = set(by_name) & {p.name for p in SYS_NET.iterdir()}
    for name in common:
        record = by_name[name]
        assert record["mtu"] == int(read_text(SYS_NET / name / "mtu"))
        address = read_text(SYS_NET / name / "address").strip()
        assert record["mac"] == (None if address == "00:00:00:00:00:00" else address)
    loopback = by_name["lo"]
    assert loopback["up"] is True
    assert {"family": "ipv4", "address": "127.0.0.1", "netmask": "255.0.0.0"} in loopback[
        "addresses"
    ]


def test_mtu_from_fallback_when_psutil_has_no_statistics() -> None:
    records, problems = describe_interfaces(psutil.net_if_addrs(), {}, interface_mtu)
    assert problems == []
    assert {r["name"]: r["mtu"] for r in records}["lo"] == int(read_text(SYS_NET / "lo" / "mtu"))
    assert all(r["up"] is None for r in records)


def test_missing_mtu_is_reported_not_guessed() -> None:
    records, problems = describe_interfaces({"wsnone0": []}, {}, interface_mtu)
    assert records[0]["mtu"] is None
    assert problems and problems[0].startswith("MTU of wsnone0: cannot read")
