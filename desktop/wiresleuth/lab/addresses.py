"""The lab's address plan (198.18.0.0/15 and 100.64.0.0/10 only) and its links.

::

    client eth0 198.18.1.10/24 ── to-client 198.18.1.1  ┐
    proxy  eth0 198.18.2.10/24 ── to-proxy  198.18.2.1  ├ router ── to-inet 100.64.0.1/24
                                                        ┘              │
                             internet eth0 100.64.0.2/24, DNS 100.64.0.53, servers 100.64.1.0/24

With a second router (scenario ``routers = 2``), ``wan`` sits between ``router`` and
``internet``; ``internet`` keeps its addresses and gateway::

    router to-inet 100.64.2.1/24 ── to-router 100.64.2.2/24  wan  to-inet 100.64.0.1/24 ── internet
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from wiresleuth.errors import LabError

CLIENT = "198.18.1.10"
CLIENT_GATEWAY = "198.18.1.1"
PROXY = "198.18.2.10"
PROXY_GATEWAY = "198.18.2.1"
PROXY_PORT = 3128
ROUTER_WAN = "100.64.0.1"
INTERNET = "100.64.0.2"
INTERNET_NET = "100.64.0.0/24"
"""The internet-side link (the DNS server's network)."""
DNS_SERVER = "100.64.0.53"
DOMAIN = "lab.test"
"""Names under this domain are answered by the lab DNS (NXDOMAIN when unknown)."""
TRANSIT_NET = "100.64.2.0/24"
"""Between ``router`` and ``wan`` when a lab has two routers."""
ROUTER_TRANSIT = "100.64.2.1"
"""``router``'s address towards ``wan``."""
WAN_TRANSIT = "100.64.2.2"
"""``wan``'s address towards ``router``: the second hop's address."""
CLIENT_NETS = "198.18.0.0/15"
"""The client and proxy side, which ``wan`` reaches through ``router``."""
ROUTER_NAMES = {CLIENT_GATEWAY: "router1", WAN_TRANSIT: "router2"}
"""Reverse names (under lab.test) the lab DNS gives the routers' addresses."""
SERVER_NET = "100.64.1.0/24"
"""Scenario servers take addresses from here; the router routes it to the internet namespace."""

ALLOWED_NETS = (ipaddress.ip_network("198.18.0.0/15"), ipaddress.ip_network("100.64.0.0/10"))
"""The only networks lab traffic may target (besides loopback)."""


@dataclass(frozen=True, kw_only=True)
class Link:
    """One veth pair between the router and another namespace."""

    role: str
    """The namespace on the far side (``client``, ``proxy``, ``internet``)."""
    router_if: str
    """Interface name on the router side."""
    router_addr: str
    """Router address with prefix length."""
    peer_if: str
    """Interface name in the far namespace."""
    peer_addr: str
    """Far-side address with prefix length."""
    peer_gateway: str
    """Default gateway of the far namespace."""


LINKS = (
    Link(
        role="client",
        router_if="to-client",
        router_addr=f"{CLIENT_GATEWAY}/24",
        peer_if="eth0",
        peer_addr=f"{CLIENT}/24",
        peer_gateway=CLIENT_GATEWAY,
    ),
    Link(
        role="proxy",
        router_if="to-proxy",
        router_addr=f"{PROXY_GATEWAY}/24",
        peer_if="eth0",
        peer_addr=f"{PROXY}/24",
        peer_gateway=PROXY_GATEWAY,
    ),
    Link(
        role="internet",
        router_if="to-inet",
        router_addr=f"{ROUTER_WAN}/24",
        peer_if="eth0",
        peer_addr=f"{INTERNET}/24",
        peer_gateway=ROUTER_WAN,
    ),
)


def link(role: str) -> Link:
    """The router link towards a namespace role."""
    for item in LINKS:
        if item.role == role:
            return item
    raise LabError(f"no router link to {role!r}; links: {', '.join(x.role for x in LINKS)}")


def check_lab_address(text: str, *, loopback_ok: bool = False) -> str:
    """The address, normalised; LabError unless it is inside the lab's networks."""
    try:
        addr = ipaddress.ip_address(text)
    except ValueError as exc:
        raise LabError(f"{text!r} is not an IP address") from exc
    if loopback_ok and addr.is_loopback:
        return str(addr)
    if not any(addr in net for net in ALLOWED_NETS):
        nets = ", ".join(str(n) for n in ALLOWED_NETS)
        raise LabError(f"{text}: lab addresses must be inside {nets}")
    return str(addr)
