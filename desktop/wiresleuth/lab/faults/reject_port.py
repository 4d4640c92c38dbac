"""Router refuses TCP to a port with a reset: a firewall that rejects instead of dropping."""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.faults.base import LabControl, PortRule


@dataclass(frozen=True, kw_only=True)
class RejectPort(PortRule):
    """Answer forwarded SYNs to ``port`` (and ``address``) from ``from_link`` with a reset.

    The reset comes from the router, one hop nearer than the server: ``tcp.connection_refused``
    tells it by its TTL. (A port the server does not listen on is the other kind of refusal:
    a ``[[server]]`` with that port 0.)"""

    kind = "reject_port"
    summary = "router refuses TCP to a port with a reset (a rejecting firewall)"

    def apply(self, lab: LabControl) -> None:
        self.add_rule(lab, "REJECT", "--reject-with", "tcp-reset")

    def describe(self) -> str:
        return f"router refuses TCP to {self.where()} with a reset"
