"""What the helpdesk needs to know about one run, and the plain text they paste in a ticket.

One model (``TicketFacts``) for the window's helpdesk page and its "Copy summary" button, so
both say the same thing; built from a run or a bundle by ``gui.helpdesk_facts``. The text
is plain (no markup: ticket systems differ), names the bundle's file and its SHA-256 so the
file in the ticket can be told from any other, and lists only what needs attention: causes,
what the helpdesk can do, and every check that did not pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from wiresleuth.model.cause import Cause
from wiresleuth.model.check_status import STATUS_WORDS, CheckStatus, Status
from wiresleuth.model.finding import Severity
from wiresleuth.report.summary import cause_headline, helpdesk_action
from wiresleuth.report.terminal_text import for_terminal

_MAX_CHECK_LINES = 30
"""Checks that did not pass listed at most (the rest are counted)."""


@dataclass(frozen=True, kw_only=True)
class TicketFacts:
    """Who, when, where, what was found and what was checked."""

    computer: str | None = None
    """The computer's name."""
    user: str | None = None
    """The account the program ran under."""
    started_at: float | None = None
    """Epoch seconds the run started."""
    duration: float | None = None
    """Seconds it took."""
    cancelled: bool = False
    """The user cancelled the run."""
    os_text: str = ""
    """``Linux 6.1.0 (x86_64)``."""
    targets: tuple[str, ...] = ()
    """The sites tested (``host:port``)."""
    routes: tuple[str, ...] = ()
    """One line per site: the route it took and where that came from."""
    profile: str = ""
    """Where the profile came from (a path, or "built-in default")."""
    helpdesk: str = ""
    """The helpdesk named by the profile (name and contact), or empty."""
    causes: tuple[Cause, ...] = ()
    """The findings grouped by cause."""
    checks: tuple[CheckStatus, ...] | None = None
    """Every check's status; None when the source does not record them."""
    capture: str = ""
    """The capture sentence (captured N packets, or why not)."""
    bundle_name: str | None = None
    """The bundle's file name; None while the run is not saved."""
    bundle_sha256: str | None = None
    """Hex SHA-256 of the bundle file (None until computed, or unsaved)."""
    program: str = ""
    """``WireSleuth 0.1.0``: the program that made the run."""

    @property
    def when(self) -> str:
        """The start as a UTC date and time (the helpdesk and the user may be in different
        time zones), or "an unknown time"."""
        if self.started_at is None:
            return "an unknown time"
        try:
            return datetime.fromtimestamp(self.started_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        except (OverflowError, OSError, ValueError):
            return "an unknown time"

    @property
    def who(self) -> str:
        """``laptop-042 (user alice)``, or what is known of it."""
        name = self.computer or "an unnamed computer"
        return f"{name} (user {self.user})" if self.user else name


def _one_line(text: str) -> str:
    """One line, control characters and bidi overrides made visible (a bundle's titles are
    untrusted, and a ticket system may render them)."""
    return " ".join(for_terminal(text, one_line=True).split())


def check_counts(checks: Sequence[CheckStatus]) -> str:
    """``10 passed, 1 found a problem, 6 not tested, 1 could not run`` (zero counts left out):
    checks per site, not causes (two checks may see the same cause)."""
    parts = []
    for status in Status:
        count = sum(1 for c in checks if c.status is status)
        if count:
            word = "found a problem" if status is Status.PROBLEM else STATUS_WORDS[status]
            parts.append(f"{count} {word}")
    return ", ".join(parts) or "no check"


def _cause_lines(index: int, cause: Cause) -> list[str]:
    finding = cause.finding
    named = finding.target and finding.target in finding.title
    where = f" ({_one_line(finding.target)})" if finding.target and not named else ""
    lines = [f"{index}. [{cause.severity.value.upper()}] {_one_line(finding.title)}{where}"]
    action = helpdesk_action(finding)
    if action:
        lines.append(f"   What the helpdesk can do: {action}")
    if cause.supporting:
        explained = "; ".join(_one_line(f.title) for f in cause.supporting)
        lines.append(f"   It explains: {explained}")
    return lines


def _check_lines(checks: Sequence[CheckStatus] | None) -> list[str]:
    if checks is None:
        return ["What was checked: not recorded in this bundle (made before statuses existed)."]
    if not checks:
        return []
    lines = [f"What was checked: {check_counts(checks)}."]
    unusual = [c for c in checks if c.status is not Status.PASSED]
    for status in unusual[:_MAX_CHECK_LINES]:
        where = f" — {status.target}" if status.target else ""
        lines.append(f"  {_one_line(status.title)}{where}: {_one_line(status.shown)}")
    if len(unusual) > _MAX_CHECK_LINES:
        lines.append(f"  … and {len(unusual) - _MAX_CHECK_LINES} more (see the bundle)")
    return lines


def ticket_text(facts: TicketFacts) -> str:
    """The plain-text summary for a ticket; ends with a newline."""
    head = f"WireSleuth result: {_one_line(facts.who)}, {facts.when}"
    if facts.cancelled:
        head += " (cancelled: only the checks that had finished)"
    lines = [head]
    if facts.bundle_name:
        digest = f" (SHA-256 {facts.bundle_sha256})" if facts.bundle_sha256 else ""
        lines.append(f"Bundle: {_one_line(facts.bundle_name)}{digest}")
    else:
        lines.append("Bundle: not saved yet")
    if facts.os_text:
        lines.append(f"Operating system: {_one_line(facts.os_text)}")
    if facts.targets:
        lines.append(f"Sites tested: {', '.join(_one_line(t) for t in facts.targets)}")
    lines += [f"Route: {_one_line(r)}" for r in facts.routes]
    if facts.profile:
        lines.append(f"Profile: {_one_line(facts.profile)}")
    lines.append("")
    lines.append(_one_line(cause_headline(facts.causes)))
    trouble = [c for c in facts.causes if not c.about_the_run and c.severity is not Severity.INFO]
    for index, cause in enumerate(trouble, 1):
        lines += _cause_lines(index, cause)
    notes = [c for c in facts.causes if not c.about_the_run and c.severity is Severity.INFO]
    if notes:
        lines.append("Notes: " + "; ".join(_one_line(c.finding.title) for c in notes))
    remarks = [c for c in facts.causes if c.about_the_run]
    for cause in remarks:
        lines.append(f"About the run: {_one_line(cause.finding.title)}")
    if facts.capture:
        lines.append(_one_line(facts.capture))
    checks = _check_lines(facts.checks)
    if checks:
        lines += ["", *checks]
    if facts.program:
        lines += ["", f"Made by {facts.program}."]
    return "\n".join(lines) + "\n"
