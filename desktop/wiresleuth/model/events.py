"""Progress events the engine emits, for a progress bar, a live timeline and the terminal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Moment = Callable[[str, float], None]
"""Told by a probe as its attempt goes: (what happened, epoch seconds), e.g.
``("established", t)``; the live timeline draws a connection while it is still waiting."""


@dataclass(frozen=True, kw_only=True)
class ProgressEvent:
    """Something happened during a run."""

    kind: str
    """``run-started``, ``capture``, ``wizard-started``, ``step``, ``socket``,
    ``wizard-finished``, ``analysing`` or ``run-finished``."""
    time: float
    """Epoch seconds."""
    message: str
    """One line for a person."""
    wizard: str | None = None
    """The wizard concerned, if any."""
    done: int = 0
    """Steps finished so far in the whole run."""
    total: int = 0
    """Steps the run expects (may grow while planning)."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Details: for ``socket`` events the target, the event kind and its time (live timeline)."""
