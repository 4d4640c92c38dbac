"""Exceptions raised in Qt slots and event handlers, caught where Qt would only print them.

PySide hands an exception that escapes a slot to ``sys.excepthook`` and the event loop goes
on: the window stays half built, and a screenshot of it exited 0 as if all were well. While
the window runs, ``SlotErrors`` is the hook: it keeps the first such error, prints its
traceback when asked (``--debug``) and calls ``on_error``, which says it in one line and
shows it in the window, or ends a screenshot with a failure.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType


class SlotErrors:
    """``sys.excepthook`` while the window runs (a context manager restores the one before)."""

    def __init__(
        self, on_error: Callable[[BaseException], None], *, tracebacks: bool = False
    ) -> None:
        self._on_error = on_error
        self._tracebacks = tracebacks
        self._previous = sys.excepthook
        self.first: BaseException | None = None
        """The first exception a slot raised (None while there was none)."""

    def __enter__(self) -> SlotErrors:
        self._previous = sys.excepthook
        sys.excepthook = self._hook
        return self

    def __exit__(self, *_exc: object) -> None:
        sys.excepthook = self._previous

    def _hook(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if not isinstance(value, Exception):  # KeyboardInterrupt, SystemExit: not ours
            self._previous(kind, value, tb)
            return
        if self.first is None:
            self.first = value
        if self._tracebacks:
            traceback.print_exception(kind, value, tb, file=sys.stderr)
        self._on_error(value)


def describe(error: BaseException) -> str:
    """One line: the exception's kind and message."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
