"""The result of one diagnostic run: everything a bundle is made of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wiresleuth.model.check_status import CheckStatus
from wiresleuth.model.critical_path import PathStep
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.timeline import Connection


@dataclass(frozen=True, kw_only=True)
class CaptureInfo:
    """Whether packets were captured, and if not, why and what that costs."""

    available: bool
    """True when the run captured its own traffic."""
    reason: str | None = None
    """Why capture was unavailable (the error, in words)."""
    how_to_enable: str | None = None
    """What the user or helpdesk can do to allow capture on this system."""
    filter: str | None = None
    """The BPF filter used: only this program's own flows."""
    interface: str | None = None
    """Interface(s) captured on."""
    packets: int = 0
    """Number of packets captured."""
    dropped: int = 0
    """Packets the capture itself reported missing (the kernel's drops when its buffer
    overflowed): any hole in the capture may then be its own, not the network's
    (``analysis.capture_gaps``)."""
    kept_only: int | None = None
    """The capture kept only its first this many packets (the program's limit) and let the
    later ones go: what followed is not in it (None: it kept every packet)."""


@dataclass(frozen=True, kw_only=True)
class RunResult:
    """Findings, evidence and raw material of one run, before it is written as a bundle."""

    started_at: float
    """Epoch seconds."""
    finished_at: float
    """Epoch seconds."""
    targets: tuple[str, ...]
    """The targets tested (``host:port``)."""
    findings: tuple[Finding, ...]
    """Findings, ordered: most severe first."""
    connections: tuple[Connection, ...] = ()
    """Per-connection timelines."""
    packets: tuple[PacketRecord, ...] = ()
    """Decoded packets of the capture (empty without capture)."""
    capture: CaptureInfo = field(default_factory=lambda: CaptureInfo(available=False))
    """Capture status."""
    capture_file: Path | None = None
    """A pcapng file of the capture with a comment on every packet a finding cites."""
    observations: Mapping[str, Any] = field(default_factory=dict)
    """Per wizard: what its probes measured (JSON-serialisable), for re-analysis and experts."""
    wizards: tuple[str, ...] = ()
    """Identifiers of the wizards that ran."""
    cancelled: bool = False
    """True when the user cancelled the run; findings then cover what had finished."""
    profile: Mapping[str, Any] = field(default_factory=dict)
    """The profile used, with secrets removed."""
    system: Mapping[str, Any] = field(default_factory=dict)
    """System state: interfaces, routes, DNS servers, proxy settings (system.json)."""
    log: tuple[str, ...] = ()
    """Log lines of the run (log.txt)."""
    critical_path: tuple[PathStep, ...] = ()
    """The chain of waits that made the run as long as it was, in run order."""
    checks: tuple[CheckStatus, ...] = ()
    """Every check's status per target (passed, problem, not tested, could not run); empty
    for results made before statuses existed."""
