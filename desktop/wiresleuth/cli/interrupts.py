"""Ctrl-C during a run: the first press cancels and keeps what finished, a second quits.

SIGTERM counts as a press too: ``timeout 600 wiresleuth run`` or a shutting-down session
then gets the bundle of what had finished rather than nothing.

Not KeyboardInterrupt: on Python 3.11 a ``Thread.join`` interrupted by KeyboardInterrupt
marks the still-running worker thread as finished (the clean-up of bpo-45274 releases the
lock of a thread that holds it), so a run cancelled that way lost its result. Here SIGINT
only records the press; the main thread waits in bounded steps and acts on what it finds.
A signal handler takes no lock and does no I/O: the main thread may hold the very lock
(of a stream, of an Event) that such a call would need. The one exception is ``QuitNow``,
raised from the handler only while the caller says an interruption is safe (writing the
bundle, whose writer removes its temporary file on any exception).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import TypeVar

_T = TypeVar("_T")

_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None
_SIGNALS = (signal.SIGINT, signal.SIGTERM)

QUIT_WINDOW = 2.0
"""Seconds within which a second Ctrl-C means "quit now, save nothing"."""


class QuitNow(BaseException):
    """The user pressed Ctrl-C twice within ``QUIT_WINDOW``: stop at once, save nothing.

    A BaseException, as KeyboardInterrupt: it is a request, and no ``except Exception``
    on its way may swallow it."""


class InterruptGate:
    """Counts Ctrl-C presses while installed (as a context manager, on the main thread)."""

    def __init__(
        self, *, window: float = QUIT_WINDOW, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.presses = 0
        """Ctrl-C presses so far."""
        self.quit_requested = False
        """A second press came within ``window`` of the one before."""
        self.raise_on_quit = False
        """While True, a quit request raises QuitNow in the main thread at once."""
        self._window = window
        self._clock = clock
        self._last: float | None = None
        """When the last press came (the clock's seconds)."""
        self._previous: dict[int, _Handler] = {}

    def press(self) -> None:
        """One Ctrl-C (the signal handler calls this; tests may too)."""
        now = self._clock()
        self.presses += 1
        second = self._last is not None and now - self._last <= self._window
        self._last = now
        if second:
            self.quit_requested = True
            if self.raise_on_quit:
                raise QuitNow

    def in_quit_window(self) -> bool:
        """Whether a press now would be a second one (one came less than ``window`` ago)."""
        return self._last is not None and self._clock() - self._last <= self._window

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        del signum, frame
        self.press()

    def __enter__(self) -> InterruptGate:
        if threading.current_thread() is threading.main_thread():
            for number in _SIGNALS:
                self._previous[number] = signal.signal(number, self._on_signal)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, signal.SIG_DFL if previous is None else previous)
        self._previous.clear()


POLL = 0.1
"""Seconds the main thread waits at a time for the work to end."""


class StillRunning(Exception):
    """The work did not end within its grace time of being cancelled (stuck in the system)."""


def finish_interruptibly(
    work: Callable[[], _T],
    cancel: Callable[[], None],
    gate: InterruptGate,
    *,
    name: str,
    grace: float,
    on_press: Callable[[bool], None],
    tick: Callable[[], None] = lambda: None,
) -> _T:
    """``work()`` in a worker thread (named ``name``); the main thread only waits, in bounded
    steps, calls ``tick`` (to print progress), and reacts to Ctrl-C: the first press calls
    ``cancel``; ``on_press(first)`` tells the user. QuitNow on a quit request (also one that
    comes just after the work ended: a second press means "save nothing"); StillRunning when
    the work outlives ``grace`` seconds after its cancel; the work's own exception as it is."""
    box: list[_T] = []
    failure: list[BaseException] = []
    finished = threading.Event()

    def worker() -> None:
        try:
            box.append(work())
        except BaseException as exc:  # handed to the main thread, which reports it
            failure.append(exc)
        finally:
            finished.set()

    threading.Thread(target=worker, name=name, daemon=True).start()
    seen = 0
    cancelled_at: float | None = None
    while not finished.wait(POLL):
        tick()
        if gate.quit_requested:
            raise QuitNow
        if gate.presses != seen:
            seen = gate.presses
            on_press(cancelled_at is None)
            if cancelled_at is None:
                cancel()
                cancelled_at = time.monotonic()
        if cancelled_at is not None and time.monotonic() - cancelled_at > grace:
            raise StillRunning
    tick()
    # A second press within the window means "save nothing": let the window close first,
    # so that what the user asked for is what happens, however fast the work stopped.
    while gate.in_quit_window() and not gate.quit_requested:
        time.sleep(POLL)
    if gate.quit_requested:
        raise QuitNow
    if failure:
        raise failure[0]
    return box[0]
