"""dns.resolution_failed: a name this computer's resolvers do not know, concluded here.

The engine looks up every target (``target_not_resolved``); the PAC check looks up the PAC
server's name (``pac_findings``). Both make a ``LookupFailed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.observations import ResolveObservation

EXPECTED = (
    " The profile expects this endpoint to refuse, and a name that does not resolve fails as "
    "fast, so this is the expected state."
)


@dataclass(frozen=True, kw_only=True)
class LookupFailed:
    """A name that did not resolve."""

    name: str
    """The name."""
    headline: str
    """The finding's title."""
    consequence: str
    """For the user: what it means that this name does not resolve."""
    detail: str
    """For the engineer: the query, its answer and where to look."""
    error: str
    """The error or response code."""
    elapsed: float
    """Seconds the lookup took."""
    evidence: str
    """The evidence line."""
    expected: bool = False
    """The profile expects this endpoint to fail (it must refuse): then only a note."""


def resolution_failed(failed: LookupFailed, *, wizard: str) -> Finding:
    """The finding of a name that did not resolve."""
    expected = EXPECTED if failed.expected else ""
    return Finding(
        id="dns.resolution_failed",
        severity=Severity.INFO if failed.expected else Severity.PROBLEM,
        wizard=wizard,
        target=failed.name,
        title=failed.headline,
        user_text=failed.consequence + expected,
        engineer_text=failed.detail + expected,
        evidence=(Evidence(text=failed.evidence, timings={"elapsed": failed.elapsed}),),
        values={"host": failed.name, "error": failed.error},
    )


def target_not_resolved(obs: ResolveObservation, *, wizard: str) -> Finding:
    """A target whose name does not resolve cannot be tested further."""
    return resolution_failed(
        LookupFailed(
            name=obs.host,
            headline=f"The name {obs.host} could not be looked up",
            consequence=(
                f"This computer could not find the address of {obs.host}, so nothing can "
                "connect to it. Check the spelling; if it is right, the name server in use does "
                "not know it."
            ),
            detail=(
                f"getaddrinfo({obs.host!r}) failed after {obs.elapsed * 1000:.0f} ms: "
                f"{obs.error}. Check the resolvers in system.json and whether the name needs a "
                "VPN or split DNS."
            ),
            error=obs.error or "",
            elapsed=obs.elapsed,
            evidence=f"resolver error: {obs.error}",
        ),
        wizard=wizard,
    )
