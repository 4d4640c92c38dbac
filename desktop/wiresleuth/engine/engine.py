"""The engine: one asyncio loop runs every wizard concurrently, each under a hard deadline.

``run()`` blocks, so front ends call it from a worker thread (the GUI) or the main thread with
a watcher (the CLI); ``cancel()`` may be called from any thread and the run returns within a
second with what had finished, marked cancelled.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import (
    Awaitable,
    Callable,
    Collection,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import replace
from pathlib import Path
from typing import Any

from wiresleuth.diagnosis.diagnose import diagnose
from wiresleuth.diagnosis.recording import Origin, Recording
from wiresleuth.engine import scratch
from wiresleuth.engine.capture_control import CaptureControl
from wiresleuth.engine.critical_path import RunClock, path_text
from wiresleuth.engine.housekeeping import collect_system_info
from wiresleuth.engine.lookups import connectivity_if_offline
from wiresleuth.engine.quiet_loop import once_quiet
from wiresleuth.engine.readiness import Readiness
from wiresleuth.engine.run_log import RunLog
from wiresleuth.engine.stall_meter import StallMeter
from wiresleuth.engine.warm_up import load_analysis, load_capture_end
from wiresleuth.model.engine_observations import (
    ENGINE,
    CheckFailure,
    CheckPlan,
    EngineObservations,
)
from wiresleuth.model.events import ProgressEvent
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.observations import ConnectObservation, ResolveObservation
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.profile_summary import ProfileSummary
from wiresleuth.model.run import RunResult
from wiresleuth.model.target import Target
from wiresleuth.probes import lookups_ahead
from wiresleuth.probes.resolve import resolve
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import Wait, Wizard, WizardInput
from wiresleuth.wizards.loading import end_held, fine_switching, load
from wiresleuth.wizards.set_up_names import set_up_names

log = logging.getLogger(__name__)

EventSink = Callable[[ProgressEvent], None]
_TRAILING_PACKETS = 0.3
"""Most seconds capture keeps running after the probes, for the FIN/RST that closing sockets
cause: the answer to the last close comes one round trip later (``_trailing_wait``)."""
_TRAILING_MIN = 0.05
_STOP_GRACE = 3.0
"""Seconds cancelled wizards have to end before the run goes on without them."""
_RECANCEL = 0.2
"""Seconds between cancellations of a wizard that has not ended yet."""


class _Progress:
    """The engine side of ``wizards.base.Progress`` for one wizard."""

    def __init__(self, engine: Engine, wizard: str) -> None:
        self._engine = engine
        self._wizard = wizard

    def step(self, message: str) -> None:
        self._engine._step(self._wizard, message)

    def socket_event(
        self, target: str, kind: str, at: float, detail: str = "", *, lane: str = ""
    ) -> None:
        self._engine._emit(
            "socket",
            f"{target}: {kind}",
            wizard=self._wizard,
            data={"target": target, "event": kind, "at": at, "detail": detail, "lane": lane},
        )

    def waiting(self, what: str, deadline: float | None) -> contextlib.AbstractContextManager[Wait]:
        return self._engine._clock.span(self._wizard, what, deadline=deadline)

    def publish(self, observations: object) -> None:
        log.info("%s: observations published early", self._wizard)
        self._engine._readiness.publish(self._wizard, observations)


class Engine:
    """Runs a set of wizards against a profile's targets."""

    def __init__(
        self,
        profile: Profile,
        wizards: Sequence[Wizard],
        *,
        extra_targets: Sequence[Target] = (),
        capture: bool = True,
        on_event: EventSink | None = None,
        work_dir: Path | None = None,
    ) -> None:
        self._profile = profile
        self._wizards = list(wizards)
        # A needed wizard that is not part of this run is simply absent from ``earlier`` (the
        # user may pick checks); one listed after the wizard that needs it is a programming error.
        present = {w.id for w in self._wizards}
        known: set[str] = set()
        for wizard in self._wizards:
            late = [
                name
                for name in (*wizard.needs, *wizard.uses)
                if name in present and name not in known
            ]
            if late:
                raise ValueError(f"wizard {wizard.id} needs {late}, which must be listed before it")
            known.add(wizard.id)
        targets = dict.fromkeys((*profile.targets, *extra_targets))
        self._targets = tuple(targets)
        self._capture_wanted = capture
        self._on_event = on_event
        self._work_dir = work_dir
        self._own_scratch: Path | None = None
        self._asked_ahead: list[lookups_ahead.Name] = []
        """Names this run asked ahead for its checks' set-up (``probes.lookups_ahead``)."""
        self._done = 0
        self._total = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cancel: asyncio.Event | None = None
        self._cancel_requested = threading.Event()
        self._lock = threading.Lock()
        self._clock = RunClock()
        self._readiness = Readiness()

    @property
    def targets(self) -> tuple[Target, ...]:
        """The targets this run tests."""
        return self._targets

    def run(self) -> RunResult:
        """Run to completion (or cancellation) and return the result; never raises for network
        trouble, only for programming errors (and then leaves no scratch folder behind)."""
        scratch.sweep_once()
        try:
            # The whole run switches finely: a thread that loads or reads (the system's facts,
            # the gateway, a child's spawn) held the interpreter 5 ms each time the event loop
            # wanted it back, and every probe's next step waited that long.
            with RunLog() as run_log, end_held() as release, fine_switching():
                result = asyncio.run(self._main(run_log, release))
        except BaseException:
            if self._own_scratch is not None:
                scratch.discard(self._own_scratch)
            raise
        finally:
            lookups_ahead.forget(self._asked_ahead)
            self._asked_ahead = []
        return result

    def cancel(self) -> None:
        """Ask the run to stop; safe from any thread, returns at once."""
        self._cancel_requested.set()
        with self._lock:
            loop, event = self._loop, self._cancel
        if loop is not None and event is not None:
            loop.call_soon_threadsafe(event.set)

    # -- progress -----------------------------------------------------------------------

    def _emit(
        self,
        kind: str,
        message: str,
        *,
        wizard: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        if self._on_event is None:
            return
        event = ProgressEvent(
            kind=kind,
            time=time.time(),
            message=message,
            wizard=wizard,
            done=self._done,
            total=self._total,
            data=dict(data or {}),
        )
        try:
            self._on_event(event)
        except Exception:  # a broken front end must not lose the run
            log.exception("progress listener failed on %s", kind)

    def _step(self, wizard: str | None, message: str) -> None:
        self._done = min(self._done + 1, self._total)
        log.info("%s: %s", wizard or "engine", message)
        self._emit("step", message, wizard=wizard)

    # -- the run ------------------------------------------------------------------------

    async def _main(self, run_log: RunLog, release_end: Callable[[], None]) -> RunResult:
        started = time.time()
        self._clock = clock = RunClock()
        meter = StallMeter()  # first: a stop during the lookups spoils them too
        meter.start()
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._cancel = asyncio.Event()
            if self._cancel_requested.is_set():
                self._cancel.set()
        budgets = self._profile.budgets
        run_deadline = time.monotonic() + budgets.run
        self._total = 3
        self._emit(
            "run-started",
            f"Testing {len(self._targets)} target(s)",
            data={
                "targets": [t.key for t in self._targets],
                "wizards": [w.id for w in self._wizards],
            },
        )
        capture = CaptureControl(wanted=self._capture_wanted)
        hosts = list(dict.fromkeys(t.host for t in self._targets))
        ahead = set_up_names(self._profile)
        with clock.span(None, "resolving the targets' names", deadline=budgets.connect):
            pool = _give_threads(len(hosts) + len(ahead) + len(self._wizards))
            lookups, on_way = _lookups_leaving(hosts, budgets.connect)
            # the names the checks' set-up will look up leave with the targets' (its threads
            # started one after another: the last lookup left up to 0.03 s later)
            on_way += self._ask_ahead(ahead, pool)
            # The lookups leave first, then the wizards' set-up (its own lookups: the PAC
            # host, the proxies) and capture start: a lookup queued behind them, or waiting
            # for the interpreter they held, left 0.01-0.05 s late.
            if on_way:
                await asyncio.wait(on_way, timeout=_LEAVING)
            preparing = asyncio.gather(
                *(asyncio.to_thread(w.prepare, self._profile) for w in self._wizards)
            )
            await asyncio.sleep(0)
            capture.open()
            resolutions = await lookups
        resolved = dict(zip(hosts, resolutions, strict=True))
        given = WizardInput(
            profile=self._profile,
            targets=self._targets,
            resolved=resolved,
            capture_allowed=self._capture_wanted,
            run_deadline=run_deadline,
        )
        checking = time.monotonic()
        connectivity = await connectivity_if_offline(resolutions, budgets.connect)
        if connectivity is not None:  # checked: no name resolved
            clock.add(
                None, "checking the basics", checking, time.monotonic(), deadline=budgets.connect
            )
        self._total += sum(w.steps(given) for w in self._wizards)
        self._step(None, "names resolved")

        with clock.span(None, "starting capture"):
            await preparing
            await capture.start(await self._flows(given))
            loading = capture.warm(then=load_capture_end)
        analysis_loaded = loading or asyncio.wrap_future(load(load_analysis))
        # The system's facts are read for the bundle only: after what the probes and the end
        # of the run need (their modules take 0.05 s to load, which delayed capture's start).
        system_task = asyncio.create_task(collect_system_info())
        self._emit(
            "capture",
            "capturing this program's traffic"
            if capture.info.available
            else f"capture unavailable: {capture.info.reason}",
        )
        self._step(None, "capture started" if capture.info.available else "capture unavailable")

        phase_start = time.monotonic()
        # What only the end needs loads once the checks have set up and wait on the network
        # (beside their set-up it halved its speed, and the first handshakes' with it).
        quiet = asyncio.create_task(once_quiet())
        quiet.add_done_callback(lambda _done: release_end())
        try:
            observations, failures, cancelled = await self._run_wizards(given, run_deadline)
        finally:
            quiet.cancel()
        clock.add(
            None, "the wizards", phase_start, time.monotonic(), deadline=budgets.run,
            waits_on=clock.last_wizard([w.id for w in self._wizards]),
        )  # fmt: skip
        if not cancelled and capture.info.available:
            trailing = _trailing_wait(list(observations.values()))
            with clock.span(None, "last packets of closed connections", deadline=trailing):
                await self._unless_cancelled(capture.closes_answered(trailing))
        closing = time.monotonic()
        packets = await capture.stop()
        await asyncio.gather(analysis_loaded, return_exceptions=True)  # a failure shows below
        stalls = await meter.stop()
        if stalls:
            log.warning(
                "this program was not scheduled %d time(s), longest %.2f s",
                len(stalls) + meter.dropped, max(s.length for s in stalls),
            )  # fmt: skip

        self._emit("analysing", "analysing what was seen")
        observations[ENGINE] = EngineObservations(
            targets={t.key: t.host for t in self._targets},
            lookups=tuple(resolutions),
            connectivity=connectivity,
            capture_wanted=self._capture_wanted,
            checks=tuple(
                CheckPlan(
                    wizard=w.id,
                    title=w.title,
                    per_target=w.per_target,
                    not_tested=self._not_tested(w, _as_given_to(w, given, observations)),
                )
                for w in self._wizards
            ),
            failures=tuple(failures),
            stall_interval=meter.interval,
            stalls=stalls,
            stalls_dropped=meter.dropped,
        )
        recording = Recording(
            origin=Origin.RUN,
            name="run",
            own_traffic=True,
            wizards=tuple(w.id for w in self._wizards),
            observations=observations,
            capture=capture.info,
            packets=tuple(packets),
        )
        diagnosis = diagnose(recording)
        ordered = diagnosis.findings
        capture_file = (
            capture.write(self._scratch() / "capture.pcapng", diagnosis.comments)
            if capture.info.available
            else None
        )
        clock.add(None, "stopping capture and analysing", closing, time.monotonic())
        self._step(None, "analysis done")
        try:
            system = await asyncio.wait_for(system_task, 5.0)
        except TimeoutError:
            system = {"errors": ["system information was not collected within 5 s"]}
        # A probe task a wizard left behind (a cancelled one that lost its cancellation)
        # would hold the end of the run until its own deadline: stopped here, bounded.
        leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in leftovers:
            task.cancel()
        await _until_stopped(leftovers)
        critical = clock.path()
        log.info("%s", path_text(critical))
        result = RunResult(
            started_at=started,
            finished_at=time.time(),
            targets=tuple(t.key for t in self._targets),
            findings=ordered,
            connections=diagnosis.connections,
            packets=tuple(packets),
            capture=capture.info,
            capture_file=capture_file,
            observations={k: to_jsonable(v) for k, v in observations.items()},
            wizards=tuple(w.id for w in self._wizards),
            cancelled=cancelled,
            profile=_profile_summary(self._profile),
            system=system,
            log=tuple(run_log.lines),
            critical_path=critical,
            checks=diagnosis.checks,
        )
        self._emit(
            "run-finished",
            "cancelled" if cancelled else "finished",
            data={"findings": len(ordered)},
        )
        return result

    def _ask_ahead(
        self, names: Sequence[lookups_ahead.Name], pool: concurrent.futures.Executor
    ) -> list[asyncio.Future[None]]:
        """Ask the set-up's names now (``probes.lookups_ahead``; forgotten when the run
        ends); for each a future done once its lookup has left."""
        signals = {name: _left_signal() for name in names}
        self._asked_ahead += lookups_ahead.ask(names, pool, lambda name: signals[name][1])
        return [left for left, _ in signals.values()]

    async def _run_wizards(
        self, given: WizardInput, run_deadline: float
    ) -> tuple[dict[str, Any], list[CheckFailure], bool]:
        """Observations per wizard; the checks that ended without them (a check the user's
        cancel stopped is marked so: its status says it could not run, no finding is made
        of it); whether the run was cancelled."""
        assert self._cancel is not None
        tasks: dict[asyncio.Task[Any], Wizard] = {}
        by_id: dict[str, asyncio.Task[Any]] = {}
        self._readiness = readiness = Readiness()
        for wizard in self._wizards:
            later = {
                name: self._when_ready(wizard, by_id[name])
                for name in wizard.uses
                if name in by_id
            }
            task = asyncio.create_task(
                self._one_wizard(wizard, replace(given, later=later), dict(by_id)),
                name=wizard.id,
            )
            readiness.track(wizard.id, task)
            tasks[task] = wizard
            by_id[wizard.id] = task
        cancel_wait = asyncio.create_task(self._cancel.wait())
        left = max(0.0, run_deadline - time.monotonic())
        done, pending = await asyncio.wait(
            {*tasks, cancel_wait}, timeout=left, return_when=asyncio.FIRST_COMPLETED
        )
        while not cancel_wait.done() and (pending - {cancel_wait}):
            left = max(0.0, run_deadline - time.monotonic())
            if left == 0:
                break
            more, pending = await asyncio.wait(
                pending, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )
            done |= more
        cancelled = cancel_wait.done()
        cancel_wait.cancel()
        observations: dict[str, Any] = {}
        failures: list[CheckFailure] = []
        for task, wizard in tasks.items():
            if not task.done():
                task.cancel()
                if cancelled:
                    failures.append(
                        CheckFailure(
                            wizard=wizard.id, title=wizard.title, why="the run was cancelled",
                            stopped="the run was cancelled before this check finished",
                            cancelled=True,
                        )
                    )  # fmt: skip
                    continue
                why = f"it did not finish within the run budget of {self._profile.budgets.run:g} s"
                failures.append(
                    CheckFailure(wizard=wizard.id, title=wizard.title, why=why, stopped=why)
                )
        await _until_stopped(tasks)
        for task, wizard in tasks.items():
            if not task.done() or task.cancelled():
                continue
            exc = task.exception()
            if exc is not None:
                log.error("wizard %s failed", wizard.id, exc_info=exc)
                why = f"{type(exc).__name__}: {exc}"
                failures.append(
                    CheckFailure(
                        wizard=wizard.id, title=wizard.title, why=why, stopped=f"it failed: {why}"
                    )
                )
            elif not _declared(wizard, task.result()):
                kind = type(task.result()).__name__
                why = f"it returned {kind}, not its {wizard.observation_type.__name__}"
                failures.append(
                    CheckFailure(wizard=wizard.id, title=wizard.title, why=why, stopped=why)
                )
            else:
                observations[wizard.id] = task.result()
        return observations, failures, cancelled

    async def _one_wizard(
        self, wizard: Wizard, given: WizardInput, before: dict[str, asyncio.Task[Any]]
    ) -> Any:
        earlier, after = await self._readiness.needed(wizard, before)
        if after is not None:
            given = replace(given, earlier=earlier)
        self._emit("wizard-started", wizard.title, wizard=wizard.id)
        began = time.monotonic()
        self._clock.wizard_started(wizard.id, after=after)
        try:
            result = await wizard.run(given, _Progress(self, wizard.id))
        finally:
            self._clock.wizard_ended(wizard.id)
        self._emit(
            "wizard-finished",
            f"{wizard.title} done",
            wizard=wizard.id,
            data={"elapsed": time.monotonic() - began},
        )
        return result

    def _when_ready(
        self, wizard: Wizard, task: asyncio.Task[Any]
    ) -> Callable[[], Awaitable[object | None]]:
        """What ``wizard`` awaits for the observations of the wizard ``task`` runs (as
        published early, for one it lists in ``uses_early``)."""
        name = task.get_name()
        ready = self._readiness.published(name) if name in wizard.uses_early else task

        async def wait() -> object | None:
            with self._clock.span(wizard.id, f"waiting for {name}", waits_on=name):
                # asyncio.wait, not the task: cancelling the waiting wizard must not cancel it.
                await asyncio.wait({ready})
            if ready.cancelled() or ready.exception() is not None:
                return None
            found: object = ready.result()
            return found

        return wait

    async def _flows(self, given: WizardInput) -> list[FlowSpec]:
        """Every wizard's flows, in one thread: their lookups (PAC host, proxies) were made by
        ``prepare``, so each plans in a fraction of a millisecond; a thread each cost more in
        hand-overs (6 ms) than the planning itself."""

        def plan() -> list[FlowSpec]:
            return [flow for wizard in self._wizards for flow in wizard.flows(given)]

        return await asyncio.to_thread(plan)

    def _not_tested(self, wizard: Wizard, given: WizardInput) -> dict[str, str]:
        try:
            return dict(wizard.not_tested(given))
        except Exception:  # a broken declaration must not lose the run
            log.exception("%s: not_tested failed", wizard.id)
            return {}

    async def _unless_cancelled(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` to its end, or until the run is cancelled."""
        assert self._cancel is not None
        task = asyncio.ensure_future(work)
        cancelled = asyncio.ensure_future(self._cancel.wait())
        try:
            await asyncio.wait({task, cancelled}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pending in (task, cancelled):
                pending.cancel()
            ended = await asyncio.gather(task, cancelled, return_exceptions=True)
        if isinstance(ended[0], Exception):  # the run goes on without what it waited for
            log.error("waiting for the last packets failed: %r", ended[0])

    def _scratch(self) -> Path:
        if self._work_dir is None:
            self._own_scratch = self._work_dir = scratch.new_folder()
        return self._work_dir


_LEAVING = 0.05
"""Seconds the run's other work waits for its lookups to leave (a thread's start takes a
fraction of a millisecond: the bound only keeps a stuck thread pool from holding the run)."""


def _lookups_leaving(
    hosts: Sequence[str], timeout: float
) -> tuple[asyncio.Future[list[ResolveObservation]], list[asyncio.Future[None]]]:
    """The lookups of ``hosts`` (gathered), and for each a future done once it has left."""
    on_way = [_left_signal() for _ in hosts]
    lookups = asyncio.gather(
        *(
            resolve(h, timeout=timeout, on_way=tell)
            for h, (_, tell) in zip(hosts, on_way, strict=True)
        )
    )
    return lookups, [left for left, _ in on_way]


def _left_signal() -> tuple[asyncio.Future[None], Callable[[], object]]:
    """A future of the running loop, and a function any thread calls to set it (a lookup
    calls it as it leaves)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def done() -> None:
        if not future.done():
            future.set_result(None)

    def tell() -> None:
        with contextlib.suppress(RuntimeError):  # the run ended (its loop closed) first
            loop.call_soon_threadsafe(done)

    return future, tell


_SPARE_THREADS = 4
"""Threads beyond one per lookup and per wizard's set-up: opening capture, and the jobs the
checks start in threads (the gateway, the security products, the system's facts)."""


def _give_threads(jobs: int) -> concurrent.futures.ThreadPoolExecutor:
    """A thread pool with a thread for each blocking job the run starts at once (each lookup
    waits a round trip in a thread): with the default pool (CPU count + 4, six threads here)
    the seventh lookup of a profile's names waited for the first to end."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(jobs + _SPARE_THREADS, 32))
    asyncio.get_running_loop().set_default_executor(pool)
    return pool


async def _until_stopped(tasks: Collection[asyncio.Task[Any]]) -> None:
    """Wait for cancelled tasks to end, cancelling again those that swallowed it.

    On Python 3.11 ``asyncio.wait_for`` loses a cancellation that arrives as the future it
    waits for completes; a probe then goes on to its own timeout (a minute, for a stalled
    handshake) and a cancelled run did not stop. A task still running after ``_STOP_GRACE``
    is left behind (and logged) rather than holding the run.
    """
    pending = {task for task in tasks if not task.done()}
    deadline = time.monotonic() + _STOP_GRACE
    while pending and time.monotonic() < deadline:
        _, pending = await asyncio.wait(pending, timeout=_RECANCEL)
        for task in pending:
            task.cancel()
    for task in pending:
        log.error(
            "task %s did not stop within %g s of being cancelled", task.get_name(), _STOP_GRACE
        )


def _as_given_to(wizard: Wizard, given: WizardInput, observations: Mapping[str, Any]) -> WizardInput:
    """The input as the wizard had it: with the observations of the wizards it needs and uses
    (what it left untested may depend on them: no proxy known before the route is decided)."""
    seen = {n: observations[n] for n in (*wizard.needs, *wizard.uses) if n in observations}
    return replace(given, earlier=seen)


def _trailing_wait(observations: Iterable[Any]) -> float:
    """How long capture keeps going after the probes: one and a half of the slowest round trip
    a probe's connection measured (the peer's FIN or RST after our close comes one round trip
    later), between ``_TRAILING_MIN`` and ``_TRAILING_PACKETS``; the least when no connection
    was established (nothing to close)."""
    rtts = [c.handshake_rtt for c in _connections(observations)]
    slowest = max((r for r in rtts if r is not None), default=None)
    if slowest is None:
        return _TRAILING_MIN
    return min(_TRAILING_PACKETS, max(_TRAILING_MIN, 1.5 * slowest + 0.02))


def _connections(found: Any, depth: int = 0) -> Iterator[ConnectObservation]:
    """Every ConnectObservation inside wizards' observations (dataclasses, tuples, dicts)."""
    if depth > 12:
        return
    if isinstance(found, ConnectObservation):
        yield found
    elif dataclasses.is_dataclass(found) and not isinstance(found, type):
        for item in dataclasses.fields(found):
            yield from _connections(getattr(found, item.name), depth + 1)
    elif isinstance(found, dict):
        for item in found.values():
            yield from _connections(item, depth + 1)
    elif isinstance(found, (list, tuple, set, frozenset)):
        for item in found:
            yield from _connections(item, depth + 1)


def _declared(wizard: Wizard, observations: Any) -> bool:
    """Whether a wizard returned the observation type it declares (one that declares none
    is let through: tests/wizards/test_registry.py requires every shipped wizard to)."""
    kind = getattr(wizard, "observation_type", None)
    return kind is None or isinstance(observations, kind)


def discard_scratch(result: RunResult) -> None:
    """Delete the run's scratch files (the capture) once the bundle holds what it needs."""
    scratch.discard_for(result.capture_file)


def _profile_summary(profile: Profile) -> dict[str, Any]:
    summary = ProfileSummary(
        source=profile.source,
        targets=tuple(t.url if t.scheme in ("http", "https") else t.key for t in profile.targets),
        pac_url=profile.pac_url,
        proxy=profile.proxy,
        must_refuse=tuple(t.key for t in profile.must_refuse),
        helpdesk={"name": profile.helpdesk.name, "contact": profile.helpdesk.contact},
        budgets=to_jsonable(profile.budgets),
    )
    written: dict[str, Any] = to_jsonable(summary)
    return written
