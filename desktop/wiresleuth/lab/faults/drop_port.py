"""Router drops TCP to a port (optionally one address) coming from one link (cases C5, C9).

The proxy has its own router link, so "direct traffic is blocked, the proxy's is not" is one
rule: drop what arrives from the client link.
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
class DropPort(Fault):
    """Drop forwarded TCP to ``port`` (and ``address``, if given) arriving from ``from_link``."""

    kind = "drop_port"
    summary = "router silently drops TCP to a port from one link (direct access blocked)"

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

    def apply(self, lab: LabControl) -> None:
        match = ["-d", self.address] if self.address else []
        lab.iptables(
            "router", "-A", "FORWARD", "-i", link(self.from_link).router_if, *match,
            "-p", "tcp", "--dport", str(self.port), "-j", "DROP",
        )  # fmt: skip

    def describe(self) -> str:
        where = self.address or "any address"
        return f"router drops TCP to {where}:{self.port} from the {self.from_link} link"
