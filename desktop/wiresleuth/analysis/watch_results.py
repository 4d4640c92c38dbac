"""One watch attempt's result per target and address, from what its checks observed.

Pure: the attempt's typed observations, its findings (concluded by ``diagnose`` as for any
run) and the system facts in; ``AddressResult``s and the facts of the way to each target
(``WatchContext``) out. A failure's signature is the most severe finding about that target
that cites the address (or, when none cites it, about the target); with no finding at all,
the probe's outcome (``outcome:timeout``), so that every failure can be grouped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wiresleuth.model.engine_observations import EngineObservations
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.observations import TlsTargetObservation, TlsWizardObservations
from wiresleuth.model.pac_observations import PacWizardObservations
from wiresleuth.model.watch import AddressResult, WatchContext

_OUTCOME_WORDS = {
    "timeout": "the secure greeting (TLS) got no answer in time",
    "reset": "the connection was reset",
    "eof": "the connection was closed during the secure greeting",
    "not_tls": "something that is not TLS answered",
    "tls_error": "the secure greeting failed",
    "cert_error": "the certificate was refused",
    "connect_failed": "the connection could not be made",
    "no address": "the name did not resolve",
    "no pac": "the PAC server answered with an error",
    "no_data": "nothing came back",
    "refused": "the connection was refused",
}


@dataclass(frozen=True, kw_only=True)
class AttemptMaterial:
    """What one light attempt left behind (typed), for ``results_of``."""

    findings: Sequence[Finding]
    """What ``diagnose`` concluded from the attempt."""
    engine: EngineObservations | None = None
    """The engine's own observations (targets, lookups)."""
    tls: TlsWizardObservations | None = None
    """The watch's TLS handshakes, one per target and address."""
    pac: PacWizardObservations | None = None
    """The PAC check's observations, when a PAC is configured."""
    system: Mapping[str, Any] | None = None
    """system.json of the attempt (interfaces)."""


def outcome_words(outcome: str) -> str:
    """An outcome in plain words."""
    return _OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))


def results_of(material: AttemptMaterial) -> list[tuple[AddressResult, WatchContext]]:
    """Per target and address: the result (``context`` not yet set) and its facts."""
    lookups = {r.host: r for r in (material.engine.lookups if material.engine else ())}
    targets = dict(material.engine.targets) if material.engine else {}
    up = _interfaces_up(material.system)
    tls = material.tls
    gateway = tls.gateway if tls else None
    base = WatchContext(
        gateway=gateway.address if gateway else None,
        gateway_mac=gateway.mac if gateway else None,
        interface=gateway.interface if gateway else None,
        interfaces_up=up,
    )
    out: list[tuple[AddressResult, WatchContext]] = []
    tested: set[str] = set()
    for obs in tls.targets if tls else ():
        tested.add(obs.target)
        host = targets.get(obs.target, obs.target.rpartition(":")[0])
        lookup = lookups.get(host)
        context = WatchContext(
            route=obs.route,
            dns_answer=lookup.addresses if lookup else (),
            gateway=base.gateway,
            gateway_mac=base.gateway_mac,
            interface=base.interface,
            interfaces_up=up,
        )
        out += [(result, context) for result in _tls_results(obs, material.findings)]
    for key, host in targets.items():
        lookup = lookups.get(host)
        if key in tested or lookup is None:
            continue
        # not tested by a handshake (not an HTTPS site, or its name did not resolve): the
        # name lookup is its result
        resolved = bool(lookup.addresses)
        result = AddressResult(
            target=key,
            address="",
            ok=resolved,
            outcome="resolved" if resolved else "no address",
            signature="" if resolved else _signature(material.findings, key, None, "no address"),
        )
        context = WatchContext(
            dns_answer=lookup.addresses,
            gateway=base.gateway,
            gateway_mac=base.gateway_mac,
            interface=base.interface,
            interfaces_up=up,
        )
        out.append((result, context))
    pac = material.pac
    if pac is not None and pac.pac_url is not None and pac.fetch is not None:
        answered = pac.fetch.outcome == "answered"
        ok = answered and _pac_status_ok(pac)
        outcome = "ok" if ok else ("no pac" if answered else pac.fetch.outcome)
        result = AddressResult(
            target="",
            address=pac.address or "",
            ok=ok,
            outcome=outcome,
            signature=""
            if ok
            else _signature(material.findings, None, pac.address, outcome, wizard="pac"),
        )
        dns = pac.dns.addresses if pac.dns is not None else ()
        out.append(
            (
                result,
                WatchContext(
                    dns_answer=tuple(dns),
                    gateway=base.gateway,
                    gateway_mac=base.gateway_mac,
                    interface=base.interface,
                    interfaces_up=up,
                ),
            )
        )
    return out


def _pac_status_ok(pac: PacWizardObservations) -> bool:
    """A fetch that completed with an HTTP error status did not give a PAC file."""
    fetch = pac.fetch
    if fetch is None:
        return False
    head = fetch.data[:64].split(b"\r\n", 1)[0].split()
    return len(head) < 2 or head[1] == b"200"


def _tls_results(obs: TlsTargetObservation, findings: Sequence[Finding]) -> list[AddressResult]:
    """One result per address of the name tested (the TLS wizard's shape: the first address,
    then ``other_addresses``); one with no address when the name did not resolve."""
    tested = obs.by_address()
    if not tested:
        outcome = "no address" if obs.address is None else "not tried"
        return [_result(obs.target, obs.address or "", outcome, findings)]
    return [
        _result(
            obs.target,
            one.address,
            one.attempts[0].outcome if one.attempts else "not tried",
            findings,
        )
        for one in tested
    ]


def _result(target: str, address: str, outcome: str, findings: Sequence[Finding]) -> AddressResult:
    ok = outcome == "ok"
    return AddressResult(
        target=target,
        address=address,
        ok=ok,
        outcome=outcome,
        signature="" if ok else _signature(findings, target, address or None, outcome),
    )


def _signature(
    findings: Sequence[Finding],
    target: str | None,
    address: str | None,
    outcome: str,
    *,
    wizard: str | None = None,
) -> str:
    """The most severe problem or warning about ``target`` citing ``address``; else about
    ``target`` (but not one that names the failing addresses without this one); else
    ``outcome:<outcome>``."""
    relevant = [
        f
        for f in findings
        if f.severity is not Severity.INFO
        and (f.target == target if target is not None else f.wizard == wizard)
        and not (address and _names_others(f, address))
    ]
    citing = [f for f in relevant if address and _cites(f, address)]
    for pool in (citing, relevant):
        if pool:
            return max(pool, key=lambda f: f.severity.weight).id
    return f"outcome:{outcome}"


def _names_others(finding: Finding, address: str) -> bool:
    """A finding over several addresses of a name that failed on others, not on ``address``."""
    failing = finding.values.get("addresses_failing")
    return isinstance(failing, list) and address not in failing


def _cites(finding: Finding, address: str) -> bool:
    failing = finding.values.get("addresses_failing")
    if isinstance(failing, list):
        # a name's finding over several addresses cites the working ones too (as the others)
        return address in failing
    for ev in finding.evidence:
        if any(
            a == address or a.startswith(f"{address}:") or a.startswith(f"[{address}]")
            for a in ev.addresses
        ):
            return True
    return str(finding.values.get("address", "")) == address


def _interfaces_up(system: Mapping[str, Any] | None) -> tuple[str, ...]:
    interfaces = (system or {}).get("interfaces")
    if not isinstance(interfaces, list):
        return ()
    names = [
        str(i.get("name"))
        for i in interfaces
        if isinstance(i, Mapping) and i.get("up") and i.get("name") != "lo"
    ]
    return tuple(sorted(names))
