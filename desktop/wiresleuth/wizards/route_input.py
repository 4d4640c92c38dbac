"""How a measuring wizard reads the route wizard's answer: the first hop that matters.

Without the route wizard's observations (it failed or was not selected) a target goes the
way the profile says (its proxy) or direct, and the wizard says so in its notes.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from wiresleuth.analysis.proxy_routes import host_port
from wiresleuth.model.proxy_config import ProxyConfiguration
from wiresleuth.model.route import RouteObservations, TargetRoute
from wiresleuth.model.target import Target
from wiresleuth.probes import lookups_ahead
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import WizardInput

_LOOKUP_TIMEOUT = 2.0
_LOOKUPS_AT_ONCE = 8


@dataclass(frozen=True, kw_only=True)
class Hop:
    """Where a probe for one target connects first."""

    target: Target
    """The target."""
    route: TargetRoute | None
    """Its route (None when no route was computed)."""
    proxy: str | None = None
    """``host:port`` of the route's first proxy; None when it goes direct."""
    proxy_address: str | None = None
    """That proxy's address (None when it did not resolve)."""

    @property
    def via_proxy(self) -> bool:
        """Whether the route's first hop is a proxy."""
        return self.proxy is not None


def split_proxy(proxy: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port``) -> (host, port)."""
    host, _, port = proxy.rpartition(":")
    return host.strip("[]"), int(port)


class Lookups:
    """``lookup_now`` of names as soon as each is known, answered together: a set-up that
    asks for the names it knows first, then works out the others (reading settings takes
    0.02-0.06 s), makes capture's start, which waits for every answer, that much sooner."""

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=_LOOKUPS_AT_ONCE)
        self._asked: dict[str, concurrent.futures.Future[str | None]] = {}

    def __enter__(self) -> Lookups:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=False)

    def ask(self, hosts: Iterable[str]) -> None:
        """Send the lookups of ``hosts`` not asked yet (an address answers itself)."""
        for host in hosts:
            if host not in self._asked:
                self._asked[host] = self._pool.submit(lookup_now, host)

    def answers(self) -> dict[str, str | None]:
        """Every asked name's first address (None: no answer), each bounded by its timeout."""
        return {host: future.result() for host, future in self._asked.items()}


def is_address(host: str) -> bool:
    """Whether ``host`` is an IP address (nothing to look up), not a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def lookup_now(host: str) -> str | None:
    """Blocking lookup for ``flows()`` (sync in the engine contract), bounded by a thread."""
    if is_address(host):
        return host
    try:
        ahead = lookups_ahead.answer(host, socket.AF_UNSPEC, _LOOKUP_TIMEOUT)
    except (OSError, UnicodeError, TimeoutError):
        return None
    if ahead is not None:  # the run asked it as it started
        return str(ahead[0][4][0]) if ahead else None
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(socket.getaddrinfo, host, None, type=socket.SOCK_STREAM)
        infos = future.result(timeout=_LOOKUP_TIMEOUT)
    except (OSError, UnicodeError, concurrent.futures.TimeoutError):  # UnicodeError: label > 63
        return None
    finally:
        pool.shutdown(wait=False)
    return str(infos[0][4][0]) if infos else None


def known_proxies(profile: Profile, configuration: ProxyConfiguration | None) -> list[str]:
    """Every proxy named before anything runs: profile, OS sources, environment (for capture)."""
    found: list[str | None] = [host_port(profile.proxy) if profile.proxy else None]
    if configuration is not None:
        for source in configuration.sources:
            found += [host_port(v) for v in source.proxies.values()]
    return [p for p in dict.fromkeys(found) if p]


def routes_of(given: WizardInput) -> RouteObservations | None:
    """The route wizard's observations, if it ran."""
    return given.earlier_observations("route", RouteObservations)


def hop_for(given: WizardInput, target: Target) -> Hop:
    """The first hop of ``target``'s route."""
    routes = routes_of(given)
    route = routes.of(target.key) if routes is not None else None
    if route is None:
        return Hop(target=target, route=None)
    if not route.uses_proxy or route.first.proxy is None:
        return Hop(target=target, route=route)
    proxy = route.first.proxy
    return Hop(
        target=target,
        route=route,
        proxy=proxy,
        proxy_address=routes.proxy_addresses.get(proxy) if routes else None,
    )


def route_proxies(given: WizardInput, targets: Iterable[Target]) -> list[tuple[str, str]]:
    """(``host:port``, address) of every resolved first-hop proxy of ``targets``, once."""
    out: dict[str, str] = {}
    for target in targets:
        hop = hop_for(given, target)
        if hop.proxy and hop.proxy_address:
            out.setdefault(hop.proxy, hop.proxy_address)
    return list(out.items())
