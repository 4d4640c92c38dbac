"""The TLS check's interpretation, through ``diagnose`` (case C1 with its capture)."""

from __future__ import annotations

from dataclasses import replace

from tests.analysis.scripted import Wire
from tests.analysis.test_tls_wizard_findings import (
    CLIENT,
    CLIENT_HELLO,
    SERVER,
    T0,
    attempt,
    c1_capture,
    observations,
)
from tests.diagnosis.recordings import run_of
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.jsonable import from_jsonable, to_jsonable
from wiresleuth.model.observations import StoppedAttempt, TlsWizardObservations


def test_large_packets_lost_on_an_ef_marked_path() -> None:
    wire = c1_capture(40001)
    small = Wire(client=(CLIENT, 40002), server=(SERVER, 443), start=T0 + 6, first_number=100)
    small.handshake(rtt=0.1)
    small.send("client", CLIENT_HELLO)
    small.send("server", b"\x16\x03\x03\x00\x10\x02" + bytes(15))
    obs = observations(
        attempt("default", 40001, "timeout", error="no answer"),
        attempt("small-mss", 40002, "ok", start=T0 + 6, handshake_done_at=T0 + 6.3),
    )
    done = diagnose(run_of({"tls": obs}, wire.packets + small.packets))
    assert [(f.id, f.wizard) for f in done.findings][:2] == [
        ("path.large_packet_loss", "tls"), ("path.dscp_marked", "tls"),
    ]  # fmt: skip
    labels = {c.client_port: c.label for c in done.connections}
    assert labels[40001].startswith("TLS default") and labels[40002].startswith("TLS small-mss")


def test_a_speculative_handshake_not_needed_is_named_in_the_timelines() -> None:
    """The default handshake succeeded: the public-trust one beside it was kept, the small-MSS
    one was stopped; its connection is still in the capture, and carries its name, in a run
    and in its bundle read back, not only its addresses."""
    wires = [
        Wire(client=(CLIENT, port), server=(SERVER, 443), start=T0 + n * 0.01, first_number=n * 50)
        for n, port in enumerate((40001, 40002, 40003))
    ]
    for wire in wires:
        wire.handshake(rtt=0.1)
        wire.send("client", CLIENT_HELLO)
        wire.send("server", b"\x16\x03\x03\x00\x10\x02" + bytes(15))
    small = attempt("small-mss", 40002, "ok", start=T0 + 0.01)
    obs = observations(
        attempt("default", 40001, "ok", handshake_done_at=T0 + 0.3),
        attempt("public-trust", 40003, "ok", start=T0 + 0.02, handshake_done_at=T0 + 0.32),
    )
    obs = replace(
        obs,
        targets=(
            replace(
                obs.targets[0],
                stopped_attempts=(
                    StoppedAttempt(purpose="small-mss", connect=small.connect, stopped_at=T0 + 0.4),
                ),
            ),
        ),
    )
    packets = [p for wire in wires for p in wire.packets]
    unnamed = replace(obs, targets=(replace(obs.targets[0], stopped_attempts=()),))
    plain = diagnose(run_of({"tls": unnamed}, packets))
    assert {c.client_port: c.label for c in plain.connections}[40002] == ""  # the defect
    saved = from_jsonable(TlsWizardObservations, to_jsonable(obs))
    assert saved == obs
    for recorded in (obs, saved):
        done = diagnose(run_of({"tls": recorded}, packets))
        assert {c.client_port: c.label for c in done.connections} == {
            40001: "TLS default to www.lab.test:443: ok",
            40002: "TLS small-mss to www.lab.test:443: started in case, not needed, stopped",
            40003: "TLS public-trust to www.lab.test:443: ok",
        }
        assert done.findings == plain.findings  # named, never concluded from
