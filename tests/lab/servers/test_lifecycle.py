"""How every lab program starts and stops: ready file, SIGTERM, a schedule."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from wiresleuth.lab.servers.lifecycle import mark_ready, repeat_every, stop_on_signals


def test_the_ready_file_is_written_when_asked_for(tmp_path: Path) -> None:
    mark_ready(None)  # no --ready-file: nothing to write
    mark_ready(tmp_path / "ready")
    assert (tmp_path / "ready").read_text() == "ready\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_a_signal_sets_the_stop_event(signum: int) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        stop = stop_on_signals()
        assert not stop.is_set()
        os.kill(os.getpid(), signum)
        assert stop.wait(5)
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def test_repeat_every_runs_until_stopped() -> None:
    stop = threading.Event()
    calls: list[int] = []

    def action() -> None:
        calls.append(len(calls))
        if len(calls) == 3:
            stop.set()

    done = threading.Thread(target=repeat_every, args=(0.01, stop, action), daemon=True)
    done.start()
    done.join(10)
    assert not done.is_alive() and calls == [0, 1, 2]
