"""Waits that ended while this program was stopped prove nothing about the network.

A probe's deadline is the check's own standard: "no answer within D seconds" is a fault only
if the program listened for D seconds. When the deadline fell while the program was not
scheduled (``EngineObservations.stalls``), the program woke with its timer overdue and gave
up at once: an answer that arrived during the stop sat unread, and the program had listened
only from the wait's start to the stall's start, less than its deadline. So a wait that
started before a stall ended and ended during it, or right after it (within one meter
interval: the meter and the overdue timer wake together, and the recorded window is placed
to within one interval), concluded nothing; the check could not run (``TOO_BUSY``).

A wait whose deadline fell after the program ran again is sound: what came during the stop
was read on waking. No threshold is tuned here: the only number is the meter's interval.

A time limit on work done by a child process (the PAC script) is judged by the same rule,
with one more look: a stop of the whole computer (a sleep, a loaded machine) stops the child
too, but a stop of this program alone (or this program starved by the child's own work)
does not; a child that used more CPU seconds within its window than this program was awake
there must have run through the stop, so its limit ran out for it and the timeout stands
(``Stops.cut_short``). The meter watches this program only: a child starved while this
program ran, or stopped by a stop that ended before its deadline, is not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wiresleuth.analysis.answer_on_wire import LateRead
from wiresleuth.analysis.spoken_duration import spoken_duration
from wiresleuth.model.engine_observations import Stall
from wiresleuth.model.finding import Evidence, Finding, Severity


@dataclass(frozen=True)
class Stops:
    """A run's stalls and its meter's interval, as the rules that read them take them."""

    stalls: Sequence[Stall] = ()
    interval: float = 0.0

    def during(self, *, started: float, ended: float) -> Stall | None:
        """``stall_during`` of these."""
        return stall_during(self.stalls, self.interval, started=started, ended=ended)

    def late(
        self, *, target: str, exchange: str, started: float, ended: float | None
    ) -> LateRead | None:
        """A timed-out wait (``exchange``, in words, of ``target``) whose deadline fell in
        one of these stops, as a ``LateRead`` that says so; None when it proves its silence
        (or its end was not kept: a bundle written before it was)."""
        if ended is None:
            return None
        stall = self.during(started=started, ended=ended)
        if stall is None:
            return None
        return LateRead(
            target=target,
            exchange=exchange,
            waited=ended - started,
            arrived_after=None,
            stopped=withheld_detail(exchange, stall, started=started, ended=ended),
        )

    def handed_over(
        self, *, target: str, request: str, at: float, left: float
    ) -> LateRead | None:
        """A request this program stamped (``at``: its clock read just before handing the
        request to the socket) inside a stop's window and that left the host (``left``)
        during that stop or as the program woke, as a ``LateRead`` that says so: the stop may
        have fallen between the stamp and the hand-over, and then the time to ``left`` is
        this program's stop, not a hold on the way out. None when no stop was there (or the
        run had no meter), and when the request left well after the program ran again: held
        then, whatever stopped the program before."""
        stall = self.during(started=at, ended=left)
        if stall is None or stall.started_at > at + self.interval:
            return None
        return LateRead(
            target=target,
            exchange=request,
            waited=left - at,
            arrived_after=None,
            stopped=(
                f"{request} left the host {left - at:.2f} s after the program stamped it, and "
                f"the stamp fell in a {stall.length:.2f} s stop of this program: the stop may "
                "have come between the stamp and the hand-over to the socket, so that time "
                "proves no hold."
            ),
        )

    def within(self, *, started: float, ended: float) -> tuple[Stall, ...]:
        """``stalls_within`` of these."""
        return stalls_within(self.stalls, self.interval, started=started, ended=ended)

    def cut_short(
        self,
        *,
        target: str,
        work: str,
        started: float | None,
        ended: float | None,
        worked: float | None,
    ) -> LateRead | None:
        """Work by a child process on this computer (``work``, in words, of ``target``)
        whose time limit (``started``..``ended``) ran out with its deadline in one of these
        stops (``late``'s rule), as a ``LateRead``; None when it did not, when the window was
        not kept (a bundle written before), or when the child's CPU seconds in the window
        (``worked``) exceed the time this program was awake there: it ran through the stop."""
        if started is None:
            return None
        late = self.late(target=target, exchange=work, started=started, ended=ended)
        if late is None or ended is None:
            return None
        stopped = sum(
            min(s.ended_at, ended) - max(s.started_at, started)
            for s in self.within(started=started, ended=ended)
        )
        awake = (ended - started) - max(0.0, stopped)
        if worked is not None and worked > awake:
            return None
        return late


NO_STOPS = Stops()
"""A run without a meter (or a foreign capture): no wait is known to have been stopped."""


def stall_during(
    stalls: Sequence[Stall], interval: float, *, started: float, ended: float
) -> Stall | None:
    """The stall a wait (epoch seconds ``started``..``ended``) ended in or right after;
    None when its end fell while the program ran (or the run had no meter: ``interval`` 0)."""
    if interval <= 0:
        return None
    for stall in stalls:
        if started < stall.ended_at and stall.started_at <= ended <= stall.ended_at + interval:
            return stall
    return None


def stalls_within(
    stalls: Sequence[Stall], interval: float, *, started: float, ended: float
) -> tuple[Stall, ...]:
    """The stalls that overlap a window (epoch ``started``..``ended``; its end widened by one
    meter interval, as ``stall_during``'s); none when the run had no meter."""
    if interval <= 0:
        return ()
    return tuple(s for s in stalls if s.started_at < ended + interval and s.ended_at > started)


def withheld_detail(what: str, stall: Stall, *, started: float, ended: float) -> str:
    """For the engineer: one wait not concluded, and the stall that spoils it."""
    listened = max(0.0, stall.started_at - started)
    return (
        f"{what} ended after {ended - started:.2f} s, {ended - stall.started_at:.2f} s into a "
        f"{stall.length:.2f} s stop of this program (its deadline fell while it was not "
        f"scheduled): it listened only {listened:.2f} s, so its silence proves nothing about "
        "the network."
    )


def program_stopped(
    stalls: Sequence[Stall], withheld: Sequence[str], *, started_at: float | None = None
) -> Finding:
    """The info finding that says the program was stopped during the run, and which
    conclusions (in words) were withheld because of it; ``started_at``: the run's start
    (epoch), for times counted from it."""
    longest = max(stalls, key=lambda s: s.length)
    total = sum(s.length for s in stalls)
    origin = started_at if started_at is not None else stalls[0].started_at
    return Finding(
        id="probe.program_stopped",
        severity=Severity.INFO,
        wizard="engine",
        title=f"This computer stopped the program for {spoken_duration(longest.length)} during the run",
        user_text=(
            f"This computer did not let the diagnostics run for {spoken_duration(longest.length)} "
            "(it was very busy, went to sleep, or the program was paused). Checks that were "
            "waiting for an answer at that moment could not tell whether the network answered, "
            "so they say they could not run. Run the diagnostics again."
        ),
        engineer_text=(
            f"The stall meter saw {len(stalls)} stop(s) of this program, {total:.2f} s in all, "
            f"the longest {longest.length:.2f} s (each window is placed to within one meter "
            "interval). Not concluded, because their deadline fell inside a stop: "
            + "; ".join(withheld)
            + ". Their silence is this computer's; run again to test them."
        ),
        evidence=tuple(
            Evidence(
                text=f"program not scheduled from {s.started_at - origin:.2f} s to "
                f"{s.ended_at - origin:.2f} s of the run ({s.length:.2f} s)",
                timings={"start": s.started_at, "end": s.ended_at, "length": s.length},
            )
            for s in stalls
        ),
        values={
            "stalls": len(stalls),
            "longest": longest.length,
            "total": total,
            "withheld": list(withheld),
        },
    )
