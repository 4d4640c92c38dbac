"""Thin Linux callers: read /proc and /etc, run ``ip``/``resolvectl``, hand text to parsers."""

from __future__ import annotations

import shutil

from wiresleuth.platform import linux_parsers
from wiresleuth.platform.commands import read_text, run_command
from wiresleuth.platform.facts import DnsConfig, Neighbour, Route
from wiresleuth.platform.unavailable import FactUnavailable

RESOLVED_STUB = "127.0.0.53"
"""systemd-resolved's local stub: when resolv.conf names only it, the real servers are elsewhere."""


def routes() -> list[Route]:
    """The IPv4 routing table of this process's network namespace."""
    return linux_parsers.parse_proc_net_route(read_text("/proc/net/route"))


def neighbours() -> list[Neighbour]:
    """The ARP cache: /proc/net/arp, or ``ip -j neigh`` when /proc cannot be read."""
    try:
        return linux_parsers.parse_proc_net_arp(read_text("/proc/net/arp"))
    except FactUnavailable as proc_error:
        try:
            return linux_parsers.parse_ip_neigh_json(run_command(["ip", "-j", "neigh"]))
        except FactUnavailable as ip_error:
            raise FactUnavailable(f"{proc_error}; {ip_error}") from ip_error


def dns() -> tuple[DnsConfig, list[str]]:
    """Resolvers from /etc/resolv.conf, merged with ``resolvectl status`` when it is installed.

    Returns the configuration and the reasons any secondary source could not be read.
    FactUnavailable only when /etc/resolv.conf itself cannot be read.
    """
    conf = linux_parsers.parse_resolv_conf(read_text("/etc/resolv.conf"))
    problems: list[str] = []
    if shutil.which("resolvectl") is None:
        return conf, problems
    try:
        resolved = linux_parsers.parse_resolvectl_status(
            run_command(["resolvectl", "status", "--no-pager"])
        )
    except FactUnavailable as exc:
        problems.append(str(exc))
        return conf, problems
    direct = tuple(s for s in conf.servers if s != RESOLVED_STUB)
    return (
        DnsConfig(
            servers=tuple(dict.fromkeys(direct + resolved.servers)),
            search=tuple(dict.fromkeys(conf.search + resolved.search)),
            per_interface=resolved.per_interface,
            split=resolved.split,
            source=f"{conf.source} + {resolved.source}",
        ),
        problems,
    )


def interface_mtu(name: str) -> int:
    """MTU from sysfs, for interfaces psutil lists without statistics."""
    return linux_parsers.parse_sys_mtu(read_text(f"/sys/class/net/{name}/mtu"))
