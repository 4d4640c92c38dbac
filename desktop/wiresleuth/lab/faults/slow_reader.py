"""A server that stops reading what it receives: its window closes (a stalled printer)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.faults.base import Fault, LabControl, check_address, check_port, check_range


@dataclass(frozen=True, kw_only=True)
class SlowReader(Fault):
    """In ``internet`` at ``address:port``: accept, read nothing for ``pause`` s with a
    ``rcvbuf``-byte receive buffer (the window closes), then read all, answer, close."""

    kind = "slow_reader"
    summary = "a server that stops reading for N s (zero window), then answers"

    address: str
    """A new address in 100.64.1.0/24."""
    port: int = 9100
    """TCP port (9100: a printer's)."""
    pause: float = 3.0
    """Seconds without reading."""
    rcvbuf: int = 4096
    """Receive buffer in bytes (small: the window closes after a few segments)."""

    def __post_init__(self) -> None:
        check_address("address", self.address)
        check_port("port", self.port)
        check_range("pause", self.pause, 0, 60)
        check_range("rcvbuf", self.rcvbuf, 1024, 1 << 20)

    def apply(self, lab: LabControl) -> None:
        lab.ensure_address("internet", self.address)
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.slow_reader",
            "--address", self.address, "--port", str(self.port),
            "--pause", str(self.pause), "--rcvbuf", str(self.rcvbuf),
        ]  # fmt: skip
        lab.start_process(f"slow-reader-{self.address}-{self.port}", "internet", argv)

    def describe(self) -> str:
        return f"{self.address}:{self.port} stops reading for {self.pause:g} s"
