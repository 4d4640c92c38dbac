"""``system.json`` for a bundle: OS, interfaces, routes, gateway, DNS and proxy settings.

Collection never raises and is bounded in time: each part that cannot be read is ``None``
and named in ``errors`` with the reason, so a report can say what is missing and why.
"""

from __future__ import annotations

import dataclasses
import platform
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from wiresleuth.platform import host
from wiresleuth.platform.facts import DnsConfig, Neighbour, Route
from wiresleuth.platform.gateway import choose_gateway
from wiresleuth.platform.interfaces import collect_interfaces
from wiresleuth.platform.proxy_env import proxy_environment
from wiresleuth.platform.proxy_settings import read_proxy_configuration
from wiresleuth.platform.unavailable import FactUnavailable

DEADLINE = 2.0
"""Seconds collect_system waits for all parts together."""

T = TypeVar("T")


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and mappings as JSON types, so the result round-trips unchanged."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def computer_info() -> dict[str, str | None]:
    """This computer's name and the account the program runs under: the helpdesk's first
    question ("which computer, whose?"). None where the OS does not say."""
    import getpass

    try:
        user: str | None = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name and no passwd entry
        user = None
    return {"name": platform.node() or None, "user": user}


def _os_info() -> dict[str, str]:
    return {
        "system": platform.system(),
        "release": platform.release(),
        "version": platform.version(),
        "machine": platform.machine(),
    }


class _Parts:
    """Runs the readers side by side and turns every failure into an ``errors`` entry."""

    def __init__(self, deadline: float) -> None:
        self._end = time.monotonic() + deadline
        self._deadline = deadline
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="wiresleuth-sysinfo")
        self.errors: list[dict[str, str]] = []

    def submit(self, reader: Callable[[], T]) -> Future[T]:
        return self._pool.submit(reader)

    def result(self, part: str, future: Future[T]) -> T | None:
        try:
            return future.result(timeout=max(0.0, self._end - time.monotonic()))
        except FutureTimeout:
            self.note(part, f"not read within {self._deadline:g} s")
        except FactUnavailable as exc:
            self.note(part, str(exc))
        except Exception as exc:  # the boundary: collect_system must never raise
            self.note(part, f"unexpected {type(exc).__name__}: {exc}")
        return None

    def note(self, part: str, reason: str) -> None:
        self.errors.append({"part": part, "reason": reason})

    def close(self) -> None:
        # Readers still running end by themselves: every command has its own timeout.
        self._pool.shutdown(wait=False, cancel_futures=True)


def _unsupported(reason: str) -> Callable[[], Any]:
    def fail() -> Any:
        raise FactUnavailable(reason)

    return fail


def collect_system(deadline: float = DEADLINE) -> dict[str, Any]:
    """Everything the OS tells about its network setup, as JSON-ready data; never raises."""
    parts = _Parts(deadline)
    try:
        try:
            adapter = host.current()
            read_routes: Callable[[], list[Route]] = adapter.routes
            read_neighbours: Callable[[], list[Neighbour]] = adapter.neighbours
            read_dns: Callable[[], tuple[DnsConfig, list[str]]] = adapter.dns
        except FactUnavailable as exc:
            read_routes = read_neighbours = read_dns = _unsupported(str(exc))
        os_f = parts.submit(_os_info)
        interfaces_f = parts.submit(collect_interfaces)
        routes_f = parts.submit(read_routes)
        neighbours_f = parts.submit(read_neighbours)
        dns_f = parts.submit(read_dns)
        proxy_f = parts.submit(proxy_environment)
        proxy_config_f = parts.submit(read_proxy_configuration)

        os_info = parts.result("os", os_f)
        interfaces = parts.result("interfaces", interfaces_f)
        if interfaces is not None:
            for reason in interfaces[1]:
                parts.note("interfaces", reason)
        routes = parts.result("routes", routes_f)
        neighbours = parts.result("neighbours", neighbours_f)
        dns = parts.result("dns", dns_f)
        if dns is not None:
            for reason in dns[1]:
                parts.note("dns", reason)
        proxy = parts.result("proxy", proxy_f)
        proxy_config = parts.result("proxy_configuration", proxy_config_f)

        gateway = None
        if routes is None:
            parts.note("gateway", "routing table unavailable")
        else:
            problem: str | None = None
            if neighbours is None:
                problem = next(e["reason"] for e in parts.errors if e["part"] == "neighbours")
            gateway = choose_gateway(routes, neighbours or [], neighbour_problem=problem)
        return {
            "computer": computer_info(),
            "os": os_info,
            "interfaces": interfaces[0] if interfaces is not None else None,
            "routes": _plain(routes),
            "gateway": _plain(gateway),
            "dns": _plain(dns[0]) if dns is not None else None,
            "proxy": proxy,
            "proxy_configuration": _plain(proxy_config),
            "errors": parts.errors,
        }
    finally:
        parts.close()
