"""System-resolver lookups a run asks ahead, joined by whoever asks the same name meanwhile.

The checks' set-up looks up names of its own (the PAC's host, the proxy, the endpoints that
must refuse) in threads that start one after another, each a few milliseconds after the last
(a thread's start waits for the interpreter): the last of these lookups left up to 0.03 s
after the targets', and capture, whose filter needs every answer, started that much later.
The engine asks the names the profile gives beside the targets' (``ask``, until the run
ends: ``forget``); a set-up that looks one up meanwhile takes that lookup's answer
(``answer``) instead of asking the resolver again a little later. Same call, same resolver: the answer is the one it would
have had.
"""

from __future__ import annotations

import concurrent.futures
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

Infos = list[tuple[Any, Any, int, str, tuple[Any, ...]]]
"""What ``socket.getaddrinfo`` returns."""

_asked: dict[str, concurrent.futures.Future[Infos]] = {}
_lock = threading.Lock()


def ask(
    hosts: Iterable[str],
    pool: concurrent.futures.Executor,
    on_way: Callable[[str], Callable[[], object]],
) -> list[str]:
    """Look ``hosts`` up in ``pool`` now (``on_way(host)()`` is called as each leaves); until
    ``forget``, ``answer`` gives their answers. Returns the names this call asked (one
    already asked is not asked twice)."""
    mine: list[str] = []
    with _lock:
        for host in dict.fromkeys(hosts):
            if host not in _asked:
                _asked[host] = pool.submit(_lookup, host, on_way(host))
                mine.append(host)
    return mine


def forget(hosts: Iterable[str]) -> None:
    """Drop these names' answers (the run that asked them ends: a later one asks again)."""
    with _lock:
        for host in hosts:
            _asked.pop(host, None)


def answer(host: str, timeout: float) -> Infos | None:
    """The answer of ``host``'s lookup asked ahead (None: it was not); raises what
    ``socket.getaddrinfo`` raised, or ``TimeoutError`` after ``timeout`` seconds."""
    with _lock:
        future = _asked.get(host)
    if future is None:
        return None
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        raise TimeoutError(f"no answer for {host} within {timeout:g} s") from exc


def _lookup(host: str, on_way: Callable[[], object]) -> Infos:
    on_way()
    return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
