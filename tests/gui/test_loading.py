"""Opening a file: progress handed on, cancelling raises, the collector paused meanwhile."""

from __future__ import annotations

import gc
import threading

import pytest

from wiresleuth.gui.loading import Cancelled, LoadCancelled, cancellable, collector_paused


def test_progress_is_mapped_and_a_set_flag_cancels() -> None:
    flag, seen = threading.Event(), []
    report = cancellable(flag, seen.append, 0.5, 1.0)
    report(0.5, "Reading")
    assert seen == [(0.75, "Reading")]
    flag.set()
    with pytest.raises(LoadCancelled) as raised:
        report(0.6, "Reading")
    assert isinstance(raised.value, Cancelled)


def test_the_collector_is_off_while_loading_and_back_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with collector_paused():
            raise RuntimeError("the loading failed")
    except RuntimeError:
        pass
    assert gc.isenabled()
