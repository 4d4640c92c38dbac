"""Pure parsers of macOS command output: ``netstat -rn -f inet``, ``arp -an``, ``scutil --dns``."""

from __future__ import annotations

import ipaddress
import re

from wiresleuth.platform.facts import DnsConfig, Neighbour, Route
from wiresleuth.platform.oui import normalize_mac
from wiresleuth.platform.unavailable import FactUnavailable


def bsd_destination(value: str) -> str:
    """BSD's abbreviated destinations in CIDR form.

    ``default`` -> ``0.0.0.0/0``; ``127`` -> ``127.0.0.0/8``; ``169.254`` -> ``/16``;
    ``10.0.2/24`` -> ``10.0.2.0/24``; a full address without a prefix is a host (``/32``).
    """
    if value == "default":
        return "0.0.0.0/0"
    address, _, prefix = value.partition("/")
    octets = address.split(".")
    if not 1 <= len(octets) <= 4:
        raise ValueError(f"not an IPv4 destination: {value!r}")
    length = int(prefix) if prefix else 8 * len(octets)
    padded = ".".join(octets + ["0"] * (4 - len(octets)))
    return str(ipaddress.IPv4Network(f"{padded}/{length}", strict=False))


def _is_ipv4(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def parse_netstat_rn(text: str) -> list[Route]:
    """Routes of the ``Internet:`` table of ``netstat -rn`` (IPv6 table skipped).

    Host entries that are ARP cache lines (gateway is a MAC, flag ``L``) and ``link#N``
    gateways are on-link: ``gateway=None``. Works with and without the Refs/Use columns.
    """
    lines = text.splitlines()
    routes: list[Route] = []
    header: list[str] | None = None
    in_inet = False
    seen_table = False
    for line in lines:
        stripped = line.strip()
        if stripped in ("Internet:", "Internet6:"):
            in_inet = stripped == "Internet:"
            header = None
            continue
        if not in_inet or not stripped:
            continue
        cells = stripped.split()
        if cells[0] == "Destination":
            header = cells
            seen_table = True
            continue
        if header is None or "Netif" not in header:
            continue
        netif_at = header.index("Netif")
        if len(cells) <= netif_at:
            continue
        try:
            destination = bsd_destination(cells[0])
        except ValueError:
            continue
        gateway = cells[1] if _is_ipv4(cells[1]) else None
        routes.append(Route(destination=destination, gateway=gateway, interface=cells[netif_at]))
    if not seen_table:
        raise FactUnavailable("netstat -rn: no Internet routing table found")
    return routes


_ARP_LINE = re.compile(
    r"^(?P<name>\S+) \((?P<ip>[0-9.]+)\) at (?P<mac>\S+)(?: on (?P<iface>\S+))?(?P<rest>.*)$"
)


def parse_arp_an(text: str) -> list[Neighbour]:
    """Entries of BSD/macOS ``arp -an``; ``(incomplete)`` entries carry ``mac=None``."""
    entries: list[Neighbour] = []
    for line in text.splitlines():
        row = _ARP_LINE.match(line.strip())
        if not row:
            continue
        mac = row["mac"]
        rest = row["rest"]
        entries.append(
            Neighbour(
                address=row["ip"],
                mac=None if mac == "(incomplete)" else normalize_mac(mac),
                interface=row["iface"] or "",
                state="permanent" if " permanent" in rest else "dynamic",
            )
        )
    return entries


_RESOLVER = re.compile(r"^resolver #\d+$")
_FIELD = re.compile(r"^(?P<key>[a-z_ ]+?)(?:\[\d+\])?\s*:\s*(?P<value>.*)$")


def _scutil_resolvers(text: str) -> tuple[list[dict[str, list[str]]], list[dict[str, list[str]]]]:
    """(general resolvers, scoped resolvers), each a key -> values mapping."""
    general: list[dict[str, list[str]]] = []
    scoped: list[dict[str, list[str]]] = []
    target = general
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("DNS configuration"):
            # Sections other than the general and the scoped one are not used here.
            if line == "DNS configuration":
                target = general
            elif "scoped" in line:
                target = scoped
            else:
                target = []
            current = None
            continue
        if _RESOLVER.match(line):
            current = {}
            target.append(current)
            continue
        field = _FIELD.match(line)
        if field and current is not None:
            current.setdefault(field["key"].strip(), []).append(field["value"].strip())
    return general, scoped


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _interface(resolver: dict[str, list[str]]) -> str | None:
    """``if_index : 14 (en0)`` -> ``en0``."""
    for value in resolver.get("if_index", []):
        found = re.search(r"\((\S+)\)", value)
        if found:
            return found.group(1)
    return None


def parse_scutil_dns(text: str) -> DnsConfig:
    """Resolver configuration from ``scutil --dns``.

    ``servers``: resolvers without a ``domain`` (they answer ordinary queries), in order;
    ``split``: resolvers with a ``domain`` and servers (supplemental, ``/etc/resolver``
    files), skipping the multicast-DNS ones; ``per_interface`` from the scoped section.
    """
    general, scoped = _scutil_resolvers(text)
    if not general and not scoped:
        raise FactUnavailable("scutil --dns: no resolver found in the output")
    servers: list[str] = []
    search: list[str] = []
    split: dict[str, list[str]] = {}
    for resolver in general:
        nameservers = resolver.get("nameserver", [])
        search.extend(resolver.get("search domain", []))
        domains = resolver.get("domain", [])
        if "mdns" in resolver.get("options", []):
            continue
        if domains:
            for domain in domains:
                split.setdefault(domain.rstrip("."), []).extend(nameservers)
        else:
            servers.extend(nameservers)
    per_interface: dict[str, list[str]] = {}
    for resolver in scoped:
        name = _interface(resolver)
        if name is not None:
            per_interface.setdefault(name, []).extend(resolver.get("nameserver", []))
    return DnsConfig(
        servers=_unique(servers),
        search=_unique(search),
        per_interface={k: _unique(v) for k, v in per_interface.items() if v},
        split={k: _unique(v) for k, v in split.items() if v},
        source="scutil --dns",
    )
