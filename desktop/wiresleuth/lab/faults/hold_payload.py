"""Hold the client's outbound TCP payload to some ports: software on the host delaying requests (C7)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.faults.base import Fault, LabControl, check_port, check_range
from wiresleuth.lab.params import ParamError


@dataclass(frozen=True, kw_only=True)
class HoldPayload(Fault):
    """NFQUEUE in the client's OUTPUT: packets with payload to ``ports`` wait; SYNs pass."""

    kind = "hold_payload"
    summary = "client holds outbound TCP payload to given ports for N s (SYNs pass)"

    ports: tuple[int, ...]
    """Destination ports whose payload is held (at most 15)."""
    seconds: float
    """How long each request is held."""

    def __post_init__(self) -> None:
        if not 1 <= len(self.ports) <= 15:
            raise ParamError("ports", "give 1 to 15 ports")
        for port in self.ports:
            check_port("ports", port)
        check_range("seconds", self.seconds, 0.01, 60)

    def apply(self, lab: LabControl) -> None:
        queue = lab.next_queue()
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.delay_line",
            "--queue", str(queue), "--hold-s", str(self.seconds),
        ]  # fmt: skip
        lab.start_process(f"hold-{queue}", "client", argv)
        lab.iptables(
            "client", "-A", "OUTPUT", "-p", "tcp",
            "-m", "multiport", "--dports", ",".join(str(p) for p in self.ports),
            "-j", "NFQUEUE", "--queue-num", str(queue), "--queue-bypass",
        )  # fmt: skip

    def describe(self) -> str:
        ports = ",".join(str(p) for p in self.ports)
        return f"client holds payload to port(s) {ports} for {self.seconds:g} s"
