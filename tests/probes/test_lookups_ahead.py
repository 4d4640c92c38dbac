"""Lookups asked ahead: answered once for whoever asks, forgotten with the run."""

from __future__ import annotations

import concurrent.futures
import socket

import pytest

from wiresleuth.probes import lookups_ahead


def test_an_asked_name_answers_as_the_resolver_does_until_forgotten() -> None:
    left: list[str] = []
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        any_family = ("localhost", socket.AF_UNSPEC)
        mine = lookups_ahead.ask([any_family], pool, lambda name: lambda: left.append(name[0]))
        try:
            got = lookups_ahead.answer("localhost", socket.AF_UNSPEC, 5.0)
            other_family = lookups_ahead.answer("localhost", socket.AF_INET, 5.0)
            again = lookups_ahead.ask([any_family], pool, lambda name: lambda: None)
        finally:
            lookups_ahead.forget(mine)
    assert mine == [any_family] and again == [] and left == ["localhost"]
    assert got == socket.getaddrinfo("localhost", None, socket.AF_UNSPEC, socket.SOCK_STREAM)
    assert other_family is None  # asked for another family: the caller asks itself
    assert lookups_ahead.answer("localhost", socket.AF_UNSPEC, 1.0) is None


def test_a_name_not_asked_has_no_answer_and_a_failure_is_raised_as_the_resolver_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_such_name(host: str, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # no query leaves this machine
    assert lookups_ahead.answer("not-asked.test", socket.AF_INET, 1.0) is None
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        name = ("unknown.test", socket.AF_INET)
        mine = lookups_ahead.ask([name], pool, lambda name: lambda: None)
        try:
            with pytest.raises(socket.gaierror):
                lookups_ahead.answer("unknown.test", socket.AF_INET, 10.0)
        finally:
            lookups_ahead.forget(mine)
