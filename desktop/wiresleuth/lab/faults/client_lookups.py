"""A client's name lookups to a given server, retried as a stub resolver retries."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.faults.base import (
    NAMESPACES,
    Fault,
    LabControl,
    check_address,
    check_choice,
    check_range,
)
from wiresleuth.lab.params import ParamError


@dataclass(frozen=True, kw_only=True)
class ClientLookups(Fault):
    """In ``namespace``, every ``interval`` s: ask ``server`` for each of ``names`` (A),
    ``tries`` times at most, ``timeout`` s each."""

    kind = "client_lookups"
    summary = "a client looking names up at a given name server every N s (with retries)"

    server: str
    """The name server's address (a lab address)."""
    names: tuple[str, ...]
    """Names to look up."""
    namespace: str = "client"
    """Where the client runs."""
    interval: float = 10.0
    """Seconds between two rounds of lookups."""
    tries: int = 3
    """Queries per name when none is answered."""
    timeout: float = 1.0
    """Seconds each query waits."""

    def __post_init__(self) -> None:
        check_address("server", self.server)
        if not 1 <= len(self.names) <= 20 or not all(self.names):
            raise ParamError("names", "give 1 to 20 names")
        check_choice("namespace", self.namespace, NAMESPACES)
        check_range("interval", self.interval, 0.5, 300)
        check_range("tries", self.tries, 1, 10)
        check_range("timeout", self.timeout, 0.1, 30)

    def apply(self, lab: LabControl) -> None:
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.client_lookups",
            "--server", self.server, "--interval", str(self.interval),
            "--tries", str(self.tries), "--timeout", str(self.timeout),
        ]  # fmt: skip
        for name in self.names:
            argv += ["--name", name]
        lab.start_process(f"lookups-{self.namespace}-{self.server}", self.namespace, argv)

    def describe(self) -> str:
        return f"client asks {self.server} for {', '.join(self.names)} every {self.interval:g} s"
