"""The local-hold check's interpretation, through ``diagnose``: the run's capture times the
request, and its connection is labelled."""

from __future__ import annotations

from tests.analysis.scripted import Wire
from tests.analysis.test_hold_findings import CLIENT, SERVER, T0, request
from tests.diagnosis.recordings import run_of
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.hold_observations import HoldWizardObservations


def test_a_request_that_left_five_seconds_late_is_held() -> None:
    wire = Wire(client=(CLIENT, 50123), server=(SERVER, 80), start=T0 - 0.1)
    wire.handshake(rtt=0.1)
    wire.wait(5.0)
    held = wire.send("client", b"GET / HTTP/1.1\r\n\r\n")
    obs = HoldWizardObservations(requests=(request(50123, sent=T0 + 0.0002),))
    done = diagnose(run_of({"hold": obs}, wire.packets))
    (finding,) = done.findings
    assert (finding.id, finding.wizard) == ("local.request_held", "hold")
    assert held is not None and held.number in finding.packets
    (connection,) = done.connections
    assert "held 5.00 s" in connection.label
