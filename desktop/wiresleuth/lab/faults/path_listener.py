"""``wiresleuth listen`` in a lab namespace: the server side of the path proof (case C9)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.addresses import DOMAIN
from wiresleuth.lab.faults.base import (
    NAMESPACES,
    Fault,
    LabControl,
    check_address,
    check_choice,
    check_port,
)
from wiresleuth.lab.params import ParamError


@dataclass(frozen=True, kw_only=True)
class PathListener(Fault):
    """Run the product's own listener at ``address:port``; its log is the lab log."""

    kind = "path_listener"
    summary = "the product's path-proof listener (wiresleuth listen) at address:port"

    address: str
    """Address to listen on (in ``internet``: a new one inside 100.64.1.0/24 is added)."""
    port: int
    """TCP port."""
    namespace: str = "internet"
    """client, router, proxy or internet."""
    name: str = ""
    """DNS name under lab.test answered with ``address`` ("" for none)."""

    def __post_init__(self) -> None:
        check_address("address", self.address)
        check_port("port", self.port)
        check_choice("namespace", self.namespace, NAMESPACES)
        if self.name and not self.name.endswith(f".{DOMAIN}"):
            raise ParamError("name", f"must end with .{DOMAIN}; got {self.name!r}")

    def apply(self, lab: LabControl) -> None:
        lab.ensure_address(self.namespace, self.address)
        if self.name:
            lab.set_dns_record(self.name, self.address)
        argv = [
            sys.executable, "-m", "wiresleuth", "listen", str(self.port), "--bind", self.address,
        ]  # fmt: skip
        lab.start_process(f"path-listener-{self.address}-{self.port}", self.namespace, argv)

    def describe(self) -> str:
        name = f" ({self.name})" if self.name else ""
        return f"wiresleuth listen on {self.address}:{self.port}{name} in {self.namespace}"
