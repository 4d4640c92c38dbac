"""Progress on a terminal: one updating line on a TTY, plain lines otherwise."""

from __future__ import annotations

from typing import TextIO

from wiresleuth.model.events import ProgressEvent
from wiresleuth.report.terminal_text import for_terminal

_WIDTH = 24


class TerminalProgress:
    """Draws engine events on a stream."""

    def __init__(self, stream: TextIO, *, quiet: bool = False) -> None:
        self._stream = stream
        self._quiet = quiet
        self._tty = stream.isatty()
        self._drawn = False

    def on_event(self, event: ProgressEvent) -> None:
        """Engine callback (called on the engine's thread)."""
        if self._quiet or event.kind == "socket":
            return
        if event.kind not in ("step", "run-started", "capture", "analysing", "run-finished"):
            return
        total = max(event.total, 1)
        filled = round(_WIDTH * event.done / total)
        bar = "#" * filled + "." * (_WIDTH - filled)
        message = for_terminal(event.message, one_line=True)  # may name what a server sent
        line = f"[{bar}] {event.done}/{event.total} {message}"
        if self._tty:
            self._stream.write("\r\x1b[2K" + line[:120])
            self._drawn = True
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        """End the updating line (the next event starts a new one)."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
