"""What the engine itself observed around the wizards, saved so that a bundle re-analysed
concludes what the run did: the targets' lookups, the basics checked when every lookup
failed, and the checks that ended without observations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wiresleuth.model.connectivity import ConnectivityObservation
from wiresleuth.model.observations import ResolveObservation

ENGINE = "engine"
"""The key of these observations in report.json's ``observations`` (no wizard has it)."""


@dataclass(frozen=True, kw_only=True)
class CheckFailure:
    """A check that ended without observations: it raised, overran or returned another type."""

    wizard: str
    """The wizard's id."""
    title: str
    """The check's name, as the list of checks shows it."""
    why: str
    """What happened, in words (an exception's type and message, the budget it overran)."""


@dataclass(frozen=True, kw_only=True)
class EngineObservations:
    """The engine's own observations of a run (``observations["engine"]`` in report.json)."""

    lookups: tuple[ResolveObservation, ...] = ()
    """Every target host's resolution through the system resolver, in the targets' order."""
    connectivity: ConnectivityObservation | None = None
    """Default route, gateway and resolvers, checked only when every lookup failed."""
    failures: tuple[CheckFailure, ...] = ()
    """Checks that ended without observations, in the order the run lists them."""
    checks: Mapping[str, str] = field(default_factory=dict)
    """Wizard id -> the check's name, for every check of the run (findings about a check that
    failed name it)."""
