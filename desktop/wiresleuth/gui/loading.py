"""What opening a file reports and how it is stopped, without the weight of the loader.

``document.load_document`` takes a ``Progress`` callback; raising ``LoadCancelled`` from it
stops the loading at its next step. The window's progress bar imports only this module, so
the start page stays as light as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Progress = Callable[[float, str], None]
"""Called with (share done, 0 to 1; what is being done) while a file loads; raising from it
(``LoadCancelled``) stops the loading."""


class LoadCancelled(Exception):
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
