"""The proxy-path check's interpretation, through ``diagnose`` (case C5)."""

from __future__ import annotations

from dataclasses import replace

from tests.analysis.test_proxy_path_findings import answer, exchange, failed_connect, proxied
from tests.diagnosis.recordings import run_of
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.proxy_observations import ProxyWizardObservations, Route


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


def test_a_first_address_the_proxy_check_could_not_reach_does_not_condemn_the_name() -> None:
    """The client goes direct; the proxy-path check's direct connect (the name's first
    address, .41) fails while the proxy works; the TLS check reached .42 directly. The name
    does not work only through the proxy: .41 cannot be reached, 1 of 2, with what the
    proxy did. With one address, the same check still says it works only via the proxy."""
    from tests.analysis.test_some_addresses import TARGET, attempt, ok, target
    from wiresleuth.model.observations import TlsAddressObservation, TlsWizardObservations

    portal = replace(
        proxied(
            TARGET,
            direct=failed_connect("100.64.1.41", 443, "refused"),
            via=(exchange(TARGET, "ok", answer(200, "Connection established")),),
            first=Route(kind="DIRECT"),
        ),
        address="100.64.1.41",
    )
    refused = TlsAddressObservation(
        address="100.64.1.41", attempts=(attempt("100.64.1.41", 40001, "connect_failed"),)
    )
    tls = TlsWizardObservations(targets=(target(refused, ok("100.64.1.42", 40002)),))
    proxy = ProxyWizardObservations(targets=(portal,))
    found = diagnose(run_of({"proxy": proxy, "tls": tls}, captured=False)).findings
    assert "path.works_only_via_proxy" not in [f.id for f in found]
    (blocked,) = [f for f in found if f.id == "path.direct_blocked"]
    assert blocked.title == (
        "1 of 2 addresses of portal.lab.test cannot be reached (no connection could be made): "
        "100.64.1.41"
    )
    assert "Via proxy: 198.18.2.10:3128: ok" in blocked.engineer_text
    alone = TlsWizardObservations(targets=(target(refused),))
    found = diagnose(run_of({"proxy": proxy, "tls": alone}, captured=False)).findings
    assert "path.works_only_via_proxy" in [f.id for f in found]
