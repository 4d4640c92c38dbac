"""``stopped_waits``: a wait whose deadline fell while the program was stopped proves nothing."""

from __future__ import annotations

from wiresleuth.analysis.stopped_waits import (
    Stops,
    program_stopped,
    stall_during,
    withheld_detail,
)
from wiresleuth.model.engine_observations import Stall

INTERVAL = 0.05


def stall(start: float, end: float) -> Stall:
    return Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)


STOP = stall(100.5, 104.0)


def test_a_wait_that_ended_during_the_stop_proves_nothing() -> None:
    assert stall_during([STOP], INTERVAL, started=100.0, ended=103.0) == STOP


def test_a_wait_that_ended_as_the_program_woke_proves_nothing() -> None:
    # its timer overdue, it woke with the meter: ended just after the recorded window
    assert stall_during([STOP], INTERVAL, started=100.0, ended=104.03) == STOP


def test_a_wait_whose_deadline_fell_after_the_program_ran_again_is_sound() -> None:
    # what came during the stop was read on waking: the silence after it is the network's
    assert stall_during([STOP], INTERVAL, started=100.0, ended=105.0) is None


def test_a_wait_that_ended_before_the_stop_or_began_after_it_is_sound() -> None:
    assert stall_during([STOP], INTERVAL, started=99.0, ended=100.4) is None
    assert stall_during([STOP], INTERVAL, started=104.0, ended=104.02) is None


def test_a_run_without_a_meter_knows_no_stall() -> None:
    assert stall_during([STOP], 0.0, started=100.0, ended=103.0) is None


def test_the_finding_says_how_long_and_what_was_withheld() -> None:
    other = stall(110.0, 110.2)
    found = program_stopped([STOP, other], ["the lookup of a.example"], started_at=100.0)
    assert found.id == "probe.program_stopped"
    assert "3.5 s" in found.title and "3.5 s" in found.user_text
    assert "the lookup of a.example" in found.engineer_text
    assert [e.timings["start"] for e in found.evidence] == [100.5, 110.0]
    assert "from 0.50 s to 4.00 s of the run" in found.evidence[0].text
    assert found.values["stalls"] == 2


def test_the_detail_says_how_long_it_really_listened() -> None:
    text = withheld_detail("The lookup of a.example", STOP, started=100.0, ended=104.0)
    assert "listened only 0.50 s" in text and "3.50 s stop" in text


def test_work_whose_limit_ran_out_in_a_stop_is_cut_short_unless_it_ran_through_it() -> None:
    """A child process's time limit: its deadline in a stop, as for every wait; but a child
    that used more CPU seconds than this program was awake in the window ran through the
    stop (this program alone was stopped, or starved by the child's own work)."""
    stops = Stops((STOP,), INTERVAL)
    assert stops.within(started=100.0, ended=103.0) == (STOP,)
    assert stops.within(started=104.5, ended=107.0) == ()  # the stop ended before it began
    assert stops.within(started=96.0, ended=100.4) == ()  # it ended before the stop
    # the limit's deadline (103.0) fell in the stop; awake 0.5 s of the 3 s window
    idle = stops.cut_short(target="pac", work="The PAC script", started=100.0, ended=103.0,
                           worked=0.01)  # fmt: skip
    assert idle is not None and "listened only 0.50 s" in idle.detail
    unknown = stops.cut_short(target="p", work="w", started=100.0, ended=103.0, worked=None)
    assert unknown is not None
    assert stops.cut_short(target="p", work="w", started=100.0, ended=103.0, worked=2.9) is None
    # a stop that ended before the deadline: the rule of every wait, it concludes
    assert stops.cut_short(target="p", work="w", started=99.0, ended=106.0, worked=0.0) is None
    assert stops.cut_short(target="p", work="w", started=None, ended=103.0, worked=0.0) is None
    assert Stops((STOP,), 0.0).cut_short(
        target="p", work="w", started=100.0, ended=103.0, worked=0.0
    ) is None


def test_a_request_stamped_inside_a_stop_may_have_left_late_for_it() -> None:
    stops = Stops((STOP,), INTERVAL)
    spoiled = stops.handed_over(target="t", request="The GET", at=100.6, left=104.01)
    assert spoiled is not None and "stamp fell in a 3.50 s stop" in spoiled.detail
    # stamped before the stop began: the request was handed over before it (no await between)
    assert stops.handed_over(target="t", request="The GET", at=100.0, left=104.01) is None
    assert stops.handed_over(target="t", request="The GET", at=104.5, left=109.5) is None
    # stamped as the program woke, left 5 s later: held after the program ran again
    assert stops.handed_over(target="t", request="The GET", at=103.99, left=108.99) is None
