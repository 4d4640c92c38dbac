"""The critical path: the chain of waits a run sat out, found backwards from its end."""

from __future__ import annotations

import time

from wiresleuth.engine.critical_path import RunClock, path_text


def chain(clock: RunClock, end: float) -> list[tuple[str | None, str, float]]:
    return [(s.wizard, s.what, s.seconds) for s in clock.path(end)]


def test_the_longest_wait_of_the_last_wizard_and_what_came_before_it() -> None:
    clock = RunClock(origin=0.0)
    clock.add(None, "resolving", 0.0, 0.1, deadline=3.0)
    clock.add(None, "starting capture", 0.1, 0.2)
    clock.wizard_started("pac", after=None, at=0.2)
    clock.wizard_ended("pac", at=0.2)
    clock.wizard_started("route", after="pac", at=0.2)
    clock.wizard_ended("route", at=0.21)
    clock.wizard_started("tls", after="route", at=0.21)
    clock.add("tls", "default handshake", 0.21, 6.3, deadline=9.0, ran_out=True)
    clock.add("tls", "small-mss handshake", 0.21, 0.7, deadline=9.0)  # beside it: not on the path
    clock.wizard_ended("tls", at=6.4)
    clock.wizard_started("hold", after="route", at=0.21)
    clock.add("hold", "https request", 0.22, 3.0, deadline=9.0)
    clock.wizard_ended("hold", at=3.1)
    clock.add(
        None, "the wizards", 0.2, 6.4, waits_on=clock.last_wizard(["pac", "route", "tls", "hold"])
    )
    clock.add(None, "last packets", 6.4, 6.6, deadline=0.2)
    steps = clock.path(6.7)
    assert [(s.wizard, s.what) for s in steps] == [
        (None, "resolving"),
        (None, "starting capture"),
        ("tls", "default handshake"),
        ("tls", "other work"),
        (None, "last packets"),
        (None, "engine work"),
    ]
    handshake = steps[2]
    assert handshake.to_deadline and handshake.deadline_s == 9.0
    assert abs(handshake.start_s - 0.21) < 1e-6 and abs(handshake.seconds - 6.09) < 1e-6
    assert abs(sum(s.seconds for s in steps) - 6.7) < 0.03
    assert "tls: default handshake 6.09 s (ran to its 9 s deadline)" in path_text(steps)


def test_a_wait_for_another_wizard_continues_in_that_wizard() -> None:
    """The MTU wizard's sweep ran beside the TLS wizard; its TCP evidence waited for it."""
    clock = RunClock(origin=0.0)
    clock.wizard_started("tls", after=None, at=0.0)
    clock.add("tls", "default handshake", 0.0, 4.0, deadline=7.0)
    clock.wizard_ended("tls", at=4.0)
    clock.wizard_started("mtu", after=None, at=0.0)
    clock.add("mtu", "DF sweep", 0.0, 2.4)
    clock.add("mtu", "waiting for tls", 0.0, 4.01, waits_on="tls")
    clock.wizard_ended("mtu", at=4.02)
    clock.add(None, "the wizards", 0.0, 4.02, waits_on="mtu")
    assert chain(clock, 4.02) == [("tls", "default handshake", 4.0)]


def test_a_wait_is_taken_once_and_the_walk_ends() -> None:
    """Zero-length and back-to-back spans must not make the walk go round in circles."""
    clock = RunClock(origin=0.0)
    clock.add(None, "resolving", 0.0, 0.0)
    clock.add(None, "starting capture", 0.0, 0.01)
    assert chain(clock, 0.01) == [(None, "starting capture", 0.01)]


def test_a_wizard_cut_by_the_run_budget_leaves_the_engine_wait_on_the_path() -> None:
    clock = RunClock(origin=0.0)
    clock.wizard_started("waits", after=None, at=0.0)  # never ended
    clock.add(None, "the wizards", 0.0, 5.0, deadline=5.0, waits_on=clock.last_wizard(["waits"]))
    (step,) = clock.path(5.0)
    assert step.what == "the wizards" and step.to_deadline


def test_spans_measured_as_they_happen() -> None:
    clock = RunClock()
    with clock.span("tls", "a wait", deadline=0.01) as wait:
        time.sleep(0.03)
        wait.ran_out = False  # the wizard knows better than the clock
    clock.wizard_started("tls", after=None, at=clock.origin)
    clock.wizard_ended("tls")
    clock.add(None, "the wizards", clock.origin, time.monotonic(), waits_on="tls")
    (step,) = [s for s in clock.path() if s.what == "a wait"]
    assert step.seconds >= 0.03 and step.deadline_s == 0.01 and not step.to_deadline


def test_an_abandoned_wait_is_never_on_the_path() -> None:
    """A speculative handshake cancelled after the default one ended waited for nothing
    (nothing used it): the default handshake made the run as long as it was."""
    clock = RunClock()
    origin = clock.origin
    clock.wizard_started("tls", after=None, at=origin)
    clock.add("tls", "default handshake", origin, origin + 0.01)
    with clock.span("tls", "public-trust handshake") as wait:
        time.sleep(0.03)  # cancelled when the wizard ended, after the default handshake
        wait.abandoned = True
    clock.wizard_ended("tls")
    clock.add(None, "the wizards", origin, time.monotonic(), waits_on="tls")
    whats = [s.what for s in clock.path()]
    assert "default handshake" in whats and "public-trust handshake" not in whats


def test_of_two_waits_that_ended_together_the_one_that_took_the_time() -> None:
    """The proxy wizard awaited the PAC wizard (its path round trip), then the route, which
    had long been done: the run waited for the PAC wizard, not the route."""
    clock = RunClock(origin=0.0)
    clock.wizard_started("pac", after=None, at=0.0)
    clock.add("pac", "fetching the PAC", 0.0, 0.2)
    clock.add("pac", "path round trip", 0.0, 0.55)
    clock.wizard_ended("pac", at=0.55)
    clock.wizard_started("route", after="pac", at=0.2)
    clock.wizard_ended("route", at=0.21)
    clock.wizard_started("proxy", after=None, at=0.0)
    clock.add("proxy", "waiting for pac", 0.0, 0.55, waits_on="pac")
    clock.add("proxy", "waiting for route", 0.55, 0.551, waits_on="route")
    clock.add("proxy", "direct connect", 0.551, 0.65)
    clock.wizard_ended("proxy", at=0.65)
    clock.add(None, "the wizards", 0.0, 0.65, waits_on="proxy")
    assert [what for _, what, _ in chain(clock, 0.65)] == ["path round trip", "direct connect"]
