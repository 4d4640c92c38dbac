"""The router's rules on forwarded TCP to a port: which packets they match, written once.

``drop_port`` and ``reject_port`` differ only in what the router does with a match (drop it,
or answer with a reset), so the parameters, their checks and the iptables match live here.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.addresses import link
from wiresleuth.lab.faults.base import (
    ROUTER_LINKS,
    Fault,
    LabControl,
    check_address,
    check_choice,
    check_port,
)


@dataclass(frozen=True, kw_only=True)
class PortRule(Fault):
    """Forwarded TCP to ``port`` (and ``address``, if given) arriving from ``from_link``;
    a subclass says what the router does with it (``add_rule``)."""

    port: int
    """Destination TCP port."""
    address: str = ""
    """Destination address ("" for any)."""
    from_link: str = "client"
    """Router link the packets arrive by: client, proxy or internet."""

    def __post_init__(self) -> None:
        check_port("port", self.port)
        if self.address:
            check_address("address", self.address)
        check_choice("from_link", self.from_link, ROUTER_LINKS)

    def add_rule(self, lab: LabControl, *target: str) -> None:
        """Append the router's FORWARD rule for these packets, jumping to ``target``."""
        match = ["-d", self.address] if self.address else []
        lab.iptables(
            "router", "-A", "FORWARD", "-i", link(self.from_link).router_if, *match,
            "-p", "tcp", "--dport", str(self.port), "-j", *target,
        )  # fmt: skip

    def where(self) -> str:
        """``address:port`` as the fault's description names it."""
        return f"{self.address or 'any address'}:{self.port}"
