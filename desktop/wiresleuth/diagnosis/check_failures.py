"""``probe.failed``: a check, or part of one, that could not finish (never a lost run).

Whoever notices it (the engine: a wizard raised or overran; an interpretation: the PAC
evaluator crashed; ``diagnose``: an interpretation raised) reports an ``Unfinished``; the
finding is made here only.
"""

from __future__ import annotations

from wiresleuth.diagnosis.interpretation import Unfinished
from wiresleuth.model.finding import Evidence, Finding, Severity


def whole_check(wizard: str, title: str, why: str) -> Unfinished:
    """A check that ended without a result, or whose interpretation failed."""
    return Unfinished(
        headline=f"The check “{title}” could not complete",
        part=title,
        detail=f"Wizard {wizard} failed: {why}. See log.txt in the bundle.",
        error=why,
        wizard=wizard,
    )


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
        evidence=(Evidence(text=unfinished.error),),
        values={"wizard": owner, "error": unfinished.error},
    )
