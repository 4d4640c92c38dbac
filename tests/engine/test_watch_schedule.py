"""The watch's scheduler, driven by a fake clock: no test sleeps."""

import itertools
import threading
from collections.abc import Callable

import pytest

from wiresleuth.engine.watch_schedule import RealClock, Scheduler, Slot


class FakeClock:
    """Virtual time: ``wait`` jumps forward; a cancel planned at a virtual instant (as if
    another thread pressed Stop then) ends the wait at that instant."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.cancel_at: float | None = None
        self.waits: list[float] = []

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float, cancelled: threading.Event) -> bool:
        """Time passes inside an attempt; True when the planned cancel came meanwhile."""
        return self.wait(seconds, cancelled)

    def wait(self, seconds: float, cancelled: threading.Event) -> bool:
        self.waits.append(seconds)
        seconds = max(0.0, seconds)
        if self.cancel_at is not None and self.t + seconds >= self.cancel_at:
            self.t = max(self.t, self.cancel_at)
            cancelled.set()
            return True
        self.t += seconds
        return cancelled.is_set()


def attempts_lasting(
    clock: FakeClock, durations: list[float], log: list[tuple[float, float, Slot]]
) -> Callable[[Slot, threading.Event], None]:
    """An attempt that takes the next duration of virtual time, honouring a cancel at once
    (as the engine does, within a second)."""

    def attempt(slot: Slot, cancelled: threading.Event) -> None:
        began = clock.t
        seconds = durations[slot.number - 1] if slot.number <= len(durations) else 1.0
        clock.advance(seconds, cancelled)
        log.append((began, clock.t, slot))

    return attempt


def test_attempts_start_on_their_slots_until_the_duration_is_up() -> None:
    clock = FakeClock()
    log: list[tuple[float, float, Slot]] = []
    end = Scheduler(60.0, 300.0, clock=clock).run(attempts_lasting(clock, [2.0] * 10, log))
    assert [began - 1000.0 for began, _, _ in log] == [0.0, 60.0, 120.0, 180.0, 240.0]
    assert end.attempts == 5 and end.skipped == 0 and not end.cancelled


def test_a_long_attempt_skips_the_slots_it_covered_and_nothing_overlaps() -> None:
    clock = FakeClock()
    log: list[tuple[float, float, Slot]] = []
    # the second attempt (a failure and its full diagnosis) lasts 150 s: slots at 120 and
    # 180 pass while it runs; the next attempt starts at 240, not at once, and not twice
    durations = [2.0, 150.0, 2.0, 2.0, 2.0]
    end = Scheduler(60.0, 400.0, clock=clock).run(attempts_lasting(clock, durations, log))
    starts = [began - 1000.0 for began, _, _ in log]
    assert starts == [0.0, 60.0, 240.0, 300.0, 360.0]
    assert [slot.skipped_before for _, _, slot in log] == [0, 0, 2, 0, 0]
    assert end.skipped == 2
    for (_, finished, _), (began, _, _) in itertools.pairwise(log):
        assert began >= finished  # never overlapping


def test_an_attempt_longer_than_the_rest_of_the_watch_ends_it_without_more() -> None:
    clock = FakeClock()
    log: list[tuple[float, float, Slot]] = []
    end = Scheduler(60.0, 120.0, clock=clock).run(attempts_lasting(clock, [500.0], log))
    assert len(log) == 1 and end.attempts == 1
    assert end.skipped == 1  # only the slot at 60 s lay inside the duration


@pytest.mark.parametrize("cancel_after", [0.0, 30.0, 61.0, 119.5])
def test_cancel_while_waiting_or_in_an_attempt_stops_within_a_second(cancel_after: float) -> None:
    clock = FakeClock()
    clock.cancel_at = 1000.0 + cancel_after
    log: list[tuple[float, float, Slot]] = []
    scheduler = Scheduler(60.0, 3600.0, clock=clock)
    # attempts take 5 s: a cancel at 61 s comes inside the second attempt
    end = scheduler.run(attempts_lasting(clock, [5.0] * 100, log))
    assert end.cancelled
    assert clock.t - clock.cancel_at <= 1.0
    assert all(began < clock.cancel_at for began, _, _ in log)  # nothing started after it


def test_cancel_before_run_runs_nothing() -> None:
    clock = FakeClock()
    scheduler = Scheduler(60.0, 600.0, clock=clock)
    scheduler.cancel()
    ran: list[Slot] = []
    end = scheduler.run(lambda slot, _: ran.append(slot))
    assert ran == [] and end.attempts == 0 and end.cancelled


@pytest.mark.parametrize(
    ("every", "duration"), [(1.0, 60.0), (float("nan"), 60.0), (60.0, 0.0), (60.0, 1e9)]
)
def test_nonsense_settings_are_refused(every: float, duration: float) -> None:
    with pytest.raises(ValueError, match=r"interval|duration"):
        Scheduler(every, duration)


def test_the_real_clock_wakes_a_waiting_scheduler_on_cancel() -> None:
    """Bounded: a scheduler waiting for an hour-long slot returns once cancelled (the
    thread is joined with a bound, then checked)."""
    scheduler = Scheduler(3600.0, 7200.0, clock=RealClock())
    started = threading.Event()

    def attempt(slot: Slot, cancelled: threading.Event) -> None:
        started.set()

    runner = threading.Thread(target=scheduler.run, args=(attempt,), daemon=True)
    runner.start()
    assert started.wait(10.0)
    scheduler.cancel()
    runner.join(10.0)
    assert not runner.is_alive()
