"""The PAC check's interpretation, through ``diagnose``: a crashed evaluator is an
unfinished check about the PAC server, not a verdict on the script; the fetch is labelled."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.analysis.pac_obs import evaluation, exchange, pac_obs
from tests.analysis.test_pac_findings import PAC
from tests.cli.cli_process import wiresleuth
from tests.diagnosis.recordings import run_of
from tests.probes.pac_servers import http_reply
from wiresleuth.analysis.answer_on_wire import TOO_BUSY
from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.model.check_status import Status
from wiresleuth.model.finding import Severity
from wiresleuth.sources.bundle_file import reanalyse


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


STOPPED_EVALUATION = (
    Path(__file__).parents[2] / "analysis" / "samples" / "stall"
    / "pac-healthy-stopped-evaluation-nocapture.wsbundle"
)  # fmt: skip


def test_a_lab_run_stopped_while_its_pac_script_ran_concludes_no_hostile_script() -> None:
    """pac-healthy, stopped 7 s while its PAC script's dnsResolve was on the wire (recorded
    without capture; samples/stall/SOURCES.md): the evaluator, woken past its 3 s limit, was
    stopped as "timeout". main's rules conclude pac.evaluation_timeout from it; these say the
    PAC check could not run, and probe.program_stopped names the evaluation."""
    with zipfile.ZipFile(STOPPED_EVALUATION) as bundle:
        evaluated = json.loads(bundle.read("report.json"))["observations"]["pac"]["evaluation"]
    assert evaluated["outcome"] == "timeout"  # what the sample holds: the false timeout
    assert evaluated["cpu_seconds"] == 0.0  # the evaluator was stopped with the program
    done = reanalyse(STOPPED_EVALUATION)
    assert {f.id for f in done.findings if f.severity is not Severity.INFO} == {
        "probe.failed",
        "capture.unavailable",
    }
    stopped = next(f for f in done.findings if f.id == "probe.program_stopped")
    assert stopped.values["withheld"] == ["the PAC script's evaluation (limit 3 s)"]
    assert stopped.evidence[0].timings["length"] > 7
    row = next(c for c in done.diagnosis.checks if c.check == "pac")
    assert (row.status, row.reason) == (Status.COULD_NOT_RUN, TOO_BUSY)


def test_report_reanalyse_of_the_lab_run_stopped_in_its_pac_script() -> None:
    done = wiresleuth("report", str(STOPPED_EVALUATION), "--reanalyse", "--json")
    again = json.loads(done.stdout)
    assert {f["id"] for f in again["findings"]} == {
        "capture.unavailable", "mtu.path_mtu", "probe.failed", "probe.program_stopped",
    }  # fmt: skip
    assert done.returncode == 0, done.stderr  # nothing above a warning about the run itself
