"""A capture file taken elsewhere as a source: findings, timelines and a bundle's worth of
material.

``wiresleuth analyze FILE`` and File > Open in the window both come here. The first pass
(``file_scan``) reads the whole file once and gives conversations; they make a
``diagnosis.Recording`` of traffic this program did not make, and ``diagnose`` runs every
interpretation that needs no observations on it (the same rules a run's packets and a
bundle's get). Timelines need the packets of each connection, so a second pass fetches
only the packets of the connections the report shows. A bundle gets the input copied to
pcapng with a comment on every packet a finding cites, so the evidence's frame numbers
open in Wireshark at the right place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from wiresleuth.analysis.passive_model import WIZARD
from wiresleuth.analysis.passive_tcp import TcpConversation
from wiresleuth.capture.fast_decode import IP_PACKET, TCP_HEADER, AddressBook, decode_batch
from wiresleuth.capture.fast_records import batch_records
from wiresleuth.capture.pcapng_copy import copy_as_pcapng
from wiresleuth.capture.record_reader import CaptureReader
from wiresleuth.diagnosis.diagnose import diagnose, packet_comments
from wiresleuth.diagnosis.recording import Origin, Recording
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.timeline import Connection
from wiresleuth.sources.file_scan import FileScan, scan_file

TIMELINES = 300
"""Connections given a timeline in a bundle (those findings cite first)."""
TIMELINE_PACKETS = 200_000
"""Packets fetched for timelines at most (a long download's timeline stays readable)."""
BUNDLE_CAPTURE_LIMIT = 256 << 20
"""Inputs larger than this, decompressed, are not copied into a bundle (evidence then cites
the input's frames)."""


@dataclass(frozen=True, kw_only=True)
class FileAnalysis:
    """A capture file, analysed."""

    scan: FileScan
    """What the pass over the file found."""
    findings: tuple[Finding, ...]
    """Findings, most severe first."""
    started_at: float
    """Epoch seconds."""
    finished_at: float
    """Epoch seconds."""

    @property
    def capture_info(self) -> CaptureInfo:
        """The capture status a report shows for an analysed file."""
        return CaptureInfo(
            available=True,
            interface=f"file {self.scan.path.name}",
            packets=self.scan.packets,
            reason="; ".join(self.scan.warnings) or None,
        )


def analyze_file(
    path: Path, *, on_progress: Callable[[int, int], None] | None = None
) -> FileAnalysis:
    """Read and analyse a capture file (CaptureFileError when it cannot be read)."""
    started = time.time()
    scan = scan_file(Path(path), on_progress=on_progress)
    diagnosis = diagnose(recording_of(scan))
    return FileAnalysis(
        scan=scan, findings=diagnosis.findings, started_at=started, finished_at=time.time()
    )


def recording_of(scan: FileScan) -> Recording:
    """The file's recording: its conversations, DNS and ICMP, no observations."""
    return Recording(
        origin=Origin.CAPTURE,
        name=scan.path.name,
        own_traffic=False,
        capture=CaptureInfo(available=True, packets=scan.packets),
        conversations=scan.passive(),
    )


def _cited(analysis: FileAnalysis) -> dict[int, list[str]]:
    """Conversation index -> IDs of the findings about it (by target or address)."""
    by_target: dict[str, list[str]] = {}
    for finding in analysis.findings:
        if finding.target:
            by_target.setdefault(finding.target, []).append(finding.id)
    cited: dict[int, list[str]] = {}
    for conv in analysis.scan.conversations:
        ids = by_target.get(conv.target, []) + by_target.get(conv.server.address, [])
        if ids:
            cited[conv.index] = list(dict.fromkeys(ids))
    return cited


def _chosen(analysis: FileAnalysis, limit: int) -> list[TcpConversation]:
    cited = _cited(analysis)
    convs = analysis.scan.conversations
    first = [c for c in convs if c.index in cited]
    rest = [c for c in convs if c.index not in cited]
    return (first + rest)[:limit]


def _fetch(path: Path, chosen: list[TcpConversation], limit: int) -> list[PacketRecord]:
    """The packets of the chosen conversations (a second pass over the file)."""
    wanted: dict[frozenset[tuple[str, int]], list[tuple[int, int]]] = {}
    for conv in chosen:
        ends = frozenset(
            {(conv.client.address, conv.client.port), (conv.server.address, conv.server.port)}
        )
        wanted.setdefault(ends, []).append((conv.first_frame, conv.last_frame))
    last = max((c.last_frame for c in chosen), default=0)
    records: list[PacketRecord] = []
    book = AddressBook()
    with CaptureReader(path) as reader:
        for batch in reader.batches():
            if batch.first_number > last or len(records) >= limit:
                break
            cols = decode_batch(batch, book)
            rows = np.flatnonzero((cols.status == IP_PACKET) & (cols.transport == TCP_HEADER))
            names = book.names
            pick = []
            for row, src, sport, dst, dport in zip(
                rows.tolist(),
                cols.src[rows].tolist(),
                cols.sport[rows].tolist(),
                cols.dst[rows].tolist(),
                cols.dport[rows].tolist(),
                strict=True,
            ):
                spans = wanted.get(frozenset({(names[src], sport), (names[dst], dport)}))
                number = batch.first_number + row
                if spans and any(low <= number <= high for low, high in spans):
                    pick.append(row)
            records += batch_records(batch, cols, book, pick)[: max(limit - len(records), 0)]
    return records


def timelines(analysis: FileAnalysis, *, limit: int = TIMELINES) -> list[Connection]:
    """Timelines of the connections findings cite, then the first others, up to ``limit``."""
    chosen = _chosen(analysis, limit)
    if not chosen:
        return []
    records = _fetch(analysis.scan.path, chosen, TIMELINE_PACKETS)
    cited = _cited(analysis)
    labels = {
        (c.client.port, c.server.address, c.server.port): ", ".join(cited.get(c.index, []))
        for c in chosen
    }
    from wiresleuth.analysis.flows import assemble_flows  # the window's and a bundle's: not
    from wiresleuth.analysis.timeline import build_timelines  # `wiresleuth analyze`'s print

    connections = build_timelines(assemble_flows(records))
    return [
        replace(c, label=labels.get((c.client_port, c.server, c.server_port), c.label))
        for c in connections
    ]


def _observations(analysis: FileAnalysis) -> dict[str, Any]:
    scan = analysis.scan
    return {
        "file": scan.path.name,
        "format": scan.format,
        "packets": scan.packets,
        "ip_packets": scan.ip_packets,
        "tcp_connections": len(scan.conversations),
        "dns_messages": len(scan.dns),
        "first_time": scan.first_time,
        "last_time": scan.last_time,
        "warnings": list(scan.warnings),
        # Where the input was damaged, in the copy's frame numbers (the same): a damaged
        # block leaves no trace in the bundle's capture, so report --reanalyse reads it here.
        "capture_gaps": [[gap.after, gap.before] for gap in scan.gaps],
    }


def run_result(analysis: FileAnalysis, work_dir: Path) -> RunResult:
    """What a bundle of this analysis holds (the pcapng copy is written into ``work_dir``)."""
    scan = analysis.scan
    log = [f"analysed {scan.path} ({scan.format}{', gzip' if scan.compressed else ''}): "
           f"{scan.packets} packets, {len(scan.conversations)} TCP connections"]  # fmt: skip
    log += [f"warning: {w}" for w in scan.warnings]
    capture_file: Path | None = None
    info = analysis.capture_info
    size = scan.size  # decompressed: a few megabytes of gzip may hold gigabytes
    if size <= BUNDLE_CAPTURE_LIMIT:
        capture_file = work_dir / "capture.pcapng"
        copy_as_pcapng(scan.path, capture_file, packet_comments(analysis.findings))
    else:
        info = replace(
            info,
            reason=(info.reason + "; " if info.reason else "")
            + f"the file ({size >> 20} MB{' decompressed' if scan.compressed else ''}) is too "
            f"large to copy into the bundle: frame numbers refer to {scan.path.name}",
        )
        log.append(info.reason or "")
    return RunResult(
        started_at=analysis.started_at,
        finished_at=analysis.finished_at,
        targets=tuple(dict.fromkeys(f.target for f in analysis.findings if f.target)),
        findings=analysis.findings,
        connections=tuple(timelines(analysis)),
        capture=info,
        capture_file=capture_file,
        observations={WIZARD: _observations(analysis)},
        wizards=(WIZARD,),
        system={"note": f"capture file {scan.path.name} analysed; not this computer's state"},
        log=tuple(log),
    )
