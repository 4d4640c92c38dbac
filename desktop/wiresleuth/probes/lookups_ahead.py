"""System-resolver lookups a run asks ahead, joined by whoever asks the same name meanwhile.

The checks' set-up looks up names of its own (the PAC's host, the proxy, the endpoints that
must refuse) in threads that start one after another, each a few milliseconds after the last
(a thread's start waits for the interpreter): the last of these lookups left up to 0.03 s
after the targets', and capture, whose filter needs every answer, started that much later.
The engine asks the names the profile gives beside the targets' (``ask``, until the run
ends: ``forget``); a set-up that looks one up meanwhile takes that lookup's answer
(``answer``) instead of asking the resolver again a little later. Same call (the same
address family: the PAC's host is asked for IPv4 only, as before), same resolver: the answer
is the one it would have had.
"""

from __future__ import annotations

import concurrent.futures
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

Infos = list[tuple[Any, Any, int, str, tuple[Any, ...]]]
"""What ``socket.getaddrinfo`` returns."""

Name = tuple[str, int]
"""A host name and the address family asked for (``socket.AF_INET``, ``AF_UNSPEC``)."""

_asked: dict[Name, concurrent.futures.Future[Infos]] = {}
_lock = threading.Lock()


def ask(
    names: Iterable[Name],
    pool: concurrent.futures.Executor,
    on_way: Callable[[Name], Callable[[], object]],
) -> list[Name]:
    """Look ``names`` up in ``pool`` now (``on_way(name)()`` is called as each leaves); until
    ``forget``, ``answer`` gives their answers. Returns the names this call asked (one
    already asked is not asked twice)."""
    mine: list[Name] = []
    with _lock:
        for name in dict.fromkeys(names):
            if name not in _asked:
                _asked[name] = pool.submit(_lookup, name, on_way(name))
                mine.append(name)
    return mine


def forget(names: Iterable[Name]) -> None:
    """Drop these names' answers (the run that asked them ends: a later one asks again)."""
    with _lock:
        for name in names:
            _asked.pop(name, None)


def answer(host: str, family: int, timeout: float) -> Infos | None:
    """The answer of the lookup of ``host`` for ``family`` asked ahead (None: it was not);
    raises what ``socket.getaddrinfo`` raised, or ``TimeoutError`` after ``timeout`` s."""
    with _lock:
        future = _asked.get((host, family))
    if future is None:
        return None
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        raise TimeoutError(f"no answer for {host} within {timeout:g} s") from exc


def _lookup(name: Name, on_way: Callable[[], object]) -> Infos:
    host, family = name
    on_way()
    return socket.getaddrinfo(host, None, family, socket.SOCK_STREAM)
