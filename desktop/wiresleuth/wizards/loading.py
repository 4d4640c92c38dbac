"""The one thread that loads what a run needs later (modules, trust stores), while its probes
wait on the network.

Loading holds the interpreter. Each loader in a thread of its own (the TLS check's trust
stores, the PAC answer's parser, the decoder and the analysis) competed with the others and
with the event loop at once: the loop's own work ran at a third of its speed, and every
probe's next step waited for it (the PAC check's first step on the loop, 8 ms of work, took
23-29 ms beside two loaders). Here they load one after another, in the order they were asked
for (the order they are needed), and while one loads the loop waits at most 1 ms for the
interpreter each time a packet wakes it (``fine_switching``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_LOADER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="loader")
_lock = threading.Lock()
_holders = 0
_interval = 0.005


def load(job: Callable[[], T]) -> concurrent.futures.Future[T]:
    """Run ``job`` in the loading thread, after what was asked for before it."""

    def run() -> T:
        with fine_switching():
            return job()

    return _LOADER.submit(run)


@contextlib.contextmanager
def fine_switching() -> Iterator[None]:
    """While a loader holds it, the event loop's thread waits at most 1 ms (not 5) for the
    interpreter each time a packet wakes it: the probes' timing is not put off by imports.
    Several holders at once restore the interval once, when the last one ends."""
    global _holders, _interval
    with _lock:
        if _holders == 0:
            _interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_interval, 0.001))
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                sys.setswitchinterval(_interval)
