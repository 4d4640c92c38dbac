"""The MTU/DSCP check's interpretation, through ``diagnose``: a policer dropping an
EF-marked server's full-size segments, from the sweep and the run's capture."""

from __future__ import annotations

from tests.analysis.scripted import Wire
from tests.analysis.test_mtu_findings import SERVER, observe, sweep
from tests.diagnosis.recordings import run_of
from wiresleuth.diagnosis.diagnose import diagnose


def test_an_ef_marked_server_losing_full_size_segments() -> None:
    wire = Wire(server=(SERVER, 443))
    wire.sides["server"].dscp = 46
    wire.handshake(server_mss=1460)
    wire.send("client", b"\x16" * 300)
    wire.send("server", b"A" * 1448, lost=True)
    wire.send("server", b"B" * 1448, lost=True)
    wire.send("server", b"C" * 200)
    obs = observe(sweep=sweep(1500), finding_target="chat.example:443")
    found = diagnose(run_of({"mtu": obs}, wire.packets)).findings
    assert {(f.id, f.wizard) for f in found} == {
        ("mtu.path_mtu", "mtu"), ("path.qos_policing", "mtu"), ("path.dscp_marked", "mtu"),
    }  # fmt: skip
