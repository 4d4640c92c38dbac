"""A local agent process that keeps trying to reach an unanswering server (C7's antivirus)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.faults.base import (
    NAMESPACES,
    Fault,
    LabControl,
    check_address,
    check_choice,
    check_port,
    check_range,
)
from wiresleuth.lab.params import ParamError


@dataclass(frozen=True, kw_only=True)
class Agent(Fault):
    """In ``namespace``, a process connects to ``address:port`` every ``interval`` s; with
    ``unanswered`` the router drops those SYNs, so each attempt hangs until ``timeout``."""

    kind = "agent"
    summary = "a local agent process that keeps trying to reach address:port (SYNs unanswered)"

    address: str
    """Server the agent tries to reach (a lab address)."""
    port: int
    """Its TCP port (C7: 5274, Trend Micro's URL-filter service)."""
    namespace: str = "client"
    """Where the agent runs."""
    interval: float = 1.0
    """Seconds between two connection attempts."""
    timeout: float = 4.0
    """Seconds each attempt waits (the kernel resends the SYN meanwhile)."""
    name: str = ""
    """Process name shown by ps/psutil (at most 15 characters; "" keeps python's)."""
    unanswered: bool = True
    """The router drops SYNs to address:port: nobody answers, not even with a reset."""

    def __post_init__(self) -> None:
        check_choice("namespace", self.namespace, NAMESPACES)
        check_address("address", self.address)
        check_port("port", self.port)
        check_range("interval", self.interval, 0.1, 60)
        check_range("timeout", self.timeout, 0.1, 120)
        if len(self.name) > 15 or not all(c.isalnum() or c in "._-" for c in self.name):
            raise ParamError(
                "name", f"at most 15 letters, digits, '.', '_' or '-'; got {self.name!r}"
            )

    def apply(self, lab: LabControl) -> None:
        if self.unanswered:
            lab.iptables(
                "router", "-A", "FORWARD", "-p", "tcp", "-d", self.address,
                "--dport", str(self.port), "-j", "DROP",
            )  # fmt: skip
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.connect_agent",
            "--address", self.address, "--port", str(self.port),
            "--interval", str(self.interval), "--timeout", str(self.timeout),
        ]  # fmt: skip
        if self.name:
            argv += ["--name", self.name]
        lab.start_process(
            f"agent-{self.namespace}-{self.address}-{self.port}", self.namespace, argv
        )

    def describe(self) -> str:
        quiet = ", SYNs unanswered" if self.unanswered else ""
        shown = f" as {self.name!r}" if self.name else ""
        return (
            f"agent{shown} in {self.namespace} tries {self.address}:{self.port} every "
            f"{self.interval:g} s{quiet}"
        )
