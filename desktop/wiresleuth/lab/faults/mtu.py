"""Lower an MTU in the router and optionally swallow its ICMP "frag needed": a PMTU black hole."""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.addresses import link
from wiresleuth.lab.faults.base import ROUTER_LINKS, Fault, LabControl, check_choice, check_range


@dataclass(frozen=True, kw_only=True)
class Mtu(Fault):
    """Set the MTU of the router's interface on ``link``; drop its frag-needed when asked.

    The router's own ICMP leaves by OUTPUT (not FORWARD), so that is where it is dropped.
    """

    kind = "mtu"
    summary = "lower a router link's MTU; optionally drop the router's ICMP frag-needed"

    mtu: int
    """New MTU (576-1500)."""
    link: str = "client"
    """Router link whose router-side interface gets the MTU: client, proxy or internet."""
    drop_frag_needed: bool = True
    """Drop the router's ICMP fragmentation-needed messages (makes a black hole)."""

    def __post_init__(self) -> None:
        check_range("mtu", self.mtu, 576, 1500)
        check_choice("link", self.link, ROUTER_LINKS)

    def apply(self, lab: LabControl) -> None:
        lab.ip("router", "link", "set", "dev", link(self.link).router_if, "mtu", str(self.mtu))
        if self.drop_frag_needed:
            lab.iptables(
                "router", "-A", "OUTPUT", "-p", "icmp",
                "--icmp-type", "fragmentation-needed", "-j", "DROP",
            )  # fmt: skip
        for role in ("client", "proxy", "internet"):
            lab.ip(role, "route", "flush", "cache")

    def describe(self) -> str:
        hole = ", frag-needed dropped" if self.drop_frag_needed else ""
        return f"router MTU {self.mtu} towards {self.link}{hole}"
