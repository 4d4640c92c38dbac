"""Progress events the engine emits, for a progress bar, a live timeline and the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
