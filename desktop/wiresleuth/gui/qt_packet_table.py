"""The packets of one connection as a table: time, delta, flags, length, DSCP, TTL, comment.

A QAbstractTableModel over PacketRecords (rows are formatted only when Qt asks, so a connection
of 100 000 packets costs nothing up front). The comment column carries the findings' evidence
that cites the packet; commented rows are tinted. Without a capture, the connection's
socket-level events are listed instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.gui.plain_text import tooltip
from wiresleuth.model.packet import TCP, PacketRecord
from wiresleuth.model.timeline import Connection, TimelineEvent

_FLAG_NAMES = (
    (0x02, "SYN"),
    (0x10, "ACK"),
    (0x08, "PSH"),
    (0x01, "FIN"),
    (0x04, "RST"),
    (0x20, "URG"),
    (0x40, "ECE"),
    (0x80, "CWR"),
)

COLUMNS = ("No.", "Time", "Delta", "Dir", "Flags", "Length", "DSCP", "TTL", "Comment")
"""Column headings (shown translated)."""

Row = PacketRecord | TimelineEvent


def flags_text(packet: PacketRecord) -> str:
    """``SYN ACK`` for TCP, the ICMP type/code for ICMP, the protocol number otherwise."""
    if packet.proto == TCP:
        names = [name for bit, name in _FLAG_NAMES if packet.tcp_flags & bit]
        size = max(packet.payload_len, len(packet.payload))
        return " ".join(names) + (f" +{size}B" if size else "")
    if packet.icmp_type is not None:
        return f"ICMP {packet.icmp_type}/{packet.icmp_code}"
    return f"proto {packet.proto}"


Index = QModelIndex | QPersistentModelIndex


class QtPacketTableModel(QAbstractTableModel):
    """Rows of one connection: its packets, or its events when there is no capture."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._origin = 0.0
        self._client: tuple[str, int | None] = ("", 0)
        self._comments: Mapping[int, str] = {}
        self._tint = QColor(255, 196, 0, 60)

    def set_rows(
        self,
        connection: Connection | None,
        packets: Mapping[int, PacketRecord],
        comments: Mapping[int, str],
        origin: float,
    ) -> None:
        """Show ``connection``'s packets (looked up in ``packets``), else its events."""
        self.beginResetModel()
        self._origin = origin
        self._comments = comments
        self._client = (connection.client, connection.client_port) if connection else ("", 0)
        rows: list[Row] = []
        if connection is not None:
            rows = [packets[n] for n in connection.packets if n in packets]
            if not rows:
                rows = list(connection.events)
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headings()[section]
        return None

    def _headings(self) -> tuple[str, ...]:
        return (
            self.tr("No."), self.tr("Time"), self.tr("Delta"), self.tr("Dir"), self.tr("Flags"),
            self.tr("Length"), self.tr("DSCP"), self.tr("TTL"), self.tr("Comment"),
        )  # fmt: skip

    def number_at(self, row: int) -> int | None:
        """The frame number of a row (None for a socket-level event)."""
        item = self._rows[row]
        return item.number if isinstance(item, PacketRecord) else item.packet

    def rows_of(self, numbers: Sequence[int]) -> list[int]:
        """Rows showing these frame numbers."""
        wanted = set(numbers)
        return [row for row in range(len(self._rows)) if self.number_at(row) in wanted]

    def _cells(self, row: int) -> tuple[str, ...]:
        item = self._rows[row]
        previous = self._rows[row - 1].time if row else item.time
        delta = f"{(item.time - previous) * 1000:.3f} ms" if row else ""
        when = f"{item.time - self._origin:.6f}"
        if isinstance(item, PacketRecord):
            direction = "→" if (item.src, item.sport) == self._client else "←"
            return (
                str(item.number), when, delta, direction, flags_text(item), str(item.length),
                f"{dscp_name(item.dscp)} ({item.dscp})", str(item.ttl), self._comments.get(item.number, ""),
            )  # fmt: skip
        direction = "→" if item.direction == "out" else "←"
        number = "" if item.packet is None else str(item.packet)
        comment = self._comments.get(item.packet, "") if item.packet is not None else ""
        detail = f"{item.kind} {item.detail}".strip()
        return (
            number, when, delta, direction, detail, str(item.length or ""),
            f"{dscp_name(item.dscp)} ({item.dscp})" if item.packet is not None else "",
            str(item.ttl or ""), comment,
        )  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._cells(index.row())[index.column()]
            if role == Qt.ItemDataRole.ToolTipRole:
                return tooltip(text) if index.column() == len(COLUMNS) - 1 else None
            return text
        if role == Qt.ItemDataRole.BackgroundRole:
            number = self.number_at(index.row())
            return self._tint if number is not None and number in self._comments else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 1, 2, 5, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class QtPacketTable(QTableView):
    """The packet table view; ``select_packets`` selects and scrolls to frames."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_model = QtPacketTableModel(self)
        self.setModel(self.table_model)
        self.setAccessibleName(self.tr("Packets of the selected connection"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((56, 96, 90, 34, 120, 60, 80, 44)):
            self.setColumnWidth(column, width)

    def select_packets(self, numbers: Sequence[int]) -> int:
        """Select the rows of these frames and scroll to the first; how many were found."""
        rows = self.table_model.rows_of(numbers)
        selection = QItemSelection()
        last = self.table_model.columnCount() - 1
        for row in rows:
            selection.select(self.table_model.index(row, 0), self.table_model.index(row, last))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().select(selection, flags)
        if rows:
            self.scrollTo(
                self.table_model.index(rows[0], 0), QAbstractItemView.ScrollHint.PositionAtCenter
            )
        return len(rows)

    def selected_numbers(self) -> list[int]:
        """Frame numbers of the selected rows."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [n for n in (self.table_model.number_at(r) for r in rows) if n is not None]
