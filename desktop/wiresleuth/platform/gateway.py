"""The default gateway and its maker: C8's "your gateway is an F5 device" rests on this."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wiresleuth.platform import host
from wiresleuth.platform.facts import Neighbour, Route
from wiresleuth.platform.oui import mac_vendor
from wiresleuth.platform.unavailable import FactUnavailable


@dataclass(frozen=True, kw_only=True)
class Gateway:
    """The next hop of the default route, with its MAC address and the MAC's registered maker."""

    address: str
    """The gateway's IP address."""
    interface: str
    """Outgoing interface (name; on Windows the interface's own address)."""
    mac: str | None
    """The gateway's MAC from the neighbour cache; None when it is not there (see below)."""
    vendor: str | None
    """Registered owner of the MAC's OUI (``F5 Networks, Inc.``); None if unknown or made up."""
    mac_missing_reason: str | None = None
    """Why ``mac`` is None (no cache entry, unresolved entry, cache unreadable); else None."""


def _best_default(routes: Iterable[Route]) -> Route | None:
    candidates = [r for r in routes if r.is_default and r.gateway is not None]
    if not candidates:
        return None
    # Lowest metric wins; routes without a metric keep the table's order after those with one.
    return min(candidates, key=lambda r: (r.metric is None, r.metric or 0))


def choose_gateway(
    routes: Iterable[Route],
    neighbours: Iterable[Neighbour],
    neighbour_problem: str | None = None,
) -> Gateway | None:
    """The default gateway from a routing table and a neighbour cache (pure).

    None when there is no default route via a gateway. ``neighbour_problem`` is why the
    cache could not be read, if it could not; it then becomes ``mac_missing_reason``.
    """
    route = _best_default(routes)
    if route is None or route.gateway is None:
        return None
    address = route.gateway
    if neighbour_problem is not None:
        return _without_mac(route, address, f"neighbour cache unreadable: {neighbour_problem}")
    matches = [n for n in neighbours if n.address == address]
    matches.sort(key=lambda n: (n.interface != route.interface, n.mac is None))
    if not matches:
        return _without_mac(
            route, address, f"no entry for {address} in the neighbour cache (no traffic to it yet)"
        )
    entry = matches[0]
    if entry.mac is None:
        return _without_mac(
            route, address, f"the neighbour cache entry for {address} is unresolved ({entry.state})"
        )
    return Gateway(
        address=address, interface=route.interface, mac=entry.mac, vendor=mac_vendor(entry.mac)
    )


def _without_mac(route: Route, address: str, reason: str) -> Gateway:
    return Gateway(
        address=address, interface=route.interface, mac=None, vendor=None, mac_missing_reason=reason
    )


def default_gateway() -> Gateway | None:
    """The running OS's default gateway; FactUnavailable if the routing table cannot be read."""
    adapter = host.current()
    routes = adapter.routes()
    try:
        neighbours = adapter.neighbours()
    except FactUnavailable as exc:
        return choose_gateway(routes, [], neighbour_problem=str(exc))
    return choose_gateway(routes, neighbours)
