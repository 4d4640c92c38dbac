"""Thin Windows callers: run ``route``, ``arp`` and ``ipconfig`` and hand their text to parsers."""

from __future__ import annotations

from wiresleuth.platform import windows_parsers
from wiresleuth.platform.commands import run_command
from wiresleuth.platform.facts import DnsConfig, Neighbour, Route


def routes() -> list[Route]:
    """Active IPv4 routes (``route print -4``)."""
    return windows_parsers.parse_route_print(run_command(["route", "print", "-4"]))


def neighbours() -> list[Neighbour]:
    """The ARP cache (``arp -a``)."""
    return windows_parsers.parse_arp_a(run_command(["arp", "-a"]))


def dns() -> tuple[DnsConfig, list[str]]:
    """Resolvers and suffix search list (``ipconfig /all``); no secondary source."""
    return windows_parsers.parse_ipconfig_dns(run_command(["ipconfig", "/all"])), []
