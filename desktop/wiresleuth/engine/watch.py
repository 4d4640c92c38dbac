"""A watch: the light check repeated on a schedule, a full diagnosis whenever it fails.

Each attempt is an ordinary engine run of the light checks (``light_wizards``: the PAC
check, the route, one TLS handshake per address along it), with its own
capture of this program's flows; ``diagnose`` concludes its findings as for any run, and
``analysis.watch_results`` turns them into a result per target and address. The capture goes
into the ring (``watch_ring``). When an attempt fails, a full run of every check starts at
once (the same engine, ``all_wizards``), and the failure's evidence — the attempt before,
the failing one, the full diagnosis, and later the attempt after — is kept
(``watch_evidence``). At the start of each attempt this computer's links are read
(``platform.linux_links`` on Linux: interfaces up, VPN tunnels, each Wi-Fi network and
access point): what changed since the attempt before is said as a ``network-change``
event, and the Wi-Fi network and VPN tunnels are facts compared between a failing and a
working attempt. ``run()`` blocks (a worker thread); ``cancel()`` from any thread stops
the schedule and the run in progress within a second or two.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from wiresleuth.analysis.link_changes import describe, link_changes, vpn_facts, wifi_facts
from wiresleuth.analysis.merge import merge_same_findings
from wiresleuth.analysis.watch_results import AttemptMaterial, results_of
from wiresleuth.analysis.watch_summary import WatchLog, with_contexts
from wiresleuth.analysis.watch_words import attempt_words
from wiresleuth.engine import scratch
from wiresleuth.engine.engine import Engine, discard_scratch
from wiresleuth.engine.watch_evidence import EvidencePart, EvidenceStore
from wiresleuth.engine.watch_ring import CaptureRing, RingEntry
from wiresleuth.engine.watch_schedule import Clock, Scheduler, Slot
from wiresleuth.model.engine_observations import ENGINE, EngineObservations
from wiresleuth.model.finding import Finding
from wiresleuth.model.jsonable import JsonableError, from_jsonable
from wiresleuth.model.link_state import LinkState
from wiresleuth.model.observations import TlsWizardObservations
from wiresleuth.model.pac_observations import PacWizardObservations
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.target import Target
from wiresleuth.model.watch import (
    WatchAttempt,
    WatchProgress,
    WatchRun,
    WatchSettings,
    WatchSummary,
    failure_label,
)
from wiresleuth.platform.linux_links import read_links
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import Wizard

log = logging.getLogger(__name__)

WizardSet = Callable[[Profile], list[Wizard]]
"""Fresh wizards for one run of a profile."""
ProgressSink = Callable[[WatchProgress], None]
LinkReader = Callable[[], LinkState | None]
"""This computer's links now (None: not known on this system)."""
MAX_LOG_LINES = 10_000
"""Lines of the watch's own log kept (one or two per attempt)."""
PROBES = (
    "name resolution",
    "TLS handshake per address",
    "the PAC fetch (when the profile or this computer's settings name a PAC)",
)
"""The light check in words (report.json ``watch.settings.probes``)."""


def light_wizards(profile: Profile) -> list[Wizard]:
    """The light check: the PAC check, the route (which the handshake follows), one TLS
    handshake per address. The PAC check runs whoever names the PAC (the profile, this
    computer's settings, WPAD when automatic detection is on), as in a full run: its
    sandboxed evaluation is what the route wizard decides PAC users' routes from, so a PAC
    from the OS settings sends each attempt through the proxy or direct as it says (without
    a PAC anywhere it reads the settings and touches no network). The tunnel hold is left to
    the full diagnosis: it holds a tunnel open for the profile's ``tunnel_hold`` (tens of
    seconds)."""
    from wiresleuth.wizards.pac import PacWizard
    from wiresleuth.wizards.route import RouteWizard
    from wiresleuth.wizards.watch_tls import WatchTlsWizard

    del profile
    return [PacWizard(), RouteWizard(), WatchTlsWizard()]


def full_wizards(profile: Profile) -> list[Wizard]:
    """Every check, as ``wiresleuth run`` runs them."""
    from wiresleuth.wizards.registry import all_wizards

    del profile
    return all_wizards()


class Watch:
    """One watch of a profile's targets."""

    def __init__(
        self,
        profile: Profile,
        *,
        every: float,
        duration: float,
        extra_targets: Sequence[Target] = (),
        capture: bool = True,
        light: WizardSet = light_wizards,
        full: WizardSet = full_wizards,
        on_progress: ProgressSink | None = None,
        clock: Clock | None = None,
        ring: CaptureRing | None = None,
        evidence_bytes: int | None = None,
        links: LinkReader | None = read_links,
    ) -> None:
        self._profile = profile
        self._extra = tuple(extra_targets)
        self._capture = capture
        self._light = light
        self._full = full
        self._on_progress = on_progress
        self._scheduler = Scheduler(every, duration, clock=clock)
        self._ring = ring or CaptureRing()
        self._evidence_bytes = evidence_bytes
        self._log = WatchLog()
        self._lines: deque[str] = deque(maxlen=MAX_LOG_LINES)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._system: dict[str, Any] = {}
        self._kept_failed: int | None = None
        self._capture_reason: str | None = None
        self._capture_how: str | None = None
        self._targets = tuple(t.key for t in dict.fromkeys((*profile.targets, *extra_targets)))
        self._store: EvidenceStore | None = None
        self._started = time.time()
        self._links = links
        self._links_seen: LinkState | None = None

    def listen(self, sink: ProgressSink) -> None:
        """Send progress to ``sink`` (before ``run``: the window's worker hands its own)."""
        self._on_progress = sink

    @property
    def targets(self) -> tuple[str, ...]:
        """The targets watched (``host:port``)."""
        return self._targets

    def cancel(self) -> None:
        """Stop the watch: no new attempt, the running one ends within a second or two."""
        self._scheduler.cancel()
        with self._lock:
            engine = self._engine
        if engine is not None:
            engine.cancel()

    def run(self) -> WatchRun:
        """Run the schedule; the watch with every failure's evidence. Blocks."""
        folder = scratch.new_folder()
        try:
            self._store = EvidenceStore(
                folder, **({"max_bytes": self._evidence_bytes} if self._evidence_bytes else {})
            )
            self._started = time.time()
            end = self._scheduler.run(self._attempt)
            finished = time.time()
            settings = WatchSettings(
                every=self._scheduler.every,
                duration=self._scheduler.duration,
                targets=self._targets,
                started_at=self._started,
                finished_at=finished,
                ended="cancelled" if end.cancelled else "finished",
                probes=PROBES,
                skipped_slots=end.skipped,
            )
            assembled = self._store.assemble(folder / "capture.pcapng")
            summary = self._log.summary(
                settings, assembled.failures, evidence_dropped=self._store.dropped
            )
            findings = sorted(
                merge_same_findings(assembled.findings), key=lambda f: -f.severity.weight
            )
            result = RunResult(
                started_at=self._started,
                finished_at=finished,
                targets=self._targets,
                findings=tuple(findings),
                connections=assembled.connections,
                capture=CaptureInfo(
                    available=assembled.capture is not None,
                    reason=None if assembled.capture is not None else self._no_capture_reason(),
                    how_to_enable=None if assembled.capture is not None else self._capture_how,
                    packets=assembled.packets,
                ),
                capture_file=assembled.capture,
                wizards=tuple(w.id for w in self._light(self._profile)),
                cancelled=end.cancelled,
                profile=_profile_summary(self._profile),
                system=self._system,
                log=tuple(self._lines),
            )
        except BaseException:
            scratch.discard(folder)
            raise
        if assembled.capture is None:
            scratch.discard(folder)
        self._say("finished", self._closing_words(summary), summary=summary)
        return WatchRun(summary=summary, result=result)

    # -- one attempt --------------------------------------------------------------------

    def _attempt(self, slot: Slot, cancelled: threading.Event) -> None:
        number = slot.number
        if slot.skipped_before:
            self._line(
                f"{slot.skipped_before} slot(s) skipped: the previous attempt was still running"
            )
        links = self._links_now()
        self._say("attempt-started", f"attempt {number}: checking")
        started = time.time()
        result = self._run(self._light(self._profile))
        finished = time.time()
        if result is None:
            return
        self._system = dict(result.system)
        if not result.capture.available:
            self._capture_reason = result.capture.reason
            self._capture_how = result.capture.how_to_enable
        packets, data = _capture_of(result)
        if result.cancelled or cancelled.is_set():
            attempt = WatchAttempt(
                number=number, started_at=started, finished_at=finished, results=(), cancelled=True
            )
            self._log.add(attempt)
            self._say("attempt", f"attempt {number}: stopped before it finished", attempt=attempt)
            return
        wifi, vpn = wifi_facts(links), vpn_facts(links)
        results = with_contexts(
            self._log,
            [(r, replace(c, wifi=wifi, vpn=vpn)) for r, c in results_of(_material(result))],
        )
        attempt = WatchAttempt(
            number=number, started_at=started, finished_at=finished, results=results
        )
        light_part = EvidencePart(
            label="failing",
            attempt=number,
            data=data,
            packets=packets,
            findings=result.findings,
            connections=result.connections,
        )
        if data:
            self._ring.add(RingEntry(attempt=number, data=data, packets=packets))
        assert self._store is not None
        if self._kept_failed is not None:
            # context packets only: its findings are its own (and its own failure's, if any)
            after = replace(light_part, label="after", findings=(), connections=())
            self._store.add_after(self._kept_failed, after)
            self._kept_failed = None
        titles = {f.id: f.title for f in result.findings}
        if attempt.ok:
            self._log.add(attempt, titles)
            self._say(
                "attempt", attempt_words(attempt), attempt=attempt, summary=self._summary_now()
            )
            return
        self._say("attempt", attempt_words(attempt), attempt=attempt)
        self._diagnose(attempt, light_part, titles, cancelled)

    def _links_now(self) -> LinkState | None:
        """The links at the start of an attempt; what changed since the one before is said
        (``network-change``), the first time all of it (``network``)."""
        if self._links is None:
            return None
        try:
            state = self._links()
        except Exception:  # the OS boundary: a broken reader must not lose the watch
            log.exception("the links could not be read")
            return None
        if state is None:
            return None
        if self._links_seen is None:
            self._say("network", f"network: {describe(state)}")
        else:
            for change in link_changes(self._links_seen, state):
                self._say("network-change", f"network change: {change}")
        self._links_seen = state
        return state

    def _diagnose(
        self,
        attempt: WatchAttempt,
        light_part: EvidencePart,
        titles: dict[str, str],
        cancelled: threading.Event,
    ) -> None:
        number = attempt.number
        parts: list[EvidencePart] = []
        before = self._ring.get(number - 1)
        if before is not None:
            parts.append(
                EvidencePart(
                    label="before", attempt=number - 1, data=before.data, packets=before.packets
                )
            )
        parts.append(light_part)
        note = ""
        full: RunResult | None = None
        findings: tuple[Finding, ...] = ()
        if not cancelled.is_set():
            self._say("diagnosis-started", f"attempt {number} failed: running a full diagnosis")
            full = self._run(self._full(self._profile))
        if full is not None:
            packets, data = _capture_of(full)
            findings = full.findings
            parts.append(
                EvidencePart(
                    label="diagnosis",
                    attempt=None,
                    data=data,
                    packets=packets,
                    findings=full.findings,
                    connections=full.connections,
                )
            )
            if full.cancelled:
                note = "the watch was stopped during the full diagnosis: it covers what finished"
            if not full.capture.available:
                note = note or f"no capture: {full.capture.reason}"
        else:
            note = "the watch was stopped before a full diagnosis could run"
        failing = [r for r in attempt.results if not r.ok]
        group = (failing[0].signature, failing[0].target, failing[0].address)
        assert self._store is not None
        kept = self._store.keep(
            attempt=number,
            at=attempt.started_at,
            group=group,
            signatures=tuple(failure_label(r.signature, r.target, r.address) for r in failing),
            parts=parts,
            diagnosis_ran=full is not None,
            note=note,
        )
        if kept:
            self._kept_failed = number
        attempt = replace(attempt, diagnosed=full is not None)
        self._log.add(attempt, titles)
        top = findings[0].title if findings else "nothing more was found"
        if full is None:
            done = "the watch was stopped before its full diagnosis could run"
        elif full.cancelled:
            done = "the watch was stopped during the full diagnosis, which concluded from what finished"
        else:
            done = "full diagnosis done"
        self._say(
            "diagnosis",
            f"attempt {number}: {done}: {len(findings)} finding(s); first: {top}"
            + ("" if kept else " (its evidence was not kept: the watch's bounds are reached)"),
            attempt=attempt,
            findings=findings,
            summary=self._summary_now(),
        )

    def _run(self, wizards: list[Wizard]) -> RunResult | None:
        engine = Engine(self._profile, wizards, extra_targets=self._extra, capture=self._capture)
        with self._lock:
            self._engine = engine
        if self._scheduler.cancelled.is_set():
            return None
        try:
            return engine.run()
        finally:
            with self._lock:
                self._engine = None

    # -- words --------------------------------------------------------------------------

    def _summary_now(self) -> WatchSummary:
        now = time.time()
        return self._log.summary(
            WatchSettings(
                every=self._scheduler.every,
                duration=self._scheduler.duration,
                targets=self._targets,
                started_at=self._started,
                finished_at=now,
                ended="running",
                probes=PROBES,
            )
        )

    def _no_capture_reason(self) -> str:
        if not self._capture:
            return "capture was switched off for this watch"
        if self._capture_reason:
            return f"capture was unavailable: {self._capture_reason}"
        return "no attempt failed: no packets were kept"

    def _closing_words(self, summary: WatchSummary) -> str:
        failed = sum(1 for a in summary.attempts if not a.ok and not a.cancelled)
        return (
            f"watch {'stopped' if summary.settings.ended == 'cancelled' else 'finished'}: "
            f"{summary.attempts_total} attempt(s), "
            f"{failed} failed, {len(summary.groups)} kind(s) of failure"
        )

    def _line(self, message: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        self._lines.append(f"{stamp} {message}")

    def _say(self, kind: str, message: str, **more: Any) -> None:
        self._line(message)
        log.info("watch: %s", message)
        if self._on_progress is None:
            return
        try:
            self._on_progress(WatchProgress(kind=kind, time=time.time(), message=message, **more))
        except Exception:  # a broken front end must not lose the watch
            log.exception("watch progress listener failed on %s", kind)


def _capture_of(result: RunResult) -> tuple[int, bytes]:
    """The run's pcapng (read, then its scratch folder discarded) and its frames."""
    if result.capture_file is None:
        return 0, b""
    try:
        data = result.capture_file.read_bytes()
    except OSError as exc:
        log.error("cannot read the attempt's capture: %s", exc)
        data = b""
    finally:
        discard_scratch(result)
    return (result.capture.packets if data else 0), data


def _material(result: RunResult) -> AttemptMaterial:
    """The attempt's observations read back typed (they are what report.json would hold)."""

    def typed(key: str, kind: type[Any]) -> Any:
        raw = result.observations.get(key)
        if raw is None:
            return None
        try:
            return from_jsonable(kind, raw)
        except JsonableError:
            log.exception("the attempt's %s observations do not fit their type", key)
            return None

    return AttemptMaterial(
        findings=result.findings,
        engine=typed(ENGINE, EngineObservations),
        tls=typed("tls", TlsWizardObservations),
        pac=typed("pac", PacWizardObservations),
        system=result.system,
    )


def _profile_summary(profile: Profile) -> dict[str, Any]:
    from wiresleuth.engine.engine import _profile_summary as summary

    return summary(profile)


def discard_watch_scratch(run: WatchRun) -> None:
    """Delete the watch's scratch files once the bundle holds them."""
    scratch.discard_for(run.result.capture_file)
