"""The run in progress: each check with its state and time, an overall bar, Cancel, a line
saying in plain words what the run waits for and for how long, and a live timeline of the
connections as the program's sockets report them.

Subscribes to a QtRunSession; redraws the timeline at most every 150 ms, so a burst of socket
events never floods the event loop, and every 500 ms while a connection waits (its lane
grows from the moment it started until it ends).
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_findings_view import children
from wiresleuth.gui.qt_run_session import CheckState, QtRunSession, RunState
from wiresleuth.gui.qt_timeline import QtTimeline

_REDRAW_MS = 150
_TICK_MS = 200
_GROW_TICKS = 3
"""Ticks between redraws of a waiting connection's growing lane."""


class QtProgressPage(QWidget):
    """What the run is doing right now."""

    def __init__(self, session: QtRunSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._started = time.monotonic()
        self._live_dirty = False
        self._ticks = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        self._title = plain_label(self.tr("Running the checks…"))
        font = QFont(self._title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self._title.setFont(font)
        layout.addWidget(self._title)
        row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Overall progress"))
        self.bar.setRange(0, 0)
        row.addWidget(self.bar, 1)
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the run"))
        self.cancel_button.setToolTip(self.tr("Stop now and keep what has finished (Esc)"))
        self.cancel_button.clicked.connect(session.cancel)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        shortcut.activated.connect(session.cancel)
        self._message = plain_label()
        self._message.setAccessibleName(self.tr("Current step"))
        layout.addWidget(self._message)
        self.checks = QTreeWidget()
        self.checks.setColumnCount(3)
        self.checks.setHeaderLabels([self.tr("Check"), self.tr("State"), self.tr("Time")])
        self.checks.setRootIsDecorated(False)
        self.checks.setAccessibleName(self.tr("Checks and their state"))
        self.checks.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.checks.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        layout.addWidget(self.checks)
        live = plain_label(
            self.tr("Connections as they happen (socket events; packets are analysed at the end):")
        )
        live.setWordWrap(True)
        layout.addWidget(live)
        self.timeline = QtTimeline(sizes=False, lane_list=False)
        self.timeline.set_time_label(self.tr("seconds since the first connection"))
        layout.addWidget(self.timeline, 1)

        self._tick = QTimer(self)
        self._tick.setInterval(_TICK_MS)
        self._tick.timeout.connect(self._refresh_times)
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(_REDRAW_MS)
        self._redraw.timeout.connect(self._draw_live)
        session.checks_changed.connect(self._show_checks)
        session.progress_changed.connect(self._progress)
        session.message_changed.connect(self._message.setText)
        self._message.setWordWrap(True)
        session.live_changed.connect(self._live_changed)
        session.state_changed.connect(self._state_changed)
        self._state_changed(session.state.value)
        self._show_checks()

    def _state_text(self, state: CheckState) -> str:
        return {
            CheckState.WAITING: self.tr("waiting"),
            CheckState.RUNNING: self.tr("running"),
            CheckState.DONE: self.tr("done"),
            CheckState.STOPPED: self.tr("stopped"),
        }[state]

    def _state_changed(self, state: str) -> None:
        if state == RunState.RUNNING.value:
            self._started = time.monotonic()
            self._title.setText(self.tr("Running the checks…"))
            self.cancel_button.setEnabled(True)
            self.bar.setRange(0, 0)
            self._tick.start()
        elif state == RunState.CANCELLING.value:
            self._title.setText(self.tr("Cancelling: keeping what has finished…"))
            self.cancel_button.setEnabled(False)
        else:
            self._tick.stop()
            self.cancel_button.setEnabled(False)
            self._draw_live()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _show_checks(self) -> None:
        rows = self._session.checks
        while self.checks.topLevelItemCount() > len(rows):
            self.checks.takeTopLevelItem(self.checks.topLevelItemCount() - 1)
        while self.checks.topLevelItemCount() < len(rows):
            self.checks.addTopLevelItem(QTreeWidgetItem(["", "", ""]))
        for item, row in zip(children(self.checks.invisibleRootItem()), rows, strict=False):
            item.setText(0, row.title)
            item.setText(1, self._state_text(row.state))
        # Every check visible at once (up to 8), the live timeline takes the rest.
        line = self.checks.sizeHintForRow(0) if rows else self.fontMetrics().height() + 4
        shown = min(max(len(rows), 1), 8)
        header = self.checks.header().sizeHint().height()
        self.checks.setFixedHeight(header + line * shown + 2 * self.checks.frameWidth() + 2)
        self._refresh_times()

    def _refresh_times(self) -> None:
        now = time.monotonic()
        for index, row in enumerate(self._session.checks):
            seconds = row.seconds(now)
            item = self.checks.topLevelItem(index)
            if item is not None:
                item.setText(2, "" if seconds is None else f"{seconds:.1f} s")
        wall = time.time()
        self._message.setText(self._session.status_line(wall))
        self._ticks += 1
        if self._ticks % _GROW_TICKS == 0 and self._session.waiting_now(wall):
            self._live_changed()  # a waiting connection's lane grows

    def _live_changed(self) -> None:
        self._live_dirty = True
        if not self._redraw.isActive():
            self._redraw.start()

    def _draw_live(self) -> None:
        if not self._live_dirty:
            return
        self._live_dirty = False
        connections = self._session.live(time.time())
        origin = min((c.start for c in connections), default=time.time())
        self.timeline.set_connections(connections, origin)
