"""Reading a file:// PAC: regular files only, bounded, and never waiting (issue 20, item 4)."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiresleuth.probes.pac_file import NotARegularFile, read_pac_file

BOUND = 10.0
"""Seconds a read may take before the test calls it a hang (it takes milliseconds)."""


@contextlib.contextmanager
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe nobody writes to; on the way out a writer comes and goes, which releases
    any reader still waiting in open() (so a failing test ends instead of hanging)."""
    path = tmp_path / "proxy.pac"
    os.mkfifo(path)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def bounded(function, *args):  # type: ignore[no-untyped-def]
    """Run ``function(*args)`` in a thread; fail if it is still running after BOUND s."""
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(function(*args))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(BOUND)
    assert not thread.is_alive(), f"still waiting after {BOUND:g} s"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    with fifo(tmp_path) as path:
        error = bounded(read_pac_file, path, 1024)
    assert isinstance(error, NotARegularFile)
    assert "named pipe (FIFO), not a regular file" in str(error)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_unread() -> None:
    error = bounded(read_pac_file, Path("/dev/zero"), 1024)
    assert isinstance(error, NotARegularFile) and "character device" in str(error)


def test_a_regular_file_is_read_up_to_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.pac"
    path.write_bytes(b"x" * 5000)
    assert read_pac_file(path, 1000) == b"x" * 1001
    assert read_pac_file(path, 10_000) == b"x" * 5000
    with pytest.raises(FileNotFoundError):
        read_pac_file(tmp_path / "none.pac", 1000)
    with pytest.raises(NotARegularFile):
        read_pac_file(tmp_path, 1000)
    if sys.platform != "win32":
        with pytest.raises(NotARegularFile, match="not a usable path"):
            read_pac_file(Path("/tmp/a\0b"), 1000)
