"""The status of every check for every target: passed, problem, not tested, could not run.

An engineer must tell "proxy: not tested (no proxy is known)" from "proxy: passed"; a check
that did not look must never read as a pass. Computed by ``analysis.check_status`` at the
end of a run and saved in report.json (``checks``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class Status(enum.StrEnum):
    """What became of one check for one target."""

    PASSED = "passed"
    """It ran and found nothing worse than information."""
    PROBLEM = "problem"
    """It ran and found a problem or a warning (``findings`` names them)."""
    NOT_TESTED = "not_tested"
    """It did not look, on purpose (``reason`` says why: no proxy known, not an HTTPS site)."""
    COULD_NOT_RUN = "could_not_run"
    """It should have looked and could not (``reason`` says why: cancelled, failed, timed out)."""


STATUS_WORDS: Mapping[Status, str] = {
    Status.PASSED: "passed",
    Status.PROBLEM: "problem",
    Status.NOT_TESTED: "not tested",
    Status.COULD_NOT_RUN: "could not run",
}
"""Each status as a person reads it."""


@dataclass(frozen=True, kw_only=True)
class AddressStatus:
    """What one check found on one address of a target's name (issue 16): a site whose
    name gives four addresses may fail on one of them only."""

    address: str
    """The address (IPv4 or IPv6)."""
    status: Status
    """Passed, problem, or not tested (it could not be reached: ``reason`` says how)."""
    reason: str = ""
    """What was seen there, in a few words (``handshake completed``, a problem's title)."""

    @property
    def shown(self) -> str:
        """``10.0.0.7: problem: reset after the ClientHello``."""
        word = STATUS_WORDS[self.status]
        return f"{self.address}: {word}: {self.reason}" if self.reason else f"{self.address}: {word}"


@dataclass(frozen=True, kw_only=True)
class CheckStatus:
    """One check (a wizard, the name lookup, the capture) for one target or as a whole."""

    check: str
    """The wizard ID (``tls``, ``proxy``...), or ``lookup`` / ``capture`` for the engine's own."""
    title: str
    """The check's name as the list of checks shows it."""
    target: str | None
    """``host:port``; None for the check as a whole (PAC, local listeners, capture)."""
    status: Status
    """Passed, problem, not tested or could not run."""
    reason: str = ""
    """Why it was not tested or could not run; for a problem, the finding's title; for a
    pass, what was seen when that is worth a word (the route, the address looked up)."""
    findings: tuple[str, ...] = ()
    """IDs of the findings of this check about this target (problems first)."""
    addresses: tuple[AddressStatus, ...] = ()
    """Per address of the target's name, when the check tested more than one (the TLS
    check); empty otherwise and in bundles written before it."""

    @property
    def shown(self) -> str:
        """The status in words with its reason: ``not tested (no proxy is known)``, ``could
        not run (the run was cancelled)``, ``passed: 198.18.0.1``, ``problem: <title>``."""
        word = STATUS_WORDS[self.status]
        if not self.reason:
            return word
        if self.status in (Status.PASSED, Status.PROBLEM):
            return f"{word}: {self.reason}"
        return f"{word} ({self.reason})"


def status_dict(status: CheckStatus) -> dict[str, Any]:
    """One CheckStatus as report.json holds it."""
    return {
        "check": status.check,
        "title": status.title,
        "target": status.target,
        "status": status.status.value,
        "reason": status.reason,
        "findings": list(status.findings),
        **(
            {
                "addresses": [
                    {"address": a.address, "status": a.status.value, "reason": a.reason}
                    for a in status.addresses
                ]
            }
            if status.addresses
            else {}
        ),
    }


def _load_addresses(data: Any) -> tuple[AddressStatus, ...] | None:
    """``addresses`` of one row read back; None when in a shape this version does not know."""
    if not isinstance(data, list):
        return None
    out: list[AddressStatus] = []
    for item in data:
        if not isinstance(item, Mapping):
            return None
        address, reason = item.get("address"), item.get("reason", "")
        if not (isinstance(address, str) and isinstance(reason, str)):
            return None
        try:
            status = Status(str(item.get("status")))
        except ValueError:
            return None
        out.append(AddressStatus(address=address, status=status, reason=reason))
    return tuple(out)


def load_statuses(data: Any) -> tuple[CheckStatus, ...] | None:
    """``report["checks"]`` read back typed; None when absent (bundles before issue 13) or in
    a shape this version does not know (one unreadable row makes the whole table unknown:
    a status table with holes would read as passes)."""
    if not isinstance(data, list):
        return None
    rows: list[CheckStatus] = []
    for item in data:
        if not isinstance(item, Mapping):
            return None
        check, title, target = item.get("check"), item.get("title"), item.get("target")
        reason, findings = item.get("reason", ""), item.get("findings", [])
        try:
            status = Status(str(item.get("status")))
        except ValueError:
            return None
        if not (isinstance(check, str) and isinstance(title, str) and isinstance(reason, str)):
            return None
        if target is not None and not isinstance(target, str):
            return None
        if not isinstance(findings, list) or not all(isinstance(f, str) for f in findings):
            return None
        addresses = _load_addresses(item.get("addresses", []))
        if addresses is None:
            return None
        rows.append(
            CheckStatus(
                check=check,
                title=title,
                target=target,
                status=status,
                reason=reason,
                findings=tuple(findings),
                addresses=addresses,
            )
        )
    return tuple(rows)
