"""Type an answer at the program's prompt through a pseudo-terminal, as a user would.

``wiresleuth run --proxy-user`` reads the password with getpass from the controlling
terminal, never from a file or the environment. The lab gives the program a pty as its
terminal (``setsid --ctty``) and types the scenario's lab password when the prompt appears.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import threading
import time
from collections.abc import Sequence

PROMPT = b"password"
"""Typed once the terminal shows this (case-insensitive)."""
LIMIT = 120.0
"""Seconds the typist waits for a prompt at most."""


def terminal_argv(argv: Sequence[str]) -> list[str]:
    """``argv`` in a new session whose controlling terminal is its stdin (the pty)."""
    return ["setsid", "--ctty", "--wait", *argv]


class Typist:
    """Owns a pty; types ``answer`` once the prompt shows, and drains what the program writes."""

    def __init__(self, answer: str) -> None:
        self._answer = answer.encode() + b"\n"
        self.master, self.slave = pty.openpty()
        self.typed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="lab-typist", daemon=True)

    def start(self) -> None:
        """Start watching (after the program was started with ``slave`` as stdin)."""
        os.close(self.slave)
        self._thread.start()

    def _work(self) -> None:
        seen = b""
        deadline = time.monotonic() + LIMIT
        while not self._stop.is_set() and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:  # EIO: the program closed its terminal
                return
            if not data:
                return
            if not self.typed.is_set():
                seen = (seen + data)[-256:]
                if PROMPT in seen.lower():
                    os.write(self.master, self._answer)
                    self.typed.set()

    def close(self) -> None:
        """Stop watching and release the pty."""
        self._stop.set()
        self._thread.join(timeout=2.0)
        with contextlib.suppress(OSError):
            os.close(self.master)
