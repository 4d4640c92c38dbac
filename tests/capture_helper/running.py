"""Run the capture helper from a test: its pipes, its status lines, its pcap stream; bounded."""

from __future__ import annotations

import os
import secrets
import select
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from wiresleuth.capture.decode import decode_frame
from wiresleuth.capture.frame import Frame
from wiresleuth.capture.pcap_stream import PcapStream
from wiresleuth.model.packet import ICMP

ADDRESS = f"127.{secrets.randbelow(250) + 2}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 2}"
"""A loopback address of this test run alone (the machine's other tests ping 127.0.0.1)."""
FILTER = f"icmp and host {ADDRESS}"


class Helper:
    """One run of the helper with its three pipes, reaped at the end whatever happens."""

    def __init__(self, argv: Sequence[str], **popen: object) -> None:
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **popen,  # type: ignore[call-overload]
        )
        self.err = b""

    def line(self, timeout: float = 5.0) -> str:
        """The next stderr line (without the program's name), '' at its end or after timeout."""
        assert self.proc.stderr is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self.err and time.monotonic() < deadline:
            if not select.select([self.proc.stderr], [], [], 0.1)[0]:
                continue
            chunk = os.read(self.proc.stderr.fileno(), 4096)
            if not chunk:
                break
            self.err += chunk
        line, _, self.err = self.err.partition(b"\n")
        return line.decode().removeprefix("wiresleuth-capture: ")

    def finish(self, timeout: float = 5.0) -> tuple[int, list[Frame], list[str]]:
        """Exit code, frames written, remaining stderr lines (the helper must end in time)."""
        deadline = time.monotonic() + timeout
        out, err = b"", b""
        pipes = [p for p in (self.proc.stdout, self.proc.stderr) if p is not None and not p.closed]
        while pipes and time.monotonic() < deadline:
            for pipe in select.select(pipes, [], [], 0.1)[0]:
                chunk = os.read(pipe.fileno(), 1 << 16)
                if not chunk:
                    pipes.remove(pipe)
                elif pipe is self.proc.stdout:
                    out += chunk
                else:
                    err += chunk
        assert not pipes, f"the helper did not end its output within {timeout} s"
        code = self.proc.wait(max(deadline - time.monotonic(), 0.1))
        stream = PcapStream("test")
        frames = stream.feed(out)
        assert stream.pending == 0, "the stream ended inside a record"
        text = (self.err + err).decode()
        lines = [line.removeprefix("wiresleuth-capture: ") for line in text.splitlines()]
        return code, frames, lines

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def start(helpers: list[Helper], helper: Path, *args: str, **popen: object) -> Helper:
    run = Helper([str(helper), *args], **popen)
    helpers.append(run)
    return run


def ping(count: int = 3) -> None:
    if shutil.which("ping") is None:
        pytest.skip("ping is missing: run scripts/setup (iputils-ping)")
    subprocess.run(
        ["ping", "-c", str(count), "-i", "0.2", "-W", "1", ADDRESS],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip


def echo_types(frames: list[Frame]) -> list[int | None]:
    records = [decode_frame(f.data, f.linktype, number=n, time=f.time) for n, f in enumerate(frames, 1)]
    assert all(r is not None and r.proto == ICMP for r in records)
    return [r.icmp_type for r in records if r is not None]
