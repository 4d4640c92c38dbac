"""``diagnose``: every interpretation a recording gives material to, then one merged,
ordered list of findings, labelled timelines and the comments Wireshark shows on the cited
packets. The analysis tail of a run, of ``wiresleuth analyze`` and of a bundle re-analysed.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from wiresleuth.analysis.additions import add_to_findings
from wiresleuth.analysis.merge import merge_same_findings
from wiresleuth.diagnosis.check_failures import check_failed, whole_check
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.diagnosis.interpretations.engine import EngineInterpretation
from wiresleuth.diagnosis.recording import Recording
from wiresleuth.diagnosis.registry import INTERPRETATIONS
from wiresleuth.diagnosis.wire import PacketView
from wiresleuth.model.catalogue import sort_findings
from wiresleuth.model.check_status import CheckStatus
from wiresleuth.model.finding import Finding
from wiresleuth.model.finding_addition import FindingAddition
from wiresleuth.model.timeline import Connection

if TYPE_CHECKING:
    from wiresleuth.model.engine_observations import EngineObservations

log = logging.getLogger(__name__)


class UndeclaredFinding(UserWarning):
    """An interpretation concluded a finding ID it does not declare (a programming error:
    the tests, which turn warnings into errors, fail on it; a user's run keeps the finding)."""


@dataclass(frozen=True, kw_only=True)
class Diagnosis:
    """What a recording shows."""

    findings: tuple[Finding, ...]
    """Findings, one per ID and target, most severe first."""
    connections: tuple[Connection, ...] = ()
    """Per-connection timelines of the recording's packets, labelled with their purpose."""
    labels: Mapping[int, str] = field(default_factory=dict)
    """Local port -> what that connection was for."""
    checks: tuple[CheckStatus, ...] = ()
    """The status of every check for every target (a run's recording: the engine's own
    observations say which checks it planned)."""
    wire: PacketView | None = None
    """The packets in the forms the rules read (a source that fetches timelines itself
    uses its conversations)."""

    @property
    def comments(self) -> dict[int, str]:
        """Frame number -> the comment naming every finding that cites it."""
        return packet_comments(self.findings)


def diagnose(
    recording: Recording, interpretations: Sequence[Interpretation] = INTERPRETATIONS
) -> Diagnosis:
    """Run each interpretation that applies, in order; one that raises becomes a
    ``probe.failed`` finding and the others go on."""
    wire = PacketView(
        available=recording.capture.available,
        packets=recording.packets,
        given=recording.conversations,
        name=recording.name,
        gaps=recording.all_gaps,
    )
    engine = _engine_observations(recording)
    findings: list[Finding] = list(recording.kept)
    additions: list[FindingAddition] = []
    labels: dict[int, str] = {}
    concluded: dict[str, Conclusions] = {}
    for interpretation in interpretations:
        if not interpretation.applies(recording):
            continue
        name = interpretation.name
        try:
            these = interpretation.interpret(
                Material(
                    recording=recording,
                    wire=wire,
                    so_far=tuple(findings),
                    added=tuple(additions),
                )
            )
        except Exception as exc:  # one broken interpretation must not lose the others
            log.exception("interpretation %s failed", name)
            why = f"its analysis failed: {type(exc).__name__}: {exc}"
            title = engine.title_of(name) if engine is not None else name
            findings.append(check_failed(whole_check(name, title, why), name))
            continue
        _check_declared(interpretation, these.findings, own_traffic=recording.own_traffic)
        concluded[name] = these
        findings += these.findings
        findings += [check_failed(u, name) for u in these.unfinished]
        additions += these.additions
        labels.update(these.labels)
    withheld = [w for these in concluded.values() for u in these.unfinished for w in u.withheld]
    if engine is not None and withheld:
        from wiresleuth.diagnosis.interpretations.engine import with_stopped_checks

        findings = with_stopped_checks(findings, engine, withheld)
    joined, unmatched = add_to_findings(merge_same_findings(findings), additions)
    for addition in unmatched:
        log.info("%s for %s (%s) not added: that finding was not concluded",
                 addition.wizard, addition.target, addition.id)  # fmt: skip
    ordered = sort_findings(joined)
    connections: tuple[Connection, ...] = ()
    if wire.packets:  # a capture file's reader gives conversations, no packets to follow
        from wiresleuth.analysis.timeline import build_timelines

        connections = tuple(
            replace(c, label=labels.get(c.client_port, c.label))
            for c in build_timelines(wire.flows)
        )
    checks = statuses(recording, engine, concluded, ordered) if engine is not None else ()
    return Diagnosis(
        findings=ordered, connections=connections, labels=labels, wire=wire, checks=checks
    )


def _engine_observations(recording: Recording) -> EngineObservations | None:
    """The engine's own observations (a run's, or a bundle's of one); a capture taken
    elsewhere has none, and is analysed without importing their model."""
    found = recording.observations.get(EngineInterpretation.name)
    if found is None:
        return None
    from wiresleuth.model.engine_observations import EngineObservations

    return found if isinstance(found, EngineObservations) else None


def statuses(
    recording: Recording,
    engine: EngineObservations,
    concluded: Mapping[str, Conclusions],
    findings: Sequence[Finding],
) -> tuple[CheckStatus, ...]:
    """Every check's status for every target: the name lookups, each planned check (what
    it left out before it ran, what its interpretation says it could not test), capture."""
    from wiresleuth.analysis.check_status import (
        CheckRun,
        capture_status,
        check_statuses,
        lookup_statuses,
    )

    stopped = {f.wizard: f.stopped or f.why for f in engine.failures}
    runs: list[CheckRun] = []
    for plan in engine.checks:
        if plan.wizard not in recording.observations:
            runs.append(
                CheckRun(
                    id=plan.wizard, title=plan.title, per_target=plan.per_target,
                    not_tested=plan.not_tested,
                    could_not_run=stopped.get(plan.wizard, "it ended without a result"),
                )
            )  # fmt: skip
            continue
        these = concluded.get(plan.wizard, Conclusions())
        runs.append(
            CheckRun(
                id=plan.wizard, title=plan.title, per_target=plan.per_target,
                not_tested={**plan.not_tested, **these.not_tested},
                passed_detail=these.passed_detail, addresses=these.addresses,
            )
        )  # fmt: skip
    resolved = {r.host: r for r in engine.lookups}
    return (
        *lookup_statuses(list(engine.targets.items()), resolved, findings),
        *check_statuses(runs, list(engine.targets), findings),
        capture_status(recording.capture, wanted=engine.capture_wanted),
    )


def _check_declared(
    interpretation: Interpretation, findings: Iterable[Finding], *, own_traffic: bool
) -> None:
    declared = interpretation.emits if own_traffic else interpretation.from_capture
    stray = sorted({f.id for f in findings} - declared)
    if stray:
        warnings.warn(
            f"the {interpretation.name} interpretation concluded {', '.join(stray)}"
            + ("" if own_traffic else " from a capture taken elsewhere")
            + ", which it does not declare",
            UndeclaredFinding,
            stacklevel=2,
        )


def packet_comments(findings: Iterable[Finding]) -> dict[int, str]:
    """Frame number -> comment naming every finding that cites it (Wireshark shows it)."""
    comments: dict[int, list[str]] = {}
    for finding in findings:
        for evidence in finding.evidence:
            for number in evidence.packets:
                comments.setdefault(number, []).append(f"{finding.id}: {evidence.text}")
    return {number: " | ".join(texts) for number, texts in comments.items()}
