"""What the engine itself observed around the wizards, saved so that a bundle re-analysed
concludes what the run did: the targets and their lookups, the basics checked when every
lookup failed, the checks planned (and the targets each left out) and those that ended
without observations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wiresleuth.model.connectivity import ConnectivityObservation
from wiresleuth.model.observations import ResolveObservation

ENGINE = "engine"
"""The key of these observations in report.json's ``observations`` (no wizard has it)."""


@dataclass(frozen=True, kw_only=True)
class CheckPlan:
    """A check of the run, as the engine planned it."""

    wizard: str
    """The wizard's id."""
    title: str
    """The check's name, as the list of checks shows it."""
    per_target: bool = True
    """Whether it has a status per target (else one for the check as a whole)."""
    not_tested: Mapping[str, str] = field(default_factory=dict)
    """Targets (``host:port``; "" for the whole check) it left out before it ran, and why."""


@dataclass(frozen=True, kw_only=True)
class CheckFailure:
    """A check that ended without observations: it raised, overran, returned another type
    or was stopped by the user's cancel."""

    wizard: str
    """The wizard's id."""
    title: str
    """The check's name, as the list of checks shows it."""
    why: str
    """What happened, in words (an exception's type and message, the budget it overran)."""
    stopped: str = ""
    """Why it could not run, as its status says ("it failed: ...")."""
    cancelled: bool = False
    """The user's cancel stopped it: its status says so, and no finding is made of it."""


@dataclass(frozen=True, kw_only=True)
class EngineObservations:
    """The engine's own observations of a run (``observations["engine"]`` in report.json)."""

    targets: Mapping[str, str] = field(default_factory=dict)
    """Every target (``host:port``) -> its host name, in the run's order."""
    lookups: tuple[ResolveObservation, ...] = ()
    """Every target host's resolution through the system resolver, in the targets' order."""
    connectivity: ConnectivityObservation | None = None
    """Default route, gateway and resolvers, checked only when every lookup failed."""
    capture_wanted: bool = True
    """Whether capture was asked for (without it, capture's status is "not tested")."""
    checks: tuple[CheckPlan, ...] = ()
    """Every check of the run, in the order the run lists them."""
    failures: tuple[CheckFailure, ...] = ()
    """Checks that ended without observations, in the order the run lists them."""

    def title_of(self, wizard: str) -> str:
        """The check's name (its id when the run did not plan it)."""
        return next((c.title for c in self.checks if c.wizard == wizard), wizard)
