"""Observation builders for the PAC analysis tests: what the probes would have recorded."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from wiresleuth.model.observations import Chunk, ConnectObservation, PathRttObservation
from wiresleuth.model.pac_observations import (
    DnsAnswerObservation,
    HttpExchangeObservation,
    ListenerObservation,
    PacDecisionObservation,
    PacEvaluationObservation,
    PacWizardObservations,
)

T0 = 1_700_000_000.0
PAC_URL = "http://pac.lab.test/proxy.pac"


def exchange(
    outcome: str,
    *,
    address: str = "100.64.1.50",
    rtt: float | None = 0.1,
    data: bytes = b"",
    took: float = 0.3,
    local_port: int | None = 50123,
    waited: float = 3.0,
) -> HttpExchangeObservation:
    connected = None if rtt is None else T0 + rtt
    connect = ConnectObservation(
        address=address,
        port=80,
        started_at=T0,
        connected_at=connected,
        local_address="198.18.0.2" if connected else None,
        local_port=local_port if connected else None,
        error=None if connected else ("refused" if outcome == "refused" else "timeout"),
    )
    sent = None if connected is None else connected + 0.0001
    chunks = (Chunk(at=(sent or T0) + 0.05, data=data),) if data else ()
    return HttpExchangeObservation(
        url=PAC_URL,
        address=address,
        connect=connect,
        outcome=outcome,
        ended_at=T0 + took,
        request_sent_at=sent,
        first_byte_at=chunks[0].at if chunks else None,
        completed_at=T0 + took if outcome == "answered" else None,
        received=chunks,
        size_limit=1 << 20,
        waited=waited,
    )


def dns(
    name: str = "pac.lab.test", *addresses: str, ttl: int = 60, rcode: str = "NOERROR"
) -> DnsAnswerObservation:
    return DnsAnswerObservation(
        name=name,
        qtype="A",
        started_at=T0,
        elapsed=0.01,
        rcode=rcode,
        addresses=addresses,
        ttl=ttl if addresses else None,
        server="100.64.0.53",
    )


def nxdomain(name: str) -> DnsAnswerObservation:
    return dns(name, rcode="NXDOMAIN")


def pac_obs(**kw: Any) -> PacWizardObservations:
    base = PacWizardObservations(
        configuration=None,
        pac_url=PAC_URL,
        pac_source="profile",
        host="pac.lab.test",
        port=80,
        dns=dns("pac.lab.test", "100.64.1.50"),
        rewrite_tests=(nxdomain("ws-a.lab.test"), nxdomain("ws-b.lab.test")),
        address="100.64.1.50",
        address_kind="public",
        path_rtt=PathRttObservation(address="100.64.1.50", method="icmp", samples=(0.1005,)),
        targets=("https://www.lab.test/",),
    )
    return replace(base, **kw)


def evaluation(
    outcome: str = "ok", *results: str | None, error: str | None = None
) -> PacEvaluationObservation:
    return PacEvaluationObservation(
        outcome=outcome,
        elapsed=0.2,
        time_limit=3.0,
        memory_limit_mb=512,
        script_bytes=100,
        my_ip="198.18.0.2",
        error=error,
        decisions=tuple(
            PacDecisionObservation(
                url="https://www.lab.test/",
                host="www.lab.test",
                result=r,
                error=None if r else "Error: x",
            )
            for r in results
        ),
    )


def listener(port: int = 80, process: str | None = "MsDepSvc.exe") -> ListenerObservation:
    return ListenerObservation(
        address="127.0.0.1", port=port, pid=1234 if process else None, process=process
    )
