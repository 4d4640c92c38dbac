"""The proxy-path check's interpretation, through ``diagnose`` (case C5)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.analysis.test_proxy_path_findings import answer, exchange, failed_connect, proxied
from tests.cli.cli_process import wiresleuth
from tests.diagnosis.recordings import run_of
from wiresleuth.analysis.answer_on_wire import TOO_BUSY
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.finding import Severity
from wiresleuth.model.proxy_observations import ProxyWizardObservations
from wiresleuth.sources.bundle_file import reanalyse


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


STOPPED_MARKER = (
    Path(__file__).parents[2] / "analysis" / "samples" / "stall"
    / "proxy-healthy-stopped-marker-nocapture.wsbundle"
)  # fmt: skip


def test_a_lab_run_stopped_while_its_markers_waited_concludes_no_undelivered_path() -> None:
    """proxy-healthy, stopped 8 s as the direct marker went out (recorded without capture;
    samples/stall/SOURCES.md): the direct marker's wait for its acknowledgement and the
    CONNECT of the one through the proxy ran out as the program woke. main's rules conclude
    pathproof.not_delivered (problem) from them; these say the path proof could not run."""
    with zipfile.ZipFile(STOPPED_MARKER) as bundle:
        markers = json.loads(bundle.read("report.json"))["observations"]["proxy"]["markers"]
    assert [m["outcome"] for m in markers] == ["no_ack", "tunnel_failed"]  # the false silence
    done = reanalyse(STOPPED_MARKER)
    ids = {f.id for f in done.findings}
    assert "pathproof.not_delivered" not in ids
    assert not [f for f in done.findings if f.severity is Severity.PROBLEM]
    stopped = next(f for f in done.findings if f.id == "probe.program_stopped")
    assert stopped.values["withheld"] == [
        "the path proof's marker directly to app.lab.test:9400: its wait for the acknowledgement",
        "the path proof's marker through the proxy 198.18.2.10:3128 to app.lab.test:9400: its "
        "CONNECT",
    ]
    [failed] = [f for f in done.findings if f.id == "probe.failed" and f.target == "app.lab.test:9400"]
    assert failed.values["error"] == TOO_BUSY


def test_report_reanalyse_of_the_lab_run_stopped_in_its_path_proof() -> None:
    done = wiresleuth("report", str(STOPPED_MARKER), "--reanalyse", "--json")
    again = json.loads(done.stdout)
    assert "pathproof.not_delivered" not in {f["id"] for f in again["findings"]}
    assert done.returncode == 0, done.stderr  # nothing above a warning about the run itself
