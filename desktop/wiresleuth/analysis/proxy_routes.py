"""Which routes a client tries for a target, in order: from the PAC decision, else the profile's
proxy, else the environment's ``*_proxy`` variables (with ``no_proxy``), else DIRECT.

Pure. The PAC decision is handed in as the text ``FindProxyForURL`` returned (e.g.
``"PROXY a:3128; PROXY b:3128; DIRECT"``); evaluating the PAC file is not done here. Failover
is the browsers' rule: the next route is tried only when a proxy cannot be connected to; an
HTTP answer from a proxy (403, 407, 502) is final.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from urllib.parse import urlsplit
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

from wiresleuth.model.proxy_observations import Route, RoutePlan
from wiresleuth.model.target import Target

DIRECT = Route(kind="DIRECT")


def host_port(value: str, default_port: int = 8080) -> str | None:
    """``host:port`` of a proxy written as a URL or as ``host:port``; None if unusable."""
    text = value.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port or default_port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    host = parts.hostname
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def routes_from_pac(result: str) -> tuple[Route, ...]:
    """Routes of a ``FindProxyForURL`` result (pypac's parser; invalid entries dropped)."""
    from pypac.parser import parse_pac_value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypac warns about each invalid element
        values = parse_pac_value(result)
    routes: list[Route] = []
    for value in values:
        if value == "DIRECT":
            routes.append(DIRECT)
            continue
        proxy = host_port(value)
        if proxy is None:
            continue
        kind = "SOCKS" if value.lower().startswith("socks") else "PROXY"
        routes.append(Route(kind=kind, proxy=proxy))
    return tuple(routes) or (DIRECT,)


def environment_proxy(target: Target, environment: Mapping[str, str]) -> tuple[str | None, str]:
    """(``host:port`` or None, the variable it came from) for a target, ``no_proxy`` applied."""
    order = ("https", "all") if target.scheme == "https" else ("http", "all")
    for scheme in order:
        value = environment.get(scheme)
        if not value:
            continue
        if environment.get("no") and proxy_bypass_environment(target.host, dict(environment)):
            return None, f"no_proxy={environment['no']}"
        return host_port(value), f"{scheme}_proxy={value}"
    return None, ""


def plan_routes(
    target: Target,
    *,
    pac_result: str | None,
    profile_proxy: str | None,
    environment: Mapping[str, str],
) -> RoutePlan:
    """The routes the client would try for ``target`` and where that came from."""
    if pac_result is not None:
        return RoutePlan(
            target=target.key, routes=routes_from_pac(pac_result), source="pac", detail=pac_result
        )
    if profile_proxy:
        return RoutePlan(
            target=target.key,
            routes=(Route(kind="PROXY", proxy=profile_proxy),),
            source="profile",
            detail=f"proxy = {profile_proxy}",
        )
    proxy, detail = environment_proxy(target, environment)
    if proxy is not None:
        return RoutePlan(
            target=target.key,
            routes=(Route(kind="PROXY", proxy=proxy),),
            source="environment",
            detail=detail,
        )
    if detail:
        return RoutePlan(target=target.key, routes=(DIRECT,), source="no_proxy", detail=detail)
    return RoutePlan(target=target.key, routes=(DIRECT,), source="none")


def proxies_of(plans: list[RoutePlan], *extra: str | None) -> tuple[str, ...]:
    """Every HTTP proxy named by the plans or given as an alternative, once, in order."""
    found: dict[str, None] = {}
    for plan in plans:
        for route in plan.routes:
            if route.kind == "PROXY" and route.proxy:
                found.setdefault(route.proxy, None)
    for proxy in extra:
        if proxy:
            found.setdefault(proxy, None)
    return tuple(found)
