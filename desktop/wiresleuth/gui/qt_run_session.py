"""One diagnostic run as a Qt model: widgets subscribe to it, the engine runs in a worker.

The engine (and its imports) is built inside the worker thread, so pressing "Run" never
stalls the window; ``cancel()`` is cooperative and safe at any moment, even before the
engine exists. Progress events arrive as queued signals and update the per-check states
that the progress page shows.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from wiresleuth.gui.live_timeline import live_connections, status_line, waiting
from wiresleuth.gui.qt_worker import Emit, QtFunctionWorker, start_worker
from wiresleuth.model.events import ProgressEvent
from wiresleuth.model.run import RunResult
from wiresleuth.model.target import Target
from wiresleuth.model.timeline import Connection
from wiresleuth.profile.model import Profile

if TYPE_CHECKING:
    from wiresleuth.engine import Engine
    from wiresleuth.wizards.base import Wizard


class CheckState(enum.StrEnum):
    """Where one check (wizard) is in the run."""

    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"


class RunState(enum.StrEnum):
    """Where the run is."""

    IDLE = "idle"
    RUNNING = "running"
    CANCELLING = "cancelling"
    FINISHED = "finished"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class CheckRow:
    """One check as the progress page lists it."""

    id: str
    """Wizard ID."""
    title: str
    """Wizard title."""
    state: CheckState = CheckState.WAITING
    """Its state."""
    started: float | None = None
    """Monotonic seconds when it started."""
    elapsed: float | None = None
    """Seconds it took, once finished."""

    def seconds(self, now: float) -> float | None:
        """Elapsed so far (running) or in all (finished)."""
        if self.elapsed is not None:
            return self.elapsed
        return None if self.started is None else now - self.started


EngineFactory = Callable[[Callable[[ProgressEvent], None]], "Engine"]
"""Builds the engine inside the worker, given the progress callback."""


class QtRunSession(QObject):
    """The state of one run, for the progress page, the live timeline and the results page."""

    state_changed = Signal(str)
    checks_changed = Signal()
    progress_changed = Signal(int, int)
    message_changed = Signal(str)
    live_changed = Signal()
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._state = RunState.IDLE
        self._checks: list[CheckRow] = []
        self._events: list[ProgressEvent] = []
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self._cancel_requested = False
        self._worker: QtFunctionWorker | None = None
        self.result: RunResult | None = None
        self.cancel_asked_at: float | None = None
        self.done = 0
        self.total = 0
        self.message = ""

    # -- what widgets read ----------------------------------------------------------------

    @property
    def state(self) -> RunState:
        """Where the run is."""
        return self._state

    @property
    def checks(self) -> tuple[CheckRow, ...]:
        """The checks of this run, in order."""
        return tuple(self._checks)

    def live(self, now: float | None = None) -> tuple[Connection, ...]:
        """The connections seen by the sockets so far; with ``now`` while the run is going,
        those still waiting reach ``now``."""
        return live_connections(self._events, now if self.is_active else None)

    def waiting_now(self, now: float) -> bool:
        """Whether some connection is waiting (its lane grows: redraw it)."""
        return self.is_active and bool(waiting(self._events, now))

    def status_line(self, now: float) -> str:
        """What the run is doing now, in plain words: what it waits for and how long, else
        the checks running, else the last thing the engine said (never a wizard's step
        shorthand: those go to the log)."""
        if not self.is_active:
            return self.message
        running = [row.title for row in self._checks if row.state is CheckState.RUNNING]
        return status_line(waiting(self._events, now), running, now) or self.message

    @property
    def is_active(self) -> bool:
        """Running or cancelling."""
        return self._state in (RunState.RUNNING, RunState.CANCELLING)

    # -- control ---------------------------------------------------------------------------

    def start(
        self,
        profile: Profile,
        wizards: Sequence[Wizard],
        *,
        extra_targets: Sequence[Target] = (),
        capture: bool = True,
    ) -> None:
        """Start a run of ``wizards`` (the engine is made in the worker thread)."""

        def factory(on_event: Callable[[ProgressEvent], None]) -> Engine:
            from wiresleuth.engine import Engine

            return Engine(
                profile, wizards, extra_targets=extra_targets, capture=capture, on_event=on_event
            )

        self.start_with(factory, [(w.id, w.title) for w in wizards])

    def start_with(self, factory: EngineFactory, checks: Sequence[tuple[str, str]]) -> None:
        """Start a run whose engine ``factory`` builds (tests and benchmarks use it too)."""
        if self.is_active:
            raise RuntimeError("a run is already going")
        self._checks = [CheckRow(id=i, title=t) for i, t in checks]
        self._events = []
        self._engine = None
        self._cancel_requested = False
        self.cancel_asked_at = None
        self.result = None
        self.done, self.total, self.message = 0, 0, ""
        self._set_state(RunState.RUNNING)
        self.checks_changed.emit()
        self.live_changed.emit()

        def work(emit: Emit) -> RunResult:
            engine = factory(emit)
            with self._engine_lock:
                self._engine = engine
                cancel_now = self._cancel_requested
            if cancel_now:
                engine.cancel()
            return engine.run()

        self._worker = start_worker(
            work,
            on_yield=self._on_event,
            on_return=self._on_result,
            on_error=self._on_error,
            pool=self._pool,
        )

    def cancel(self) -> None:
        """Ask the run to stop; it hands back what had finished (within about a second)."""
        if self._state is not RunState.RUNNING:
            return
        self.cancel_asked_at = time.monotonic()
        with self._engine_lock:
            self._cancel_requested = True
            engine = self._engine
        if engine is not None:
            engine.cancel()
        self._set_state(RunState.CANCELLING)

    # -- worker signals ------------------------------------------------------------------

    def _set_state(self, state: RunState) -> None:
        self._state = state
        self.state_changed.emit(state.value)

    def _update_check(self, wizard: str | None, **changes: Any) -> None:
        for index, row in enumerate(self._checks):
            if row.id == wizard:
                self._checks[index] = replace(row, **changes)
                self.checks_changed.emit()
                return

    def _on_event(self, event: object) -> None:
        if not isinstance(event, ProgressEvent):
            return
        self._events.append(event)
        if event.total:
            self.done, self.total = event.done, event.total
            self.progress_changed.emit(event.done, event.total)
        if event.message and event.kind not in ("step", "socket"):
            self.message = event.message
        if event.message:
            self.message_changed.emit(self.status_line(time.time()))
        now = time.monotonic()
        if event.kind == "wizard-started":
            self._update_check(event.wizard, state=CheckState.RUNNING, started=now)
        elif event.kind == "wizard-finished":
            elapsed = event.data.get("elapsed")
            self._update_check(
                event.wizard,
                state=CheckState.DONE,
                elapsed=float(elapsed) if isinstance(elapsed, int | float) else None,
            )
        elif event.kind == "socket":
            self.live_changed.emit()

    def _on_result(self, result: object) -> None:
        if not isinstance(result, RunResult):
            return
        now = time.monotonic()
        for index, row in enumerate(self._checks):
            if row.state in (CheckState.WAITING, CheckState.RUNNING):
                self._checks[index] = replace(
                    row, state=CheckState.STOPPED, elapsed=row.seconds(now)
                )
        self.checks_changed.emit()
        self.result = result
        if result.cancelled:
            self.message = "cancelled"
        self._set_state(RunState.FINISHED)
        self.finished.emit(result)

    def _on_error(self, error: object) -> None:
        text = (
            f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)
        )
        self._set_state(RunState.FAILED)
        self.failed.emit(text)

    def wait(self, milliseconds: int) -> bool:
        """Wait (blocking) for the worker to end: for closing the window during a run."""
        pool = self._pool or QThreadPool.globalInstance()
        return pool.waitForDone(milliseconds)
