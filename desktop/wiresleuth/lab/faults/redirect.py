"""REDIRECT a destination to a router-local relay with a scripted reply (cases C3, C6)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.faults.base import (
    CLOSE_MODES,
    HOP_ROLES,
    ROUTER_LINKS,
    Fault,
    LabControl,
    check_address,
    check_choice,
    check_hop,
    check_port,
    check_range,
    hop_interface,
)


@dataclass(frozen=True, kw_only=True)
class Redirect(Fault):
    """Answer connections to ``address:port`` from a relay in the router.

    The relay's SYN-ACK comes from the router, so it skips the delay line: the handshake is
    faster than the path allows. It reads, waits ``wait`` seconds, writes ``reply``, closes.
    """

    kind = "redirect"
    summary = "router REDIRECTs address:port to a local relay: instant handshake, scripted reply"

    address: str
    """Destination address to intercept."""
    port: int = 443
    """Destination port to intercept."""
    relay_port: int = 0
    """Router port of the relay (0: 20000 + port)."""
    reply: str = ""
    """Bytes the relay writes (TOML escapes such as \\r\\n work; UTF-8)."""
    wait: float = 0.0
    """Seconds between reading and replying."""
    read_first: bool = True
    """Read what the client sends (e.g. a ClientHello) before waiting."""
    close: str = "fin"
    """After the reply: fin, rst or hold."""
    from_link: str = "client"
    """Router link whose incoming connections are intercepted."""
    hop: int = 1
    """Which router intercepts: 1 (``router``, the client's gateway) or 2 (``wan``, one hop
    further; needs ``routers = 2``)."""

    def __post_init__(self) -> None:
        check_address("address", self.address)
        check_port("port", self.port)
        if self.relay_port:
            check_port("relay_port", self.relay_port)
        check_range("wait", self.wait, 0, 120)
        check_choice("close", self.close, CLOSE_MODES)
        check_choice("from_link", self.from_link, ROUTER_LINKS)
        check_hop("hop", self.hop)

    @property
    def listen_port(self) -> int:
        """The relay's port in the router."""
        return self.relay_port or 20000 + self.port

    def apply(self, lab: LabControl) -> None:
        reply = lab.write_file(f"relay-{self.listen_port}.reply", self.reply.encode())
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.scripted_listener",
            "--address", "0.0.0.0", "--port", str(self.listen_port),
            "--reply-file", str(reply), "--wait", str(self.wait), "--close", self.close,
        ]  # fmt: skip
        if not self.read_first:
            argv.append("--no-read")
        role = HOP_ROLES[self.hop]
        lab.start_process(f"relay-{self.listen_port}", role, argv)
        lab.iptables(
            role, "-t", "nat", "-A", "PREROUTING", "-i", hop_interface(self.hop, self.from_link),
            "-p", "tcp", "-d", self.address, "--dport", str(self.port),
            "-j", "REDIRECT", "--to-ports", str(self.listen_port),
        )  # fmt: skip

    def describe(self) -> str:
        return (
            f"{HOP_ROLES[self.hop]} (hop {self.hop}) intercepts {self.address}:{self.port}; relay replies "
            f"{len(self.reply.encode())} B after {self.wait:g} s, then {self.close}"
        )
