"""``probe.failed``: a check, or part of one, that could not finish (never a lost run).

Whoever notices it (the engine: a wizard raised or overran; an interpretation: the PAC
evaluator crashed; ``diagnose``: an interpretation raised) reports an ``Unfinished``; the
finding is made here only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from wiresleuth.diagnosis.interpretation import Material, Unfinished
from wiresleuth.model.finding import Evidence, Finding, Severity

if TYPE_CHECKING:
    from wiresleuth.analysis.answer_on_wire import LateRead
    from wiresleuth.analysis.stopped_waits import Stops


def run_stops(material: Material) -> Stops:
    """The times the program was stopped during the run (its engine's stall meter), for the
    rules that conclude from a wait's deadline; none for a recording without them."""
    from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
    from wiresleuth.model.engine_observations import ENGINE, EngineObservations

    engine = material.observations(ENGINE, EngineObservations)
    if engine is None:
        return NO_STOPS
    return Stops(engine.stalls, engine.stall_interval)


def whole_check(wizard: str, title: str, why: str) -> Unfinished:
    """A check that ended without a result, or whose interpretation failed."""
    return Unfinished(
        headline=f"The check “{title}” could not complete",
        part=title,
        detail=f"Wizard {wizard} failed: {why}. See log.txt in the bundle.",
        error=why,
        wizard=wizard,
    )


def read_too_late(late: Sequence[LateRead], part: str) -> tuple[Unfinished, ...]:
    """One unfinished check per target whose exchanges (``part`` of the check, in words)
    heard nothing although their answer had come: this computer, not the network, was
    silent, so the check could not run there (``TOO_BUSY`` is its status's reason)."""
    from wiresleuth.analysis.answer_on_wire import TOO_BUSY  # the wire's rules: only when asked

    out = []
    for target in dict.fromkeys(x.target for x in late):
        mine = [x for x in late if x.target == target]
        why = (
            "this computer stopped the program while it waited"
            if all(x.stopped for x in mine)
            else "the answer came but this computer was too busy to read it in time"
        )
        out.append(
            Unfinished(
                headline=f"{part[0].upper()}{part[1:]} with {target} could not run: {why}",
                part=f"{part} with {target}",
                detail=" ".join(x.detail for x in mine),
                error=TOO_BUSY,
                target=target,
                packets=tuple(dict.fromkeys(p for x in mine for p in x.packets)),
                withheld=tuple(x.exchange for x in mine if x.stopped),
            )
        )
    return tuple(out)


def check_failed(unfinished: Unfinished, wizard: str) -> Finding:
    """The finding of an unfinished check (``wizard``: the reporting interpretation's)."""
    owner = unfinished.wizard or wizard
    return Finding(
        id="probe.failed",
        severity=Severity.WARNING,
        wizard=owner,
        target=unfinished.target,
        title=unfinished.headline,
        user_text=(
            f"One of the checks ({unfinished.part}) could not finish; the other results are "
            "complete."
        ),
        engineer_text=unfinished.detail,
        evidence=(Evidence(text=unfinished.error, packets=unfinished.packets),),
        values={"wizard": owner, "error": unfinished.error},
    )
