"""The engineer's view of a Document: findings with evidence, timeline, packets, and the rest.

Clicking a piece of evidence selects the packets it cites in the packet table and scrolls the
timeline to them; clicking a lane lists that connection's packets. Everything shown comes from
the Document as loaded; this page computes nothing about the network.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.analysis.causes import group_causes
from wiresleuth.gui.document import Document, DocumentKind
from wiresleuth.gui.helpdesk_facts import run_facts_line
from wiresleuth.gui.mtu_view import mtu_sweeps
from wiresleuth.gui.pac_view import pac_view
from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_findings_view import QtFindingsView
from wiresleuth.gui.qt_json_tree import QtJsonTree
from wiresleuth.gui.qt_mtu_plot import QtMtuPlot
from wiresleuth.gui.qt_packet_table import QtPacketTable
from wiresleuth.gui.qt_part_guard import QtPartGuard
from wiresleuth.gui.qt_timeline import QtTimeline
from wiresleuth.gui.qt_waterfall import QtWaterfall
from wiresleuth.gui.route_view import route_lines
from wiresleuth.gui.waterfall_model import request_waterfalls
from wiresleuth.model.finding import Evidence, Finding
from wiresleuth.report.summary import cause_headline


class QtViewerPage(QWidget):
    """Findings on the left; timeline and packets, requests, system, PAC, log on the right."""

    status = Signal(str)
    """A line for the status bar."""
    back_requested = Signal()
    """The user wants the start page."""
    save_requested = Signal()
    """The user wants to save the run shown (documents of a run just made)."""
    helpdesk_requested = Signal()
    """The user wants the helpdesk's page of the document shown (runs and bundles)."""
    filled = Signal()
    """Every tab shows the current document (the last ones are filled a moment later)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        self._title = plain_label()
        font = QFont(self._title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._title.setFont(font)
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self._title, 1)
        self._save = QPushButton(self.tr("&Save for helpdesk…"))
        self._save.setAccessibleName(self.tr("Save for helpdesk"))
        self._save.clicked.connect(self.save_requested)
        top.addWidget(self._save)
        self._helpdesk = QPushButton(self.tr("For the &helpdesk"))
        self._helpdesk.setAccessibleName(self.tr("The helpdesk's page of this run"))
        self._helpdesk.clicked.connect(self.helpdesk_requested)
        top.addWidget(self._helpdesk)
        self._back = QPushButton(self.tr("&Back to start"))
        self._back.setAccessibleName(self.tr("Back to the start page"))
        self._back.clicked.connect(self.back_requested)
        top.addWidget(self._back)
        layout.addLayout(top)
        self._notes = plain_label()
        self._notes.setWordWrap(True)
        self._notes.setFrameShape(QFrame.Shape.StyledPanel)
        self._notes.setMargin(6)
        self._notes.setAccessibleName(self.tr("Notes about this file"))
        layout.addWidget(self._notes)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.findings = QtFindingsView(engineer=True)
        self.findings.evidence_activated.connect(self.show_evidence)
        split.addWidget(self.findings)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Views of the run"))
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([360, 900])
        layout.addWidget(split, 1)

        timeline_split = QSplitter(Qt.Orientation.Vertical)
        self.timeline = QtTimeline()
        self.timeline.connection_selected.connect(self.select_connection)
        self.timeline.packet_clicked.connect(self._packet_clicked)
        timeline_split.addWidget(self.timeline)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        self._table_title = plain_label(self.tr("Click a lane to list its packets."))
        table_layout.addWidget(self._table_title)
        self.packets = QtPacketTable()
        table_layout.addWidget(self.packets)
        timeline_split.addWidget(table_box)
        timeline_split.setSizes([420, 220])
        self.parts: dict[str, QtPartGuard] = {}
        """Each tab's part, by name: the view, or why it could not be shown."""
        self._add_part("timeline", timeline_split, self.tr("&Timeline and packets"))
        self.waterfall = QtWaterfall()
        self._add_part("requests", self.waterfall, self.tr("&Requests"))
        self.mtu = QtMtuPlot()
        self._add_part("mtu", self.mtu, self.tr("MT&U sweep"))
        self.system = QtJsonTree(self.tr("System information"))
        self._add_part("system", self.system, self.tr("S&ystem"))
        pac_box = QWidget()
        pac_layout = QVBoxLayout(pac_box)
        self._pac_note = plain_label()
        self._pac_note.setWordWrap(True)
        self._pac_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pac_layout.addWidget(self._pac_note)
        pac_split = QSplitter(Qt.Orientation.Vertical)
        self.pac_script = QPlainTextEdit()
        self.pac_script.setReadOnly(True)
        self.pac_script.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.pac_script.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.pac_script.setAccessibleName(self.tr("PAC script"))
        pac_split.addWidget(self.pac_script)
        self.pac_answers = QTreeWidget()
        self.pac_answers.setColumnCount(2)
        self.pac_answers.setHeaderLabels([self.tr("Asked about"), self.tr("The script answered")])
        self.pac_answers.setRootIsDecorated(False)
        self.pac_answers.setAccessibleName(self.tr("How the PAC script answered"))
        pac_split.addWidget(self.pac_answers)
        pac_layout.addWidget(pac_split, 1)
        self._add_part("pac", pac_box, self.tr("&PAC"))
        self.observations = QtJsonTree(self.tr("What each check measured"))
        self._add_part("measurements", self.observations, self.tr("&Measurements"))
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setAccessibleName(self.tr("Log of the run"))
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs.addTab(self.log, self.tr("&Log"))

    def _add_part(self, name: str, view: QWidget, title: str) -> None:
        part = QtPartGuard(view)
        self.parts[name] = part
        self.tabs.addTab(part, title)

    def mark_saved(self, path: Path) -> None:
        """The run shown was saved as ``path``: the header says so (not "not saved yet")."""
        document = self.document
        if document is not None and document.kind is DocumentKind.RUN:
            saved = self.tr("saved")
            self._title.setText(f"{path.name} ({saved}){run_facts_line(document)}")

    def _fill(self, name: str, show: Callable[[], None]) -> None:
        document = self.document
        source = {
            DocumentKind.RUN: self.tr("run"),
            DocumentKind.BUNDLE: self.tr("bundle"),
            DocumentKind.CAPTURE: self.tr("capture file"),
        }[document.kind if document is not None else DocumentKind.BUNDLE]
        self.parts[name].fill(show, source)

    def set_document(self, document: Document) -> None:
        """Show ``document``."""
        self.document = document
        kind = {
            DocumentKind.RUN: self.tr("not saved yet"),
            DocumentKind.BUNDLE: self.tr("bundle"),
            DocumentKind.CAPTURE: self.tr("capture file"),
        }[document.kind]
        self._title.setText(f"{document.title} ({kind}){run_facts_line(document)}")
        self._save.setVisible(document.result is not None)
        self._helpdesk.setVisible(document.kind is not DocumentKind.CAPTURE)
        self.findings.set_findings(document.findings)
        self._fill("timeline", lambda: self._show_timeline(document))
        lines = []
        lines.append(cause_headline(group_causes(document.findings)))
        lines += list(document.notes)
        if self.timeline.problems:
            lines.append(
                self.tr("Not drawn on the timeline: {0}.").format("; ".join(self.timeline.problems))
            )
        try:
            routes = route_lines(document.observations)
        except (TypeError, ValueError, AttributeError) as exc:  # a damaged route table
            routes = [self.tr("(the route table could not be read: {0})").format(exc)]
        if routes:
            lines += [self.tr("Route of each site:"), *routes]
        self._notes.setText("\n".join(lines))
        # The other tabs are filled on the next turn of the event loop: what is visible first,
        # and no single turn long enough to make the window stutter.
        QTimer.singleShot(0, self._fill_other_tabs)

    def _show_timeline(self, document: Document) -> None:
        self.timeline.set_connections(
            document.connections,
            document.origin,
            document.packets,
            arrays=document.arrays,
            lanes=document.connection_index,
            frame=document.frame,
        )
        self.packets.table_model.set_rows(None, {}, {}, document.origin)
        self._table_title.setText(
            self.tr("{0} connections. Click a lane to list its packets.").format(
                len(document.connections)
            )
        )
        if document.connections:
            self.select_connection(0)

    def _fill_other_tabs(self) -> None:
        document = self.document
        if document is None:
            return
        observations = document.observations

        def requests() -> None:
            read = request_waterfalls(observations, document.frame)
            self.waterfall.set_requests(read.requests, read.problems)

        def mtu() -> None:
            read = mtu_sweeps(observations)
            self.mtu.set_sweeps(read.sweeps, read.problems)

        self._fill("requests", requests)
        self._fill("mtu", mtu)
        self._fill(
            "system",
            lambda: self.system.set_data(
                document.system or {self.tr("system"): self.tr("not recorded")}
            ),
        )
        self._fill("pac", lambda: self._show_pac(document))
        self._fill(
            "measurements",
            lambda: self.observations.set_data(
                observations or {self.tr("measurements"): self.tr("none in this file")}
            ),
        )
        self.log.setPlainText(document.log or self.tr("(no log in this file)"))
        self.filled.emit()

    def _show_pac(self, document: Document) -> None:
        self.pac_answers.clear()
        self.pac_script.setPlainText("")
        self._pac_note.setText("")
        view = pac_view(document.observations)
        if view is None:
            pac_url = document.profile.get("pac_url")
            if pac_url:
                text = self.tr(
                    "The profile names the PAC file {0}, but this file holds no PAC evaluation."
                ).format(pac_url)
            else:
                text = self.tr("No PAC file was in use or evaluated in this run.")
            self._pac_note.setText(text)
            self.pac_script.setPlainText("")
            return
        note = self.tr("PAC file {0} (from {1}): fetched {2}; evaluation: {3}.").format(
            view.url, view.source or self.tr("unknown"), view.fetched, view.outcome
        )
        if view.problems:
            note += "\n" + self.tr("Left out: {0}.").format("; ".join(view.problems))
        self._pac_note.setText(note)
        self.pac_script.setPlainText(
            view.script if view.script is not None else self.tr("(the script was not kept)")
        )
        for decision in view.decisions:
            item = QTreeWidgetItem([decision.url, decision.answer])
            if decision.failed:
                item.setForeground(1, QColor("#d32f2f"))
            self.pac_answers.addTopLevelItem(item)
        for name, address, seconds in view.lookups:
            self.pac_answers.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        self.tr("name lookup: {0}").format(name),
                        self.tr("{0} ({1:.0f} ms)").format(address, seconds * 1000),
                    ]
                )
            )
        self.pac_answers.resizeColumnToContents(0)

    def select_connection(self, index: int) -> None:
        """List the packets of connection ``index`` and highlight its lane."""
        document = self.document
        if document is None or not 0 <= index < len(document.connections):
            return
        connection = document.connections[index]
        self.timeline.select_lane(index)
        self.packets.table_model.set_rows(
            connection, document.packet_index, document.comments, document.origin
        )
        self.packets.scrollToTop()
        count = self.packets.table_model.rowCount()
        self._table_title.setText(
            self.tr("{0} — {1} rows").format(connection.label or connection.id, count)
        )

    def _packet_clicked(self, number: int) -> None:
        self.packets.select_packets([number])

    def show_evidence(self, finding: Finding, evidence: Evidence) -> None:
        """Select the evidence's packets in the table and scroll the timeline to them."""
        document = self.document
        if document is None:
            return
        if not evidence.packets:
            self.status.emit(
                self.tr("This evidence cites no packet: it was measured by the program's sockets.")
            )
            return
        lane = document.connection_index.get(evidence.packets[0])
        if lane is not None:
            self.select_connection(lane)
        found = self.packets.select_packets(evidence.packets)
        shown = self.timeline.show_packets(evidence.packets)
        self.tabs.setCurrentIndex(0)
        numbers = ", ".join(str(n) for n in evidence.packets)
        if found or shown:
            self.status.emit(self.tr("{0}: packets {1}").format(finding.id, numbers))
        else:
            self.status.emit(
                self.tr("Packets {0} are not in this file (it holds no capture).").format(numbers)
            )
