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
