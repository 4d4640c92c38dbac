"""Long work off the GUI thread: a QRunnable carrying a QObject of signals (as superqt does).

The function runs in a QThreadPool thread and gets an ``emit`` callable to hand intermediate
values back (``yielded``); its return value arrives as ``returned``, an exception as
``errored``; ``finished`` always comes last. Signals cross threads as queued connections, so
receivers run on the GUI thread. ``run()`` may be called directly to work synchronously.
Cancelling is cooperative: the function checks whatever flag its caller gave it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from wiresleuth.gui.loading import Cancelled

log = logging.getLogger(__name__)

Emit = Callable[[object], None]
"""Hands one intermediate value to the GUI thread."""


class QtWorkerSignals(QObject):
    """What a worker reports; lives on the GUI thread, emitted from the worker thread."""

    started = Signal()
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()


class QtFunctionWorker(QRunnable):
    """Runs ``function(emit)`` once."""

    def __init__(self, function: Callable[[Emit], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner keeps the Python object; Qt must not free it
        self._function = function
        self.signals = QtWorkerSignals()
        self._ended = threading.Event()

    @property
    def done(self) -> bool:
        """True once the function has returned or raised."""
        return self._ended.is_set()

    def wait(self, timeout: float) -> bool:
        """Block this thread until the function has ended, ``timeout`` s at the most; whether
        it did. For the program's exit: a slot must never block the GUI thread."""
        return self._ended.wait(timeout)

    def _emit(self, signal: str, *args: object) -> None:
        try:
            getattr(self.signals, signal).emit(*args)
        except RuntimeError:  # the window went away first (closing during work): nobody listens
            log.debug("worker result dropped: its receiver is gone")

    def run(self) -> None:
        self._emit("started")
        outcome: tuple[str, object]
        try:
            outcome = ("returned", self._function(lambda item: self._emit("yielded", item)))
        except Cancelled as exc:  # asked for: no traceback in the log
            log.debug("worker cancelled: %s", exc)
            outcome = ("errored", exc)
        except Exception as exc:  # every failure must reach the window, not the thread's void
            log.exception("worker failed")
            outcome = ("errored", exc)
        finally:
            # Done before the GUI hears the outcome: a slot that reacts to it (a "Try again"
            # clicked at once) must not find this worker still busy.
            self._ended.set()
        self._emit(*outcome)
        self._emit("finished")


def start_worker(
    function: Callable[[Emit], Any],
    *,
    on_yield: Callable[[Any], None] | None = None,
    on_return: Callable[[Any], None] | None = None,
    on_error: Callable[[Any], None] | None = None,
    on_finish: Callable[[], None] | None = None,
    pool: QThreadPool | None = None,
) -> QtFunctionWorker:
    """Connect the callbacks and start ``function`` in ``pool`` (the global pool by default)."""
    worker = QtFunctionWorker(function)
    if on_yield is not None:
        worker.signals.yielded.connect(on_yield)
    if on_return is not None:
        worker.signals.returned.connect(on_return)
    if on_error is not None:
        worker.signals.errored.connect(on_error)
    if on_finish is not None:
        worker.signals.finished.connect(on_finish)
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker
