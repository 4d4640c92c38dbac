"""The one loading thread: jobs run one at a time, what is needed earliest first (in the order
asked for among the equally urgent), switching finely while they run."""

from __future__ import annotations

import sys
import threading

import pytest

from wiresleuth.wizards.loading import When, fine_switching, load


def test_jobs_load_one_at_a_time_what_is_needed_earliest_first() -> None:
    seen: list[tuple[str, str, float]] = []
    running = threading.Lock()
    hold, busy = threading.Event(), threading.Event()

    def job(name: str) -> str:
        assert running.acquire(blocking=False), "two loading jobs ran at once"
        try:
            seen.append((name, threading.current_thread().name, sys.getswitchinterval()))
            if name == "first":
                busy.set()
                assert hold.wait(5)
        finally:
            running.release()
        return name

    asked = [
        ("first", When.END), ("decoder", When.END), ("gateway", When.BESIDE),
        ("analysis", When.END), ("parser", When.ANSWERS), ("trust", When.PROBES),
    ]  # fmt: skip
    futures = [load(lambda: job("first"), When.END)]
    assert busy.wait(5)  # the thread is busy: what follows queues up
    futures += [load(lambda n=n: job(n), when) for n, when in asked[1:]]
    hold.set()
    assert [f.result(timeout=5) for f in futures] == [n for n, _ in asked]
    order = ["first", "trust", "parser", "gateway", "decoder", "analysis"]
    assert [name for name, _, _ in seen] == order
    assert len({thread for _, thread, _ in seen}) == 1
    assert all(interval <= 0.001 for _, _, interval in seen)


def test_a_failing_job_hands_its_error_to_the_waiter_and_the_thread_goes_on() -> None:
    def broken() -> None:
        raise ValueError("no such module")

    with pytest.raises(ValueError, match="no such module"):
        load(broken, When.PROBES).result(timeout=5)
    assert load(lambda: "still loading").result(timeout=5) == "still loading"


def test_fine_switching_is_restored_once_when_the_last_holder_ends() -> None:
    before = sys.getswitchinterval()
    with fine_switching():
        with fine_switching():
            assert sys.getswitchinterval() <= 0.001
        assert sys.getswitchinterval() <= 0.001
    assert sys.getswitchinterval() == before


def test_what_the_end_needs_waits_while_held_and_the_rest_does_not() -> None:
    from wiresleuth.wizards.loading import end_held

    with end_held() as release:
        end = load(lambda: "decoder", When.END)
        assert load(lambda: "trust", When.PROBES).result(timeout=5) == "trust"
        assert not end.done()
        release()
        assert end.result(timeout=5) == "decoder"
    with end_held():
        held = load(lambda: "analysis", When.END)
    assert held.result(timeout=5) == "analysis"  # the block's end lets it go too
