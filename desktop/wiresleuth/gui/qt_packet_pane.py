"""The packet pane: the whole capture's packet list with filters, one packet's details and bytes.

Filters narrow the list by connection, by finding (or "cited by any finding"), by a piece of
evidence (set by the viewer: the packets of every connection it touches) and by text. The
packet chosen shows below: a details tree (``packet_detail_tree``, read in a worker since it
reads the frame from the capture file) and its bytes as a hex dump, where the bytes of the
line chosen in the tree are marked. "Open in Wireshark" appears where Wireshark is installed.

Every text here comes from a capture: the tree's items and the dump are drawn as text, and
tooltips go through ``plain_text.tooltip``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QProcess, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.document import Document
from wiresleuth.gui.lane_labels import full_label
from wiresleuth.gui.packet_detail_tree import PacketDetails, packet_details
from wiresleuth.gui.packet_rows import PacketFilter, finding_choices
from wiresleuth.gui.plain_text import plain_label, tooltip
from wiresleuth.gui.qt_packet_table import QtPacketTable
from wiresleuth.gui.qt_worker import QtFunctionWorker, start_worker
from wiresleuth.gui.wireshark import find_wireshark, wireshark_command
from wiresleuth.model.detail_tree import DetailNode

_RANGE_ROLE = Qt.ItemDataRole.UserRole + 1
_TEXT_DELAY_MS = 250
_CACHED = 128
_DUMP_WIDTH = 16
_MAX_ITEMS = 5000
SYNC_TEXT_ROWS = 20_000
"""Up to this many packets, the text filter works out every row's text at once."""


def hex_dump(data: bytes) -> str:
    """Offset, 16 bytes in hex, the same as text ('.' for what is not printable ASCII)."""
    lines = []
    for at in range(0, len(data), _DUMP_WIDTH):
        chunk = data[at : at + _DUMP_WIDTH]
        hexes = " ".join(f"{b:02x}" for b in chunk).ljust(_DUMP_WIDTH * 3 - 1)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{at:04x}  {hexes}  {text}")
    return "\n".join(lines)


def dump_spans(start: int, end: int) -> list[tuple[int, int]]:
    """Character ranges of ``hex_dump`` covering bytes [start, end): hex and text columns."""
    spans = []
    line_length = 6 + _DUMP_WIDTH * 3 - 1 + 2 + _DUMP_WIDTH + 1
    for at in range(start, end):
        line, column = divmod(at, _DUMP_WIDTH)
        base = line * line_length
        spans.append((base + 6 + column * 3, base + 6 + column * 3 + 2))
        text_at = base + 6 + _DUMP_WIDTH * 3 - 1 + 2 + column
        spans.append((text_at, text_at + 1))
    return spans


class QtPacketBytes(QPlainTextEdit):
    """A frame's bytes as a hex dump; ``mark`` highlights a byte range."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setAccessibleName(self.tr("Bytes of the packet"))
        self._size = 0

    def show_bytes(self, data: bytes) -> None:
        """Show ``data``."""
        self._size = len(data)
        self.setPlainText(hex_dump(data))
        self.setExtraSelections([])

    def mark(self, start: int | None, end: int | None) -> None:
        """Highlight bytes [start, end) (nothing when None)."""
        if start is None or end is None:
            self.setExtraSelections([])
            return
        end = min(end, self._size)
        selections = []
        highlight = QTextCharFormat()
        highlight.setBackground(self.palette().highlight())
        highlight.setForeground(self.palette().highlightedText())
        length = len(self.toPlainText())
        for first, last in dump_spans(max(start, 0), end)[: 2 * 4096]:
            if last > length:
                break
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(first)
            cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = highlight
            selections.append(selection)
        self.setExtraSelections(selections)
        if selections:
            self.setTextCursor(selections[0].cursor)
            self.ensureCursorVisible()


class QtPacketDetails(QTreeWidget):
    """A packet's details tree; each line keeps the byte range it describes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setAccessibleName(self.tr("Details of the packet"))
        self.setUniformRowHeights(True)

    def show_nodes(self, nodes: Sequence[DetailNode]) -> None:
        """Show the tree of ``nodes`` (layers expanded, fields folded)."""
        self.clear()
        budget = [_MAX_ITEMS]

        def add(node: DetailNode, parent: QTreeWidgetItem | None) -> QTreeWidgetItem | None:
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            item = QTreeWidgetItem([node.text])
            item.setData(0, _RANGE_ROLE, (node.start, node.end))
            if parent is None:
                self.addTopLevelItem(item)
            else:
                parent.addChild(item)
            for child in node.children:
                add(child, item)
            return item

        for node in nodes:
            item = add(node, None)
            if item is not None:
                item.setExpanded(True)

    def range_of(self, item: QTreeWidgetItem | None) -> tuple[int | None, int | None]:
        """The byte range of a line."""
        value = item.data(0, _RANGE_ROLE) if item is not None else None
        return value if isinstance(value, tuple) else (None, None)


class QtPacketPane(QWidget):
    """Filter bar, packet list, details and bytes of the packet chosen."""

    packet_chosen = Signal(int)
    """Frame number of the packet made current (click, keys)."""
    connection_chosen = Signal(int)
    """The connection filter was set to this lane by the user."""
    follow_requested = Signal(int)
    """The user wants the stream of this lane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self._cache: dict[int, PacketDetails] = {}
        self._wanted: int | None = None
        self._workers: list[QtFunctionWorker] = []
        self._haystack_worker: QtFunctionWorker | None = None
        self._frames_filter: tuple[frozenset[int] | None, str] = (None, "")
        self._wireshark = find_wireshark()
        self._launch: Callable[[list[str]], bool] = _start_detached
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.connection_filter = QComboBox()
        self.connection_filter.setAccessibleName(self.tr("Show the packets of"))
        self.connection_filter.view().setAccessibleName(self.tr("Show the packets of"))
        self.connection_filter.setMinimumContentsLength(18)
        self.connection_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.connection_filter.activated.connect(self._connection_picked)
        bar.addWidget(self.connection_filter, 2)
        self.finding_filter = QComboBox()
        self.finding_filter.setAccessibleName(self.tr("Show the packets a finding cites"))
        self.finding_filter.view().setAccessibleName(self.tr("Show the packets a finding cites"))
        self.finding_filter.setMinimumContentsLength(14)
        self.finding_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.finding_filter.activated.connect(lambda _i: self.apply_filter())
        bar.addWidget(self.finding_filter, 2)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(self.tr("Filter: text in any column"))
        self.text_filter.setAccessibleName(self.tr("Filter the packets by text"))
        self.text_filter.setClearButtonEnabled(True)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(_TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self.apply_filter)
        self.text_filter.textChanged.connect(lambda _t: self._text_timer.start())
        self.text_filter.returnPressed.connect(self.apply_filter)
        bar.addWidget(self.text_filter, 3)
        self.clear_button = QPushButton(self.tr("All packets"))
        self.clear_button.setAccessibleName(self.tr("Clear every filter"))
        self.clear_button.clicked.connect(self.clear_filters)
        bar.addWidget(self.clear_button)
        layout.addLayout(bar)
        self.count = plain_label()
        self.count.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.count)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QtPacketTable()
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        split.addWidget(self.table)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        actions = QHBoxLayout()
        self.details_title = plain_label(self.tr("Choose a packet to see its details."))
        actions.addWidget(self.details_title, 1)
        self.follow_button = QPushButton(self.tr("Follow &stream"))
        self.follow_button.setAccessibleName(self.tr("Show the bytes of this packet's connection"))
        self.follow_button.clicked.connect(self._follow)
        actions.addWidget(self.follow_button)
        self.wireshark_button = QPushButton(self.tr("Open in &Wireshark"))
        self.wireshark_button.setAccessibleName(self.tr("Open the capture in Wireshark at this frame"))
        self.wireshark_button.clicked.connect(self.open_in_wireshark)
        actions.addWidget(self.wireshark_button)
        lower_layout.addLayout(actions)
        details_split = QSplitter(Qt.Orientation.Horizontal)
        self.details = QtPacketDetails()
        self.details.currentItemChanged.connect(self._detail_chosen)
        details_split.addWidget(self.details)
        self.bytes = QtPacketBytes()
        details_split.addWidget(self.bytes)
        details_split.setStretchFactor(0, 4)
        details_split.setStretchFactor(1, 5)
        details_split.setSizes([400, 540])  # the dump's 71 characters fit the right-hand side
        lower_layout.addWidget(details_split, 1)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([300, 200])
        layout.addWidget(split, 1)
        self._update_actions(None)

    # -- the document ----------------------------------------------------------------------

    def set_document(self, document: Document) -> None:
        """List ``document``'s packets (all of them)."""
        self.document = document
        self._cache.clear()
        self._wanted = None
        self._frames_filter = (None, "")
        self.table.table_model.set_document(document)
        self.connection_filter.clear()
        self.connection_filter.addItem(self.tr("All connections"), None)
        for lane, connection in enumerate(document.connections):
            self.connection_filter.addItem(f"{lane + 1}  {full_label(connection)}", lane)
            self.connection_filter.setItemData(
                lane + 1, tooltip(full_label(connection)), Qt.ItemDataRole.ToolTipRole
            )
        self.finding_filter.clear()
        self.finding_filter.addItem(self.tr("Any packet"), None)
        self.finding_filter.addItem(self.tr("Cited by any finding"), "cited")
        for index, name in finding_choices(document.findings):
            self.finding_filter.addItem(self.tr("Cited by {0}").format(name), index)
        self.text_filter.blockSignals(True)
        self.text_filter.clear()
        self.text_filter.blockSignals(False)
        self.details.clear()
        self.bytes.show_bytes(b"")
        self.details_title.setText(self.tr("Choose a packet to see its details."))
        self._update_count()
        self._update_actions(None)

    # -- filters ---------------------------------------------------------------------------

    def current_filter(self) -> PacketFilter:
        """The filter the bar's controls say."""
        lane = self.connection_filter.currentData()
        finding = self.finding_filter.currentData()
        frames, label = self._frames_filter
        return PacketFilter(
            connection=lane if isinstance(lane, int) else None,
            finding=finding if isinstance(finding, int) else None,
            cited=finding == "cited",
            frames=frames,
            frames_label=label,
            text=self.text_filter.text(),
        )

    def apply_filter(self) -> None:
        """List what the bar's controls let through, keeping the current packet if listed.

        A text filter over a large capture first works out every row's text in a worker."""
        rows = self.table.table_model.rows
        wanted = self.current_filter()
        if wanted.text.strip() and not rows.haystack_ready and len(rows.document.packets if rows.document else ()) > SYNC_TEXT_ROWS:
            if self._haystack_worker is None or self._haystack_worker.done:
                self.count.setText(self.tr("Reading every packet for the text filter…"))
                self._haystack_worker = start_worker(
                    lambda _emit: rows.build_haystack(),
                    on_finish=self.apply_filter,
                )
            return
        current = self.table.current_number()
        self.table.table_model.set_filter(self.current_filter())
        self._update_count()
        if current is not None:
            self.table.select_packets([current])

    def _connection_picked(self, _index: int) -> None:
        self._frames_filter = (None, "")
        self.apply_filter()
        lane = self.connection_filter.currentData()
        if isinstance(lane, int):
            self.connection_chosen.emit(lane)

    def show_connection(self, lane: int | None) -> None:
        """List only the packets of ``lane`` (None: every connection)."""
        self._frames_filter = (None, "")
        position = self.connection_filter.findData(lane) if lane is not None else 0
        self.connection_filter.setCurrentIndex(max(position, 0))
        self.apply_filter()

    def show_frames(self, frames: frozenset[int], label: str, selected: Sequence[int]) -> int:
        """List only ``frames`` (a piece of evidence), select ``selected``; how many found."""
        self._frames_filter = (frames, label)
        self.connection_filter.setCurrentIndex(0)
        self.finding_filter.setCurrentIndex(0)
        self.text_filter.blockSignals(True)
        self.text_filter.clear()
        self.text_filter.blockSignals(False)
        self.table.table_model.set_filter(self.current_filter())
        self._update_count()
        return self.table.select_packets(selected)

    def clear_filters(self) -> None:
        """Every packet of the capture."""
        self._frames_filter = (None, "")
        self.connection_filter.setCurrentIndex(0)
        self.finding_filter.setCurrentIndex(0)
        self.text_filter.blockSignals(True)
        self.text_filter.clear()
        self.text_filter.blockSignals(False)
        self.apply_filter()

    def _update_count(self) -> None:
        document = self.document
        rows = self.table.table_model.rows
        if document is None:
            self.count.setText("")
            return
        if not rows.has_packets:
            lane = rows.filter.connection
            if lane is None or not 0 <= lane < len(document.connections):
                self.count.setText(self.tr("No capture in this file: choose a lane for its socket events."))
            else:
                self.count.setText(
                    self.tr("No capture in this file: the socket events of {0}").format(
                        full_label(document.connections[lane])
                    )
                )
            return
        total = len(document.packets)
        text = self.tr("{0} of {1} packets").format(len(rows), total)
        frames_label = rows.filter.frames_label
        if frames_label:
            text += " · " + frames_label
        self.count.setText(text)

    # -- one packet ------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        number = self.table.table_model.number_at(current.row()) if current.isValid() else None
        self._update_actions(number)
        if number is None:
            return
        self.packet_chosen.emit(number)
        self.show_details(number)

    def show_details(self, number: int) -> None:
        """Fill the details and bytes panes with frame ``number`` (read in a worker)."""
        document = self.document
        if document is None or number not in document.packet_index:
            return
        self._wanted = number
        cached = self._cache.get(number)
        if cached is not None:
            self._show(cached)
            return
        self.details_title.setText(self.tr("Frame {0}: reading…").format(number))

        def work(_emit: object) -> PacketDetails | None:
            return packet_details(document, number)

        worker = start_worker(work, on_return=self._details_read, on_error=self._details_failed)
        self._workers = [w for w in self._workers if not w.done] + [worker]

    def _details_read(self, details: object) -> None:
        if not isinstance(details, PacketDetails):
            return
        if len(self._cache) >= _CACHED:
            self._cache.pop(next(iter(self._cache)))
        self._cache[details.number] = details
        if details.number == self._wanted:
            self._show(details)

    def _details_failed(self, error: object) -> None:
        self.details_title.setText(self.tr("The packet's details could not be read: {0}").format(error))

    def _show(self, details: PacketDetails) -> None:
        title = self.tr("Frame {0}: {1} bytes").format(details.number, len(details.data))
        if not details.whole_frame:
            title += " " + self.tr("(payload only: {0})").format(details.note)
        self.details_title.setText(title)
        self.details.show_nodes(details.nodes)
        self.bytes.show_bytes(details.data)

    def _detail_chosen(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        self.bytes.mark(*self.details.range_of(item))

    @property
    def shown_details(self) -> PacketDetails | None:
        """The details on show."""
        return self._cache.get(self._wanted) if self._wanted is not None else None

    # -- actions ---------------------------------------------------------------------------

    def _update_actions(self, number: int | None) -> None:
        document = self.document
        lane = document.connection_index.get(number) if document and number is not None else None
        self.follow_button.setEnabled(lane is not None)
        can = (
            self._wireshark is not None
            and document is not None
            and document.capture_file is not None
        )
        self.wireshark_button.setVisible(can)
        self.wireshark_button.setEnabled(can and number is not None)
        if can and number is not None:
            self.wireshark_button.setToolTip(
                tooltip(" ".join(self.wireshark_command(number) or []))
            )

    def wireshark_command(self, number: int) -> list[str] | None:
        """The command "Open in Wireshark" runs for frame ``number`` (None: not offered)."""
        document = self.document
        if self._wireshark is None or document is None or document.capture_file is None:
            return None
        return wireshark_command(self._wireshark, document.capture_file, number)

    def open_in_wireshark(self) -> None:
        """Start Wireshark on the capture with the current frame selected."""
        number = self.table.current_number()
        command = self.wireshark_command(number) if number is not None else None
        if command is not None and not self._launch(command):
            self.details_title.setText(self.tr("Wireshark could not be started."))

    def _follow(self) -> None:
        number = self.table.current_number()
        document = self.document
        if document is None or number is None:
            return
        lane = document.connection_index.get(number)
        if lane is not None:
            self.follow_requested.emit(lane)


def _start_detached(command: list[str]) -> bool:
    started, _pid = QProcess.startDetached(command[0], command[1:])
    return bool(started)
