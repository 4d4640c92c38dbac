"""Each check's measurements as their own types, for the view models.

The JSON of report.json (or of a run just made) is read back with
``model.jsonable.from_jsonable``, as ``wiresleuth report --reanalyse`` reads it, so a view
model reads ``obs.fetch.outcome``, never ``data["pac"]["fetch"]["outcome"]``. A bundle comes
from someone else's computer, another version or a hand: measurements that do not fit their
type are not guessed at; asking for them raises ``ShapeError`` naming the first value that
does not fit (the viewer shows that sentence in the part's place). Values of the right type
that make no sense (a time of NaN, a packet of a million bytes) are the view model's to leave
out and name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from wiresleuth.bundle.recording import read_observations
from wiresleuth.diagnosis.registry import observation_types
from wiresleuth.gui.view_problems import ShapeError

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Measurements:
    """Every check's measurements that could be read as their type, and why the others
    could not."""

    typed: Mapping[str, object] = field(default_factory=dict)
    """Wizard id -> its observations, as its ``observation_type``."""
    unread: Mapping[str, str] = field(default_factory=dict)
    """Wizard id -> why its measurements could not be read as their type."""

    def of(self, wizard: str, kind: type[T]) -> T | None:
        """The measurements of ``wizard``; None when it did not run; ShapeError saying why
        when they cannot be read as ``kind``."""
        if wizard in self.unread:
            raise ShapeError(self.unread[wizard])
        found = self.typed.get(wizard)
        if found is None:
            return None
        if not isinstance(found, kind):
            raise ShapeError(
                f"the measurements of {wizard!r} are {type(found).__name__}, not {kind.__name__}"
            )
        return found


def measurements(observations: Mapping[str, Any] | None) -> Measurements:
    """Read a report's ``observations`` (JSON form) as their types."""
    if not observations:
        return Measurements()
    typed, _untyped, unread = read_observations({"observations": observations}, TYPES)
    return Measurements(
        typed=typed, unread={wizard: _plain(why) for wizard, why in unread.items()}
    )


TYPES = observation_types()
"""Wizard id -> the type its measurements are read as."""


def _plain(why: str) -> str:
    """``report.json: the observations of the mtu wizard cannot be read as ...: where: what``
    as the viewer says it."""
    return why.removeprefix("report.json: ")
