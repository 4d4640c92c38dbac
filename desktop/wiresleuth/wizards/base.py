"""The contract between the engine and a wizard."""

from __future__ import annotations

import abc
import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from wiresleuth.model.observations import ResolveObservation
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Profile

ObsT = TypeVar("ObsT")
T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class WizardInput:
    """What every wizard gets from the engine before it runs."""

    profile: Profile
    """The profile in force."""
    targets: tuple[Target, ...]
    """Targets to test (profile plus command line)."""
    resolved: Mapping[str, ResolveObservation]
    """Host name -> its resolution."""
    capture_allowed: bool = True
    """False when the user switched capture off for this run: wizards then capture nothing."""
    earlier: Mapping[str, object] = field(default_factory=dict)
    """Observations of the wizards named in this wizard's ``needs``, by wizard id (a wizard
    that failed or ran out of time is absent); read them with ``earlier_observations``."""
    later: Mapping[str, Callable[[], Awaitable[object | None]]] = field(default_factory=dict)
    """For the wizards named in this wizard's ``uses``: waits for that wizard's observations
    (None when it failed); read them with ``observations_when_ready``."""

    run_deadline: float | None = None
    """``time.monotonic()`` at which the run's budget ends (None: not bounded by a run):
    a wizard whose probes depend on what it finds keeps inside it."""

    def earlier_observations(self, wizard: str, kind: type[ObsT]) -> ObsT | None:
        """The observations of the wizard ``wizard`` (one this wizard ``needs``), typed; None
        when it did not run or failed. TypeError when it gave something else than ``kind``
        (its ``observation_type``): a programming error, not a network fault."""
        return _typed(wizard, self.earlier.get(wizard), kind)

    async def observations_when_ready(self, wizard: str, kind: type[ObsT]) -> ObsT | None:
        """The observations of ``wizard`` (one this wizard ``uses``) once it has finished;
        None when it is not part of the run or failed. TypeError as ``earlier_observations``."""
        wait = self.later.get(wizard)
        found = await wait() if wait is not None else self.earlier.get(wizard)
        return _typed(wizard, found, kind)

    def addresses(self, target: Target) -> tuple[str, ...]:
        """Resolved addresses of a target's host (empty when resolution failed)."""
        found = self.resolved.get(target.host)
        return found.addresses if found else ()


def _typed(wizard: str, found: object, kind: type[ObsT]) -> ObsT | None:
    if found is None:
        return None
    if not isinstance(found, kind):
        raise TypeError(
            f"the {wizard} wizard's observations are {type(found).__name__}, not {kind.__name__}"
        )
    return found


@dataclass
class Wait:
    """One wait of a probe, as the engine records it (``Progress.waiting``)."""

    ran_out: bool | None = None
    """Set by the wizard when it knows: True when the wait ended at its deadline (a
    timeout), False when something ended it; None: the engine compares the time with the
    deadline."""
    abandoned: bool = False
    """Set when the wait was given up (a speculative probe the outcome did not call for):
    nothing waited for it, so it is never on the critical path."""


class Progress(Protocol):
    """How a running wizard reports progress (the engine implements it)."""

    def step(self, message: str) -> None:
        """One planned step finished."""

    def socket_event(
        self, target: str, kind: str, at: float, detail: str = "", *, lane: str = ""
    ) -> None:
        """A socket-level moment (connect, client-hello, reset...) for the live timeline.

        ``lane`` names the attempt it belongs to (its purpose) when ``detail`` says something
        else (an error). An attempt announced by ``connect`` as it starts is drawn while it
        waits, growing, until its ``closed`` moment."""

    def waiting(self, what: str, deadline: float | None) -> AbstractContextManager[Wait]:
        """Around one probe's wait: what is awaited and its deadline in seconds, so the
        engine can name the wait that made the run as long as it was (its critical path)."""

    def publish(self, observations: object) -> None:
        """This wizard's observations so far, which the wizards that list it in
        ``needs_early`` start with: all they read must be in them already."""


async def stopped(tasks: Collection[asyncio.Task[Any]], grace: float = 2.0) -> None:
    """Cancel ``tasks`` (speculative probes no longer needed) and wait until they have ended,
    cancelling again those that swallowed it (``asyncio.wait_for`` on Python 3.11 loses a
    cancellation that arrives as its future completes; the probe would then run to its own
    deadline, and the run's end would wait for it). Bounded by ``grace``; a cancellation of
    the caller meanwhile is kept and raised once they have ended."""
    pending = {task for task in tasks if not task.done()}
    deadline = time.monotonic() + grace
    interrupted = False
    while pending and time.monotonic() < deadline:
        for task in pending:
            task.cancel()
        try:
            _, pending = await asyncio.wait(pending, timeout=0.2)
        except asyncio.CancelledError:
            interrupted = True
    if interrupted:
        raise asyncio.CancelledError


async def side_by_side(jobs: Sequence[Awaitable[T]]) -> list[T]:
    """``asyncio.gather`` of ``jobs``, but a single job is awaited in place: gather makes a
    task of it, which starts only after every other wizard's ready work (at a run's start,
    when every check sets up at once, a target's first handshake left 0.01-0.02 s late)."""
    if len(jobs) == 1:
        return [await jobs[0]]
    return list(await asyncio.gather(*jobs))


async def waited(progress: Progress, what: str, deadline: float | None, job: Awaitable[T]) -> T:
    """``await job`` recorded as one wait of the wizard (``Progress.waiting``)."""
    with progress.waiting(what, deadline):
        return await job


class Wizard(abc.ABC):
    """One guided check."""

    id: ClassVar[str]
    """Stable identifier (used in findings and the bundle)."""
    title: ClassVar[str]
    """Name shown in the list of checks."""
    description: ClassVar[str]
    """One sentence: what it does and why."""
    observation_type: ClassVar[type[Any]]
    """The dataclass ``run`` returns (a model type: report.json holds it, ``from_jsonable``
    reads it back from a bundle)."""
    needs: ClassVar[tuple[str, ...]] = ()
    """Ids of wizards whose observations this one cannot start without (e.g. the route);
    the engine starts it when those have finished and passes them in ``WizardInput.earlier``."""
    needs_early: ClassVar[tuple[str, ...]] = ()
    """Those of ``needs`` whose observations as published early (``Progress.publish``) are
    enough: the engine starts this wizard once they are published, not when they return."""
    uses_early: ClassVar[tuple[str, ...]] = ()
    """Those of ``uses`` whose observations as published early are enough: their waiter in
    ``WizardInput.later`` returns them once published."""
    uses: ClassVar[tuple[str, ...]] = ()
    """Ids of wizards whose observations only part of this one's work needs: the engine
    starts it at once (with its ``needs``), and that part awaits
    ``WizardInput.observations_when_ready``, so the rest runs beside the other wizard."""

    def prepare(self, profile: Profile) -> None:
        """Blocking set-up that needs only the profile (the name lookups ``flows`` needs);
        the engine runs every wizard's in a thread while it resolves the targets, so that
        capture, and with it the run, does not start one lookup after another."""
        del profile

    per_target: ClassVar[bool] = True
    """Whether the check has a status per target; False for checks of the computer as a
    whole (PAC, local listeners, request holds), which have one status."""

    def not_tested(self, given: WizardInput) -> dict[str, str]:
        """Targets (``host:port``; "" for the whole check) this check leaves out before it
        runs, and why ("not an HTTPS site"); what it skips while running is in
        its interpretation's ``Conclusions.not_tested``."""
        return {}

    @abc.abstractmethod
    def flows(self, given: WizardInput) -> list[FlowSpec]:
        """The endpoints the probes will contact: capture keeps only these."""

    @abc.abstractmethod
    def steps(self, given: WizardInput) -> int:
        """How many progress steps ``run`` will report."""

    @abc.abstractmethod
    async def run(self, given: WizardInput, progress: Progress) -> Any:
        """Run the probes; return the observations (an ``observation_type``, which
        ``to_jsonable`` saves and ``from_jsonable`` reads back). Network misbehaviour is
        observed, not raised."""
