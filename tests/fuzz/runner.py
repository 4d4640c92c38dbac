"""Runs fuzz cases in a worker process, with a bound on each case's time.

A case that does not answer within the bound is a hang: the worker is killed and a new one
started for the next case. A worker that dies (a segfault, the kernel's OOM killer) is a
crash of that case. Used by the CI test and by ``benchmarks/bench_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, kw_only=True)
class Result:
    """What one case did."""

    outcome: str
    """ok, input-error (one of our BadInput errors), crash, hang or died."""
    error: str
    """The error's message or traceback."""
    seconds: float
    """Wall time of the case in the worker."""
    peak_mb: float
    """Peak resident memory of the worker during the case (MB)."""


class Worker:
    """A ``tests.fuzz.worker`` process; ``run`` one case at a time."""

    def __init__(self, *, timeout: float, log: Path) -> None:
        self.timeout = timeout
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._pending = b""

    def _start(self) -> subprocess.Popen[bytes]:
        self._stderr = self.log.open("ab")
        path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(REPO)])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, cwd=REPO,
            env=env,
        )  # fmt: skip
        self._pending = b""
        return self.process

    def _readline(self, process: subprocess.Popen[bytes], deadline: float) -> bytes | None:
        """One line from the worker; None at the deadline; b"" when it died."""
        assert process.stdout is not None
        fd = process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._pending:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(fd, 65_536)
                if not chunk:
                    return b""
                self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line

    def run(self, kind: str, path: Path, *, bundle: bool = True) -> Result:
        """Run one case (``bundle``: also write an analysed capture's bundle)."""
        process = self.process or self._start()
        assert process.stdin is not None
        started = time.monotonic()
        request = {"kind": kind, "path": str(path), "bundle": bundle}
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            process.stdin.flush()
            line = self._readline(process, started + self.timeout)
        except BrokenPipeError:
            line = b""
        if line:
            return Result(**json.loads(line))
        seconds = time.monotonic() - started
        self.stop(kill=line is None)
        if line is None:
            return Result(
                outcome="hang", error=f"no answer within {self.timeout:.0f} s",
                seconds=seconds, peak_mb=0.0,
            )  # fmt: skip
        return Result(
            outcome="died", error=f"the worker died (exit {process.returncode})",
            seconds=seconds, peak_mb=0.0,
        )  # fmt: skip

    def stop(self, *, kill: bool = False) -> None:
        """End the worker: at once with ``kill`` (it hangs), else when its input closes."""
        process, self.process = self.process, None
        if process is None:
            return
        if kill:
            process.send_signal(signal.SIGKILL)
        if process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
