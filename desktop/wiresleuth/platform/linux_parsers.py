"""Pure parsers of Linux's own network facts: /proc/net/route, /proc/net/arp, ``ip -j neigh``,
resolv.conf and ``resolvectl status``. No I/O here: each takes the text and returns records."""

from __future__ import annotations

import ipaddress
import json
import re

from wiresleuth.platform.facts import DnsConfig, Neighbour, Route
from wiresleuth.platform.oui import normalize_mac
from wiresleuth.platform.unavailable import FactUnavailable

_RTF_UP = 0x0001
_RTF_GATEWAY = 0x0002
_ATF_COM = 0x02


def _hex_ipv4(value: str) -> ipaddress.IPv4Address:
    """/proc/net/route stores addresses as host-order (little-endian) hex."""
    return ipaddress.IPv4Address(int(value, 16).to_bytes(4, "little"))


def parse_proc_net_route(text: str) -> list[Route]:
    """Routes from /proc/net/route (IPv4 only; rows that are not up are skipped)."""
    lines = text.splitlines()
    if not lines or not lines[0].split()[:2] == ["Iface", "Destination"]:
        raise FactUnavailable("/proc/net/route: unexpected header")
    header = lines[0].split()
    col = {name: i for i, name in enumerate(header)}
    routes: list[Route] = []
    for line in lines[1:]:
        cells = line.split()
        if len(cells) < len(header):
            continue
        flags = int(cells[col["Flags"]], 16)
        if not flags & _RTF_UP:
            continue
        dest = _hex_ipv4(cells[col["Destination"]])
        mask = _hex_ipv4(cells[col["Mask"]])
        network = ipaddress.IPv4Network(f"{dest}/{mask}", strict=False)
        gateway = _hex_ipv4(cells[col["Gateway"]]) if flags & _RTF_GATEWAY else None
        routes.append(
            Route(
                destination=str(network),
                gateway=str(gateway) if gateway is not None else None,
                interface=cells[col["Iface"]],
                metric=int(cells[col["Metric"]]),
            )
        )
    return routes


def parse_proc_net_arp(text: str) -> list[Neighbour]:
    """Neighbour entries from /proc/net/arp; incomplete entries carry ``mac=None``."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("IP address"):
        raise FactUnavailable("/proc/net/arp: unexpected header")
    entries: list[Neighbour] = []
    for line in lines[1:]:
        cells = line.split()
        if len(cells) < 6:
            continue
        address, _hw_type, flags_hex, hw_address, _mask, device = cells[:6]
        flags = int(flags_hex, 16)
        complete = bool(flags & _ATF_COM)
        entries.append(
            Neighbour(
                address=address,
                mac=normalize_mac(hw_address) if complete else None,
                interface=device,
                state=f"flags={flags_hex}",
            )
        )
    return entries


def parse_ip_neigh_json(text: str) -> list[Neighbour]:
    """Neighbour entries from ``ip -j neigh`` (IPv4 and IPv6)."""
    try:
        rows = json.loads(text or "[]")
    except json.JSONDecodeError as exc:
        raise FactUnavailable(f"ip -j neigh: not JSON: {exc}") from exc
    if not isinstance(rows, list):
        raise FactUnavailable("ip -j neigh: expected a JSON list")
    entries: list[Neighbour] = []
    for row in rows:
        if not isinstance(row, dict) or "dst" not in row:
            continue
        lladdr = row.get("lladdr")
        state = row.get("state") or []
        entries.append(
            Neighbour(
                address=str(row["dst"]),
                mac=normalize_mac(str(lladdr)) if lladdr else None,
                interface=str(row.get("dev", "")),
                state=",".join(str(s) for s in state) if isinstance(state, list) else str(state),
            )
        )
    return entries


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def parse_resolv_conf(text: str, source: str = "/etc/resolv.conf") -> DnsConfig:
    """Nameservers and search domains as resolv.conf(5) defines them.

    ``search`` and ``domain`` override each other: the last one in the file wins.
    """
    servers: list[str] = []
    search: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if not line:
            continue
        keyword, *values = line.split()
        if keyword == "nameserver" and values:
            servers.append(values[0])
        elif keyword in ("search", "domain"):
            search = [v for v in values if v != "."]
    return DnsConfig(servers=_unique(servers), search=_unique(search), source=source)


_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z .]*?):(?:\s+(.*))?$")
_SECTION = re.compile(r"^(Global|Link \d+ \((?P<link>[^)]+)\))\s*$")


def _resolvectl_sections(text: str) -> dict[str, dict[str, list[str]]]:
    """Section name -> key -> whitespace-split values (continuation lines appended)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    last_key: str | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        section = _SECTION.match(line)
        if section:
            name = section.group("link") or "Global"
            current = sections.setdefault(name, {})
            last_key = None
            continue
        if current is None:
            continue
        keyed = _KEY.match(line)
        if keyed:
            last_key = keyed.group(1).strip()
            current.setdefault(last_key, []).extend((keyed.group(2) or "").split())
        elif last_key is not None and raw[:1].isspace():
            current[last_key].extend(line.split())
    return sections


def _server_address(value: str) -> str:
    """Drop resolvectl's ``#server-name`` (DNS-over-TLS) suffix; keep ``%ifindex``/port."""
    return value.split("#", 1)[0]


def parse_resolvectl_status(text: str) -> DnsConfig:
    """Global and per-link resolvers from ``resolvectl status``.

    ``servers``: the global servers, then those of links that take default-route queries
    (``+DefaultRoute`` or ``Default Route: yes``). Fallback servers are not included: they
    are used only when nothing else is configured. ``~domain`` entries are routing-only and
    go to ``split``; plain domains are search domains.
    """
    sections = _resolvectl_sections(text)
    if not sections:
        raise FactUnavailable("resolvectl status: no Global or Link section found")
    servers: list[str] = []
    search: list[str] = []
    per_interface: dict[str, tuple[str, ...]] = {}
    split: dict[str, list[str]] = {}
    for name, keys in sections.items():
        link_servers = [_server_address(v) for v in keys.get("DNS Servers", [])]
        protocols = keys.get("Protocols", [])
        default_route = "+DefaultRoute" in protocols or keys.get("Default Route") == ["yes"]
        if name == "Global" or default_route:
            servers.extend(link_servers)
        if name != "Global" and link_servers:
            per_interface[name] = _unique(link_servers)
        for domain in keys.get("DNS Domain", []):
            if domain.startswith("~"):
                if domain != "~.":
                    split.setdefault(domain[1:], []).extend(link_servers)
            else:
                search.append(domain)
    return DnsConfig(
        servers=_unique(servers),
        search=_unique(search),
        per_interface=per_interface,
        split={domain: _unique(s) for domain, s in split.items()},
        source="resolvectl status",
    )


def parse_sys_mtu(text: str) -> int:
    """The MTU from /sys/class/net/<interface>/mtu."""
    try:
        return int(text.strip())
    except ValueError as exc:
        raise FactUnavailable(f"/sys/class/net/*/mtu: not a number: {text.strip()!r}") from exc
