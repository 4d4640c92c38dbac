"""The evidence of a watch's failures, kept on disk and bounded, then put into one capture.

A failure's evidence is its parts: the attempt before (from the ring), the failing attempt,
the full diagnosis that ran at once, and the attempt after; each part a pcapng with the
findings and timelines that cite its frames. The parts are written one after the other into
the failure's file in the watch's private scratch folder (a pcapng may hold many sections;
Wireshark and our reader number frames across them), and at the end every kept failure's
file is joined into the bundle's one capture, frame numbers shifted to match.

Bounded for a week-long watch: per group (signature, target, address) the first
``keep_first`` failures are kept and then only the most recent one (it replaces the
previous most recent); past ``max_bytes`` in all, a failure's evidence is not kept and is
counted (its group still counts it, and the summary says how many were dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from wiresleuth.engine.scratch import private_file
from wiresleuth.model.finding import Finding
from wiresleuth.model.timeline import Connection, TimelineEvent
from wiresleuth.model.watch import CaptureSection, FailureEvidence

EVIDENCE_BYTES = 256 * 1024 * 1024
"""Default bound on the bytes of all kept failures' captures."""
KEEP_FIRST = 3
"""Failures kept per group before only the most recent one is."""


@dataclass(frozen=True, kw_only=True)
class EvidencePart:
    """One part of a failure's evidence."""

    label: str
    """``before``, ``failing``, ``diagnosis`` or ``after``."""
    attempt: int | None
    """The attempt it comes from (None: the full diagnosis)."""
    data: bytes = b""
    """Its pcapng (empty: nothing captured)."""
    packets: int = 0
    """Frames in ``data``."""
    findings: tuple[Finding, ...] = ()
    """Findings citing its frames (1-based within ``data``)."""
    connections: tuple[Connection, ...] = ()
    """Timelines citing its frames."""


@dataclass
class _Kept:
    attempt: int
    at: float
    group: tuple[str, str, str]
    signatures: tuple[str, ...]
    diagnosis_ran: bool
    note: str
    path: Path
    parts: list[EvidencePart] = field(default_factory=list)
    size: int = 0


@dataclass(frozen=True, kw_only=True)
class Assembled:
    """Every kept failure, numbered into one capture."""

    failures: tuple[FailureEvidence, ...]
    """Their evidence, frames cited in the joined capture."""
    findings: tuple[Finding, ...]
    """Every finding of them, frames shifted (for the bundle's findings)."""
    connections: tuple[Connection, ...]
    """Every timeline, frames shifted, ids prefixed with the attempt."""
    capture: Path | None
    """The joined pcapng (None: nothing was captured)."""
    packets: int
    """Frames in it."""


class EvidenceStore:
    """Kept failures, in a private folder, within ``max_bytes``."""

    def __init__(
        self, folder: Path, *, max_bytes: int = EVIDENCE_BYTES, keep_first: int = KEEP_FIRST
    ) -> None:
        self._folder = folder
        self._max_bytes = max_bytes
        self._keep_first = keep_first
        self._kept: dict[int, _Kept] = {}
        self._first: dict[tuple[str, str, str], list[int]] = {}
        self._latest: dict[tuple[str, str, str], int] = {}
        self.bytes = 0
        """Bytes of capture kept now."""
        self.dropped = 0
        """Failures whose evidence was not kept (or was replaced by a later one)."""

    def keep(
        self,
        *,
        attempt: int,
        at: float,
        group: tuple[str, str, str],
        signatures: Sequence[str],
        parts: Sequence[EvidencePart],
        diagnosis_ran: bool,
        note: str = "",
    ) -> bool:
        """Keep a failure's evidence if the bounds allow; whether it was kept."""
        size = sum(len(p.data) for p in parts)
        firsts = self._first.setdefault(group, [])
        replaced = None if len(firsts) < self._keep_first else self._latest.get(group)
        freed = self._kept[replaced].size if replaced is not None else 0
        if self.bytes - freed + size > self._max_bytes:
            self.dropped += 1
            return False
        if replaced is not None:
            self._remove(replaced)
            self.dropped += 1
        kept = _Kept(
            attempt=attempt,
            at=at,
            group=group,
            signatures=tuple(signatures),
            diagnosis_ran=diagnosis_ran,
            note=note,
            path=self._folder / f"failure-{attempt}.pcapng",
        )
        self._kept[attempt] = kept
        if len(firsts) < self._keep_first:
            firsts.append(attempt)
        else:
            self._latest[group] = attempt
        for part in parts:
            self._append(kept, part)
        return True

    def add_after(self, failed: int, part: EvidencePart) -> bool:
        """Add the attempt after a kept failure to its evidence (within the bounds)."""
        kept = self._kept.get(failed)
        if kept is None or self.bytes + len(part.data) > self._max_bytes:
            return False
        self._append(kept, part)
        return True

    def _append(self, kept: _Kept, part: EvidencePart) -> None:
        kept.parts.append(replace(part, data=b""))  # the bytes live on disk, not in memory
        if part.data:
            path = kept.path if kept.path.exists() else private_file(kept.path)
            with path.open("ab") as out:
                out.write(part.data)
            kept.size += len(part.data)
            self.bytes += len(part.data)

    def _remove(self, attempt: int) -> None:
        kept = self._kept.pop(attempt)
        kept.path.unlink(missing_ok=True)
        self.bytes -= kept.size

    def __len__(self) -> int:
        return len(self._kept)

    def assemble(self, out: Path) -> Assembled:
        """Join every kept failure's capture into ``out`` and number its frames there."""
        failures: list[FailureEvidence] = []
        findings: list[Finding] = []
        connections: list[Connection] = []
        offset = 0
        wrote = False
        with private_file(out).open("wb") as joined:
            for attempt in sorted(self._kept):
                kept = self._kept[attempt]
                sections: list[CaptureSection] = []
                mine: list[Finding] = []
                for part in kept.parts:
                    if part.packets:
                        sections.append(
                            CaptureSection(
                                label=part.label,
                                first_frame=offset + 1,
                                packets=part.packets,
                                attempt=part.attempt,
                            )
                        )
                    mine += [shift_finding(f, offset) for f in part.findings]
                    connections += [
                        shift_connection(c, offset, f"#{attempt} {part.label}: ")
                        for c in part.connections
                    ]
                    offset += part.packets
                if kept.path.exists():
                    joined.write(kept.path.read_bytes())
                    wrote = True
                findings += mine
                failures.append(
                    FailureEvidence(
                        attempt=attempt,
                        at=kept.at,
                        signatures=kept.signatures,
                        findings=tuple(mine),
                        sections=tuple(sections),
                        diagnosis_ran=kept.diagnosis_ran,
                        note=kept.note,
                    )
                )
        if not wrote:
            out.unlink(missing_ok=True)
        return Assembled(
            failures=tuple(failures),
            findings=tuple(findings),
            connections=tuple(connections),
            capture=out if wrote else None,
            packets=offset,
        )


def shift_finding(finding: Finding, offset: int) -> Finding:
    """``finding`` citing frames ``offset`` further on."""
    if not offset:
        return finding
    return replace(
        finding,
        evidence=tuple(
            replace(ev, packets=tuple(n + offset for n in ev.packets)) for ev in finding.evidence
        ),
    )


def shift_connection(connection: Connection, offset: int, prefix: str) -> Connection:
    """``connection`` citing frames ``offset`` further on, its id prefixed."""

    def event(e: TimelineEvent) -> TimelineEvent:
        return e if e.packet is None else replace(e, packet=e.packet + offset)

    return replace(
        connection,
        id=prefix + connection.id,
        packets=tuple(n + offset for n in connection.packets),
        events=tuple(event(e) for e in connection.events),
    )
