"""What a wizard will contact, declared before it runs, so capture can filter to our own flows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class FlowSpec:
    """One remote endpoint (or ICMP peer) a wizard's probes will talk to."""

    address: str
    """Remote IP address (v4 or v6)."""
    proto: str
    """``tcp``, ``udp`` or ``icmp`` (ICMPv6 for a v6 address)."""
    port: int | None = None
    """Remote port for TCP/UDP; None for ICMP (and for 'any port of this host')."""
