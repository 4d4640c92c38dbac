"""A client program that keeps connecting to a server: waits, sends, reads (client side)."""

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


@dataclass(frozen=True, kw_only=True)
class ClientExchange(Fault):
    """In ``namespace``, every ``interval`` s: connect to ``address:port``, wait
    ``wait_before`` s (a client that waits), send ``request`` and ``upload`` bytes, read the
    answer. Pointed at a refusing or dropped port, a waiting server or a slow reader, it is
    the traffic their faults show on."""

    kind = "client_exchange"
    summary = "a client program connecting every N s: waits, sends a request/upload, reads"

    address: str
    """The server (a lab address)."""
    port: int
    """Its TCP port."""
    namespace: str = "client"
    """Where the client runs."""
    interval: float = 5.0
    """Seconds between the starts of two exchanges."""
    wait_before: float = 0.0
    """Seconds between connecting and sending the request."""
    request: str = ""
    """What to send (UTF-8; TOML escapes work)."""
    upload: int = 0
    """Bytes sent after the request."""
    connect_timeout: float = 4.0
    """Seconds connect() waits (the kernel resends the SYN meanwhile)."""
    read_timeout: float = 8.0
    """Seconds the answer is read for."""
    half_close: bool = False
    """Close the sending side after the request (the server then knows it is complete)."""

    def __post_init__(self) -> None:
        check_address("address", self.address)
        check_port("port", self.port)
        check_choice("namespace", self.namespace, NAMESPACES)
        check_range("interval", self.interval, 0.5, 120)
        check_range("wait_before", self.wait_before, 0, 60)
        check_range("upload", self.upload, 0, 1 << 24)
        check_range("connect_timeout", self.connect_timeout, 0.1, 60)
        check_range("read_timeout", self.read_timeout, 0.1, 120)

    def apply(self, lab: LabControl) -> None:
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.client_exchange",
            "--address", self.address, "--port", str(self.port),
            "--interval", str(self.interval), "--wait-before", str(self.wait_before),
            "--request", self.request.encode("unicode_escape").decode("ascii"),
            "--upload", str(self.upload),
            "--connect-timeout", str(self.connect_timeout),
            "--read-timeout", str(self.read_timeout),
            *(["--half-close"] if self.half_close else []),
        ]  # fmt: skip
        lab.start_process(
            f"client-{self.namespace}-{self.address}-{self.port}", self.namespace, argv
        )

    def describe(self) -> str:
        wait = f", waits {self.wait_before:g} s before its request" if self.wait_before else ""
        return f"client in {self.namespace} connects to {self.address}:{self.port}{wait}"
