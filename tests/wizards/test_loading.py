"""The one loading thread: jobs run one after another, in the order asked for, switching
finely while they run."""

from __future__ import annotations

import sys
import threading
import time

from wiresleuth.wizards.loading import fine_switching, load


def test_jobs_load_one_after_another_in_order_in_one_thread() -> None:
    seen: list[tuple[str, str, float]] = []
    running = threading.Lock()

    def job(name: str) -> str:
        assert running.acquire(blocking=False), "two loading jobs ran at once"
        try:
            seen.append((name, threading.current_thread().name, sys.getswitchinterval()))
            time.sleep(0.02)
        finally:
            running.release()
        return name

    futures = [load(lambda n=n: job(n)) for n in ("trust", "parser", "decoder")]
    assert [f.result(timeout=5) for f in futures] == ["trust", "parser", "decoder"]
    assert [name for name, _, _ in seen] == ["trust", "parser", "decoder"]
    assert len({thread for _, thread, _ in seen}) == 1
    assert all(interval <= 0.001 for _, _, interval in seen)


def test_fine_switching_is_restored_once_when_the_last_holder_ends() -> None:
    before = sys.getswitchinterval()
    with fine_switching():
        with fine_switching():
            assert sys.getswitchinterval() <= 0.001
        assert sys.getswitchinterval() <= 0.001
    assert sys.getswitchinterval() == before
