"""The engine's interpretation: a lookup, or the check of the basics, whose deadline fell
while this program was stopped concludes nothing (no false ``net.no_connectivity``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.cli_process import wiresleuth
from tests.diagnosis.test_diagnose import run_recording
from wiresleuth.analysis.answer_on_wire import TOO_BUSY
from wiresleuth.diagnosis.diagnose import Diagnosis, diagnose
from wiresleuth.model.check_status import Status
from wiresleuth.model.connectivity import ConnectivityObservation, ResolverCheck
from wiresleuth.model.engine_observations import EngineObservations, Stall
from wiresleuth.model.finding import Severity
from wiresleuth.model.observations import ResolveObservation
from wiresleuth.model.run import CaptureInfo
from wiresleuth.sources.bundle_file import reanalyse

TARGETS = {"a.example:443": "a.example", "b.example:443": "b.example"}
SILENT_DNS = (ResolverCheck(server="198.18.0.53", answered=False, outcome="timeout"),)


def timed_out(host: str, started: float, ended: float) -> ResolveObservation:
    return ResolveObservation(
        host=host, addresses=(), started_at=started, elapsed=ended - started,
        error="no answer within 3 s",
    )  # fmt: skip


def stall(start: float, end: float) -> Stall:
    return Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)


def basics(started: float, ended: float) -> ConnectivityObservation:
    return ConnectivityObservation(
        default_route=True, gateway="198.18.0.1", interface="eth0", gateway_answers=True,
        resolvers=SILENT_DNS, started_at=started, elapsed=ended - started,
    )  # fmt: skip


def engine(
    stalls: tuple[Stall, ...], check: ConnectivityObservation, ended: float
) -> EngineObservations:
    return EngineObservations(
        targets=TARGETS,
        lookups=tuple(timed_out(h, 100.0, ended) for h in TARGETS.values()),
        connectivity=check,
        stall_interval=0.05,
        stalls=stalls,
    )


def diagnosed(observed: EngineObservations) -> Diagnosis:
    return diagnose(run_recording(observed, capture=CaptureInfo(available=True)))


def test_lookups_stopped_with_the_program_give_no_finding_about_the_network() -> None:
    # stopped 0.5 s into the lookups for 3.5 s: their 3 s deadline fell during the stop
    result = diagnosed(engine((stall(100.5, 104.0),), basics(104.02, 107.1), ended=104.01))
    found = {(f.id, f.target) for f in result.findings}
    assert found == {
        ("probe.failed", "a.example:443"),
        ("probe.failed", "b.example:443"),
        ("probe.program_stopped", None),
    }
    stopped = next(f for f in result.findings if f.id == "probe.program_stopped")
    assert "3.5 s" in stopped.user_text and "the lookup of a.example" in stopped.engineer_text
    assert "net.no_connectivity" in stopped.engineer_text  # what was withheld, named
    lookups = [c for c in result.checks if c.check == "lookup"]
    assert [(c.target, c.status, c.reason) for c in lookups] == [
        ("a.example:443", Status.COULD_NOT_RUN, TOO_BUSY),
        ("b.example:443", Status.COULD_NOT_RUN, TOO_BUSY),
    ]


def test_the_same_silence_without_a_stop_is_no_connectivity() -> None:
    result = diagnosed(engine((), basics(103.02, 106.1), ended=103.01))
    assert [f.id for f in result.findings] == ["net.no_connectivity"]


def test_a_stop_the_program_woke_from_before_its_deadlines_changes_nothing() -> None:
    # stopped 1 s, awake again 2 s before the lookups' deadline: what came was read
    result = diagnosed(engine((stall(100.5, 101.0),), basics(103.02, 106.1), ended=103.01))
    assert [f.id for f in result.findings] == ["net.no_connectivity"]


def test_a_stop_during_the_basics_withholds_no_connectivity_only() -> None:
    # the lookups' silence is sound; the DNS servers' was not heard out
    result = diagnosed(engine((stall(104.0, 107.5),), basics(103.02, 107.52), ended=103.01))
    found = [(f.id, f.target) for f in result.findings]
    assert found == [
        ("dns.resolution_failed", "a.example"),
        ("dns.resolution_failed", "b.example"),
        ("probe.program_stopped", None),
    ]
    stopped = result.findings[-1]
    assert "The check of the basics" in stopped.engineer_text


STOPPED = (
    Path(__file__).parents[2] / "analysis" / "samples" / "stall"
    / "baseline-stopped-lookups-nocapture.wsbundle"
)  # fmt: skip


def test_a_lab_run_stopped_during_its_lookup_concludes_no_network_fault() -> None:
    """baseline, healthy, stopped 7 s while its lookup was on the wire (recorded without
    capture; SOURCES.md): the lookup ended "no answer within 3 s" as the program woke and the
    basics check asked the lab's DNS a name it refuses; the rules before the stall meter
    concluded net.no_connectivity ("no DNS server answers")."""
    done = reanalyse(STOPPED)
    assert {f.id for f in done.findings if f.severity is not Severity.INFO} == {
        "probe.failed",
        "capture.unavailable",
    }
    stopped = next(f for f in done.findings if f.id == "probe.program_stopped")
    assert "net.no_connectivity" in stopped.engineer_text
    assert "7.1 s" in stopped.title and stopped.evidence[0].timings["length"] > 7
    lookup = next(c for c in done.diagnosis.checks if c.check == "lookup")
    assert (lookup.status, lookup.reason) == (Status.COULD_NOT_RUN, TOO_BUSY)


def test_report_reanalyse_of_the_stopped_lab_run() -> None:
    done = wiresleuth("report", str(STOPPED), "--reanalyse", "--json")
    again = json.loads(done.stdout)
    assert {f["id"] for f in again["findings"]} == {
        "capture.unavailable", "pac.not_configured", "probe.failed", "probe.program_stopped",
    }  # fmt: skip
    assert done.returncode == 0, done.stderr  # nothing above a warning about the run itself
