"""The one thread that loads what a run needs later (modules, trust stores), while its probes
wait on the network.

Loading holds the interpreter. Each loader in a thread of its own (the TLS check's trust
stores, the PAC answer's parser, the decoder and the analysis) competed with the others and
with the event loop at once: the loop's own work ran at a third of its speed, and every
probe's next step waited for it (the PAC check's first step on the loop, 8 ms of work, took
23-29 ms beside two loaders). Here they load one after another, by when they are needed
(``When``: what the first probes need first, then what an answer needs, then what the end of
the run needs), and while one loads the loop waits at most 1 ms for the interpreter each time
a packet wakes it (``fine_switching``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import enum
import itertools
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


class When(enum.IntEnum):
    """When a loaded thing is first needed; the loading thread takes the earliest first."""

    PROBES = 0
    """By the first probes (the TLS check's trust stores)."""
    ANSWERS = 1
    """Once an answer is in (the PAC answer's parser)."""
    END = 2
    """At the end of the run (the decoder, the analysis, the system's facts)."""


_jobs: queue.PriorityQueue[tuple[int, int, Callable[[], None]]] = queue.PriorityQueue()
_order = itertools.count()
_started = threading.Lock()
_thread: threading.Thread | None = None
_lock = threading.Lock()
_holders = 0
_interval = 0.005


def load(job: Callable[[], T], when: When = When.END) -> concurrent.futures.Future[T]:
    """Run ``job`` in the loading thread, after what is needed earlier and, of what is needed
    as early, after what was asked for before it."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            with fine_switching():
                result = job()
        except BaseException as exc:  # handed to whoever waits, as an executor does
            future.set_exception(exc)
        else:
            future.set_result(result)

    _jobs.put((int(when), next(_order), run))
    _start()
    return future


def _start() -> None:
    global _thread
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=_work, name="loader", daemon=True)
            _thread.start()


def _work() -> None:
    while True:
        _when, _n, run = _jobs.get()
        run()


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
