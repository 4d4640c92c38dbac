"""How a lab process starts and stops: say ready, run until SIGTERM, repeat on a schedule.

The lab starts each server or client program with ``--ready-file`` and waits for that file;
it stops them with SIGTERM. Every program ends the same way (its loop sees an event, so it
stops between two rounds, never half-way through writing a line), so the way is written once.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType


def mark_ready(path: Path | None) -> None:
    """Tell the lab the program is running (its sockets exist)."""
    if path is not None:
        path.write_text("ready\n")


def stop_on_signals() -> threading.Event:
    """An event that SIGTERM (the lab stopping the program) or SIGINT sets; call it from the
    main thread. The handler only sets the event: the program's loop does the stopping."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop


def repeat_every(interval: float, stop: threading.Event, action: Callable[[], None]) -> None:
    """``action()`` every ``interval`` s (from start to start; at once when one took longer)
    until ``stop`` is set."""
    while not stop.is_set():
        started = time.monotonic()
        action()
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
