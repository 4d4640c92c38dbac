"""Router refuses TCP to a port with a reset: a firewall that rejects instead of dropping."""

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
class RejectPort(Fault):
    """Answer forwarded SYNs to ``port`` (and ``address``) from ``from_link`` with a reset.

    The reset comes from the router, one hop nearer than the server: ``tcp.connection_refused``
    tells it by its TTL. (A port the server does not listen on is the other kind of refusal:
    a ``[[server]]`` with that port 0.)"""

    kind = "reject_port"
    summary = "router refuses TCP to a port with a reset (a rejecting firewall)"

    port: int
    """Destination TCP port."""
    address: str = ""
    """Destination address ("" for any)."""
    from_link: str = "client"
    """Router link the SYNs arrive by."""

    def __post_init__(self) -> None:
        check_port("port", self.port)
        if self.address:
            check_address("address", self.address)
        check_choice("from_link", self.from_link, ROUTER_LINKS)

    def apply(self, lab: LabControl) -> None:
        match = ["-d", self.address] if self.address else []
        lab.iptables(
            "router", "-A", "FORWARD", "-i", link(self.from_link).router_if, *match,
            "-p", "tcp", "--dport", str(self.port), "-j", "REJECT", "--reject-with", "tcp-reset",
        )  # fmt: skip

    def describe(self) -> str:
        return f"router refuses TCP to {self.address or 'any address'}:{self.port} with a reset"
