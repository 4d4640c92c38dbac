"""Thin macOS callers: run ``netstat``, ``arp`` and ``scutil`` and hand their text to parsers."""

from __future__ import annotations

from wiresleuth.platform import macos_parsers
from wiresleuth.platform.commands import run_command
from wiresleuth.platform.facts import DnsConfig, Neighbour, Route


def routes() -> list[Route]:
    """The IPv4 routing table (``netstat -rn -f inet``)."""
    return macos_parsers.parse_netstat_rn(run_command(["netstat", "-rn", "-f", "inet"]))


def neighbours() -> list[Neighbour]:
    """The ARP cache (``arp -an``)."""
    return macos_parsers.parse_arp_an(run_command(["arp", "-an"]))


def dns() -> tuple[DnsConfig, list[str]]:
    """Resolvers as the system resolver uses them (``scutil --dns``); no secondary source."""
    return macos_parsers.parse_scutil_dns(run_command(["scutil", "--dns"])), []
