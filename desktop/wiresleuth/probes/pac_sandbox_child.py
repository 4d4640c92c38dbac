"""The child side of the PAC sandbox: evaluate a PAC script with pypac, report, exit.

Runs in its own process (multiprocessing, spawn) because dukpy holds the GIL and cannot be
interrupted: ``while(true){}`` would freeze any thread of the program. The parent kills this
process at its deadline; here we only cap the address space (POSIX) so that a script that
eats memory fails inside JavaScript ("out of memory") instead of swapping the machine.

PAC functions do real DNS. ``myIpAddress()`` returns what the parent says (browsers return
the address of the interface that reaches the network). Names go to the system resolver, or
to a given DNS server (tests use their own loopback server and never the machine's).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def _limit_memory(megabytes: int) -> None:
    """Cap the address space at what is mapped now plus ``megabytes`` (a forked child starts
    with its parent's mappings, so an absolute cap could be below what already exists)."""
    try:
        import resource
    except ImportError:  # Windows: the parent watches the RSS instead
        return
    import psutil

    current = int(psutil.Process().memory_info().vms)
    limit = current + megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _resolver(
    server: tuple[str, int] | None, lookups: list[dict[str, Any]]
) -> Callable[[str], str]:
    """``dnsResolve``: first IPv4 address as text, "" when the name does not resolve."""

    def system(host: str) -> str:
        import socket

        try:
            infos = socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return ""
        return str(infos[0][4][0]) if infos else ""

    def dns_server(host: str) -> str:
        import dns.exception
        import dns.resolver

        assert server is not None
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server[0]]
        resolver.port = server[1]
        try:
            answer = resolver.resolve(host.rstrip(".") + ".", "A", search=False, lifetime=2.0)
        except (dns.exception.DNSException, ValueError):
            return ""
        return str(next(iter(answer)).address) if answer.rrset else ""

    lookup = system if server is None else dns_server

    def resolve(host: Any) -> str:
        import ipaddress

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


def _install(my_ip: str, server: tuple[str, int] | None, lookups: list[dict[str, Any]]) -> None:
    """Put our myIpAddress and DNS into pypac's function tables (this process only)."""
    import ipaddress

    from pypac import parser_functions as pf
    from pypac import parser_functions_ex as pfx

    resolve = _resolver(server, lookups)

    def resolvable(host: Any) -> bool:
        return resolve(host) != ""

    def resolve_ex(host: Any) -> str:
        text = str(host)
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            return resolve(text)

    pf.dnsResolve = resolve  # isInNet looks this global up at call time
    pf.function_injections.update(
        myIpAddress=lambda: my_ip, dnsResolve=resolve, isResolvable=resolvable
    )
    pfx.dnsResolveEx = resolve_ex
    pfx.function_injections.update(
        myIpAddressEx=lambda: my_ip, dnsResolveEx=resolve_ex, isResolvableEx=resolvable
    )
    original = pfx._address_in_network

    def in_network(addr: str, pattern: str) -> bool:
        # pypac hands "3ffe:8311:ffff/48" (a prefix written without "::", as PAC authors
        # do) to ipaddress, which rejects it; its own IPv6 matcher pads such prefixes.
        try:
            return bool(original(addr, pattern))
        except ValueError:
            if ":" in addr and ":" in pattern:
                ipaddress.ip_address(addr)
                return bool(pfx._ipv6_addr_in_network(addr, pattern))
            raise

    pfx._address_in_network = in_network


def run_child(conn: Connection, request: dict[str, Any]) -> None:
    """Entry point of the child process: ``ready``, then one result message."""
    try:
        import dukpy  # noqa: F401  (loaded before the memory cap: loading maps memory)
        from dukpy import JSRuntimeError
        from pypac.parser import MalformedPacError, PACFile

        lookups: list[dict[str, Any]] = []
        server = request.get("resolver")
        _install(str(request["my_ip"]), tuple(server) if server else None, lookups)
        _limit_memory(int(request["memory_limit_mb"]))
        conn.send(("ready", None))
        try:
            pac = PACFile(request["script"])
        except MalformedPacError as exc:
            message = str(exc.original_exc or exc)
            kind = "memory" if "out of memory" in message else "invalid"
            conn.send((kind, {"error": message, "lookups": lookups}))
            return
        decisions = []
        for url, host in request["targets"]:
            try:
                result = pac.find_proxy_for_url(url, host)
            except JSRuntimeError as exc:
                decisions.append({"url": url, "host": host, "result": None, "error": str(exc)})
            else:
                decisions.append({"url": url, "host": host, "result": str(result), "error": None})
        conn.send(("ok", {"decisions": decisions, "lookups": lookups}))
    except MemoryError:
        conn.send(("memory", {"error": "the script exhausted the memory limit", "lookups": []}))
    except Exception as exc:  # the child reports whatever broke; the parent decides
        conn.send(("crashed", {"error": f"{type(exc).__name__}: {exc}", "lookups": []}))
    finally:
        conn.close()
