"""What the index keeps of a bundle: who, when, the headline, the route, and its facets.

Pure: a checked ``Bundle`` in, plain values out. Everything comes from someone else's
computer, so every value is read defensively (a missing or oddly typed key gives None, never
an exception), made one line with control characters escaped (``for_terminal``, which also
keeps NUL out of PostgreSQL) and cut to the column's length.

Facets are the values the grouped view counts bundles by: the sites tested, the client's
subnet, the gateway's vendor, the DNS resolvers and the proxies on the route.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wiresleuth.analysis.causes import group_causes
from wiresleuth.bundle.reader import Bundle
from wiresleuth.inbox.tables import NAME, TEXT
from wiresleuth.model.finding import Finding
from wiresleuth.model.jsonable import JsonableError, from_jsonable
from wiresleuth.model.route import RouteObservations
from wiresleuth.report.terminal_text import for_terminal

FACET_KINDS = ("site", "subnet", "gateway", "resolver", "proxy")
"""The kinds of group, in the order the grouped view shows them."""
MAX_FACETS = 50
"""Values kept per kind and bundle (a bundle may list many sites)."""
MAX_FINDINGS = 200
"""Findings kept per bundle in the index (the report keeps them all)."""


@dataclass(frozen=True, kw_only=True)
class FindingFact:
    """One finding as the index keeps it."""

    finding_id: str
    severity: str
    target: str | None
    title: str


@dataclass(frozen=True, kw_only=True)
class BundleFacts:
    """What the lists and groups show of one bundle."""

    program_version: str
    run_started: datetime | None
    """When the run started (UTC, naive)."""
    computer: str | None
    user: str | None
    os: str | None
    headline: FindingFact | None
    """The first cause: the finding the window and report.html lead with."""
    problems: int
    warnings: int
    notes: int
    route: str | None
    """``direct``, ``proxy HOST:PORT`` or ``mixed: …`` when sites went different ways."""
    subnet: str | None
    gateway_vendor: str | None
    has_capture: bool
    cancelled: bool
    findings: tuple[FindingFact, ...]
    facets: tuple[tuple[str, str], ...]
    """(kind, value) pairs, kinds from ``FACET_KINDS``, no repeats."""


def clean(value: Any, limit: int = NAME) -> str | None:
    """A string from a bundle, one line, escaped, at most ``limit`` characters; None when
    it is not a non-empty string."""
    if not isinstance(value, str):
        return None
    text = for_terminal(value, one_line=True).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _strings(values: Any) -> list[str]:
    if not isinstance(values, Sequence) or isinstance(values, str | bytes):
        return []
    return [text for v in values if (text := clean(v)) is not None]


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    """The objects in a JSON list (anything else: none)."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _utc(text: Any) -> datetime | None:
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _addresses(
    interface: Mapping[str, Any],
) -> Iterable[ipaddress.IPv4Interface | ipaddress.IPv6Interface]:
    addresses = interface.get("addresses")
    for item in addresses if isinstance(addresses, list) else ():
        text: str | None = None
        if isinstance(item, str):
            text = item
        elif isinstance(item, Mapping) and isinstance(item.get("address"), str):
            mask = item.get("netmask")
            text = f"{item['address']}/{mask}" if isinstance(mask, str | int) else item["address"]
        if text is None:
            continue
        try:
            yield ipaddress.ip_interface(
                text.split("%", 1)[0] if "%" in text.split("/")[0] else text
            )
        except ValueError:
            continue


def client_subnet(system: Mapping[str, Any]) -> str | None:
    """The network of the address on the interface the default route leaves by (IPv4
    first); else of the first interface with an ordinary address."""
    interfaces = _mappings(system.get("interfaces"))
    routes = _mappings(system.get("routes"))
    default = next(
        (
            r.get("interface")
            for r in routes
            if r.get("destination") in ("default", "0.0.0.0/0", "::/0")
        ),
        None,
    )
    ordered = sorted(interfaces, key=lambda i: i.get("name") != default)
    for want in (4, 6):
        for interface in ordered:
            for address in _addresses(interface):
                if address.version != want:
                    continue
                ip = address.ip
                if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
                    continue
                return str(address.network)
    return None


def _gateway_vendor(bundle: Bundle) -> str | None:
    vendor = clean(_get(bundle.system, "gateway", "vendor"))
    if vendor:
        return vendor
    for finding in bundle.findings:
        if finding.id == "net.gateway_vendor" and (found := clean(finding.values.get("vendor"))):
            return found
    return clean(_get(bundle.report, "observations", "gateway", "vendor"))


def _routes(data: Any) -> RouteObservations | None:
    """The route table read back typed; None when absent (older bundles) or of another
    shape (the system's settings are used instead)."""
    if not isinstance(data, Mapping):
        return None
    try:
        return from_jsonable(RouteObservations, dict(data))
    except JsonableError:
        return None


def _route(report: Mapping[str, Any], system: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """The route in words, and the proxies (or ``direct``) for the proxy facet."""
    routes = _routes(_get(report, "observations", "route"))
    if routes is None or not routes.routes:
        # An older bundle: what the system's settings said (not the route measured).
        mode = clean(_get(system, "proxy_configuration", "mode"))
        return (f"{mode} (system settings)" if mode else None), (
            ["direct"] if mode == "direct" else []
        )
    firsts: list[str] = []
    proxies: list[str] = []
    for each in routes.routes:
        first = each.first
        firsts.append(f"proxy {first.proxy}" if first.kind == "PROXY" and first.proxy else "direct")
        for candidate in each.candidates:
            shown = candidate.proxy if candidate.kind == "PROXY" and candidate.proxy else "direct"
            proxies.append(shown)
    distinct = list(dict.fromkeys(firsts))
    shown = distinct[0] if len(distinct) == 1 else "mixed: " + ", ".join(distinct)
    return clean(shown), [p for p in (clean(x) for x in dict.fromkeys(proxies)) if p]


def _finding_fact(finding: Finding) -> FindingFact:
    return FindingFact(
        finding_id=clean(finding.id, 128) or "(no id)",
        severity=finding.severity.value,
        target=clean(finding.target),
        title=clean(finding.title, TEXT) or "",
    )


def _headline(bundle: Bundle) -> FindingFact | None:
    """The first cause, as the window and report.html lead with it (a symptom it explains,
    or a watch's per-attempt finding, is never the headline)."""
    causes = group_causes(bundle.findings[:MAX_FINDINGS])
    return _finding_fact(causes[0].finding) if causes else None


def bundle_facts(bundle: Bundle) -> BundleFacts:
    """The index's view of a checked bundle."""
    report, system, manifest = bundle.report, bundle.system, bundle.manifest
    severities = [f.severity.value for f in bundle.findings]
    route, proxies = _route(report, system)
    subnet = clean(client_subnet(system), 64)
    vendor = _gateway_vendor(bundle)
    os_name = " ".join(
        part
        for part in (clean(_get(manifest, "os", "system")), clean(_get(manifest, "os", "release")))
        if part
    )
    facets: dict[tuple[str, str], None] = {}
    for kind, values in (
        ("site", _strings(report.get("targets"))),
        ("subnet", [subnet] if subnet else []),
        ("gateway", [vendor] if vendor else []),
        ("resolver", _strings(_get(system, "dns", "servers"))),
        ("proxy", proxies),
    ):
        for value in values[:MAX_FACETS]:
            facets[(kind, value)] = None
    return BundleFacts(
        program_version=clean(manifest.get("program_version"), 40) or "unknown",
        run_started=_utc(report.get("started_at_utc")) or _utc(manifest.get("created")),
        computer=clean(_get(system, "computer", "name")) or clean(system.get("hostname")),
        user=clean(_get(system, "computer", "user")),
        os=clean(os_name) or clean(_get(system, "os", "system")),
        headline=_headline(bundle),
        problems=severities.count("problem"),
        warnings=severities.count("warning"),
        notes=severities.count("info"),
        route=route,
        subnet=subnet,
        gateway_vendor=vendor,
        has_capture=bundle.has_capture,
        cancelled=report.get("cancelled") is True,
        findings=tuple(_finding_fact(f) for f in bundle.findings[:MAX_FINDINGS]),
        facets=tuple(facets),
    )
