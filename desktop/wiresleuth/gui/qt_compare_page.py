"""Two bundles side by side: what differs first, both sides of any row, aligned timelines.

Takes a ``Comparison`` (made by ``compare_model`` from two Documents). Findings and path
figures are listed differences first (tinted; "Only differences" hides the rest), with
their whole text wrapped. Choosing a row shows both sides of it (the finding or figure in A
and in B, with their evidence) and highlights the connections it is about on the aligned
timeline, where the connections of A and B that did the same thing are drawn one under
the other, each from its own first event. "Open A/B in the viewer" opens that side at that
finding.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.compare_model import (
    ALIGNED_ZERO,
    Change,
    Comparison,
    FigureRow,
    FindingRow,
    aligned_lanes,
)
from wiresleuth.gui.document import Document
from wiresleuth.gui.evidence_intervals import EvidenceInterval, evidence_intervals
from wiresleuth.gui.plain_text import plain_label, tooltip
from wiresleuth.gui.qt_findings_view import children
from wiresleuth.gui.qt_theme import cited_row_colour
from wiresleuth.gui.qt_timeline import QtTimeline
from wiresleuth.model.finding import Finding

_ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class QtComparePage(QWidget):
    """Findings, figures and connections of documents A and B."""

    back_requested = Signal()
    open_requested = Signal(object, object)
    """(Document, Finding or None): show that side in the viewer, at that finding."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison: Comparison | None = None
        self.a: Document | None = None
        self.b: Document | None = None
        self._chosen: FindingRow | FigureRow | None = None
        self._where: list[tuple[int, str, int]] = []
        self.marked_lanes: list[int] = []
        """Lanes of the aligned timeline the chosen row is about."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        self._title = plain_label()
        font = QFont(self._title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._title.setFont(font)
        self._title.setWordWrap(True)
        top.addWidget(self._title, 1)
        self.only_differences = QCheckBox(self.tr("&Only differences"))
        self.only_differences.setAccessibleName(self.tr("Show only what differs"))
        self.only_differences.toggled.connect(self._filter)
        top.addWidget(self.only_differences)
        back = QPushButton(self.tr("&Back to start"))
        back.setAccessibleName(self.tr("Back to the start page"))
        back.clicked.connect(self.back_requested)
        top.addWidget(back)
        layout.addLayout(top)
        self._summary = plain_label()
        self._summary.setWordWrap(True)
        layout.addWidget(self._summary)

        split = QSplitter(Qt.Orientation.Vertical)
        self.lists = QTabWidget()
        self.lists.setAccessibleName(self.tr("What differs"))
        self.findings = self._tree(self.tr("Findings of both bundles"))
        self.figures = self._tree(self.tr("Path figures of both bundles"))
        self.lists.addTab(self.findings, self.tr("&Findings"))
        self.lists.addTab(self.figures, self.tr("Path fi&gures"))
        split.addWidget(self.lists)

        sides = QWidget()
        sides_layout = QHBoxLayout(sides)
        sides_layout.setContentsMargins(0, 0, 0, 0)
        self.side_text: dict[str, QPlainTextEdit] = {}
        self.open_buttons: dict[str, QPushButton] = {}
        for side in ("A", "B"):
            box = QVBoxLayout()
            button = QPushButton(self.tr("Open {0} in the viewer").format(side))
            button.setAccessibleName(self.tr("Open side {0} in the viewer at this row").format(side))
            button.clicked.connect(lambda _=False, s=side: self.open_side(s))
            button.setEnabled(False)
            box.addWidget(button)
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setAccessibleName(self.tr("Side {0} of the chosen row").format(side))
            text.setPlaceholderText(self.tr("Choose a row above to see both sides of it."))
            box.addWidget(text, 1)
            sides_layout.addLayout(box, 1)
            self.side_text[side] = text
            self.open_buttons[side] = button
        split.addWidget(sides)

        timeline_box = QWidget()
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(
            plain_label(
                self.tr(
                    "Matching connections, A above B, each from its own first event "
                    "(seconds since that event):"
                )
            )
        )
        self.timeline = QtTimeline(sizes=False, lane_list=False)
        self.timeline.set_axis_label(self.tr("seconds since each connection's first event"))
        self.timeline.setAccessibleName(self.tr("Matching connections of both bundles"))
        timeline_layout.addWidget(self.timeline, 1)
        split.addWidget(timeline_box)
        split.setSizes([230, 140, 300])
        layout.addWidget(split, 1)

    def _tree(self, name: str) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setAccessibleName(name)
        tree.setRootIsDecorated(False)
        tree.setColumnCount(4)
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.currentItemChanged.connect(lambda item, _previous: self._chosen_row(item))
        tree.itemActivated.connect(lambda item, _column: self._chosen_row(item))
        header = tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        return tree

    def _finding_text(self, finding: Finding | None) -> str:
        if finding is None:
            return self.tr("— not found")
        return f"{finding.severity.value}: {finding.title}"

    def _change_text(self, change: Change) -> str:
        return {
            Change.ONLY_A: self.tr("only in A"),
            Change.ONLY_B: self.tr("only in B"),
            Change.DIFFERENT: self.tr("different"),
            Change.SAME: self.tr("same"),
        }[change]

    def set_comparison(self, a: Document, b: Document, comparison: Comparison) -> None:
        """Show ``comparison`` of ``a`` and ``b``."""
        self.comparison, self.a, self.b = comparison, a, b
        self._chosen = None
        self._title.setText(self.tr("A: {0}    B: {1}").format(a.title, b.title))
        self._summary.setText(
            self.tr(
                "{0} differences: findings in one bundle only, and figures that moved more "
                "than jitter explains. Choose a row to see both sides of it."
            ).format(comparison.differences)
        )
        self.findings.clear()
        self.findings.setHeaderLabels([self.tr("Finding"), "A", "B", self.tr("Change")])
        for row in comparison.findings:
            label = row.id + (f"  ({row.target})" if row.target else "")
            self._add(
                self.findings,
                [label, self._finding_text(row.a), self._finding_text(row.b)],
                row.change,
                row,
            )
        self.figures.clear()
        self.figures.setHeaderLabels([self.tr("Path figure"), "A", "B", self.tr("Change")])
        for figure in comparison.figures:
            self._add(
                self.figures,
                [
                    f"{figure.group} · {figure.name}",
                    figure.a.text if figure.a else "—",
                    figure.b.text if figure.b else "—",
                ],
                figure.change,
                figure,
            )
        for tree in (self.findings, self.figures):
            tree.setColumnWidth(0, 300)
        finding_differences = sum(r.change is not Change.SAME for r in comparison.findings)
        figure_differences = sum(r.change is not Change.SAME for r in comparison.figures)
        self.lists.setTabText(0, self.tr("&Findings ({0} differ)").format(finding_differences))
        self.lists.setTabText(1, self.tr("Path fi&gures ({0} differ)").format(figure_differences))
        lanes, self._where = aligned_lanes(a, b, comparison.connections)
        self.timeline.set_connections(lanes, ALIGNED_ZERO)
        for side in ("A", "B"):
            self.side_text[side].setPlainText("")
            self.open_buttons[side].setEnabled(False)
        self._filter()

    def _add(
        self, tree: QTreeWidget, cells: list[str], change: Change, row: FindingRow | FigureRow
    ) -> None:
        item = QTreeWidgetItem([*cells, self._change_text(change)])
        item.setData(0, Qt.ItemDataRole.UserRole, change.value)
        item.setData(0, _ROW_ROLE, row)
        for column, text in enumerate(cells):
            item.setToolTip(column, tooltip(text))
        if change is not Change.SAME:
            for column in range(4):
                item.setBackground(column, cited_row_colour())
        else:
            for column in range(4):
                item.setForeground(column, self.palette().placeholderText())
        tree.addTopLevelItem(item)

    def _filter(self) -> None:
        only = self.only_differences.isChecked()
        for tree in (self.findings, self.figures):
            for item in children(tree.invisibleRootItem()):
                same = item.data(0, Qt.ItemDataRole.UserRole) == Change.SAME.value
                item.setHidden(only and same)

    # -- both sides of a row ---------------------------------------------------------------

    def _chosen_row(self, item: QTreeWidgetItem | None) -> None:
        row = item.data(0, _ROW_ROLE) if item is not None else None
        if isinstance(row, FindingRow | FigureRow):
            self.show_row(row)

    def show_row(self, row: FindingRow | FigureRow) -> None:
        """Both sides of ``row``, and its connections on the aligned timeline."""
        self._chosen = row
        for side, document in (("A", self.a), ("B", self.b)):
            value = row.a if side == "A" else row.b
            if isinstance(row, FindingRow):
                text = self._finding_side(value if isinstance(value, Finding) else None)
            else:
                text = self._figure_side(row, side)
            self.side_text[side].setPlainText(text)
            self.open_buttons[side].setEnabled(document is not None)
        self._mark_timeline(row)

    def _finding_side(self, finding: Finding | None) -> str:
        if finding is None:
            return self.tr("Not found on this side.")
        lines = [
            f"{finding.severity.value}: {finding.title}",
            f"{finding.id}" + (f" ({finding.target})" if finding.target else ""),
            "",
            finding.engineer_text,
            "",
        ]
        for evidence in finding.evidence:
            packets = ", ".join(str(n) for n in evidence.packets)
            lines.append(f"• {evidence.text}" + (f"  [packets {packets}]" if packets else ""))
        return "\n".join(lines)

    def _figure_side(self, row: FigureRow, side: str) -> str:
        figure = row.a if side == "A" else row.b
        if figure is None:
            return self.tr("{0} · {1}: not measured on this side.").format(row.group, row.name)
        return f"{row.group} · {row.name}: {figure.text}"

    def _lanes_of(self, side: str, lanes: set[int]) -> list[int]:
        return [index for index, (_, s, lane) in enumerate(self._where) if s == side and lane in lanes]

    def _mark_timeline(self, row: FindingRow | FigureRow) -> None:
        """Highlight the aligned lanes a row is about; bracket a finding's timed evidence."""
        intervals: list[EvidenceInterval] = []
        chosen: list[int] = []
        for side, document in (("A", self.a), ("B", self.b)):
            if document is None:
                continue
            value = row.a if side == "A" else row.b
            if isinstance(value, Finding):
                for evidence in value.evidence:
                    lanes = {
                        document.connection_index[n]
                        for n in evidence.packets
                        if n in document.connection_index
                    }
                    placed = self._lanes_of(side, lanes)
                    chosen += placed
                    for interval in evidence_intervals(document, evidence):
                        intervals += self._shifted(interval, side, document)
            elif isinstance(row, FigureRow):
                lanes = {
                    lane
                    for lane, c in enumerate(document.connections)
                    if f"{c.server}:{c.server_port}" == row.group
                    or row.group in (c.label or "")
                }
                chosen += self._lanes_of(side, lanes)
        if intervals:
            self.timeline.show_evidence(intervals, ())
        if chosen:
            self.timeline.select_lane(min(chosen))
        self.marked_lanes = sorted(set(chosen))

    def _shifted(
        self, interval: EvidenceInterval, side: str, document: Document
    ) -> list[EvidenceInterval]:
        """``interval`` moved onto the aligned timeline (one per lane of its side)."""
        found = []
        for lane in interval.lanes:
            for index in self._lanes_of(side, {lane}):
                shift = ALIGNED_ZERO - document.connections[lane].start
                found.append(
                    EvidenceInterval(
                        start=interval.start + shift,
                        end=interval.end + shift,
                        label=f"{side}: {interval.label}",
                        lanes=(index,),
                        reference=interval.reference,
                    )
                )
        return found

    def open_side(self, side: str) -> None:
        """Show side ``side`` in the viewer, at the chosen finding."""
        document = self.a if side == "A" else self.b
        if document is None:
            return
        row = self._chosen
        value = (row.a if side == "A" else row.b) if row is not None else None
        self.open_requested.emit(document, value if isinstance(value, Finding) else None)
