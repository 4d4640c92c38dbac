"""``diagnose``: the analysis tail every source shares (engine findings, interpretations,
merge, order, timelines, comments), on recordings made by hand."""

from __future__ import annotations

from typing import ClassVar

import pytest

from tests.analysis.scripted import Wire
from wiresleuth.diagnosis.diagnose import UndeclaredFinding, diagnose
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.diagnosis.recording import Origin, Recording
from wiresleuth.model.connectivity import ConnectivityObservation
from wiresleuth.model.engine_observations import (
    ENGINE,
    CheckFailure,
    CheckPlan,
    EngineObservations,
)
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.observations import ResolveObservation
from wiresleuth.model.run import CaptureInfo


def lookup(host: str, error: str | None = None) -> ResolveObservation:
    addresses = () if error else ("198.18.0.10",)
    return ResolveObservation(
        host=host, addresses=addresses, started_at=1.0, elapsed=0.02, error=error
    )


def run_recording(engine: EngineObservations, **extra: object) -> Recording:
    fields: dict[str, object] = {
        "origin": Origin.RUN,
        "name": "run",
        "own_traffic": True,
        "observations": {ENGINE: engine},
        "capture": CaptureInfo(available=False, reason="no rights"),
    }
    fields.update(extra)
    return Recording(**fields)  # type: ignore[arg-type]


def ids(found: tuple[Finding, ...]) -> list[tuple[str, str | None]]:
    return [(f.id, f.target) for f in found]


def test_the_engines_own_observations_give_its_findings() -> None:
    engine = EngineObservations(
        lookups=(lookup("good.example"), lookup("bad.example", "Name or service not known")),
        failures=(CheckFailure(wizard="tls", title="TLS", why="OSError: device on fire"),),
        checks=(CheckPlan(wizard="tls", title="TLS"),),
    )
    found = diagnose(run_recording(engine)).findings
    assert ids(found) == [
        ("dns.resolution_failed", "bad.example"),
        ("capture.unavailable", None),
        ("probe.failed", None),
    ]
    failed = found[2]
    assert failed.wizard == "tls" and "device on fire" in failed.engineer_text


def test_every_name_failing_for_want_of_a_route_is_one_finding() -> None:
    engine = EngineObservations(
        lookups=(lookup("a.example", "timeout"), lookup("b.example", "timeout")),
        connectivity=ConnectivityObservation(default_route=False),
    )
    found = diagnose(run_recording(engine, capture=CaptureInfo(available=True))).findings
    assert ids(found) == [("net.no_connectivity", None)]


class Breaks(Interpretation):
    name = "breaks"
    emits: ClassVar[frozenset[str]] = frozenset()

    def interpret(self, material: Material) -> Conclusions:
        raise ValueError("rule on fire")


class Says(Interpretation):
    name = "says"
    emits: ClassVar[frozenset[str]] = frozenset({"tls.cert_invalid"})
    finding_id = "tls.cert_invalid"

    def interpret(self, material: Material) -> Conclusions:
        finding = Finding(
            id=self.finding_id,
            severity=Severity.PROBLEM,
            wizard=self.name,
            target="site.example:443",
            title="t",
            user_text="u",
            engineer_text="e",
            evidence=(Evidence(text="the SYN", packets=(1,)),),
        )
        return Conclusions(findings=(finding,), labels={50123: "what it was for"})


def test_a_broken_interpretation_becomes_a_finding_and_the_others_go_on() -> None:
    wire = Wire(client=("198.18.0.2", 50123))
    wire.handshake()
    engine = EngineObservations(checks=(CheckPlan(wizard="breaks", title="Breaking check"),))
    recording = run_recording(
        engine,
        observations={ENGINE: engine, "breaks": {}, "says": {}},
        capture=CaptureInfo(available=True),
        packets=tuple(wire.packets),
    )
    done = diagnose(recording, (Breaks(), Says()))
    assert ids(done.findings) == [("tls.cert_invalid", "site.example:443"), ("probe.failed", None)]
    failed = done.findings[1]
    assert "Breaking check" in failed.title and "rule on fire" in failed.engineer_text
    assert [c.label for c in done.connections] == ["what it was for"]
    assert done.comments == {1: "tls.cert_invalid: the SYN"}


def test_an_interpretation_that_concludes_what_it_does_not_declare_is_caught() -> None:
    class Strays(Says):
        finding_id = "tls.alert"

    recording = run_recording(EngineObservations(), observations={"says": {}})
    with pytest.warns(UndeclaredFinding, match="tls.alert"):
        diagnose(recording, (Strays(),))


def test_an_interpretation_without_its_observations_does_not_run() -> None:
    recording = run_recording(EngineObservations())
    assert diagnose(recording, (Breaks(), Says())).findings == ()


def test_statuses_come_from_the_engines_plan_and_what_was_concluded() -> None:
    engine = EngineObservations(
        targets={"bad.example:443": "bad.example", "good.example:443": "good.example"},
        lookups=(lookup("bad.example", "NXDOMAIN"), lookup("good.example")),
        checks=(
            CheckPlan(wizard="says", title="Says", not_tested={"good.example:443": "not asked"}),
            CheckPlan(wizard="tls", title="TLS"),
        ),
        failures=(
            CheckFailure(
                wizard="tls", title="TLS", why="the run was cancelled",
                stopped="the run was cancelled before this check finished", cancelled=True,
            ),
        ),
    )  # fmt: skip
    done = diagnose(run_recording(engine, observations={ENGINE: engine, "says": {}}), (Says(),))
    assert "probe.failed" not in {f.id for f in done.findings}  # cancelled: a status only
    shown = {(c.check, c.target): c.status.value for c in done.checks}
    assert shown == {
        ("lookup", "bad.example:443"): "problem",
        ("lookup", "good.example:443"): "passed",
        ("says", "bad.example:443"): "passed",
        ("says", "good.example:443"): "not_tested",
        ("tls", "bad.example:443"): "could_not_run",
        ("tls", "good.example:443"): "could_not_run",
        ("capture", None): "could_not_run",
    }
