"""The functions a PAC script may call: pypac's library, with our DNS and our ``myIpAddress``.

The table is explicit: only the names of Netscape's and Microsoft's PAC specifications are
exported to the script, so a newer pypac cannot widen what a hostile script reaches. The
pure helpers (``shExpMatch``, ``dateRange``, ...) are pypac's own. The functions that touch
the network are ours, because pypac's look names up through the machine's resolver and
``myIpAddress`` through the host name, and its ``isInNet``/``isInNetEx`` call its own
module-level ``dnsResolve``; ours resolve first (through the resolver the caller chose,
recording each lookup) and hand pypac a literal address, so pypac never resolves anything
and its module globals are left as they are.

PAC functions do real DNS, as browsers do. Names go to the system resolver, or to one given
DNS server (tests use their own loopback server and never the machine's).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from typing import Any

PURE_FUNCTIONS = (
    "dnsDomainIs",
    "shExpMatch",
    "isPlainHostName",
    "localHostOrDomainIs",
    "dnsDomainLevels",
    "weekdayRange",
    "dateRange",
    "timeRange",
    "alert",
)
"""pypac's helpers that compute on their arguments only (Netscape's specification)."""
PURE_FUNCTIONS_EX = ("getClientVersion", "sortIpAddressList")
"""pypac's pure helpers of Microsoft's IPv6 extensions."""
RESOLVING_FUNCTIONS = (
    "myIpAddress",
    "dnsResolve",
    "isResolvable",
    "isInNet",
    "myIpAddressEx",
    "dnsResolveEx",
    "isResolvableEx",
    "isInNetEx",
)
"""Ours: they resolve through the chosen resolver and answer with the given address."""
PAC_FUNCTION_NAMES = frozenset(PURE_FUNCTIONS + PURE_FUNCTIONS_EX + RESOLVING_FUNCTIONS)
"""Every name a PAC script can call into Python; nothing else is reachable."""

Lookup = dict[str, Any]
"""One recorded lookup: ``{"name", "address" (None when it failed), "elapsed"}``."""


def _is_ipv4_literal(text: str) -> bool:
    """pypac's test (``inet_aton``), so that what we hand it is what it takes as literal."""
    try:
        socket.inet_aton(text)
    except (OSError, ValueError):
        return False
    return True


def _system_lookup(host: str) -> str:
    try:
        infos = socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return ""
    return str(infos[0][4][0]) if infos else ""


def _server_lookup(server: tuple[str, int]) -> Callable[[str], str]:
    def lookup(host: str) -> str:
        import dns.exception
        import dns.resolver

        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server[0]]
        resolver.port = server[1]
        try:
            answer = resolver.resolve(host.rstrip(".") + ".", "A", search=False, lifetime=2.0)
        except (dns.exception.DNSException, ValueError):
            return ""
        return str(next(iter(answer)).address) if answer.rrset else ""

    return lookup


def recording_resolver(
    server: tuple[str, int] | None, lookups: list[Lookup]
) -> Callable[[Any], str]:
    """``dnsResolve``: first IPv4 address as text, "" when the name does not resolve.

    A literal IPv4 address is its own answer (no lookup recorded); an IPv6 literal gives ""
    (``dnsResolve`` is IPv4 only). Every real lookup is appended to ``lookups``.
    """
    lookup = _system_lookup if server is None else _server_lookup(server)

    def resolve(host: Any) -> str:
        text = str(host)
        try:
            ipaddress.ip_address(text)
        except ValueError:
            pass
        else:
            return text if ":" not in text else ""
        started = time.monotonic()
        address = lookup(text)
        lookups.append(
            {"name": text, "address": address or None, "elapsed": time.monotonic() - started}
        )
        return address

    return resolve


def _padded_ipv6_prefix(pattern: str) -> str:
    """``3ffe:8311:ffff/48`` -> ``3ffe:8311:ffff::/48``: PAC authors write IPv6 prefixes
    without ``::`` (pacparser's tests do), which ``ipaddress`` and so pypac reject."""
    address, slash, length = pattern.partition("/")
    if ":" in address and "::" not in address and address.count(":") < 7:
        return f"{address}::{slash}{length}"
    return pattern


def pac_functions(*, my_ip: str, resolve: Callable[[Any], str]) -> dict[str, Callable[..., Any]]:
    """The table exported to the script: name -> Python function (exactly PAC_FUNCTION_NAMES)."""
    from pypac import parser_functions as pf
    from pypac import parser_functions_ex as pfx

    def resolvable(host: Any) -> bool:
        return resolve(host) != ""

    def resolve_ex(host: Any) -> str:
        text = str(host)
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            return resolve(text)

    def is_in_net(host: Any, pattern: Any, mask: Any) -> bool:
        if isinstance(host, str) and host and not _is_ipv4_literal(host):
            host = resolve(host)
            if not host:
                return False
        return bool(pf.isInNet(host, pattern, mask))

    def is_in_net_ex(addrs_or_hosts: Any, patterns: Any) -> bool:
        literal: list[str] = []
        for item in str(addrs_or_hosts).split(";"):
            if not item:
                continue
            if _is_ipv4_literal(item):
                literal.append(item)
                continue
            try:  # exploded: hex digits and colons only, which pypac takes as literal
                literal.append(ipaddress.IPv6Address(item.split("%", 1)[0]).exploded)
                continue
            except ValueError:
                pass
            literal += [a for a in resolve_ex(item).split(";") if a]
        padded = ";".join(_padded_ipv6_prefix(p) for p in str(patterns).split(";"))
        return bool(literal) and bool(pfx.isInNetEx(";".join(literal), padded))

    table: dict[str, Callable[..., Any]] = {
        name: pf.function_injections[name] for name in PURE_FUNCTIONS
    }
    table.update({name: pfx.function_injections[name] for name in PURE_FUNCTIONS_EX})
    table.update(
        myIpAddress=lambda: my_ip,
        dnsResolve=resolve,
        isResolvable=resolvable,
        isInNet=is_in_net,
        myIpAddressEx=lambda: my_ip,
        dnsResolveEx=resolve_ex,
        isResolvableEx=resolvable,
        isInNetEx=is_in_net_ex,
    )
    assert set(table) == PAC_FUNCTION_NAMES
    return table
