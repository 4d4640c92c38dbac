"""Which connections the hop locator locates, decided from the earlier checks' observations."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.analysis.hop_samples import SAMPLES, recorded
from wiresleuth.analysis.hop_requests import hop_requests
from wiresleuth.model.hop_observations import HopSuspicion
from wiresleuth.model.jsonable import from_jsonable
from wiresleuth.model.observations import TlsWizardObservations
from wiresleuth.model.pac_observations import PacWizardObservations


def _tls(name: str) -> TlsWizardObservations:
    found = recorded(name).observations["tls"]
    assert isinstance(found, TlsWizardObservations)
    return found


def _pac() -> PacWizardObservations:
    raw = json.loads((SAMPLES / "C3-503-pac.json").read_text())
    return from_jsonable(PacWizardObservations, raw)


def test_c6_one_request_for_both_findings_with_the_clienthello() -> None:
    [request] = hop_requests(_tls("C6"), None)
    assert (request.address, request.port, request.kind) == ("100.64.1.30", 443, "client-hello")
    assert request.findings == (
        HopSuspicion(id="path.tcp_intercepted", target="shop.lab.test:443"),
        HopSuspicion(id="tls.plaintext_injected", target="shop.lab.test:443"),
    )
    assert request.host == "shop.lab.test"
    assert request.answer_wait == pytest.approx(3.0, abs=0.2)  # the injection's delay
    assert request.skipped is None


def test_a_reset_waits_as_long_as_the_reset_took() -> None:
    [request] = hop_requests(_tls("mss-clamp"), None)
    assert (
        request.kind == "client-hello" and request.findings[0].id == "tls.reset_after_client_hello"
    )
    assert request.answer_wait == pytest.approx(2.1, abs=0.2)


def test_the_forged_pac_answer_is_located_with_the_http_request() -> None:
    [request] = hop_requests(None, _pac())
    assert (request.address, request.port, request.kind) == ("100.64.1.50", 80, "http")
    assert {s.id for s in request.findings} == {
        "pac.unexpected_answer",
        "path.forged_http_response",
    }
    assert (request.host, request.path) == ("pac.lab.test", "/proxy.pac")


def test_nothing_suspected_nothing_to_locate() -> None:
    healthy = _tls("C6")
    calm = replace(healthy, targets=())
    assert hop_requests(calm, None) == []
    assert hop_requests(None, None) == []


def test_a_connection_through_a_proxy_is_not_located_and_says_why() -> None:
    tls = _tls("mss-clamp")
    target = tls.targets[0]
    proxied = replace(
        target, attempts=tuple(replace(a, proxy="198.18.2.10:3128") for a in target.attempts)
    )
    [request] = hop_requests(replace(tls, targets=(proxied,)), None)
    assert request.skipped is not None and "through the proxy 198.18.2.10:3128" in request.skipped


def test_an_ipv6_address_is_not_located_and_says_why() -> None:
    tls = _tls("mss-clamp")
    target = tls.targets[0]
    v6 = replace(
        target,
        attempts=tuple(
            replace(a, connect=replace(a.connect, address="::1")) for a in target.attempts
        ),
    )
    [request] = hop_requests(replace(tls, targets=(v6,)), None)
    assert request.skipped is not None and "IPv6" in request.skipped
