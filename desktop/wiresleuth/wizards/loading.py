"""The one thread that loads what a run needs later (modules, trust stores), while its probes
wait on the network.

Loading holds the interpreter. Each loader in a thread of its own (the TLS check's trust
stores, the PAC answer's parser, the decoder and the analysis) competed with the others and
with the event loop at once: the loop's own work ran at a third of its speed, and every
probe's next step waited for it (the PAC check's first step on the loop, 8 ms of work, took
23-29 ms beside two loaders). Here they load one after another, by when they are needed
(``When``: what the first probes need first, then what an answer needs, then what the checks
read beside their probes, then what the end of the run needs), and while one loads the loop waits at most 1 ms for the interpreter each time
a packet wakes it (``fine_switching``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import enum
import heapq
import itertools
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
    BESIDE = 2
    """By what the checks read in threads beside their probes (the gateway's reader, the
    security products'): no probe waits for it, but imported in those threads it held the
    probes' first steps."""
    END = 3
    """At the end of the run (the decoder, the analysis, the system's facts)."""


_jobs: list[tuple[int, int, Callable[[], None]]] = []
"""Waiting jobs, a heap: the earliest needed first, then the first asked for."""
_changed = threading.Condition()
_end_held = 0
"""Runs holding back what the end of a run needs (``end_held``)."""
_order = itertools.count()
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

    global _thread
    with _changed:
        heapq.heappush(_jobs, (int(when), next(_order), run))
        if _thread is None:
            _thread = threading.Thread(target=_work, name="loader", daemon=True)
            _thread.start()
        _changed.notify()
    return future


@contextlib.contextmanager
def end_held() -> Iterator[Callable[[], None]]:
    """Hold back what is needed only at the end (``When.END``) until the function this
    yields is called, or the block ends: the engine lets it go once its probes are on their
    way. Loaded during the checks' set-up, the decoder (0.15-0.2 s of the interpreter) slowed
    every check's first steps to half speed, and the first handshakes with them."""
    global _end_held
    released = False

    def release() -> None:
        global _end_held
        nonlocal released
        with _changed:
            if not released:
                released = True
                _end_held -= 1
                _changed.notify()

    with _changed:
        _end_held += 1
    try:
        yield release
    finally:
        release()


def _work() -> None:
    while True:
        with _changed:
            while not _jobs or (_jobs[0][0] >= When.END and _end_held):
                _changed.wait()
            _when, _n, run = heapq.heappop(_jobs)
        run()


@contextlib.contextmanager
def fine_switching() -> Iterator[None]:
    """While a loader (or a run) holds it, the event loop's thread waits at most 1 ms (not 5)
    for the interpreter each time a packet wakes it: the probes' timing is not put off by
    imports. Several holders at once restore the interval once, when the last one ends."""
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
