"""Which connections the hop locator locates: those a finding suspects a device in the path of.

The decision is made from the earlier checks' observations with their own rules (the TLS and
PAC analyses, run on socket evidence alone, as a run without capture concludes them), so the
locator runs exactly when one of these findings is concluded, and no threshold is written
twice. One request per address and port, whatever number of findings share it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urlsplit

from wiresleuth.analysis.pac_findings import analyse_pac
from wiresleuth.analysis.tls_wizard_findings import analyse_tls_wizard, failing_attempts
from wiresleuth.model.finding import Finding
from wiresleuth.model.hop_observations import HopRequest, HopSuspicion
from wiresleuth.model.observations import TlsObservation, TlsWizardObservations
from wiresleuth.model.pac_observations import PacWizardObservations

SUSPECTS = {
    "path.tcp_intercepted": "syn",
    "pac.unexpected_answer": "syn",
    "tls.plaintext_injected": "client-hello",
    "tls.reset_after_client_hello": "client-hello",
    "path.forged_http_response": "http",
}
"""Finding ID -> the probe that reproduces the suspicious answer."""
_DATA_KINDS = ("client-hello", "http")


def _host(target: str) -> str:
    host, _, _port = target.rpartition(":")
    return host.strip("[]")


def _skip_reason(address: str) -> str | None:
    try:
        version = ipaddress.ip_address(address).version
    except ValueError:
        return f"{address!r} is not an IP address"
    if version != 4:
        return f"{address} is an IPv6 address: the hop locator traces IPv4 paths only"
    return None


def _tls_requests(obs: TlsWizardObservations) -> list[HopRequest]:
    findings = analyse_tls_wizard(obs, (), ())[0]
    out: list[HopRequest] = []
    for finding in findings:
        kind = SUSPECTS.get(finding.id)
        target = next((t for t in obs.targets if t.target == finding.target), None)
        if kind is None or target is None:
            continue
        # a name with several addresses: each address the finding names as failing
        for default in failing_attempts(target, finding):
            out.append(_tls_request(target.target, kind, finding, default))
    return out


def _tls_request(target: str, kind: str, finding: Finding, default: TlsObservation) -> HopRequest:
    connect = default.connect
    skipped = _skip_reason(connect.address)
    if default.proxy is not None and kind in _DATA_KINDS and skipped is None:
        skipped = (
            f"the connection went through the proxy {default.proxy}: TTL-limited "
            "probes inside its tunnel end at the proxy"
        )
    return HopRequest(
        target=target,
        address=connect.address,
        port=connect.port,
        kind=kind,
        findings=(HopSuspicion(id=finding.id, target=finding.target),),
        host=default.sni or _host(target),
        answer_wait=_tls_wait(finding, default),
        skipped=skipped,
    )


def _tls_wait(finding: Finding, attempt: TlsObservation) -> float:
    """How long the suspicious answer took after what provoked it."""
    if finding.id == "path.tcp_intercepted":
        return attempt.connect.handshake_rtt or 0.0
    seconds = finding.values.get("seconds", finding.values.get("seconds_after_client_hello"))
    if isinstance(seconds, int | float) and seconds >= 0:
        return float(seconds)
    return max(0.0, attempt.ended_at - (attempt.client_hello_at or attempt.connect.started_at))


def _pac_requests(obs: PacWizardObservations) -> list[HopRequest]:
    fetch = obs.fetch
    if fetch is None or obs.port is None:
        return []
    out: list[HopRequest] = []
    for finding in analyse_pac(obs, (), ()):
        kind = SUSPECTS.get(finding.id)
        if kind is None:
            continue
        wait = 0.0
        if kind == "http" and fetch.first_byte_at and fetch.request_sent_at:
            wait = max(0.0, fetch.first_byte_at - fetch.request_sent_at)
        elif fetch.connect.handshake_rtt is not None:
            wait = fetch.connect.handshake_rtt
        parts = urlsplit(fetch.url)
        out.append(
            HopRequest(
                target=finding.target or f"{obs.host}:{obs.port}",
                address=fetch.address,
                port=obs.port,
                kind=kind,
                findings=(HopSuspicion(id=finding.id, target=finding.target),),
                host=obs.host or "",
                path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                answer_wait=wait,
                skipped=_skip_reason(fetch.address),
            )
        )
    return out


def _merged(requests: Iterable[HopRequest]) -> list[HopRequest]:
    """One request per address and port: a data probe wins over a SYN (its traces include
    the SYN's), findings are kept in order, the longest wait is waited."""
    merged: dict[tuple[str, int], HopRequest] = {}
    for request in requests:
        key = (request.address, request.port)
        seen = merged.get(key)
        if seen is None:
            merged[key] = request
            continue
        lead = request if request.kind in _DATA_KINDS and seen.kind == "syn" else seen
        merged[key] = replace(
            lead,
            findings=tuple(dict.fromkeys((*seen.findings, *request.findings))),
            answer_wait=max(seen.answer_wait, request.answer_wait),
        )
    return list(merged.values())


def hop_requests(
    tls: TlsWizardObservations | None, pac: PacWizardObservations | None
) -> list[HopRequest]:
    """What to locate, from the TLS and PAC checks' observations (either may be absent)."""
    found: list[HopRequest] = []
    if pac is not None:
        found += _pac_requests(pac)
    if tls is not None:
        found += _tls_requests(tls)
    return _merged(found)
