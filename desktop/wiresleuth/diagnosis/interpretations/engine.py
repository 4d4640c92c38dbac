"""The engine's own conclusions: the targets' lookups, checks that ended without a
result, and what a run without capture misses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from wiresleuth.diagnosis.check_failures import run_stops, whole_check
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material, Unfinished
from wiresleuth.diagnosis.interpretations.pac import PacInterpretation
from wiresleuth.diagnosis.recording import Recording
from wiresleuth.model.finding import Evidence, Finding, Severity

if TYPE_CHECKING:
    from wiresleuth.model.engine_observations import EngineObservations


class EngineInterpretation(Interpretation):
    """What the run itself saw: names that did not resolve (the targets', and the PAC
    server's the PAC check looked up), a computer without a network, checks that could not
    run, capture that was unavailable."""

    name = "engine"
    """``model.engine_observations.ENGINE``, written out: declaring this interpretation does
    not import the engine's model (tests/diagnosis/test_registry.py holds the two equal)."""
    about = "the engine's own observations (the targets' lookups, capture)"
    emits = frozenset(
        {
            "dns.resolution_failed",
            "net.no_connectivity",
            "capture.unavailable",
            "probe.program_stopped",
        }
    )

    @staticmethod
    def observation_type() -> type[EngineObservations]:
        from wiresleuth.model.engine_observations import EngineObservations

        return EngineObservations

    def applies(self, recording: Recording) -> bool:
        return recording.own_traffic or "pac" in recording.observations

    def interpret(self, material: Material) -> Conclusions:
        from wiresleuth.analysis.pac_findings import pac_host_not_resolved

        engine = material.recorded(self.name, self.observation_type)
        findings: list[Finding] = []
        unfinished: tuple[Unfinished, ...] = ()
        if engine is not None:
            found, stopped = lookup_conclusions(engine)
            findings += found
            unfinished = stopped + tuple(
                whole_check(f.wizard, f.title, f.why) for f in engine.failures if not f.cancelled
            )
        pac = material.recorded("pac", PacInterpretation.observation_type)
        unresolved = pac_host_not_resolved(pac, run_stops(material)) if pac is not None else None
        if unresolved is not None:
            findings.append(unresolved)
        capture = material.recording.capture
        if material.recording.own_traffic and not capture.available:
            findings.append(capture_unavailable(capture.reason, capture.how_to_enable))
        return Conclusions(findings=tuple(findings), unfinished=unfinished)


def lookup_conclusions(
    engine: EngineObservations,
) -> tuple[list[Finding], tuple[Unfinished, ...]]:
    """One ``net.no_connectivity`` when every name failed for want of a basic; else one
    finding per name that did not resolve. A lookup (or the basics check) whose wait ended
    while this program was stopped proves nothing (``analysis.stopped_waits``): its target's
    lookup could not run, nothing that rests on it is concluded, and one
    ``probe.program_stopped`` says so."""
    from wiresleuth.analysis.answer_on_wire import TOO_BUSY
    from wiresleuth.analysis.connectivity import no_connectivity
    from wiresleuth.analysis.name_lookups import target_not_resolved
    from wiresleuth.analysis.stopped_waits import stall_during, withheld_detail

    failed = [r for r in engine.lookups if r.error]
    if not failed:
        return [], ()
    stalls, interval = engine.stalls, engine.stall_interval
    spoiled: dict[str, str] = {}  # host -> why its failure proves nothing
    for r in failed:
        ended = r.started_at + r.elapsed
        stall = stall_during(stalls, interval, started=r.started_at, ended=ended)
        if stall is not None:
            spoiled[r.host] = withheld_detail(
                f"The lookup of {r.host} ({r.error})", stall, started=r.started_at, ended=ended
            )
    withheld = [f"the lookup of {host}" for host in spoiled]
    check = engine.connectivity
    basics = None
    if check is not None and check.started_at is not None and check.elapsed is not None:
        ended = check.started_at + check.elapsed
        basics = stall_during(stalls, interval, started=check.started_at, ended=ended)
    findings: list[Finding] = []
    offline = None
    if len(failed) == len(engine.lookups) and check is not None:
        offline = no_connectivity(engine.lookups, check)
    if offline is not None and (spoiled or basics is not None):
        withheld.append(
            "no network connection (net.no_connectivity: "
            + "; ".join(str(m) for m in offline.values.get("missing", []))
            + ")"
        )
        if basics is not None and check is not None and check.started_at is not None:
            withheld[-1] += ": " + withheld_detail(
                "The check of the basics", basics, started=check.started_at,
                ended=check.started_at + (check.elapsed or 0.0),
            )  # fmt: skip
        offline = None
    if offline is not None:
        return [offline], ()
    findings += [
        target_not_resolved(r, wizard=EngineInterpretation.name)
        for r in failed
        if r.host not in spoiled
    ]
    unfinished = tuple(
        Unfinished(
            headline=f"The name lookup of {host} could not run: this computer stopped the "
            "program while it waited",
            part=f"the name lookup of {host}",
            detail=spoiled[host],
            error=TOO_BUSY,
            target=key,
            wizard="lookup",
        )
        for key, host in engine.targets.items()
        if host in spoiled
    )
    if withheld:
        findings.append(stopped_finding(engine, withheld))
    return findings, unfinished


def stopped_finding(engine: EngineObservations, withheld: Sequence[str]) -> Finding:
    """The run's ``probe.program_stopped``, listing ``withheld`` (what was not concluded)."""
    from wiresleuth.analysis.stopped_waits import program_stopped

    starts = [r.started_at for r in engine.lookups] + [s.started_at for s in engine.stalls]
    return program_stopped(engine.stalls, withheld, started_at=min(starts))


def with_stopped_checks(
    findings: Sequence[Finding], engine: EngineObservations, withheld: Sequence[str]
) -> list[Finding]:
    """``findings`` with the run's ``probe.program_stopped`` listing also the checks' waits
    ``withheld`` because their deadline fell in a stop (made when the lookups had none)."""
    if not withheld or not engine.stalls:
        return list(findings)
    earlier = [f for f in findings if f.id == "probe.program_stopped"]
    listed = [str(w) for f in earlier for w in f.values.get("withheld", [])]
    words = [w[:1].lower() + w[1:] for w in withheld]
    kept = [f for f in findings if f.id != "probe.program_stopped"]
    return [*kept, stopped_finding(engine, list(dict.fromkeys([*listed, *words])))]


def capture_unavailable(reason: str | None, how: str | None) -> Finding:
    """What capture would have added, and how to enable it."""
    return Finding(
        id="capture.unavailable",
        severity=Severity.WARNING,
        wizard=EngineInterpretation.name,
        title="Packets could not be captured",
        user_text=(
            "This run could not record its own network packets, so the results rest on what "
            "the program's connections saw. Most problems are still found; some details that "
            "prove where a fault is (packet marks, which device sent a reset) are missing."
        ),
        engineer_text=(
            f"Capture unavailable: {reason or 'unknown reason'}. Without packets there are no "
            "TTL/IP-ID comparisons, DSCP values, retransmission or gap evidence, and no "
            f"capture.pcapng. To enable: {how or 'see the user guide'}"
        ),
        evidence=(Evidence(text=f"capture error: {reason}"),),
        values={"reason": reason or ""},
    )
