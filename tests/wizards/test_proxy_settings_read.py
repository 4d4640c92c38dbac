"""The proxy settings read once for the checks that ask at the same moment, anew later."""

from __future__ import annotations

import threading
import time

import pytest

from wiresleuth.platform import proxy_settings
from wiresleuth.wizards.proxy_settings_read import proxy_configuration


def test_callers_at_the_same_moment_share_one_reading_and_a_later_one_reads_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    both_asked = threading.Barrier(2, timeout=5)

    def slow_reader() -> object:
        calls.append(object())
        time.sleep(0.1)  # bounded: the other caller asks meanwhile
        return calls[-1]

    monkeypatch.setattr(proxy_settings, "read_proxy_configuration", slow_reader)
    got: list[object] = []

    def ask() -> None:
        both_asked.wait()
        got.append(proxy_configuration())

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(calls) == 1 and got == [(calls[0], None), (calls[0], None)]
    assert proxy_configuration() == (calls[1], None) and len(calls) == 2


def test_a_broken_reader_gives_its_error_not_an_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> object:
        raise ValueError("registry unreadable")

    monkeypatch.setattr(proxy_settings, "read_proxy_configuration", broken)
    assert proxy_configuration() == (None, "ValueError: registry unreadable")
