"""Network interfaces as psutil reports them, shaped for system.json."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psutil

from wiresleuth.platform.oui import normalize_mac
from wiresleuth.platform.unavailable import FactUnavailable

_FAMILIES = {"AF_INET": "ipv4", "AF_INET6": "ipv6"}


def _family(family: Any) -> str | None:
    if int(family) == int(psutil.AF_LINK):
        return "link"
    return _FAMILIES.get(getattr(family, "name", ""))


def describe_interfaces(
    addrs: Mapping[str, Sequence[Any]],
    stats: Mapping[str, Any],
    mtu_fallback: Callable[[str], int] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """JSON-ready interface records from ``psutil.net_if_addrs()`` and ``net_if_stats()``.

    Returns the records (sorted by name) and the reasons any MTU could not be found.
    ``mtu_fallback`` is asked for interfaces psutil lists without statistics.
    """
    problems: list[str] = []
    records: list[dict[str, Any]] = []
    for name in sorted(set(addrs) | set(stats)):
        stat = stats.get(name)
        mtu: int | None = stat.mtu if stat is not None and stat.mtu else None
        if mtu is None and mtu_fallback is not None:
            try:
                mtu = mtu_fallback(name)
            except FactUnavailable as exc:
                problems.append(f"MTU of {name}: {exc}")
        mac: str | None = None
        addresses: list[dict[str, Any]] = []
        for addr in addrs.get(name, []):
            family = _family(addr.family)
            if family == "link":
                mac = mac or normalize_mac(addr.address)
            elif family is not None:
                addresses.append(
                    {"family": family, "address": addr.address, "netmask": addr.netmask}
                )
        records.append(
            {
                "name": name,
                "up": bool(stat.isup) if stat is not None else None,
                "mtu": mtu,
                "speed_mbps": stat.speed if stat is not None and stat.speed else None,
                "mac": mac,
                "addresses": addresses,
            }
        )
    return records, problems


def collect_interfaces() -> tuple[list[dict[str, Any]], list[str]]:
    """This machine's interfaces; FactUnavailable if psutil cannot list them."""
    try:
        addrs = psutil.net_if_addrs()
        stats = psutil.net_if_stats()
    except (OSError, RuntimeError) as exc:
        raise FactUnavailable(f"cannot list interfaces: {exc}") from exc
    fallback: Callable[[str], int] | None = None
    if sys.platform.startswith("linux"):
        from wiresleuth.platform.linux import interface_mtu

        fallback = interface_mtu
    return describe_interfaces(addrs, stats, fallback)
