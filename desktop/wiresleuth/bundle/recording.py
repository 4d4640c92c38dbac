"""A bundle read back as typed material for interpretation: observations, packets, capture.

``read_bundle`` gives report.json as it is (the public JSON form); this gives what a run had
in memory before its analysis: each wizard's observations as its own ``observation_type``
(``model.jsonable.from_jsonable``), the packets of capture.pcapng as PacketRecords numbered
as in that file (the fast reader, as for any capture file), and the capture status.
``sources.bundle_file`` makes a ``diagnosis.Recording`` of it and runs today's rules.

The caller names the observation type of each wizard (``diagnosis.registry``). Observations
of a wizard it does not name (the ``analyze`` summary of a capture file, a wizard of another
version) are kept in their JSON form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wiresleuth.bundle.reader import Bundle, read_bundle
from wiresleuth.errors import BadBundle, CaptureFileError
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.finding import Finding
from wiresleuth.model.jsonable import JsonableError, from_jsonable
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.run import CaptureInfo
from wiresleuth.model.timeline import Connection

MAX_PACKETS = 2_000_000
"""Packets read from a bundle's capture at most (a run's own capture is far smaller)."""


@dataclass(frozen=True, kw_only=True)
class RecordedRun:
    """What a bundle recorded, typed: the material its findings were concluded from."""

    source: Path
    """The bundle file."""
    wizards: tuple[str, ...]
    """Identifiers of the wizards that ran, in the order they ran."""
    observations: Mapping[str, object]
    """Wizard id -> its observations as its ``observation_type``."""
    untyped: Mapping[str, Any] = field(default_factory=dict)
    """Wizard id -> observations of wizards no type was given for, in their JSON form."""
    findings: tuple[Finding, ...] = ()
    """The findings the bundle holds (what the rules of that day concluded)."""
    connections: tuple[Connection, ...] = ()
    """Per-connection timelines as recorded."""
    capture: CaptureInfo = field(default_factory=lambda: CaptureInfo(available=False))
    """Capture status as recorded."""
    packets: tuple[PacketRecord, ...] = ()
    """The packets of capture.pcapng, numbered as in that file (empty without a capture)."""
    capture_warnings: tuple[str, ...] = ()
    """What the reader said of capture.pcapng: damage skipped (and what it did to frame
    numbers), a record cut short, packets beyond MAX_PACKETS not read."""
    capture_gaps: tuple[CaptureGap, ...] = ()
    """Where capture.pcapng is damaged: frames lost there (no loss is concluded there)."""


def typed_observations(
    report: Mapping[str, Any], observation_types: Mapping[str, type]
) -> tuple[dict[str, object], dict[str, Any]]:
    """(typed, untyped) observations of a report dict; BadBundle naming what does not fit."""
    typed, untyped, unread = read_observations(report, observation_types)
    if unread:
        raise BadBundle(next(iter(unread.values())))
    return typed, untyped


def read_observations(
    report: Mapping[str, Any], observation_types: Mapping[str, type]
) -> tuple[dict[str, object], dict[str, Any], dict[str, str]]:
    """(typed, untyped, unread) observations of a report dict: ``unread`` names, per wizard,
    why its observations do not fit its type (they are in ``untyped`` too); BadBundle
    when 'observations' is not an object at all."""
    raw = report.get("observations", {})
    if not isinstance(raw, Mapping):
        raise BadBundle("report.json is damaged: 'observations' is not an object")
    typed: dict[str, object] = {}
    untyped: dict[str, Any] = {}
    unread: dict[str, str] = {}
    for wizard, data in raw.items():
        kind = observation_types.get(wizard)
        if kind is None:
            untyped[wizard] = data
            continue
        try:
            typed[wizard] = from_jsonable(kind, data)
        except JsonableError as exc:
            untyped[wizard] = data
            unread[wizard] = (
                f"report.json: the observations of the {wizard} wizard cannot be read "
                f"as {kind.__name__}: {exc}"
            )
    return typed, untyped, unread


@dataclass(frozen=True, kw_only=True)
class BundleCapture:
    """The packets of a bundle's capture and what the reader said of the file."""

    packets: tuple[PacketRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    gaps: tuple[CaptureGap, ...] = ()


def read_bundle_capture(bundle: Bundle, *, max_packets: int = MAX_PACKETS) -> BundleCapture:
    """The PacketRecords of a bundle's capture (none without one), with the reader's
    warnings: a damaged capture is read as far as it goes, never silently."""
    if not bundle.has_capture:
        return BundleCapture()
    from wiresleuth.capture.packet_reading import read_packets

    with bundle.extracted_capture() as path:  # its folder goes even if this process is killed
        try:
            read = read_packets(path, limit=max_packets)
        except CaptureFileError as exc:
            raise BadBundle(f"bundle {bundle.path}: its capture cannot be read: {exc}") from exc
    warnings = list(read.warnings)
    if not read.complete:
        warnings.append(f"only the first {max_packets} packets were read")
    return BundleCapture(packets=read.records, warnings=tuple(warnings), gaps=read.gaps)


def bundle_packets(bundle: Bundle, *, max_packets: int = MAX_PACKETS) -> tuple[PacketRecord, ...]:
    """The PacketRecords of a bundle's capture (empty without one); ``read_bundle_capture``
    when the reader's warnings matter (anything shown to a user does)."""
    return read_bundle_capture(bundle, max_packets=max_packets).packets


def load_recorded_run(path: Path, observation_types: Mapping[str, type]) -> RecordedRun:
    """Read the bundle at ``path`` with every wizard's observations typed."""
    bundle = read_bundle(path)
    typed, untyped = typed_observations(bundle.report, observation_types)
    wizards = bundle.report.get("wizards", [])
    capture = read_bundle_capture(bundle)
    return RecordedRun(
        source=bundle.path,
        wizards=tuple(str(w) for w in wizards) if isinstance(wizards, list) else (),
        observations=typed,
        untyped=untyped,
        findings=bundle.findings,
        connections=bundle.connections,
        capture=bundle.capture,
        packets=capture.packets,
        capture_warnings=capture.warnings,
        capture_gaps=capture.gaps,
    )
