"""The route each target takes, from the same settings the user's applications read.

Pure: the helpdesk profile, the OS proxy configuration (already read and chosen per platform
by ``platform.proxy_choice``), and the PAC wizard's sandboxed evaluation in; one
``TargetRoute`` per target out. Precedence (docs/routes.md says it per OS, with sources):

1. the helpdesk profile (``pac_url``, then ``proxy``): an explicit override for the test;
2. OS policy: settings an administrator put in force (Windows ``ProxySettingsPerUser = 0``
   makes the machine-wide WinINet settings apply; macOS configuration profiles and GNOME
   locked keys already show in what ``scutil`` and ``gsettings`` print);
3. the OS user settings in force for browsers (WinINet, SystemConfiguration, GNOME, KDE):
   automatic detection (WPAD), then the PAC URL, then fixed proxies with their bypass list;
4. the environment (``*_proxy``), where the platform's browsers read it (Linux without
   desktop settings);
5. direct.

A PAC decides per URL: its ``PROXY a; PROXY b; DIRECT`` list is kept in order (browsers
fail over). A PAC that could not be fetched or evaluated leaves browsers going direct
(Chromium's fallback for a non-mandatory PAC), and the route says so.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

from wiresleuth.analysis.proxy_routes import DIRECT, host_port, routes_from_pac
from wiresleuth.model.proxy_config import ProxyConfiguration, ProxySource
from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.route import TargetRoute
from wiresleuth.model.target import Target

SOURCE_NAMES = {
    "wininet": "Windows Internet settings (WinINet)",
    "winhttp": "WinHTTP settings",
    "macos": "macOS network settings",
    "gnome": "GNOME settings",
    "kde": "KDE settings",
    "environment": "environment variables",
    "profile": "helpdesk profile",
    "wpad": "automatic proxy detection (WPAD)",
}
"""How each source is named to a person."""


def source_name(name: str | None) -> str:
    """``gnome`` -> ``GNOME settings``; ``system:kde`` -> ``KDE settings``."""
    if not name:
        return "no setting"
    return SOURCE_NAMES.get(name.removeprefix("system:"), name)


# -- bypass lists ---------------------------------------------------------------------------


def _network(pattern: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """``10.0.0.0/8``, ``169.254/16`` (macOS shorthand) or a bare address; None otherwise."""
    text = pattern.strip("[]")
    address, slash, bits = text.partition("/")
    if ":" not in address and address.count(".") < 3 and slash:
        address = ".".join([*address.split("."), "0", "0", "0"][:4])
    try:
        return ipaddress.ip_network(f"{address}/{bits}" if slash else address, strict=False)
    except ValueError:
        return None


def bypassed(host: str, patterns: Sequence[str], *, suffix_match: bool = False) -> str | None:
    """The bypass entry that sends ``host`` direct, or None.

    Entries as the OSes write them: ``<local>`` (WinINet: names without a dot), ``*``,
    wildcards (``*.corp.example``), ``.corp.example`` (the domain and its subdomains),
    addresses and networks (matched against address literals only: no lookup, as browsers
    do), and plain names (exact; with ``suffix_match``, the environment's ``no_proxy``
    rule: the name and everything under it). A ``:port`` or scheme on an entry is ignored.
    """
    name = host.lower().rstrip(".").strip("[]")
    try:
        literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(name)
    except ValueError:
        literal = None
    for raw in patterns:
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "<local>":
            if literal is None and "." not in name:
                return raw
            continue
        entry = entry.split("://", 1)[-1]
        if entry.count(":") == 1:
            entry = entry.partition(":")[0]
        if entry == "*":
            return raw
        network = _network(entry)
        if network is not None:
            if literal is not None and literal.version == network.version and literal in network:
                return raw
            continue
        if "*" in entry:
            if fnmatch.fnmatchcase(name, entry):
                return raw
            continue
        if entry.startswith("."):
            if name == entry[1:] or name.endswith(entry):
                return raw
            continue
        if name == entry or (suffix_match and name.endswith("." + entry)):
            return raw
    return None


# -- per source ----------------------------------------------------------------------------


def _fixed_proxy(source: ProxySource, target: Target) -> str | None:
    """The proxy a source's fixed settings give a target (``host:port``), if any."""
    proxies = source.proxies
    order = ("https", "all") if target.scheme == "https" else ("http", "all")
    if target.scheme not in ("http", "https"):
        order = ("https", "all")  # other TCP services are tunnelled like HTTPS (CONNECT)
    for scheme in order:
        value = proxies.get(scheme)
        if value:
            return host_port(value, default_port=8080)
    return None


def _from_pac(
    target: Target, pac: Mapping[str, Any], origin: str, reason_source: str
) -> TargetRoute:
    """The route a PAC gives ``target`` (the PAC wizard's sandboxed decision)."""
    url = pac.get("url") or ""
    where = f"PAC from {origin} ({url})" if url else f"PAC from {origin}"
    decisions: Mapping[str, str] = pac.get("decisions") or {}
    answer = decisions.get(target.url)
    if pac.get("outcome") == "ok" and answer:
        routes = routes_from_pac(answer)
        return TargetRoute(
            target=target.key, url=target.url, candidates=routes, source="pac", origin=where,
            reason=(
                f"{reason_source} names a proxy auto-configuration script; its "
                f"FindProxyForURL answered {answer!r} for {target.url}"
            ),
            detail=answer,
        )  # fmt: skip
    why = pac.get("problem") or "it gave no answer for this site"
    return TargetRoute(
        target=target.key, url=target.url, candidates=(DIRECT,), source="pac", origin=where,
        reason=(
            f"{reason_source} names a proxy auto-configuration script, but it could not be "
            f"used ({why}); browsers then go direct"
        ),
        detail=str(why),
    )  # fmt: skip


def _from_source(
    target: Target, source: ProxySource, pac: Mapping[str, Any] | None, kind: str
) -> TargetRoute | None:
    """The route a configured OS or environment source gives; None when it says nothing."""
    name = source_name(source.name)
    origin = f"{name}, {source.policy}" if source.policy else name
    if source.auto_detect or source.pac_url:
        if pac is not None:
            label = origin if not source.auto_detect or pac.get("via_wpad") is not True else (
                f"{source_name('wpad')} in {name}"
            )
            return _from_pac(target, pac, label, f"The {name}")
        what = "automatic proxy detection" if source.auto_detect else f"the PAC {source.pac_url}"
        return TargetRoute(
            target=target.key, url=target.url, candidates=(DIRECT,), source=kind, origin=origin,
            reason=f"The {name} ask for {what}, which gave no script; browsers then go direct",
            detail=source.pac_url or "auto-detect",
        )  # fmt: skip
    proxy = _fixed_proxy(source, target)
    if proxy is None:
        if source.name == "environment" and not source.proxies:
            return None
        return TargetRoute(
            target=target.key, url=target.url, candidates=(DIRECT,), source=kind, origin=origin,
            reason=f"The {name} set no proxy for {target.scheme}: connections go direct",
        )  # fmt: skip
    hit = bypassed(target.host, source.bypass, suffix_match=source.name == "environment")
    if hit is not None:
        return TargetRoute(
            target=target.key, url=target.url, candidates=(DIRECT,), source=kind, origin=origin,
            reason=f"The {name} send {target.host} direct (bypass entry {hit!r})",
            detail=f"bypass {hit}",
        )  # fmt: skip
    return TargetRoute(
        target=target.key, url=target.url, candidates=(Route(kind="PROXY", proxy=proxy),),
        source=kind, origin=origin,
        reason=f"The {name} name the proxy {proxy} for {target.scheme} connections",
        detail=", ".join(f"{k}={v}" for k, v in source.proxies.items()),
    )  # fmt: skip


def route_for(
    target: Target,
    *,
    profile_proxy: str | None,
    profile_pac_url: str | None,
    configuration: ProxyConfiguration | None,
    pac: Mapping[str, Any] | None,
) -> TargetRoute:
    """The route ``target`` takes.

    ``pac`` is the PAC wizard's result, when a PAC was found: ``url``, ``origin``
    (``profile``, ``system:gnome``, ``wpad``), ``outcome`` (``ok`` when the script ran),
    ``decisions`` (URL -> FindProxyForURL answer), ``problem`` (why it could not be used).
    """
    if profile_pac_url and pac is not None and pac.get("origin") == "profile":
        routed = _from_pac(target, pac, "helpdesk profile", "The helpdesk profile")
        decided = pac.get("outcome") == "ok" and bool((pac.get("decisions") or {}).get(target.url))
        if decided or not profile_proxy:
            return routed  # a PAC that fails with no profile proxy: browsers go direct
    if profile_proxy:
        proxy = host_port(profile_proxy) or profile_proxy
        return TargetRoute(
            target=target.key, url=target.url, candidates=(Route(kind="PROXY", proxy=proxy),),
            source="profile", origin="helpdesk profile",
            reason=f"The helpdesk profile names the proxy {proxy}; it overrides this computer's settings",
            detail=f"proxy = {profile_proxy}",
        )  # fmt: skip
    winning = configuration.winning if configuration is not None else None
    if winning is not None:
        kind = "environment" if winning.name == "environment" else "os_settings"
        if winning.policy:
            kind = "os_policy"
        os_pac = pac if pac is not None and pac.get("origin") != "profile" else None
        from_os = _from_source(target, winning, os_pac, kind)
        if from_os is not None:
            return from_os
    reason = (
        configuration.reason
        if configuration is not None
        else "this computer's proxy settings could not be read"
    )
    return TargetRoute(
        target=target.key, url=target.url, candidates=(DIRECT,), source="default",
        origin="no proxy setting",
        reason=f"No proxy is set for this computer's applications ({reason}): they go direct",
    )  # fmt: skip


def pac_summary(pac_observations: Any) -> dict[str, Any] | None:
    """The ``pac`` mapping ``route_for`` takes, from the PAC wizard's observations."""
    if pac_observations is None or getattr(pac_observations, "pac_url", None) is None:
        return None
    evaluation = getattr(pac_observations, "evaluation", None)
    decisions: dict[str, str] = {}
    problem: str | None = None
    outcome: str | None = None
    if evaluation is not None:
        outcome = evaluation.outcome
        for decision in evaluation.decisions:
            if decision.result:
                decisions[decision.url] = str(decision.result)
        if outcome != "ok":
            problem = f"the script's evaluation ended with {outcome}"
            detail = getattr(evaluation, "error", None)
            if detail:
                problem += f": {detail}"
    else:
        fetch = getattr(pac_observations, "fetch", None)
        file_error = getattr(pac_observations, "file_error", None)
        if file_error:
            problem = f"the PAC file cannot be read: {file_error}"
        elif fetch is not None:
            problem = f"the PAC fetch ended with {fetch.outcome}"
            if fetch.error:
                problem += f" ({fetch.error})"
        else:
            problem = "the PAC could not be fetched"
    return {
        "url": pac_observations.pac_url,
        "origin": pac_observations.pac_source or "",
        "via_wpad": pac_observations.pac_source == "wpad",
        "outcome": outcome,
        "decisions": decisions,
        "problem": problem,
    }
