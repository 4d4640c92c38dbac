"""Make the lab DNS answer a name with a chosen address (e.g. a PAC host -> 127.0.0.1, C4)."""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.faults.base import Fault, LabControl, check_address
from wiresleuth.lab.params import ParamError


@dataclass(frozen=True, kw_only=True)
class DnsOverride(Fault):
    """Answer A queries for ``name`` with ``address``."""

    kind = "dns_override"
    summary = "lab DNS answers a name with a chosen address (lab address or loopback)"

    name: str
    """Fully qualified name, e.g. pac.lab.test."""
    address: str
    """Lab address or loopback."""

    def __post_init__(self) -> None:
        if not self.name or " " in self.name or self.name.endswith("."):
            raise ParamError("name", f"must be a host name without trailing dot; got {self.name!r}")
        check_address("address", self.address, loopback_ok=True)

    def apply(self, lab: LabControl) -> None:
        lab.set_dns_record(self.name, self.address)

    def describe(self) -> str:
        return f"DNS {self.name} -> {self.address}"
