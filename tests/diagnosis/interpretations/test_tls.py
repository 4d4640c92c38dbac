"""The TLS check's interpretation, through ``diagnose`` (case C1 with its capture)."""

from __future__ import annotations

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
