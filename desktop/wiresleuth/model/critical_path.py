"""The critical path of a run: the chain of waits that made it as long as it was.

A run is as short as its longest unavoidable wait only when everything else runs beside that
wait; the critical path shows, wait by wait, where the time went (log.txt and report.json).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class PathStep:
    """One link of the chain, in run order."""

    what: str
    """What was awaited, in words (``chat.lab.test:443: default handshake``)."""
    wizard: str | None
    """The wizard it belongs to; None for the engine's own phases."""
    start_s: float
    """Seconds from the start of the run."""
    seconds: float
    """How long it lasted."""
    deadline_s: float | None = None
    """The deadline the wait had (seconds), None for work without one."""
    to_deadline: bool = False
    """True when it ran to its deadline (a timeout that proves a loss, a hold's full length)."""

    def text(self) -> str:
        """One line: ``tls: chat.lab.test:443: default handshake 6.01 s (its 6 s deadline)``."""
        who = f"{self.wizard}: " if self.wizard else ""
        limit = ""
        if self.deadline_s is not None:
            limit = (
                f" (ran to its {self.deadline_s:g} s deadline)"
                if self.to_deadline
                else f" (deadline {self.deadline_s:g} s)"
            )
        return f"{who}{self.what} {self.seconds:.2f} s{limit}"
