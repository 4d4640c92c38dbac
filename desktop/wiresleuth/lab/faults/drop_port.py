"""Router drops TCP to a port (optionally one address) coming from one link (cases C5, C9).

The proxy has its own router link, so "direct traffic is blocked, the proxy's is not" is one
rule: drop what arrives from the client link.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.faults.base import LabControl, PortRule


@dataclass(frozen=True, kw_only=True)
class DropPort(PortRule):
    """Drop forwarded TCP to ``port`` (and ``address``, if given) arriving from ``from_link``."""

    kind = "drop_port"
    summary = "router silently drops TCP to a port from one link (direct access blocked)"

    def apply(self, lab: LabControl) -> None:
        self.add_rule(lab, "DROP")

    def describe(self) -> str:
        return f"router drops TCP to {self.where()} from the {self.from_link} link"
