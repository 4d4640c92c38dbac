"""The PAC check's interpretation, through ``diagnose``: a crashed evaluator is an
unfinished check about the PAC server, not a verdict on the script; the fetch is labelled."""

from __future__ import annotations

from tests.analysis.pac_obs import evaluation, exchange, pac_obs
from tests.analysis.test_pac_findings import PAC
from tests.diagnosis.recordings import run_of
from tests.probes.pac_servers import http_reply
from wiresleuth.diagnosis.diagnose import diagnose


def test_a_crashed_evaluator_is_an_unfinished_check() -> None:
    obs = pac_obs(
        fetch=exchange("answered", data=http_reply("200 OK", PAC)),
        evaluation=evaluation("crashed", error="exit 1"),
    )
    (failed,) = diagnose(run_of({"pac": obs})).findings
    assert (failed.id, failed.wizard) == ("probe.failed", "pac")
    assert failed.target == f"{obs.host}:{obs.port}"
    assert failed.title == "The proxy configuration script could not be evaluated"
    assert failed.engineer_text == "PAC evaluator crashed: exit 1"


def test_a_pac_server_name_that_does_not_resolve_is_the_engines_lookup_finding() -> None:
    from tests.analysis.pac_obs import dns

    obs = pac_obs(dns=dns("pac.lab.test", rcode="NXDOMAIN"), address=None)
    (found,) = diagnose(run_of({"pac": obs})).findings
    assert (found.id, found.target, found.wizard) == ("dns.resolution_failed", "pac.lab.test", "pac")
