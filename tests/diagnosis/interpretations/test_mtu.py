"""The MTU/DSCP check's interpretation, through ``diagnose``: a policer dropping an
EF-marked server's full-size segments, from the sweep and the run's capture."""

from __future__ import annotations

from tests.analysis.test_mtu_findings import ef_server_losing_full_size_segments, observe, sweep
from tests.diagnosis.recordings import run_of
from wiresleuth.diagnosis.diagnose import diagnose


def test_an_ef_marked_server_losing_full_size_segments() -> None:
    obs = observe(sweep=sweep(1500), finding_target="chat.example:443")
    found = diagnose(run_of({"mtu": obs}, ef_server_losing_full_size_segments().packets)).findings
    assert {(f.id, f.wizard) for f in found} == {
        ("mtu.path_mtu", "mtu"), ("path.qos_policing", "mtu"), ("path.dscp_marked", "mtu"),
    }  # fmt: skip
