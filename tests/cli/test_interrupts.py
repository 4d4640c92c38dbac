"""Ctrl-C presses during a run: counted by a handler that takes no lock and does no I/O."""

from __future__ import annotations

import os
import signal

import pytest

from wiresleuth.cli.interrupts import InterruptGate, QuitNow


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_second_press_within_the_window_asks_to_quit() -> None:
    clock = Clock()
    gate = InterruptGate(window=2.0, clock=clock)
    gate.press()
    assert (gate.presses, gate.quit_requested, gate.in_quit_window()) == (1, False, True)
    clock.now += 1.9
    gate.press()
    assert gate.quit_requested


def test_presses_further_apart_are_each_a_first_press() -> None:
    clock = Clock()
    gate = InterruptGate(window=2.0, clock=clock)
    gate.press()
    clock.now += 2.5
    assert not gate.in_quit_window()
    gate.press()
    assert (gate.presses, gate.quit_requested) == (2, False)


def test_while_saving_a_second_press_raises_at_once() -> None:
    gate = InterruptGate()
    gate.raise_on_quit = True
    gate.press()
    with pytest.raises(QuitNow):
        gate.press()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signals_are_counted_and_the_old_handlers_come_back(signum: int) -> None:
    before = signal.getsignal(signum)
    with InterruptGate() as gate:
        os.kill(os.getpid(), signum)  # handled in the main thread before kill() returns here
        assert gate.presses == 1
    assert signal.getsignal(signum) is before
