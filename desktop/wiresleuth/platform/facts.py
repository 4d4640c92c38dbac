"""Typed records of what the OS reports: routes, neighbour (ARP) entries, DNS configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Route:
    """One IPv4 route as the OS's routing table lists it."""

    destination: str
    """Network in CIDR form (``0.0.0.0/0`` for the default route)."""
    gateway: str | None
    """Next-hop address; None when the network is on-link (directly attached)."""
    interface: str
    """Interface name (Linux, macOS) or the interface's own address (Windows ``route print``)."""
    metric: int | None = None
    """Route metric where the OS reports one (Windows includes the interface metric)."""

    @property
    def is_default(self) -> bool:
        """True for the default route (``0.0.0.0/0``)."""
        return self.destination == "0.0.0.0/0"


@dataclass(frozen=True, kw_only=True)
class Neighbour:
    """One entry of the neighbour (ARP) cache."""

    address: str
    """The neighbour's IP address."""
    mac: str | None
    """Normalised MAC (``aa:bb:cc:dd:ee:ff``); None while unresolved (incomplete)."""
    interface: str
    """Interface name, or on Windows the address of the interface the entry belongs to."""
    state: str = ""
    """The OS's word for the entry (``dynamic``, ``permanent``, ``REACHABLE``...), verbatim."""


@dataclass(frozen=True, kw_only=True)
class DnsConfig:
    """The resolvers the OS uses, as one of its own sources states them."""

    servers: tuple[str, ...]
    """Resolver addresses for ordinary queries, in the OS's order, without repeats."""
    search: tuple[str, ...] = ()
    """Search domains appended to short names."""
    per_interface: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Resolvers each interface (adapter, link) carries, where the source says so."""
    split: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Domain-specific resolvers (macOS supplemental, systemd ``~domain``): domain -> servers."""
    source: str = ""
    """Where this came from (``/etc/resolv.conf``, ``scutil --dns``, ``ipconfig /all``...)."""
