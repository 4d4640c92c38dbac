"""Give the router's interface a chosen MAC, e.g. an F5 OUI for the client's gateway (C8)."""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.addresses import link
from wiresleuth.lab.faults.base import ROUTER_LINKS, Fault, LabControl, check_choice, check_mac


@dataclass(frozen=True, kw_only=True)
class GatewayMac(Fault):
    """Set the MAC of the router's interface on ``link`` and flush that neighbour's ARP cache."""

    kind = "gateway_mac"
    summary = "set the router's MAC on a link (the gateway's vendor OUI)"

    mac: str
    """MAC address, e.g. 00:01:d7:5e:a1:08 (00:01:D7, 00:23:E9, 00:94:A1 are F5 Networks)."""
    link: str = "client"
    """Router link: client, proxy or internet."""

    def __post_init__(self) -> None:
        check_mac("mac", self.mac)
        check_choice("link", self.link, ROUTER_LINKS)

    def apply(self, lab: LabControl) -> None:
        lab.ip("router", "link", "set", "dev", link(self.link).router_if, "address", self.mac)
        lab.ip(self.link, "neigh", "flush", "all")

    def describe(self) -> str:
        return f"router MAC {self.mac} on the {self.link} link"
