"""The client's DNS answers rewritten on the way (NXDOMAIN -> an address; a long TTL), C4."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.addresses import DNS_SERVER, link
from wiresleuth.lab.faults.base import (
    ROUTER_LINKS,
    Fault,
    LabControl,
    check_address,
    check_choice,
    check_range,
)
from wiresleuth.lab.params import ParamError

RELAY_PORT = 20053
"""Router port of the rewriting forwarder."""


@dataclass(frozen=True, kw_only=True)
class DnsRewrite(Fault):
    """Router REDIRECTs the link's DNS to a forwarder that asks the lab DNS and rewrites.

    To the client it looks like its own resolver (100.64.0.53) rewrites: exactly what an
    Internet provider's resolver that turns NXDOMAIN into a search page looks like.
    """

    kind = "dns_rewrite"
    summary = "client DNS via a rewriting forwarder: NXDOMAIN -> an address, and/or a fixed TTL"

    nxdomain_address: str = ""
    """Answer every NXDOMAIN (A query) with this lab address (empty: keep NXDOMAIN)."""
    ttl: int = 0
    """Set this TTL on every answer record (0: keep the lab DNS's 60 s)."""
    from_link: str = "client"
    """Router link whose DNS queries are rewritten."""

    def __post_init__(self) -> None:
        if self.nxdomain_address:
            check_address("nxdomain_address", self.nxdomain_address)
        check_range("ttl", self.ttl, 0, 86400)
        check_choice("from_link", self.from_link, ROUTER_LINKS)
        if not self.nxdomain_address and not self.ttl:
            raise ParamError("nxdomain_address", "give nxdomain_address, ttl or both")

    def apply(self, lab: LabControl) -> None:
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.rewriting_dns",
            "--listen", "0.0.0.0", "--port", str(RELAY_PORT), "--upstream", DNS_SERVER,
        ]  # fmt: skip
        if self.nxdomain_address:
            argv += ["--nxdomain-address", self.nxdomain_address]
        if self.ttl:
            argv += ["--ttl", str(self.ttl)]
        lab.start_process("dns-rewrite", "router", argv)
        lab.iptables(
            "router", "-t", "nat", "-A", "PREROUTING", "-i", link(self.from_link).router_if,
            "-p", "udp", "-d", DNS_SERVER, "--dport", "53",
            "-j", "REDIRECT", "--to-ports", str(RELAY_PORT),
        )  # fmt: skip

    def describe(self) -> str:
        parts = []
        if self.nxdomain_address:
            parts.append(f"NXDOMAIN -> {self.nxdomain_address}")
        if self.ttl:
            parts.append(f"TTL {self.ttl} s")
        return f"DNS from {self.from_link} rewritten: {', '.join(parts)}"
