"""The packet list of a Document: which packets are listed (filters) and what each cell says.

One list for the whole capture, as Wireshark's, narrowed by a connection (a lane), by what
the findings cite, by a piece of evidence (the packets of every connection it touches), and
by text (any cell: address, protocol, Info, comment). Rows are formatted when asked, so a
200 000-packet capture costs a few arrays up front. Times are Wireshark's
``frame.time_relative`` (``Document.origin`` is frame 1). No Qt here: the table model
(``qt_packet_table``) shows what this says.

A document without a capture lists the socket-level events of the chosen connection instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.gui.document import Document
from wiresleuth.model.finding import Evidence, Finding
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.timeline import Connection, TimelineEvent

COLUMNS = ("No.", "Time", "Delta", "Source", "Destination", "Protocol", "Length", "Info",
           "Seq", "Ack", "Win", "DSCP", "TTL", "Comment")  # fmt: skip
"""Column headings (shown translated)."""
INFO_COLUMN = COLUMNS.index("Info")
COMMENT_COLUMN = COLUMNS.index("Comment")


@dataclass(frozen=True, kw_only=True)
class PacketFilter:
    """Which packets the list shows; every part given narrows it."""

    connection: int | None = None
    """Only the packets of this connection (its index in ``Document.connections``)."""
    finding: int | None = None
    """Only the packets this finding cites (index in ``Document.findings``)."""
    cited: bool = False
    """Only packets some finding cites."""
    frames: frozenset[int] | None = None
    """Only these frames (a piece of evidence: its packets and their connections')."""
    frames_label: str = ""
    """What ``frames`` are, in words ("evidence: 3 packets in 2 connections")."""
    text: str = ""
    """Only rows with this text in some cell (case ignored)."""

    @property
    def is_empty(self) -> bool:
        """True when every packet is listed."""
        return (
            self.connection is None
            and self.finding is None
            and not self.cited
            and self.frames is None
            and not self.text.strip()
        )


@dataclass
class _Cache:
    haystack: list[str] | None = None
    numbers: npt.NDArray[np.int64] | None = None
    lanes: dict[int, frozenset[int]] = field(default_factory=dict)


class PacketRows:
    """The rows listed for a Document under a PacketFilter."""

    def __init__(self, document: Document | None = None) -> None:
        self.document = document
        self.filter = PacketFilter()
        self._rows: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._events: tuple[TimelineEvent, ...] = ()
        self._cache = _Cache()
        if document is not None:
            self.set_filter(PacketFilter())

    # -- what is listed --------------------------------------------------------------------

    @property
    def has_packets(self) -> bool:
        """Whether the document holds packets (else socket events are listed)."""
        return self.document is not None and bool(self.document.packets)

    def __len__(self) -> int:
        return len(self._events) if not self.has_packets else len(self._rows)

    def _numbers(self) -> npt.NDArray[np.int64]:
        if self._cache.numbers is None:
            assert self.document is not None
            packets = self.document.ordered_packets
            self._cache.numbers = np.fromiter((p.number for p in packets), np.int64, len(packets))
        return self._cache.numbers

    def lane_frames(self, lane: int) -> frozenset[int]:
        """Frame numbers of a connection (its packets and the packets its events cite)."""
        if lane not in self._cache.lanes:
            assert self.document is not None
            connection = self.document.connections[lane]
            frames = set(connection.packets)
            frames.update(e.packet for e in connection.events if e.packet is not None)
            self._cache.lanes[lane] = frozenset(frames)
        return self._cache.lanes[lane]

    def set_filter(self, wanted: PacketFilter) -> None:
        """List the rows ``wanted`` lets through."""
        self.filter = wanted
        document = self.document
        if document is None:
            self._rows, self._events = np.zeros(0, dtype=np.int64), ()
            return
        if not self.has_packets:
            connection = self._connection(wanted.connection)
            self._events = connection.events if connection is not None else ()
            return
        numbers = self._numbers()
        keep = np.ones(len(numbers), dtype=bool)
        sets: list[Iterable[int]] = []
        if wanted.connection is not None and 0 <= wanted.connection < len(document.connections):
            sets.append(self.lane_frames(wanted.connection))
        if wanted.finding is not None and 0 <= wanted.finding < len(document.findings):
            sets.append(document.findings[wanted.finding].packets)
        if wanted.cited:
            sets.append(document.comments.keys())
        if wanted.frames is not None:
            sets.append(wanted.frames)
        for frames in sets:
            keep &= np.isin(numbers, np.fromiter(frames, np.int64))
        text = wanted.text.strip().lower()
        if text:
            haystack = self._haystack()
            keep &= np.fromiter((text in row for row in haystack), bool, len(haystack))
        self._rows = np.flatnonzero(keep).astype(np.int64)

    def _connection(self, index: int | None) -> Connection | None:
        document = self.document
        if document is None or index is None or not 0 <= index < len(document.connections):
            return None
        return document.connections[index]

    @property
    def haystack_ready(self) -> bool:
        """Whether the text filter can run at once (every row's text worked out)."""
        return self._cache.haystack is not None or not self.has_packets

    def build_haystack(self) -> None:
        """Work out every row's text for the text filter (slow for a large capture: the
        packet pane runs it in a worker)."""
        if self.has_packets:
            self._haystack()

    def _haystack(self) -> list[str]:
        if self._cache.haystack is None:
            assert self.document is not None
            document = self.document
            self._cache.haystack = [
                " ".join(self._packet_cells(index)).lower()
                for index in range(len(document.ordered_packets))
            ]
        return self._cache.haystack

    # -- cells -----------------------------------------------------------------------------

    def packet_at(self, row: int) -> PacketRecord | None:
        """The packet of a row (None for a socket event)."""
        if not self.has_packets or not 0 <= row < len(self._rows):
            return None
        assert self.document is not None
        return self.document.ordered_packets[int(self._rows[row])]

    def number_at(self, row: int) -> int | None:
        """The frame number of a row (a socket event's packet, if it names one)."""
        packet = self.packet_at(row)
        if packet is not None:
            return packet.number
        if not self.has_packets and 0 <= row < len(self._events):
            return self._events[row].packet
        return None

    def rows_of(self, numbers: Iterable[int]) -> list[int]:
        """Rows listing these frame numbers, in order."""
        wanted = {n for n in numbers}
        if not self.has_packets:
            return [r for r, e in enumerate(self._events) if e.packet in wanted]
        listed = self._numbers()[self._rows]
        mask = np.isin(listed, np.fromiter(wanted, np.int64, len(wanted)))
        return np.flatnonzero(mask).tolist()

    def time_of(self, row: int) -> float:
        """Seconds since frame 1 (Wireshark's frame.time_relative) of a row."""
        assert self.document is not None
        if self.has_packets:
            return self.document.ordered_packets[int(self._rows[row])].time - self.document.origin
        return self._events[row].time - self.document.origin

    def comment(self, number: int | None) -> str:
        """What the findings say about a frame ("" when none cites it)."""
        if self.document is None or number is None:
            return ""
        return self.document.comments.get(number, "")

    def cells(self, row: int) -> tuple[str, ...]:
        """The row's cells, one per COLUMNS."""
        assert self.document is not None
        if not self.has_packets:
            return self._event_cells(row)
        index = int(self._rows[row])
        cells = self._packet_cells(index)
        delta = ""
        if row:
            previous = self.document.ordered_packets[int(self._rows[row - 1])].time
            delta = f"{self.document.ordered_packets[index].time - previous:.6f}"
        return (*cells[:2], delta, *cells[3:])

    def _packet_cells(self, index: int) -> tuple[str, ...]:
        assert self.document is not None
        document = self.document
        packet = document.ordered_packets[index]
        info = document.infos[index]
        return (
            str(packet.number),
            f"{packet.time - document.origin:.6f}",
            "",
            packet.src,
            packet.dst,
            info.protocol,
            str(packet.length),
            info.info,
            "" if info.seq is None else str(info.seq),
            "" if info.ack is None else str(info.ack),
            "" if info.window is None else str(info.window),
            f"{dscp_name(packet.dscp)} ({packet.dscp})",
            str(packet.ttl),
            document.comments.get(packet.number, ""),
        )

    def _event_cells(self, row: int) -> tuple[str, ...]:
        assert self.document is not None
        event = self._events[row]
        delta = f"{event.time - self._events[row - 1].time:.6f}" if row else ""
        arrow = "→" if event.direction == "out" else "←"
        number = "" if event.packet is None else str(event.packet)
        return (
            number, f"{event.time - self.document.origin:.6f}", delta, "", "",
            "socket" if event.packet is None else "", str(event.length or ""),
            f"{arrow} {event.kind} {event.detail}".strip(), "", "", "",
            "", str(event.ttl or ""), self.comment(event.packet),
        )  # fmt: skip


def evidence_frames(document: Document, evidence: Evidence) -> frozenset[int]:
    """The packets an evidence cites, and every packet of the connections they belong to."""
    frames = set(evidence.packets)
    lanes = {document.connection_index[n] for n in evidence.packets if n in document.connection_index}
    for lane in lanes:
        connection = document.connections[lane]
        frames.update(connection.packets)
        frames.update(e.packet for e in connection.events if e.packet is not None)
    return frozenset(frames)


def evidence_lanes(document: Document, evidence: Evidence) -> list[int]:
    """The lanes (connections) whose packets an evidence cites, in lane order."""
    return sorted(
        {document.connection_index[n] for n in evidence.packets if n in document.connection_index}
    )


def finding_choices(findings: Sequence[Finding]) -> list[tuple[int, str]]:
    """(index, name) of the findings that cite packets: the finding filter's entries."""
    return [
        (index, f"{finding.id}" + (f" ({finding.target})" if finding.target else ""))
        for index, finding in enumerate(findings)
        if finding.packets
    ]
