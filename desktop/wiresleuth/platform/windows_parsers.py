"""Pure parsers of Windows command output: ``route print -4``, ``arp -a``, ``ipconfig /all``.

Row shapes are matched rather than header words, so routes and ARP entries parse in any
display language; ``ipconfig /all`` is keyed by English labels and is refused otherwise.
"""

from __future__ import annotations

import ipaddress
import re

from wiresleuth.platform.facts import DnsConfig, Neighbour, Route
from wiresleuth.platform.oui import normalize_mac
from wiresleuth.platform.unavailable import FactUnavailable

_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_ROUTE_ROW = re.compile(
    rf"^\s*(?P<dest>{_IPV4})\s+(?P<mask>{_IPV4})\s+(?P<gw>\S+)\s+(?P<iface>{_IPV4})"
    r"\s+(?P<metric>\d+)\s*$"
)


def parse_route_print(text: str) -> list[Route]:
    """Active IPv4 routes from ``route print`` (persistent-route and IPv6 tables are skipped).

    The gateway column says ``On-link`` (translated in other languages) for attached
    networks: anything that is not an address becomes ``gateway=None``.
    """
    if "===" not in text:
        raise FactUnavailable("route print: output not recognised")
    routes: list[Route] = []
    for line in text.splitlines():
        row = _ROUTE_ROW.match(line)
        if not row:
            continue
        network = ipaddress.IPv4Network(f"{row['dest']}/{row['mask']}", strict=False)
        gateway = row["gw"] if re.fullmatch(_IPV4, row["gw"]) else None
        routes.append(
            Route(
                destination=str(network),
                gateway=gateway,
                interface=row["iface"],
                metric=int(row["metric"]),
            )
        )
    return routes


_ARP_INTERFACE = re.compile(rf"^\S[^:]*:\s*(?P<iface>{_IPV4})\s+---\s+0x[0-9a-fA-F]+\s*$")
_ARP_ROW = re.compile(
    rf"^\s+(?P<ip>{_IPV4})\s+(?P<mac>[0-9a-fA-F]{{2}}(?:-[0-9a-fA-F]{{2}}){{5}})\s+(?P<type>\S+)"
)


def parse_arp_a(text: str) -> list[Neighbour]:
    """Entries of ``arp -a``; ``interface`` is the address of the interface they belong to."""
    entries: list[Neighbour] = []
    interface: str | None = None
    for line in text.splitlines():
        header = _ARP_INTERFACE.match(line)
        if header:
            interface = header["iface"]
            continue
        row = _ARP_ROW.match(line)
        if row and interface is not None:
            entries.append(
                Neighbour(
                    address=row["ip"],
                    mac=normalize_mac(row["mac"]),
                    interface=interface,
                    state=row["type"],
                )
            )
    return entries


_IPCONFIG_KEY = re.compile(r"^\s+(?P<key>\S.*?)[ .]*\s:(?:\s(?P<value>.*))?$")
_ADDRESS_STATE = re.compile(r"\((?:Preferred|Deprecated|Tentative|Duplicate)\)$")
_GLOBAL = "Windows IP Configuration"


def _ipconfig_sections(text: str) -> dict[str, dict[str, list[str]]]:
    """Section title -> label -> values (a continuation line adds a value to the label above)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    last: list[str] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            title = line.strip().removesuffix(":")
            current = sections.setdefault(title, {})
            last = None
            continue
        if current is None:
            continue
        keyed = _IPCONFIG_KEY.match(line)
        if keyed:
            value = (keyed["value"] or "").strip()
            last = current.setdefault(keyed["key"], [])
            if value:
                last.append(_ADDRESS_STATE.sub("", value))
        elif last is not None:
            last.append(_ADDRESS_STATE.sub("", line.strip()))
    return sections


def _adapter_name(title: str) -> str:
    """``Ethernet adapter Ethernet 3`` -> ``Ethernet 3`` (the name Windows shows elsewhere)."""
    _, sep, name = title.partition(" adapter ")
    return name if sep else title


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def parse_ipconfig_dns(text: str) -> DnsConfig:
    """Resolvers and suffix search list from ``ipconfig /all`` (English output only).

    ``servers`` joins the adapters' servers in adapter order. ``search`` is the global
    "DNS Suffix Search List" when present, else the primary and per-adapter suffixes.
    """
    sections = _ipconfig_sections(text)
    adapters = {title: keys for title, keys in sections.items() if title != _GLOBAL}
    if _GLOBAL not in sections or not any("Description" in keys for keys in adapters.values()):
        raise FactUnavailable(
            "ipconfig /all: output not recognised (only English output is understood)"
        )
    global_keys = sections[_GLOBAL]
    servers: list[str] = []
    per_interface: dict[str, tuple[str, ...]] = {}
    suffixes: list[str] = list(global_keys.get("Primary Dns Suffix", []))
    for title, keys in adapters.items():
        adapter_servers = keys.get("DNS Servers", [])
        if adapter_servers:
            per_interface[_adapter_name(title)] = _unique(adapter_servers)
            servers.extend(adapter_servers)
        suffixes.extend(keys.get("Connection-specific DNS Suffix", []))
    search = global_keys.get("DNS Suffix Search List") or suffixes
    return DnsConfig(
        servers=_unique(servers),
        search=_unique(search),
        per_interface=per_interface,
        source="ipconfig /all",
    )
