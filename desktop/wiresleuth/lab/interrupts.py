"""Turn SIGINT/SIGTERM into an exception so ``finally`` tears the lab down; shield teardown."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from wiresleuth.errors import Cancelled

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def cancel_on_signals() -> Iterator[None]:
    """Within the block, SIGINT or SIGTERM raises Cancelled (main thread only)."""
    if not _in_main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        del frame
        raise Cancelled(f"interrupted by {signal.Signals(signum).name}")

    previous = {sig: signal.signal(sig, handler) for sig in _SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def shielded() -> Iterator[None]:
    """Within the block (a bounded teardown), SIGINT and SIGTERM are ignored."""
    if not _in_main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in _SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
