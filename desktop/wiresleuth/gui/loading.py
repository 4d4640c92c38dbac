"""What opening a file reports and how it is stopped, without the weight of the loader.

``document.load_document`` takes a ``Progress`` callback; raising ``LoadCancelled`` from it
stops the loading at its next step. The window's progress bar imports only this module, so
the start page stays as light as it was.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[float, str], None]
"""Called with (share done, 0 to 1; what is being done) while a file loads; raising from it
(``LoadCancelled``) stops the loading."""


class Cancelled(Exception):
    """Work stopped because the user asked (a worker reports it, it logs no traceback)."""


class LoadCancelled(Cancelled):
    """The user cancelled opening a file."""


def cancellable(
    flag: threading.Event,
    emit: Callable[[object], None],
    start: float = 0.0,
    end: float = 1.0,
) -> Progress:
    """A Progress that hands (share, text) to ``emit`` (mapped onto [start, end]) and raises
    LoadCancelled once ``flag`` is set."""

    def report(share: float, text: str) -> None:
        if flag.is_set():
            raise LoadCancelled("opening was cancelled")
        emit((start + (end - start) * share, text))

    return report


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a file loads, and what was loaded frozen after.

    Loading makes hundreds of thousands of long-lived objects (a PacketRecord per packet);
    each full collection walks them all holding the interpreter lock, for hundreds of
    milliseconds: the window froze that long, again and again, while the worker loaded
    (measured by ``benchmarks/bench_gui_open_large.py``). Nothing loaded is cyclic garbage,
    and it lives as long as the window shows it, so it is moved out of the collector's way
    (``gc.freeze``); reference counting still frees it when the document is closed. The
    garbage there is is collected first, while there is little else (it would be frozen too).
    """
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
