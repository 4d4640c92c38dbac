"""What the viewer shows, from a finished run, a ``.wsbundle`` or a plain pcap/pcapng file.

One shape for the three sources, so every viewer widget takes a Document and never cares
where it came from. Loading reads files and runs the core's analysis: call ``load_document``
off the GUI thread.
"""

from __future__ import annotations

import enum
import shutil
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wiresleuth.diagnosis.diagnose import packet_comments
from wiresleuth.errors import BadBundle, BundleError, CaptureFileError
from wiresleuth.gui.loading import Progress, collector_paused
from wiresleuth.gui.measurements import Measurements, measurements
from wiresleuth.gui.packet_arrays import PacketArrays, packet_arrays
from wiresleuth.gui.plot_coordinates import TimeFrame, is_finite, time_frame, times_array
from wiresleuth.input_files.extract_folders import new_folder
from wiresleuth.input_files.regular import open_regular
from wiresleuth.model.check_status import CheckStatus, load_statuses
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord, first_frame_time
from wiresleuth.model.profile_summary import ProfileSummary, profile_summary
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.timeline import Connection
from wiresleuth.model.watch import WatchSummary

if TYPE_CHECKING:
    from wiresleuth.analysis.packet_info import PacketDescriber

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

Stage = Callable[[float], None]
"""Reports the share (0 to 1) of one stage of loading done."""


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
    time_zero: float | None = None
    """Epoch seconds of frame 1 of the capture: the time every view counts from, as
    Wireshark's ``frame.time_relative`` does (None without a capture: the run's start)."""
    capture_file: Path | None = None
    """A pcap/pcapng file holding the frames of ``packets`` (the details and bytes panes, and
    Wireshark, read it); None when the frames themselves are not at hand."""
    watch: WatchSummary | None = None
    """The watch's story when the bundle is a watch's (``wiresleuth watch``)."""

    @cached_property
    def frame(self) -> TimeFrame:
        """Where the timeline draws times: around the middle of the recording, from frame 1 of
        the capture (else the run's start, else the first plausible time seen), so a wild
        time cannot move the view."""
        connections = self.connections
        times = np.concatenate(
            (
                times_array(c.start for c in connections),
                times_array(c.end for c in connections),
                self.arrays.times,
            )
        )
        zero = self.time_zero if self.time_zero is not None else self.started_at
        return time_frame(zero, times)

    @property
    def origin(self) -> float:
        """Time zero of every view: frame 1 of the capture, as in Wireshark (finite, within
        the recording)."""
        return self.frame.origin

    @cached_property
    def ordered_packets(self) -> tuple[PacketRecord, ...]:
        """The packets in frame-number order (the packet list's rows)."""
        return tuple(sorted(self.packets, key=lambda p: p.number))

    @cached_property
    def infos(self) -> PacketDescriber:
        """Protocol and Info of each of ``ordered_packets`` (same order; each worked out when
        first asked for, see ``PacketDescriber``)."""
        from wiresleuth.analysis.packet_info import PacketDescriber

        return PacketDescriber(self.ordered_packets).prepare()

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
        for name in (
            "packet_index",
            "connection_index",
            "comments",
            "arrays",
            "frame",
            "ordered_packets",
            "infos",
        ):
            getattr(self, name)
        return self

    @cached_property
    def comments(self) -> Mapping[int, str]:
        """Frame number -> every finding's evidence that cites it (the packet table's comment)."""
        return packet_comments(self.findings)

    @cached_property
    def measurements(self) -> Measurements:
        """Each check's measurements as their own types (``gui.measurements``); asking for
        one that cannot be read raises ShapeError with the reason."""
        return measurements(self.observations)

    @cached_property
    def profile_summary(self) -> ProfileSummary | None:
        """The profile used, typed (None when the document has none it can read)."""
        return profile_summary(self.profile)


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
        time_zero=first_frame_time(result.packets),
        capture_file=(
            result.capture_file
            if result.capture_file is not None and result.capture_file.is_file()
            else None
        ),
    )


def _report(on_progress: Progress | None, start: float, end: float, text: str) -> Stage:
    """A progress callback for one stage: its share (0 to 1) mapped onto [start, end]."""

    def report(share: float) -> None:
        if on_progress is not None:
            on_progress(start + (end - start) * min(max(share, 0.0), 1.0), text)

    return report


def _bytes_progress(report: Stage) -> Callable[[int, int], None]:
    return lambda done, total: report(done / total if total else 0.0)


def _kept_folder(document: Document, folder: Path) -> Document:
    """``folder`` is removed when ``document`` is no longer used (or the program ends)."""
    weakref.finalize(document, shutil.rmtree, folder, ignore_errors=True)
    return document


def _bundle_packets(
    bundle: Any, folder: Path, on_progress: Progress | None
) -> tuple[tuple[PacketRecord, ...], float | None, Path | None, list[str]]:
    """Decode the bundle's capture, extracted into ``folder`` (kept for the details pane and
    Wireshark): packets, the time of frame 1, the file, notes."""
    from wiresleuth.capture.packet_reading import read_packets

    if not bundle.has_capture:
        return (), None, None, []
    try:
        path = bundle.extract_capture(folder)
        read = read_packets(
            path,
            limit=PACKET_TABLE_LIMIT,
            on_progress=_bytes_progress(_report(on_progress, 0.15, 0.8, "Decoding")),
        )
    except (BundleError, CaptureFileError) as exc:
        return (), None, None, [f"The capture in this bundle could not be read: {exc}"]
    notes = [f"Capture: {warning}" for warning in read.warnings]
    if not read.complete:
        notes.append(
            f"The packet list holds the first {read.frames} frames of the capture; the "
            "findings cover them all."
        )
    return read.records, read.time_zero, path, notes


def document_from_bundle(path: Path, on_progress: Progress | None = None) -> Document:
    """Read a bundle and decode its capture; BundleError when the bundle cannot be used."""
    from wiresleuth.bundle.reader import read_bundle
    from wiresleuth.report.summary import capture_sentence

    _report(on_progress, 0.0, 0.1, "Reading the bundle")(0.0)
    bundle = read_bundle(path, lenient=True)  # what is readable opens, with a warning
    # Kept while the document lives; removed by a later start if this process is killed.
    folder = new_folder()
    try:
        packets, time_zero, capture_file, notes = _bundle_packets(bundle, folder, on_progress)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if bundle.damage:
        notes.insert(0, damage_note(bundle.damage))
    report = bundle.report
    cancelled = bool(report.get("cancelled", False))
    if cancelled:
        notes.insert(0, "The run was cancelled: the findings cover what had finished.")
    if not bundle.capture.available:
        notes.append(capture_sentence(bundle.capture))
    started = report.get("started_at")
    watch = _watch_of(report, notes)
    document = Document(
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
        time_zero=time_zero,
        capture_file=capture_file,
        watch=watch,
    )
    return _kept_folder(document, folder)


def _watch_of(report: Mapping[str, Any], notes: list[str]) -> WatchSummary | None:
    """The watch's story, or None; a damaged one is a note (the rest of the bundle opens)."""
    from wiresleuth.bundle.watch_file import watch_summary

    try:
        watch = watch_summary(report)
    except BadBundle as exc:
        notes.append(f"The watch's story could not be read: {exc}")
        return None
    if watch is not None:
        notes.insert(
            0,
            f"A watch: {watch.attempts_total} attempt(s); the findings and packets are those "
            f"of the {len(watch.failures)} failure(s) whose evidence was kept (the Watch tab "
            "tells the story).",
        )
    return watch


PACKET_TABLE_LIMIT = 200_000
"""Packets read for the packet table at most (the findings cover the whole file)."""


def document_from_capture(path: Path, on_progress: Progress | None = None) -> Document:
    """Analyse a pcap/pcapng file as ``wiresleuth analyze`` does: passive findings, timelines
    of the connections they cite (then the others), and its packets for the table."""
    from wiresleuth.capture.packet_reading import read_packets
    from wiresleuth.sources.capture_file import analyze_file, timelines

    analysing = _report(on_progress, 0.0, 0.55, "Analysing the capture")
    analysing(0.0)
    size = _size(path)
    analysis = analyze_file(path, on_progress=lambda done, _packets: analysing(done / size))
    _report(on_progress, 0.55, 0.6, "Building the timelines")(0.0)
    connections = tuple(timelines(analysis))
    reading = _report(on_progress, 0.6, 0.85, "Reading the packets")
    read = read_packets(path, limit=PACKET_TABLE_LIMIT, on_progress=_bytes_progress(reading))
    notes = [CAPTURE_ONLY_NOTE, *(f"Capture: {warning}" for warning in analysis.scan.warnings)]
    if not read.complete:
        notes.append(
            f"The packet list holds the first {read.frames} of {analysis.scan.packets} "
            "frames; the findings cover them all."
        )
    return Document(
        kind=DocumentKind.CAPTURE,
        title=path.name,
        source=path,
        findings=analysis.findings,
        connections=connections,
        packets=read.records,
        capture=analysis.capture_info,
        started_at=analysis.scan.first_time,
        notes=tuple(notes),
        time_zero=read.time_zero,
        capture_file=path,
    )


def _size(path: Path) -> int:
    try:
        return max(path.stat().st_size, 1)
    except OSError:
        return 1


def load_document(path: Path, on_progress: Progress | None = None) -> Document:
    """A bundle or a capture file, told apart by content; BundleError/CaptureFileError say why not.

    Blocking (file reads, decoding, flow analysis): call it from a worker thread.
    ``on_progress`` hears how far it got, and may raise ``LoadCancelled`` to stop it.
    """
    path = Path(path)
    # Regular files only: a FIFO or a device is refused at once, never waited on.
    with open_regular(path, what="a bundle or a capture file", error=BadBundle) as handle:
        try:
            head = handle.read(4)
        except OSError as exc:
            raise BadBundle(f"cannot read {path}: {exc.strerror or exc}") from exc
    with collector_paused():
        if head == _ZIP_MAGIC:
            return _warmed(document_from_bundle(path, on_progress), on_progress)
        try:
            return _warmed(document_from_capture(path, on_progress), on_progress)
        except CaptureFileError as exc:
            raise CaptureFileError(
                f"{path.name} is neither a WireSleuth bundle (.wsbundle) nor a capture file "
                f"(.pcap/.pcapng): {exc}"
            ) from exc


def _warmed(document: Document, on_progress: Progress | None) -> Document:
    _report(on_progress, 0.85, 1.0, "Reading what each packet is")(0.0)
    return document.warmed()


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
