"""A watch: a light check repeated on a schedule, and the story it tells over time.

Every attempt has a result per target and address (``AddressResult``): a name that did not
resolve, or a check of the whole computer (the PAC file), has address ``""``. Failures with
the same signature (the finding ID, or the outcome when no finding was concluded, on the
same target and address) form a ``FailureGroup`` with its first and last occurrence, and
what differed from the nearest attempt that worked. report.json holds a ``WatchSummary``
under ``watch``; ``from_jsonable(WatchSummary, ...)`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.finding import Finding
from wiresleuth.model.run import RunResult


def failure_label(signature: str, target: str, address: str) -> str:
    """``signature @ target address``: how a failure is named in ``FailureEvidence``."""
    return f"{signature} @ {target or 'PAC'} {address}".rstrip()


@dataclass(frozen=True, kw_only=True)
class WatchSettings:
    """How the watch was asked to run, and how it ended."""

    every: float
    """Seconds between the starts of two attempts (slots missed while one ran are skipped)."""
    duration: float
    """Seconds the watch was asked to last."""
    targets: tuple[str, ...]
    """The targets watched (``host:port``)."""
    started_at: float
    """Epoch seconds."""
    finished_at: float
    """Epoch seconds."""
    ended: str = "finished"
    """``finished`` (its time was up), ``cancelled`` (Ctrl-C, Stop) or ``failed``."""
    probes: tuple[str, ...] = ()
    """The checks of one attempt, in words ("name resolution", "TLS handshake per address")."""
    skipped_slots: int = 0
    """Slots that passed while an attempt (or a full diagnosis) was still running."""


@dataclass(frozen=True, kw_only=True)
class WatchContext:
    """What this computer said about the way to one target during one attempt: the facts
    compared between a failing attempt and the nearest one that worked."""

    route: str | None = None
    """The route in force, as shown (``direct``, ``proxy a:3128 (from the PAC file)``)."""
    dns_answer: tuple[str, ...] = ()
    """The addresses the name resolved to, in the resolver's order."""
    gateway: str | None = None
    """The default gateway's address."""
    gateway_mac: str | None = None
    """The default gateway's MAC address (a different router, or a spoofer, if it changes)."""
    interface: str | None = None
    """The interface of the default route."""
    interfaces_up: tuple[str, ...] = ()
    """Interfaces that were up (a VPN's tun or wg interface appears here too)."""
    wifi: tuple[str, ...] = ()
    """Each Wi-Fi interface's network at the attempt's start (``wlan0 'corp' at
    14:36:0e:d7:75:f2``; Linux, read by ``platform.linux_links``); empty elsewhere and in
    bundles written before."""
    vpn: tuple[str, ...] = ()
    """VPN tunnel interfaces that were up at the attempt's start (``tun0 (tun/tap)``; Linux)."""


@dataclass(frozen=True, kw_only=True)
class AddressResult:
    """One target's address in one attempt."""

    target: str
    """``host:port``; ``""`` for a check of the whole computer (the PAC file)."""
    address: str
    """The address tested; ``""`` when the name did not resolve (or for the PAC file)."""
    ok: bool
    """Whether it worked."""
    outcome: str
    """What the probe saw (``ok``, ``timeout``, ``reset``, ``no address``, ...)."""
    signature: str = ""
    """For a failure: the finding ID it gave (the most severe), else ``outcome:<outcome>``."""
    context: int = -1
    """Index in ``WatchSummary.contexts`` of the facts of this attempt (-1: none)."""


@dataclass(frozen=True, kw_only=True)
class WatchAttempt:
    """One attempt of the light check."""

    number: int
    """1-based, in the order they ran."""
    started_at: float
    """Epoch seconds."""
    finished_at: float
    """Epoch seconds (before any full diagnosis)."""
    results: tuple[AddressResult, ...]
    """Per target and address."""
    diagnosed: bool = False
    """A full diagnosis ran at once because this attempt failed."""
    cancelled: bool = False
    """The watch was stopped during this attempt: its results cover what had finished."""

    @property
    def ok(self) -> bool:
        """Whether every target and address worked."""
        return all(r.ok for r in self.results)


@dataclass(frozen=True, kw_only=True)
class WatchDifference:
    """One fact that was not the same in a failing attempt and the nearest working one."""

    fact: str
    """``address``, ``route``, ``dns answer``, ``gateway``, ``gateway MAC``, ``interface``,
    ``interfaces up``, ``Wi-Fi``, ``VPN``."""
    failing: str
    """Its value when it failed."""
    working: str
    """Its value when it worked."""


@dataclass(frozen=True, kw_only=True)
class FailureGroup:
    """Failures with the same signature on the same target and address."""

    signature: str
    """The finding ID (or ``outcome:<outcome>``) every failure of the group gave."""
    target: str
    """``host:port`` (``""``: the whole computer)."""
    address: str
    """The address (``""``: none)."""
    count: int
    """How many attempts failed this way."""
    first: float
    """Epoch seconds of the first failing attempt."""
    last: float
    """Epoch seconds of the last failing attempt."""
    first_attempt: int
    """Number of the first failing attempt."""
    last_attempt: int
    """Number of the last failing attempt."""
    attempts: tuple[int, ...] = ()
    """Numbers of the failing attempts (the first 1,000)."""
    worked: int = 0
    """Attempts in which the same target and address worked."""
    last_worked: float | None = None
    """Epoch seconds of the last attempt in which it worked; None: never."""
    nearest_working: int | None = None
    """The working attempt nearest in time to the last failure (before or after it)."""
    differences: tuple[WatchDifference, ...] = ()
    """What differed between the last failure and ``nearest_working``; empty when nothing
    this computer can see differed (look at the network then)."""
    title: str = ""
    """The finding's title in words (or the outcome's)."""

    @property
    def differed(self) -> str:
        """What differed from the nearest working attempt, in words (the list, report.html)."""
        if self.nearest_working is None:
            return "it never worked"
        if not self.differences:
            return f"nothing this computer can see (attempt {self.nearest_working} worked)"
        return "; ".join(f"{d.fact}: {d.failing} (worked with {d.working})" for d in self.differences)


@dataclass(frozen=True, kw_only=True)
class CaptureSection:
    """Frames of the watch bundle's capture that belong to one part of a failure's evidence."""

    label: str
    """``before`` (the attempt before), ``failing`` (the failing attempt), ``diagnosis``
    (the full diagnosis), ``after`` (the attempt after)."""
    first_frame: int
    """1-based number of its first frame in the bundle's capture.pcapng."""
    packets: int
    """Frames in it (0: nothing captured)."""
    attempt: int | None = None
    """The attempt it was captured in (None: the full diagnosis)."""


@dataclass(frozen=True, kw_only=True)
class FailureEvidence:
    """A failure's evidence as kept in the bundle."""

    attempt: int
    """The failing attempt."""
    at: float
    """Epoch seconds when it started."""
    signatures: tuple[str, ...]
    """``signature @ target address`` of each failing result, in words."""
    findings: tuple[Finding, ...] = ()
    """The failing attempt's findings, then the full diagnosis's; frames cite the bundle's
    capture.pcapng (see ``sections``)."""
    sections: tuple[CaptureSection, ...] = ()
    """Where its packets are in the bundle's capture (empty: none kept or no capture)."""
    diagnosis_ran: bool = False
    """Whether a full diagnosis ran for it."""
    note: str = ""
    """Why something is missing (capture unavailable, the diagnosis was cancelled)."""


@dataclass(frozen=True, kw_only=True)
class WatchSummary:
    """Everything a watch bundle adds to report.json (``report["watch"]``)."""

    settings: WatchSettings
    """How it ran."""
    attempts: tuple[WatchAttempt, ...] = ()
    """The attempts kept (the most recent ``MAX_ATTEMPTS``), oldest first."""
    contexts: tuple[WatchContext, ...] = ()
    """The distinct facts attempts referred to (``AddressResult.context``)."""
    groups: tuple[FailureGroup, ...] = ()
    """Failures grouped by signature, target and address; largest first."""
    failures: tuple[FailureEvidence, ...] = ()
    """The failures whose evidence is kept, in the order they happened."""
    attempts_total: int = 0
    """Attempts that ran (the groups count all of them, ``attempts`` keeps the latest)."""
    evidence_dropped: int = 0
    """Failures whose evidence was not kept, to keep the bundle bounded (their groups
    still count them)."""


@dataclass(frozen=True, kw_only=True)
class WatchProgress:
    """Something happened during a watch: for the terminal's lines and the window's list."""

    kind: str
    """``attempt-started``, ``attempt`` (one ended), ``diagnosis-started``, ``diagnosis``
    (the full diagnosis ended), ``waiting`` (for the next slot), ``network`` (this
    computer's links when the watch starts), ``network-change`` (an interface, VPN tunnel or
    Wi-Fi network changed since the attempt before; Linux) or ``finished``."""
    time: float
    """Epoch seconds."""
    message: str
    """One line in plain words."""
    attempt: WatchAttempt | None = None
    """The attempt concerned (``attempt``)."""
    findings: tuple[Finding, ...] = ()
    """What the full diagnosis concluded (``diagnosis``)."""
    summary: WatchSummary | None = None
    """The summary so far (``attempt``, ``diagnosis``, ``finished``)."""


@dataclass(frozen=True, kw_only=True)
class WatchRun:
    """A finished watch, ready to be written as a bundle."""

    summary: WatchSummary
    """report.json's ``watch``."""
    result: RunResult
    """The bundle's ordinary part: the kept failures' findings and timelines, their joined
    capture, the last attempt's system facts."""
