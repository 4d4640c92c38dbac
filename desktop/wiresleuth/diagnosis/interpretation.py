"""The contract of an interpretation: a recording's material in, conclusions out.

A wizard is three things: its probe (``wizards``: what to contact, how to run), its
observations (a ``model`` type, saved in report.json and read back typed) and its
interpretation (here). Rules about traffic seen from outside are interpretations that need
no observations. Each interpretation declares the finding IDs it may conclude; no two
declare the same ID, so each finding is concluded in one place (``registry``).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from wiresleuth.diagnosis.recording import Recording
from wiresleuth.diagnosis.wire import PacketView
from wiresleuth.model.check_status import AddressStatus
from wiresleuth.model.finding import Finding
from wiresleuth.model.finding_addition import FindingAddition

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Unfinished:
    """Part of a check that could not finish (the PAC evaluator crashed, the socket table
    could not be read): ``diagnose`` makes it a ``probe.failed`` finding."""

    headline: str
    """The finding's title: what could not be done."""
    part: str
    """What the user is told did not finish, e.g. ``the PAC script``."""
    detail: str
    """For the engineer: what failed and how."""
    error: str
    """The error, in words (the finding's evidence)."""
    target: str | None = None
    """The target it concerns, if one."""
    wizard: str | None = None
    """The check it belongs to; None: the interpretation's own."""
    packets: tuple[int, ...] = ()
    """Frames that show it, when captured (an answer that came but was read too late)."""
    withheld: tuple[str, ...] = ()
    """The waits of it whose deadline fell while this program was stopped, in words:
    ``diagnose`` lists them in the run's ``probe.program_stopped``."""


@dataclass(frozen=True, kw_only=True)
class Conclusions:
    """What an interpretation concluded."""

    findings: tuple[Finding, ...] = ()
    """Findings with evidence."""
    labels: Mapping[int, str] = field(default_factory=dict)
    """Local port -> what that connection was for (timeline lane labels)."""
    unfinished: tuple[Unfinished, ...] = ()
    """Parts of the check that could not finish."""
    not_tested: Mapping[str, str] = field(default_factory=dict)
    """Target (``host:port``; "" for the check as a whole) -> why the run left it untested
    (the name did not resolve, the proxy has no address): its status says so, not "passed"."""
    passed_detail: Mapping[str, str] = field(default_factory=dict)
    """Target (or "") -> a few words worth showing beside "passed" (the route taken)."""
    additions: tuple[FindingAddition, ...] = ()
    """What it adds to other interpretations' findings (same ID and target), joined to
    them once findings are merged (the hop locator's "the reset comes from hop 2")."""
    addresses: Mapping[str, tuple[AddressStatus, ...]] = field(default_factory=dict)
    """Target -> its status on each address of its name, when the check tested more than
    one (the TLS check): the target's status row shows them."""


@dataclass(frozen=True, kw_only=True)
class Material:
    """What one interpretation reads."""

    recording: Recording
    """The recording."""
    wire: PacketView
    """Its packets, flows and conversations."""
    so_far: tuple[Finding, ...] = ()
    """What the interpretations before this one concluded (a rule about a stalled
    connection leaves alone one that another finding already explains)."""

    def recorded(self, wizard: str, kind: Callable[[], type[T]]) -> T | None:
        """As ``observations``, the type given by ``kind`` (an interpretation's
        ``observation_type``), which imports it only when the recording holds them: a
        capture taken elsewhere holds none, and is analysed without any wizard's model."""
        return self.observations(wizard, kind()) if wizard in self.recording.observations else None

    def observations(self, wizard: str, kind: type[T]) -> T | None:
        """The observations of ``wizard`` as ``kind``; None when it did not run or failed.
        TypeError when they are something else: a programming error, not a network fault."""
        found = self.recording.observations.get(wizard)
        if found is None:
            return None
        if not isinstance(found, kind):
            raise TypeError(
                f"the {wizard} observations are {type(found).__name__}, not {kind.__name__}"
            )
        return found

    added: tuple[FindingAddition, ...] = ()
    """What the interpretations before this one added to findings."""

    @property
    def cited(self) -> frozenset[int]:
        """Frames the findings so far, and what was added to them, cite."""
        cited = {number for finding in self.so_far for number in finding.packets}
        return frozenset(cited.union(*(addition.packets for addition in self.added)))


def foreign_traffic(recording: Recording) -> bool:
    """Whether the recording holds traffic this program's probes did not make (a capture
    taken elsewhere) with packets to judge: the rules about traffic seen from outside apply."""
    captured = bool(recording.packets) or recording.conversations is not None
    return captured and not recording.own_traffic


class Interpretation(abc.ABC):
    """One wizard's interpretation, or a set of rules that needs no observations."""

    name: ClassVar[str]
    """The wizard whose observations it reads (its findings carry this name), or the name
    of a set of rules that needs none."""
    emits: ClassVar[frozenset[str]]
    """Every finding ID it may conclude (``diagnose`` warns about any other)."""
    from_capture: ClassVar[frozenset[str]] = frozenset()
    """Those it also concludes from a capture taken elsewhere, without observations
    (``diagnose`` warns about any other such a recording gets)."""
    about: ClassVar[str]
    """What it interprets, for the findings catalogue ("the TLS check")."""

    @staticmethod
    def observation_type() -> type[Any] | None:
        """The type of ``observations[name]`` (a bundle's JSON is read back as this); None for
        rules that need no observations. A function, so that the type's module is imported
        when asked: ``wiresleuth analyze`` of a capture starts without the wizards' models."""
        return None

    def applies(self, recording: Recording) -> bool:
        """Whether the recording gives it material: by default, its wizard's observations."""
        return self.name in recording.observations

    @abc.abstractmethod
    def interpret(self, material: Material) -> Conclusions:
        """Pure: material in, conclusions out."""
