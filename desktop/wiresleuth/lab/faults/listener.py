"""A scripted TCP listener at address:port in any namespace (e.g. a local service on :80, C4)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.faults.base import (
    CLOSE_MODES,
    NAMESPACES,
    Fault,
    LabControl,
    check_address,
    check_choice,
    check_port,
    check_range,
)


@dataclass(frozen=True, kw_only=True)
class Listener(Fault):
    """Accept at ``address:port`` in ``namespace``; read, wait, write ``reply``, close."""

    kind = "listener"
    summary = "scripted TCP listener at address:port in any namespace"

    namespace: str
    """client, router, proxy or internet."""
    address: str
    """Address to listen on: loopback, one the namespace has, or a new one in 100.64.1.0/24."""
    port: int
    """TCP port."""
    reply: str = ""
    """Bytes to write (UTF-8; TOML escapes work)."""
    wait: float = 0.0
    """Seconds between reading and replying."""
    read_first: bool = True
    """Read what the client sends before waiting."""
    close: str = "fin"
    """After the reply: fin, rst or hold."""

    def __post_init__(self) -> None:
        check_choice("namespace", self.namespace, NAMESPACES)
        check_address("address", self.address, loopback_ok=True)
        check_port("port", self.port)
        check_range("wait", self.wait, 0, 120)
        check_choice("close", self.close, CLOSE_MODES)

    def apply(self, lab: LabControl) -> None:
        lab.ensure_address(self.namespace, self.address)
        name = f"listener-{self.namespace}-{self.address}-{self.port}"
        reply = lab.write_file(f"{name}.reply", self.reply.encode())
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.scripted_listener",
            "--address", self.address, "--port", str(self.port),
            "--reply-file", str(reply), "--wait", str(self.wait), "--close", self.close,
        ]  # fmt: skip
        if not self.read_first:
            argv.append("--no-read")
        lab.start_process(name, self.namespace, argv)

    def describe(self) -> str:
        return (
            f"listener {self.address}:{self.port} in {self.namespace} ({len(self.reply)} B reply)"
        )
