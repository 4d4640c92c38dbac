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
class Stall:
    """A time the program was not scheduled (a loaded machine, a closed lid, ``kill -STOP``),
    as the engine's stall meter saw it: between two of its looks, one slept much longer
    than asked (``engine.stall_meter``). The program was stopped somewhere inside this
    window, which is at most one meter interval longer than the stop itself."""

    started_at: float
    """Epoch seconds of the meter's last look before the gap."""
    ended_at: float
    """Epoch seconds of the look that found the gap (the program ran again just before)."""
    monotonic_start: float
    """The same start on the monotonic clock (immune to clock changes during the stop)."""
    monotonic_end: float
    """The same end on the monotonic clock."""

    @property
    def length(self) -> float:
        """Seconds of the window (monotonic: the wall clock may have been set meanwhile)."""
        return self.monotonic_end - self.monotonic_start


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
    stall_interval: float = 0.0
    """Seconds the stall meter slept between looks; 0 when the run had no meter (bundles
    written before it): then no wait is known to have overlapped a stall."""
    stalls: tuple[Stall, ...] = ()
    """Every time the program was not scheduled during the run, in order (at most
    ``engine.stall_meter.MOST_STALLS``; ``stalls_dropped`` counts those beyond)."""
    stalls_dropped: int = 0
    """Stalls the meter saw after its list was full."""

    def title_of(self, wizard: str) -> str:
        """The check's name (its id when the run did not plan it)."""
        return next((c.title for c in self.checks if c.wizard == wizard), wizard)
