"""The watch tab: success rate per target and address over time (pyqtgraph), the grouped
failures, and the evidence of the group chosen.

Takes a ``WatchSummary``; what it shows comes from ``watch_view`` (no analysis here). The
"Keep watching" page uses the same widget and gives it the summary after each attempt.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_plot_palette import colour_plots
from wiresleuth.gui.watch_view import (
    GroupRow,
    first_frame,
    group_evidence,
    group_rows,
    success_series,
)
from wiresleuth.model.watch import WatchSummary

COLOURS = ("#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#d81b60", "#6d4c41")
"""One per line, in turn."""
COLUMNS = (
    "What failed",
    "Where",
    "Times",
    "First failed",
    "Last failed",
    "Last worked",
    "What differed from the nearest working attempt",
)


class QtWatchView(QWidget):
    """Plot above, grouped failures below, the chosen group's evidence beside them."""

    frame_requested = Signal(int)
    """The user asked to see a frame of the chosen group's evidence in the packet list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("The watch over time"))
        self.summary: WatchSummary | None = None
        self.rows: list[GroupRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = plain_label()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        split = QSplitter(Qt.Orientation.Vertical)
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot_widget.setAccessibleName(self.tr("Success rate over time"))
        self.plot = self.plot_widget.getPlotItem()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("left", self.tr("attempts that worked (%)"))
        self.plot.setLabel("bottom", self.tr("time"))
        self.plot.setYRange(-5, 105)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(10, 10))
        split.addWidget(self.plot_widget)
        lower = QSplitter(Qt.Orientation.Horizontal)
        self.groups = QTreeWidget()
        self.groups.setColumnCount(len(COLUMNS))
        self.groups.setHeaderLabels([self.tr(c) for c in COLUMNS])
        self.groups.setRootIsDecorated(False)
        self.groups.setAlternatingRowColors(True)
        self.groups.setAccessibleName(self.tr("Failures grouped by kind and address"))
        self.groups.currentItemChanged.connect(self._chosen)
        lower.addWidget(self.groups)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.evidence = QPlainTextEdit()
        self.evidence.setReadOnly(True)
        self.evidence.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.evidence.setAccessibleName(self.tr("Evidence of the chosen failures"))
        side_layout.addWidget(self.evidence, 1)
        self.show_packets = QPushButton(self.tr("Show its &packets"))
        self.show_packets.setAccessibleName(self.tr("Show the chosen failure's packets"))
        self.show_packets.setEnabled(False)
        self.show_packets.clicked.connect(self._show_packets)
        side_layout.addWidget(self.show_packets)
        lower.addWidget(side)
        lower.setSizes([700, 500])
        split.addWidget(lower)
        split.setSizes([380, 320])
        layout.addWidget(split, 1)
        self._apply_palette()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()

    def _apply_palette(self) -> None:
        colour_plots(self.palette(), self.plot_widget, [self.plot])

    def set_summary(self, summary: WatchSummary | None) -> None:
        """Show ``summary`` (None: empty); the group chosen stays chosen if it is still there."""
        chosen = self._chosen_key()
        self.summary = summary
        self.plot.clear()
        self.legend.clear()
        self.groups.clear()
        self.rows = []
        if summary is None:
            self.note.setText(self.tr("Not a watch."))
            self.evidence.clear()
            return
        for n, series in enumerate(success_series(summary)):
            colour = COLOURS[n % len(COLOURS)]
            item = pg.PlotDataItem(
                list(series.times),
                list(series.rates),
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=6,
                symbolBrush=colour,
                symbolPen=None,
                name=series.label,
            )
            self.plot.addItem(item)
        settings = summary.settings
        failed = sum(1 for a in summary.attempts if not a.ok and not a.cancelled)
        state = {"running": self.tr("watching"), "cancelled": self.tr("stopped")}.get(
            settings.ended, self.tr("finished")
        )
        self.note.setText(
            self.tr(
                "Watch {0}: {1} attempt(s), {2} failed, every {3:g} s; {4} kind(s) of failure."
            ).format(state, summary.attempts_total, failed, settings.every, len(summary.groups))
        )
        self.rows = group_rows(summary)
        for row in self.rows:
            item = QTreeWidgetItem(
                [row.what, row.where, row.count, row.first, row.last, row.worked, row.differed]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, _key(row))
            self.groups.addTopLevelItem(item)
        for column in range(len(COLUMNS) - 1):
            self.groups.resizeColumnToContents(column)
        again: QTreeWidgetItem | None = None
        for index in range(self.groups.topLevelItemCount()):
            item = self.groups.topLevelItem(index)
            if item is not None and (
                again is None or item.data(0, Qt.ItemDataRole.UserRole) == chosen
            ):
                again = item
        if again is not None:
            self.groups.setCurrentItem(again)
        else:
            self.evidence.setPlainText(self.tr("Every attempt worked."))
            self.show_packets.setEnabled(False)

    def choose(self, index: int) -> None:
        """Choose the ``index``-th group (as a click does)."""
        item = self.groups.topLevelItem(index)
        if item is not None:
            self.groups.setCurrentItem(item)

    def _chosen_key(self) -> Any:
        item = self.groups.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def _row(self) -> GroupRow | None:
        key = self._chosen_key()
        return next((r for r in self.rows if _key(r) == key), None)

    def _chosen(self, *_: object) -> None:
        row = self._row()
        if row is None or self.summary is None:
            return
        self.evidence.setPlainText(group_evidence(self.summary, row.group))
        self.show_packets.setEnabled(first_frame(self.summary, row.group) is not None)

    def _show_packets(self) -> None:
        row = self._row()
        if row is None or self.summary is None:
            return
        frame = first_frame(self.summary, row.group)
        if frame is not None:
            self.frame_requested.emit(frame)


def _key(row: GroupRow) -> str:
    group = row.group
    return f"{group.signature}\t{group.target}\t{group.address}"
