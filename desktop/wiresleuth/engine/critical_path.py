"""Which waits made the run as long as it was: every wait recorded with its deadline, and the
chain of them that ends when the run ends.

The engine records its own phases and each wizard's start and end; wizards record each
probe's wait through ``Progress.waiting``, and a wait for another wizard's result names
that wizard. The chain is found backwards from the end of the run: in the current owner
(the engine or a wizard), the wait that ended last before the current time; a wait for
another wizard continues in that wizard; a wizard's start continues in the wizard it
needed (the one that finished last) or, for one that started at once, in the engine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from wiresleuth.model.critical_path import PathStep
from wiresleuth.wizards.base import Wait

SLACK = 0.02
"""Seconds two moments may differ and still count as the same (scheduling jitter)."""
_RAN_OUT = 0.98
"""A wait at least this share of its deadline ran to it (when the wizard did not say)."""
_ENGINE = ""


@dataclass
class _Span:
    owner: str
    what: str
    start: float
    end: float
    deadline: float | None = None
    waits_on: str | None = None
    note: Wait = field(default_factory=Wait)


@dataclass
class _Wizard:
    start: float
    after: str | None
    end: float | None = None


class RunClock:
    """Records one run's waits (monotonic clock) and finds its critical path."""

    def __init__(self, origin: float | None = None) -> None:
        self.origin = time.monotonic() if origin is None else origin
        self._spans: list[_Span] = []
        self._wizards: dict[str, _Wizard] = {}

    @contextmanager
    def span(
        self,
        owner: str | None,
        what: str,
        *,
        deadline: float | None = None,
        waits_on: str | None = None,
    ) -> Iterator[Wait]:
        """Around one wait of ``owner`` (a wizard id; None: the engine)."""
        note = Wait()
        began = time.monotonic()
        try:
            yield note
        finally:
            self._spans.append(
                _Span(
                    owner=owner or _ENGINE, what=what, start=began, end=time.monotonic(),
                    deadline=deadline, waits_on=waits_on, note=note,
                )
            )  # fmt: skip

    def add(
        self,
        owner: str | None,
        what: str,
        start: float,
        end: float,
        *,
        deadline: float | None = None,
        waits_on: str | None = None,
        ran_out: bool | None = None,
    ) -> None:
        """A wait measured by the caller (monotonic times)."""
        self._spans.append(
            _Span(owner=owner or _ENGINE, what=what, start=start, end=end, deadline=deadline,
                  waits_on=waits_on, note=Wait(ran_out=ran_out))
        )  # fmt: skip

    def wizard_started(self, wizard: str, *, after: str | None, at: float | None = None) -> None:
        """``wizard`` starts (now, or ``at``); ``after``: the needed wizard whose end it
        waited for."""
        self._wizards[wizard] = _Wizard(start=time.monotonic() if at is None else at, after=after)

    def wizard_ended(self, wizard: str, *, at: float | None = None) -> None:
        """``wizard`` returned (or failed), now or ``at``."""
        if wizard in self._wizards:
            self._wizards[wizard].end = time.monotonic() if at is None else at

    def last_wizard(self, among: list[str]) -> str | None:
        """The wizard of ``among`` that ended last (the one the run waited for)."""
        ended = [(w.end, name) for name, w in self._wizards.items() if name in among and w.end]
        return max(ended)[1] if ended else None

    def path(self, end: float | None = None) -> tuple[PathStep, ...]:
        """The chain of waits that ends at ``end`` (default: now), in run order."""
        steps: list[PathStep] = []
        owner, cur = _ENGINE, time.monotonic() if end is None else end
        taken: set[int] = set()
        for _ in range(4 * len(self._spans) + 4 * len(self._wizards) + 4):  # bounded walk
            start = self.origin if owner == _ENGINE else self._wizards[owner].start
            span = self._latest(owner, cur, start, taken)
            if span is not None:
                taken.add(id(span))
                self._gap(steps, owner, span.end, cur)
                if span.waits_on in self._wizards and self._wizards[span.waits_on].end:
                    owner, cur = span.waits_on, min(cur, span.end)
                    continue
                steps.append(self._step(span))
                cur = span.start
                continue
            self._gap(steps, owner, start, cur)
            if owner == _ENGINE:
                break
            after = self._wizards[owner].after
            cur = start
            owner = after if after in self._wizards else _ENGINE
        steps.reverse()
        return tuple(steps)

    def _latest(self, owner: str, cur: float, floor: float, taken: set[int]) -> _Span | None:
        found = [
            s
            for s in self._spans
            if s.owner == owner and s.end <= cur + SLACK and s.start >= floor - SLACK
            and s.start < cur and id(s) not in taken and not s.note.abandoned
        ]  # fmt: skip
        if not found:
            return None
        # Of the waits that ended together (a wizard that awaited two others one after the
        # other: the second was already done), the one that took the time.
        last = max(s.end for s in found)
        return max((s for s in found if s.end >= last - SLACK), key=lambda s: s.end - s.start)

    def _gap(self, steps: list[PathStep], owner: str, start: float, end: float) -> None:
        if end - start > SLACK:
            steps.append(
                PathStep(
                    what="other work" if owner else "engine work",
                    wizard=owner or None,
                    start_s=round(start - self.origin, 3),
                    seconds=round(end - start, 3),
                )
            )

    def _step(self, span: _Span) -> PathStep:
        seconds = span.end - span.start
        ran_out = span.note.ran_out
        if ran_out is None:
            ran_out = span.deadline is not None and seconds >= span.deadline * _RAN_OUT
        return PathStep(
            what=span.what,
            wizard=span.owner or None,
            start_s=round(span.start - self.origin, 3),
            seconds=round(seconds, 3),
            deadline_s=None if span.deadline is None else round(span.deadline, 3),
            to_deadline=ran_out,
        )


def path_text(steps: tuple[PathStep, ...]) -> str:
    """The chain on one line, for the log and the terminal."""
    total = sum(s.seconds for s in steps)
    return f"critical path ({total:.2f} s): " + " -> ".join(s.text() for s in steps)
