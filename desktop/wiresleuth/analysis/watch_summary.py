"""The story of a watch: attempts kept, failures grouped, what differed when it failed.

Pure and bounded, whatever the watch's length: the most recent ``MAX_ATTEMPTS`` attempts
are kept (a week at one attempt every 30 s), fewer when they hold more than
``MAX_RESULTS`` results together (many targets and addresses); the groups count every attempt since the
start; contexts are shared (an attempt whose facts did not change points at the same one),
so a week of identical facts costs one. ``WatchLog.add`` takes one attempt at a time;
``summary`` makes the ``WatchSummary`` a bundle holds.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from wiresleuth.model.watch import (
    AddressResult,
    FailureEvidence,
    FailureGroup,
    WatchAttempt,
    WatchContext,
    WatchDifference,
    WatchSettings,
    WatchSummary,
)

MAX_ATTEMPTS = 20_160
"""Attempts kept in detail (a week at one every 30 s); older ones still count in groups."""
MAX_RESULTS = 100_000
"""Results (target x address) kept in detail, all attempts together: report.json stays
under 20 MB (its reader takes 32 MiB) however many targets and addresses are watched."""
MAX_CONTEXTS = 4_096
"""Distinct contexts kept; beyond, new facts are not recorded (``context`` -1)."""
MAX_GROUP_ATTEMPTS = 1_000
"""Attempt numbers listed per group (the count covers them all)."""

Key = tuple[str, str]
"""(target, address)."""


@dataclass
class _Group:
    signature: str
    target: str
    address: str
    title: str
    count: int = 0
    first: float = 0.0
    last: float = 0.0
    first_attempt: int = 0
    last_attempt: int = 0
    attempts: list[int] = field(default_factory=list)


@dataclass
class _Worked:
    count: int = 0
    last: float | None = None


class WatchLog:
    """Accumulates attempts; ``summary`` at any moment (the window shows it as it grows)."""

    def __init__(
        self, *, max_attempts: int = MAX_ATTEMPTS, max_results: int = MAX_RESULTS
    ) -> None:
        self._attempts: deque[WatchAttempt] = deque()
        self._max_attempts = max_attempts
        self._max_results = max_results
        self._results = 0
        self._contexts: list[WatchContext] = []
        self._context_index: dict[WatchContext, int] = {}
        self._groups: dict[tuple[str, str, str], _Group] = {}
        self._worked: dict[Key, _Worked] = {}
        self.total = 0
        """Attempts added since the start."""

    def context_of(self, context: WatchContext) -> int:
        """The shared index of ``context`` (-1 when the table is full)."""
        found = self._context_index.get(context)
        if found is not None:
            return found
        if len(self._contexts) >= MAX_CONTEXTS:
            return -1
        self._context_index[context] = len(self._contexts)
        self._contexts.append(context)
        return len(self._contexts) - 1

    def add(self, attempt: WatchAttempt, titles: dict[str, str] | None = None) -> None:
        """Add an attempt (its results' ``context`` already set by ``context_of``)."""
        self.total += 1
        self._attempts.append(attempt)
        self._results += len(attempt.results)
        while len(self._attempts) > 1 and (
            len(self._attempts) > self._max_attempts or self._results > self._max_results
        ):
            self._results -= len(self._attempts.popleft().results)
        for result in attempt.results:
            key = (result.target, result.address)
            if result.ok:
                worked = self._worked.setdefault(key, _Worked())
                worked.count += 1
                worked.last = attempt.started_at
                continue
            gkey = (result.signature, result.target, result.address)
            group = self._groups.get(gkey)
            if group is None:
                title = (titles or {}).get(result.signature, "")
                group = self._groups[gkey] = _Group(
                    signature=result.signature,
                    target=result.target,
                    address=result.address,
                    title=title,
                    first=attempt.started_at,
                    first_attempt=attempt.number,
                )
            group.count += 1
            group.last = attempt.started_at
            group.last_attempt = attempt.number
            if len(group.attempts) < MAX_GROUP_ATTEMPTS:
                group.attempts.append(attempt.number)

    @property
    def attempts(self) -> tuple[WatchAttempt, ...]:
        """The attempts kept, oldest first."""
        return tuple(self._attempts)

    def summary(
        self,
        settings: WatchSettings,
        failures: Sequence[FailureEvidence] = (),
        *,
        evidence_dropped: int = 0,
    ) -> WatchSummary:
        """The summary as of now."""
        attempts = tuple(self._attempts)
        groups = [self._group(g, attempts) for g in self._groups.values()]
        groups.sort(key=lambda g: (-g.count, g.first, g.signature, g.target, g.address))
        return WatchSummary(
            settings=settings,
            attempts=attempts,
            contexts=tuple(self._contexts),
            groups=tuple(groups),
            failures=tuple(failures),
            attempts_total=self.total,
            evidence_dropped=evidence_dropped,
        )

    def _group(self, group: _Group, attempts: Sequence[WatchAttempt]) -> FailureGroup:
        worked = self._worked.get((group.target, group.address), _Worked())
        failing = _result_in(attempts, group.last_attempt, group.target, group.address)
        nearest = nearest_working(attempts, group.last_attempt, group.target, group.address)
        differences: tuple[WatchDifference, ...] = ()
        if failing is not None and nearest is not None:
            differences = differences_between(
                failing, self._context(failing), nearest[1], self._context(nearest[1])
            )
        return FailureGroup(
            signature=group.signature,
            target=group.target,
            address=group.address,
            count=group.count,
            first=group.first,
            last=group.last,
            first_attempt=group.first_attempt,
            last_attempt=group.last_attempt,
            attempts=tuple(group.attempts),
            worked=worked.count,
            last_worked=worked.last,
            nearest_working=nearest[0].number if nearest else None,
            differences=differences,
            title=group.title,
        )

    def _context(self, result: AddressResult) -> WatchContext | None:
        if 0 <= result.context < len(self._contexts):
            return self._contexts[result.context]
        return None


def _result_in(
    attempts: Sequence[WatchAttempt], number: int, target: str, address: str
) -> AddressResult | None:
    at = _position(attempts, number)
    if at is None:
        return None
    return next(
        (r for r in attempts[at].results if r.target == target and r.address == address), None
    )


def _position(attempts: Sequence[WatchAttempt], number: int) -> int | None:
    numbers = [a.number for a in attempts]
    at = bisect.bisect_left(numbers, number)
    return at if at < len(numbers) and numbers[at] == number else None


def nearest_working(
    attempts: Sequence[WatchAttempt], number: int, target: str, address: str
) -> tuple[WatchAttempt, AddressResult] | None:
    """The attempt nearest to attempt ``number`` (before or after; before on a tie) in which
    ``target`` worked on ``address``, or on another address when it never worked on that
    one (then the address is one of the differences)."""
    at = _position(attempts, number)
    if at is None:
        return None
    for same_address in (True, False):
        before = _scan(attempts, range(at - 1, -1, -1), target, address, same_address)
        after = _scan(attempts, range(at + 1, len(attempts)), target, address, same_address)
        pick = _closer(attempts[at], before, after)
        if pick is not None:
            return pick
    return None


def _scan(
    attempts: Sequence[WatchAttempt],
    order: Iterable[int],
    target: str,
    address: str,
    same_address: bool,
) -> tuple[WatchAttempt, AddressResult] | None:
    for i in order:
        for result in attempts[i].results:
            if (
                result.ok
                and result.target == target
                and (result.address == address) is same_address
            ):
                return attempts[i], result
    return None


def _closer(
    at: WatchAttempt,
    before: tuple[WatchAttempt, AddressResult] | None,
    after: tuple[WatchAttempt, AddressResult] | None,
) -> tuple[WatchAttempt, AddressResult] | None:
    if before is None or after is None:
        return before or after
    if after[0].started_at - at.started_at < at.started_at - before[0].started_at:
        return after
    return before


def _shown(value: str | tuple[str, ...] | None) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return value or "none"


def differences_between(
    failing: AddressResult,
    failing_context: WatchContext | None,
    working: AddressResult,
    working_context: WatchContext | None,
) -> tuple[WatchDifference, ...]:
    """The facts that were not the same (facts unknown on either side are not compared)."""
    found: list[WatchDifference] = []
    if failing.address != working.address:
        found.append(
            WatchDifference(
                fact="address", failing=_shown(failing.address), working=_shown(working.address)
            )
        )
    if failing_context is None or working_context is None:
        return tuple(found)
    facts: list[tuple[str, str | tuple[str, ...] | None, str | tuple[str, ...] | None]] = [
        ("route", failing_context.route, working_context.route),
        ("dns answer", failing_context.dns_answer, working_context.dns_answer),
        ("gateway", failing_context.gateway, working_context.gateway),
        ("gateway MAC", failing_context.gateway_mac, working_context.gateway_mac),
        ("interface", failing_context.interface, working_context.interface),
        ("interfaces up", failing_context.interfaces_up, working_context.interfaces_up),
        ("Wi-Fi", failing_context.wifi, working_context.wifi),
        ("VPN", failing_context.vpn, working_context.vpn),
    ]
    for fact, bad, good in facts:
        if bad != good:
            found.append(WatchDifference(fact=fact, failing=_shown(bad), working=_shown(good)))
    return tuple(found)


def with_contexts(
    log: WatchLog, results: Sequence[tuple[AddressResult, WatchContext]]
) -> tuple[AddressResult, ...]:
    """Results with their ``context`` set to the log's shared index of their facts."""
    return tuple(replace(result, context=log.context_of(context)) for result, context in results)
