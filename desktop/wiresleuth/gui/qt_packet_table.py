"""The packet list as a table: No., Time, Source, Destination, Protocol, Length, Info, TCP fields.

A QAbstractTableModel over ``PacketRows`` (the filters and cell texts live there; rows are
formatted only when Qt asks, so 200 000 packets cost nothing up front). Rows a finding cites
are tinted and carry the findings' words in the Comment column. The header's context menu
hides and shows columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from wiresleuth.gui.document import Document
from wiresleuth.gui.packet_rows import (
    COLUMNS,
    COMMENT_COLUMN,
    INFO_COLUMN,
    PacketFilter,
    PacketRows,
)
from wiresleuth.gui.plain_text import tooltip
from wiresleuth.gui.qt_theme import cited_row_colour

Index = QModelIndex | QPersistentModelIndex
_RIGHT = {0, 1, 2, 6, 8, 9, 10, 12}
_WIDTHS = (56, 84, 76, 104, 104, 62, 56, 420, 70, 70, 64, 76, 40, 200)
_HIDDEN = {2, 8, 9, 10, 11, 12}
"""Columns hidden at first (Delta, Seq, Ack, Win, DSCP, TTL): the header's menu shows them."""


class QtPacketTableModel(QAbstractTableModel):
    """The rows of a PacketRows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = PacketRows()

    def set_document(self, document: Document | None) -> None:
        """List ``document``'s packets, unfiltered."""
        self.beginResetModel()
        self.rows = PacketRows(document)
        self.endResetModel()

    def set_filter(self, wanted: PacketFilter) -> None:
        """List only what ``wanted`` lets through."""
        self.beginResetModel()
        self.rows.set_filter(wanted)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headings(self) -> tuple[str, ...]:
        """The column headings, translated."""
        return (
            self.tr("No."), self.tr("Time"), self.tr("Delta"), self.tr("Source"),
            self.tr("Destination"), self.tr("Protocol"), self.tr("Length"), self.tr("Info"),
            self.tr("Seq"), self.tr("Ack"), self.tr("Win"), self.tr("DSCP"), self.tr("TTL"),
            self.tr("Comment"),
        )  # fmt: skip

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headings()[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == 1:
            return self.tr("Seconds since frame 1 of the capture (Wireshark's frame.time_relative)")
        return None

    def number_at(self, row: int) -> int | None:
        """The frame number of a row (None for a socket event without a packet)."""
        return self.rows.number_at(row)

    def rows_of(self, numbers: Sequence[int]) -> list[int]:
        """Rows showing these frame numbers."""
        return self.rows.rows_of(numbers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows.cells(index.row())[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (INFO_COLUMN, COMMENT_COLUMN):
                return tooltip(self.rows.cells(index.row())[column])
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            number = self.number_at(index.row())
            if self.rows.comment(number):
                return cited_row_colour()
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class QtPacketTable(QTableView):
    """The packet list view; ``select_packets`` selects and scrolls to frames."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_model = QtPacketTableModel(self)
        self.setModel(self.table_model)
        self.setAccessibleName(self.tr("Packet list"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        for column, width in enumerate(_WIDTHS):
            self.setColumnWidth(column, width)
            self.setColumnHidden(column, column in _HIDDEN)

    def _header_menu(self, at: QPoint) -> None:
        menu = QMenu(self)
        for column, heading in enumerate(self.table_model.headings()):
            action = menu.addAction(heading)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.setColumnHidden(c, not on))
        menu.popup(self.horizontalHeader().mapToGlobal(at))

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
            first = self.table_model.index(rows[0], 0)
            self.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(first, QAbstractItemView.ScrollHint.PositionAtCenter)
        return len(rows)

    def selected_numbers(self) -> list[int]:
        """Frame numbers of the selected rows."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [n for n in (self.table_model.number_at(r) for r in rows) if n is not None]

    def current_number(self) -> int | None:
        """The frame number of the current row."""
        index = self.currentIndex()
        return self.table_model.number_at(index.row()) if index.isValid() else None
