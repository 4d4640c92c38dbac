"""What the viewer shows, from a finished run, a ``.wsbundle`` or a plain pcap/pcapng file.

One shape for the three sources, so every viewer widget takes a Document and never cares
where it came from. Loading reads files and runs the core's analysis: call ``load_document``
off the GUI thread.
"""

from __future__ import annotations

import enum
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from wiresleuth.errors import BundleError, CaptureFileError
from wiresleuth.gui.packet_arrays import PacketArrays, packet_arrays
from wiresleuth.gui.plot_coordinates import TimeFrame, is_finite, time_frame, times_array
from wiresleuth.model.check_status import CheckStatus, load_statuses
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.timeline import Connection

CAPTURE_ONLY_NOTE = (
    "This is a capture file taken elsewhere: the findings here come from its packets alone "
    "(as `wiresleuth analyze` finds them). What needs WireSleuth's own probes cannot be "
    "concluded from it: the same handshake retried with small segments, the path round trip "
    "measured apart from the handshake, the certificate checked against this computer's and "
    "the public trust stores, the proxy and PAC settings in force, and the programs listening "
    "on the computer. Run the diagnostics on the affected computer for those."
)
"""What cannot be concluded from a capture without the program's own probes."""

_ZIP_MAGIC = b"PK\x03\x04"


class DocumentKind(enum.StrEnum):
    """Where a document came from."""

    RUN = "run"
    BUNDLE = "bundle"
    CAPTURE = "capture"


@dataclass(frozen=True, kw_only=True)
class Document:
    """A run's findings, connections and packets, ready for the viewer."""

    kind: DocumentKind
    """A run just made, a bundle, or a capture file."""
    title: str
    """What the window title and the compare columns call it (the file name)."""
    source: Path | None = None
    """The file it was read from (None for a run just made)."""
    findings: tuple[Finding, ...] = ()
    """Findings, most severe first."""
    connections: tuple[Connection, ...] = ()
    """Per-connection timelines."""
    packets: tuple[PacketRecord, ...] = ()
    """Decoded packets, numbered as in the capture file."""
    capture: CaptureInfo = field(default_factory=lambda: CaptureInfo(available=False))
    """Capture status as recorded."""
    observations: Mapping[str, Any] = field(default_factory=dict)
    """Per wizard: what its probes measured, in the bundle's JSON form."""
    system: Mapping[str, Any] = field(default_factory=dict)
    """system.json."""
    log: str = ""
    """log.txt."""
    profile: Mapping[str, Any] = field(default_factory=dict)
    """The profile used (secrets removed)."""
    manifest: Mapping[str, Any] = field(default_factory=dict)
    """manifest.json of a bundle (program version, OS, checksums)."""
    targets: tuple[str, ...] = ()
    """The sites the run tested (``host:port``); empty for a capture file."""
    checks: tuple[CheckStatus, ...] | None = None
    """Every check's status per target; None when the source does not record them (a
    capture file, a bundle made before statuses existed)."""
    damage: tuple[str, ...] = ()
    """Members of a bundle opened although they do not match their checksum (a warning)."""
    started_at: float | None = None
    """Epoch seconds the run started, when known."""
    cancelled: bool = False
    """True when the run was cancelled."""
    notes: tuple[str, ...] = ()
    """What the engineer should know first: limits of this source, damage found reading it."""
    result: RunResult | None = None
    """The run itself when the document is a run just made (it can still be saved)."""

    @cached_property
    def frame(self) -> TimeFrame:
        """Where the timeline draws times: around the middle of the recording, from the run's
        start (else the first plausible time seen), so a wild time cannot move the view."""
        connections = self.connections
        times = np.concatenate(
            (
                times_array(c.start for c in connections),
                times_array(c.end for c in connections),
                self.arrays.times,
            )
        )
        return time_frame(self.started_at, times)

    @property
    def origin(self) -> float:
        """Time zero of the timeline and the packet table (finite, within the recording)."""
        return self.frame.origin

    @cached_property
    def packet_index(self) -> Mapping[int, PacketRecord]:
        """Frame number -> packet."""
        return {packet.number: packet for packet in self.packets}

    @cached_property
    def connection_index(self) -> Mapping[int, int]:
        """Frame number -> index of the connection it belongs to."""
        index: dict[int, int] = {}
        for position, connection in enumerate(self.connections):
            for number in connection.packets:
                index.setdefault(number, position)
            for event in connection.events:
                if event.packet is not None:
                    index.setdefault(event.packet, position)
        return index

    @cached_property
    def arrays(self) -> PacketArrays:
        """The packets as numpy columns (the timeline's packet-size strip)."""
        return packet_arrays(self.packets, self.connections)

    def warmed(self) -> Document:
        """Itself, with every lookup built: call it in the loading worker, not the window."""
        for name in ("packet_index", "connection_index", "comments", "arrays", "frame"):
            getattr(self, name)
        return self

    @cached_property
    def comments(self) -> Mapping[int, str]:
        """Frame number -> every finding's evidence that cites it (the packet table's comment)."""
        texts: dict[int, list[str]] = {}
        for finding in self.findings:
            for evidence in finding.evidence:
                for number in evidence.packets:
                    texts.setdefault(number, []).append(f"{finding.id}: {evidence.text}")
        return {number: " | ".join(items) for number, items in texts.items()}


def document_from_result(result: RunResult, title: str = "This run") -> Document:
    """The document of a run just made, before or after it is saved."""
    notes: list[str] = []
    if result.cancelled:
        notes.append("The run was cancelled: the findings cover what had finished.")
    return Document(
        kind=DocumentKind.RUN,
        title=title,
        findings=result.findings,
        connections=result.connections,
        packets=result.packets,
        capture=result.capture,
        observations=result.observations,
        system=result.system,
        log="\n".join(result.log),
        profile=result.profile,
        started_at=result.started_at,
        cancelled=result.cancelled,
        notes=tuple(notes),
        result=result,
        targets=result.targets,
        checks=result.checks or None,
    )


def _bundle_packets(bundle: Any) -> tuple[tuple[PacketRecord, ...], list[str]]:
    """Decode the bundle's capture (scapy is imported here, in the loading thread)."""
    from wiresleuth.capture.pcap_file import read_capture

    if not bundle.has_capture:
        return (), []
    with tempfile.TemporaryDirectory(prefix="wiresleuth-view-") as folder:
        try:
            path = bundle.extract_capture(Path(folder))
            read = read_capture(path)
        except (BundleError, CaptureFileError) as exc:
            return (), [f"The capture in this bundle could not be read: {exc}"]
    notes = [f"Capture: {warning}" for warning in read.warnings]
    return read.records, notes


def document_from_bundle(path: Path) -> Document:
    """Read a bundle and decode its capture; BundleError when the bundle cannot be used."""
    from wiresleuth.bundle.reader import read_bundle
    from wiresleuth.report.summary import capture_sentence

    bundle = read_bundle(path, lenient=True)  # what is readable opens, with a warning
    packets, notes = _bundle_packets(bundle)
    if bundle.damage:
        notes.insert(0, damage_note(bundle.damage))
    report = bundle.report
    cancelled = bool(report.get("cancelled", False))
    if cancelled:
        notes.insert(0, "The run was cancelled: the findings cover what had finished.")
    if not bundle.capture.available:
        notes.append(capture_sentence(bundle.capture))
    started = report.get("started_at")
    return Document(
        kind=DocumentKind.BUNDLE,
        title=path.name,
        source=path,
        findings=bundle.findings,
        connections=bundle.connections,
        packets=packets,
        capture=bundle.capture,
        observations=_mapping(report.get("observations")),
        system=bundle.system,
        log=bundle.log,
        profile=_mapping(report.get("profile")),
        manifest=bundle.manifest,
        started_at=float(started) if is_finite(started) else None,
        cancelled=cancelled,
        notes=tuple(notes),
        targets=tuple(t for t in _list(report.get("targets")) if isinstance(t, str)),
        checks=load_statuses(report.get("checks")),
        damage=bundle.damage,
    )


PACKET_TABLE_LIMIT = 200_000
"""Packets read for the packet table at most (the findings cover the whole file)."""


def _capture_records(path: Path, limit: int) -> list[PacketRecord]:
    """The file's IP packets, numbered as Wireshark numbers its frames (fast reader)."""
    from wiresleuth.capture.fast_decode import AddressBook, decode_batch
    from wiresleuth.capture.fast_records import batch_records
    from wiresleuth.capture.record_reader import CaptureReader

    records: list[PacketRecord] = []
    book = AddressBook()
    with CaptureReader(path, max_packets=limit) as reader:
        for batch in reader.batches():
            records += batch_records(batch, decode_batch(batch, book), book)
    return records


def document_from_capture(path: Path) -> Document:
    """Analyse a pcap/pcapng file as ``wiresleuth analyze`` does: passive findings, timelines
    of the connections they cite (then the others), and its packets for the table."""
    from wiresleuth.capture.analyze_file import analyze_file, timelines

    analysis = analyze_file(path)
    connections = tuple(timelines(analysis))
    packets = _capture_records(path, PACKET_TABLE_LIMIT)
    notes = [CAPTURE_ONLY_NOTE, *(f"Capture: {warning}" for warning in analysis.scan.warnings)]
    if analysis.scan.packets > len(packets):
        notes.append(
            f"The packet table holds the first {len(packets)} of {analysis.scan.packets} "
            "packets; the findings cover them all."
        )
    return Document(
        kind=DocumentKind.CAPTURE,
        title=path.name,
        source=path,
        findings=analysis.findings,
        connections=connections,
        packets=tuple(packets),
        capture=analysis.capture_info,
        started_at=analysis.scan.first_time,
        notes=tuple(notes),
    )


def load_document(path: Path) -> Document:
    """A bundle or a capture file, told apart by content; BundleError/CaptureFileError say why not.

    Blocking (file reads, scapy decoding, flow analysis): call it from a worker thread.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except FileNotFoundError as exc:
        raise BundleError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise BundleError(f"{path} is a folder, not a bundle or a capture file") from exc
    except OSError as exc:
        raise BundleError(f"cannot open {path}: {exc.strerror or exc}") from exc
    if head == _ZIP_MAGIC:
        return document_from_bundle(path).warmed()
    try:
        return document_from_capture(path).warmed()
    except CaptureFileError as exc:
        raise CaptureFileError(
            f"{path.name} is neither a WireSleuth bundle (.wsbundle) nor a capture file "
            f"(.pcap/.pcapng): {exc}"
        ) from exc


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def damage_note(damage: tuple[str, ...]) -> str:
    """The warning a bundle opened despite checksum mismatches carries first."""
    return (
        "Damaged: this bundle was changed or damaged after it was saved, so what it shows may "
        "not be what the run found. " + " ".join(f"{item}." for item in damage)
    )
