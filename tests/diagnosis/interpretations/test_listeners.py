"""The local-listener check's interpretation, through ``diagnose``."""

from __future__ import annotations

from tests.analysis.test_listener_findings import _listener
from tests.diagnosis.recordings import run_of
from tests.probes.pac_servers import http_reply
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.pac_observations import ListenersObservations


def test_a_listener_on_port_80_is_concluded() -> None:
    obs = ListenersObservations(ports=(80,), listeners=(_listener(80, http_reply("404 Not Found")),))
    found = diagnose(run_of({"listeners": obs})).findings
    assert [(f.id, f.wizard) for f in found] == [("local.port80_listener", "listeners")]


def test_an_unreadable_socket_table_is_an_unfinished_check() -> None:
    obs = ListenersObservations(ports=(80, 8080), error="AccessDenied: pid 4")
    (failed,) = diagnose(run_of({"listeners": obs})).findings
    assert (failed.id, failed.wizard) == ("probe.failed", "listeners")
    assert "could not be listed" in failed.title and "AccessDenied" in failed.engineer_text
    assert failed.values == {"wizard": "listeners", "error": "AccessDenied: pid 4"}
