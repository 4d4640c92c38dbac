"""The program as a user starts it from a terminal: a finished command, or a running one
whose stderr lines a test waits for (every wait bounded)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest


def wiresleuth(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``wiresleuth ARGS`` to its end, output captured, no input."""
    return subprocess.run(
        [sys.executable, "-m", "wiresleuth", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


def write_profile(tmp_path: Path, *targets: str) -> Path:
    """A profile with these sites and budgets short enough for loopback servers."""
    listed = ", ".join(f'"{t}"' for t in targets)
    path = tmp_path / "profile.toml"
    path.write_text(
        f'targets = [{listed}]\n[helpdesk]\nname = "Desk"\n'
        "[budgets]\nrun = 20\nconnect = 1\ntls_handshake = 2\nicmp = 0.3\n"
    )
    return path


class Running:
    """``wiresleuth ARGS`` as a child process whose stderr lines (with ``merge_stderr``: its
    stdout and stderr lines, in the order written) are read as they come, so a test can act
    (send Ctrl-C) at a given line."""

    def __init__(self, *args: str, env: dict[str, str], merge_stderr: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wiresleuth", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        self.merged = merge_stderr
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        watched = self.proc.stdout if merge_stderr else self.proc.stderr
        assert watched is not None
        self._reader = threading.Thread(target=self._read, args=(watched,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for_line(self, needle: str, timeout: float = 60) -> None:
        """Until a stderr line holds ``needle``; the test fails (and the child is killed) when
        none does within ``timeout`` s or the child ends first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if needle in line:
                return
        self.proc.kill()
        pytest.fail(f"no line with {needle!r} on stderr; seen: {''.join(self.seen)}")

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        """Exit code, stdout and the whole stderr (merged: "" and the whole output), once the
        child has ended (TimeoutExpired after ``timeout`` s: ``close`` then kills it)."""
        assert self.proc.stdout is not None
        out = "" if self.merged else self.proc.stdout.read()
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, out, "".join(self.seen)

    def close(self) -> None:
        """Kill the child if it still runs, and close its pipes (call it in a ``finally``)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)
        self._reader.join(30)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
