"""The contract between the engine and a wizard."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from wiresleuth.model.observations import ResolveObservation
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Profile

ObsT = TypeVar("ObsT")


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

    run_deadline: float | None = None
    """``time.monotonic()`` at which the run's budget ends (None: not bounded by a run):
    a wizard whose probes depend on what it finds keeps inside it."""

    def earlier_observations(self, wizard: str, kind: type[ObsT]) -> ObsT | None:
        """The observations of the wizard ``wizard`` (one this wizard ``needs``), typed; None
        when it did not run or failed. TypeError when it gave something else than ``kind``
        (its ``observation_type``): a programming error, not a network fault."""
        found = self.earlier.get(wizard)
        if found is None:
            return None
        if not isinstance(found, kind):
            raise TypeError(
                f"the {wizard} wizard's observations are {type(found).__name__}, "
                f"not {kind.__name__}"
            )
        return found

    def addresses(self, target: Target) -> tuple[str, ...]:
        """Resolved addresses of a target's host (empty when resolution failed)."""
        found = self.resolved.get(target.host)
        return found.addresses if found else ()


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
    """Ids of wizards whose observations this one uses (e.g. the PAC decision); the engine
    starts it when those have finished and passes them in ``WizardInput.earlier``."""
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
