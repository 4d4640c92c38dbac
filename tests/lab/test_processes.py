"""Stopping lab processes: bounded, SIGKILL for the stubborn, never a recycled pid."""

import dataclasses
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiresleuth.lab.processes import LabProcess, read_table, start_ticks, stop_processes

STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"


@pytest.fixture
def stubborn() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", STUBBORN], start_new_session=True)
    time.sleep(0.3)  # let it install its handler
    yield proc
    proc.kill()
    proc.wait(timeout=5)


def _record(proc: subprocess.Popen[bytes]) -> LabProcess:
    ticks = start_ticks(proc.pid)
    assert ticks is not None
    return LabProcess(name="x", ns="none", pid=proc.pid, start_ticks=ticks, argv=(), log="")


def test_a_process_ignoring_sigterm_is_killed_within_the_bound(
    stubborn: subprocess.Popen[bytes],
) -> None:
    record = _record(stubborn)
    started = time.monotonic()
    assert stop_processes([record], timeout=0.3) == []
    assert 0.3 <= time.monotonic() - started < 2.0  # SIGTERM was ignored: SIGKILL after 0.3 s
    assert start_ticks(record.pid) is None  # gone (stop_processes reaped its own child)


def test_a_recycled_pid_is_left_alone(stubborn: subprocess.Popen[bytes]) -> None:
    other = dataclasses.replace(_record(stubborn), start_ticks=_record(stubborn).start_ticks - 1)
    assert stop_processes([other], timeout=0.1) == []
    assert stubborn.poll() is None, "a process that only shares the pid was signalled"


def test_no_table_reads_as_empty(tmp_path: Path) -> None:
    assert read_table(tmp_path) == []
    (tmp_path / "processes.json").write_text("{broken")
    assert read_table(tmp_path) == []
