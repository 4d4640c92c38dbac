"""Findings: a conclusion about the network, the evidence it rests on, and two texts."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    """How much a finding matters to the user; the report orders findings by it."""

    INFO = "info"
    WARNING = "warning"
    PROBLEM = "problem"

    @property
    def weight(self) -> int:
        """Larger is worse; used for ordering and for the CLI's exit code."""
        return {"info": 0, "warning": 1, "problem": 2}[self.value]


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """One fact a finding rests on, as an engineer would quote it."""

    text: str
    """One line: what was seen, with its figures ("SYN-ACK 0.3 ms after SYN")."""
    packets: tuple[int, ...] = ()
    """1-based frame numbers in the bundle's capture.pcapng (they carry packet comments)."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """Named durations or instants in seconds (instants are epoch seconds)."""
    addresses: tuple[str, ...] = ()
    """IP addresses (or address:port) the fact is about."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Anything else worth keeping verbatim, JSON-serialisable (e.g. injected bytes as text)."""


@dataclass(frozen=True, kw_only=True)
class Finding:
    """A conclusion of one wizard about one target (or the run), ready to show and to save."""

    id: str
    """Stable identifier from the findings catalogue, e.g. ``tls.reset_after_client_hello``."""
    severity: Severity
    """info, warning or problem."""
    title: str
    """A short headline, plain words."""
    user_text: str
    """What a user understands: what happens and what to tell the helpdesk."""
    engineer_text: str
    """What an engineer acts on: the mechanism, the figures, where to look."""
    wizard: str
    """Identifier of the wizard that produced it."""
    target: str | None = None
    """The target (``host:port``) the finding is about; None for run-wide findings."""
    evidence: tuple[Evidence, ...] = ()
    """The facts behind the conclusion."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """Machine-readable figures (``{"dscp": 46}``, ``{"seconds": 3.0}``) for tests and comparison."""

    @property
    def packets(self) -> tuple[int, ...]:
        """Every frame number cited by the evidence, in order, without repeats."""
        return cited_packets(self.evidence)


def cited_packets(evidence: Iterable[Evidence]) -> tuple[int, ...]:
    """Every frame number these facts cite, in the order first cited, without repeats: what
    a finding (or an addition to one) points the packet list at."""
    seen: dict[int, None] = {}
    for ev in evidence:
        for number in ev.packets:
            seen.setdefault(number, None)
    return tuple(seen)


def conclude(
    wizard: str,
    fid: str,
    severity: Severity,
    title: str,
    user: str,
    engineer: str,
    evidence: Iterable[Evidence],
    *,
    target: str | None = None,
    **values: Any,
) -> Finding:
    """A finding from its parts in the order rules write them: what, both texts, the facts,
    then figures as keywords (one constructor for every rule module's shorthand)."""
    return Finding(
        id=fid,
        severity=severity,
        title=title,
        user_text=user,
        engineer_text=engineer,
        wizard=wizard,
        target=target,
        evidence=tuple(evidence),
        values=values,
    )
