"""The proxy-path check's interpretation, through ``diagnose`` (case C5)."""

from __future__ import annotations

from tests.analysis.test_proxy_path_findings import answer, exchange, failed_connect, proxied
from tests.diagnosis.recordings import run_of
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.proxy_observations import ProxyWizardObservations


def test_a_site_that_works_only_through_the_proxy() -> None:
    tax = proxied(
        "tax.example:2429",
        direct=failed_connect("100.64.1.50", 2429),
        via=(exchange("tax.example:2429", "ok", answer(200, "Connection established")),),
    )
    obs = ProxyWizardObservations(targets=(tax,))
    found = diagnose(run_of({"proxy": obs})).findings
    assert [(f.id, f.target, f.wizard) for f in found] == [
        ("path.works_only_via_proxy", "tax.example:2429", "proxy")
    ]


def test_a_tls_handshake_that_cannot_connect_is_concluded_here_without_a_proxy_check() -> None:
    from tests.analysis.test_tls_wizard_findings import SERVER, T0, observations
    from wiresleuth.model.observations import ConnectObservation, TlsObservation

    refused = TlsObservation(
        target="www.lab.test:443", sni="www.lab.test", purpose="default",
        connect=ConnectObservation(address=SERVER, port=443, started_at=T0, error="refused"),
        outcome="connect_failed", ended_at=T0 + 0.1, error="refused",
    )  # fmt: skip
    found = diagnose(run_of({"tls": observations(refused)})).findings
    assert [(f.id, f.target, f.wizard) for f in found] == [
        ("path.direct_blocked", "www.lab.test:443", "tls")
    ]
