"""The engineer's view of a Document: findings with evidence, timeline, packets, and the rest.

Choosing a piece of evidence brackets what it measured on the timeline (across every lane it
spans), fits the view to it, and lists the packets of every connection it touches with the
cited ones selected; choosing a lane lists that connection's packets and shows its sequence
graph and stream. Everything shown comes from the Document as loaded and the view models
(``packet_rows``, ``evidence_intervals``, ``connection_flows``); this page computes nothing
about the network.
"""

from __future__ import annotations

import contextlib
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
from wiresleuth.analysis.flows import TcpFlow
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.analysis.tcp_follow import follow_stream
from wiresleuth.analysis.tcp_seq_graph import sequence_graph
from wiresleuth.gui.connection_flows import ConnectionFlows
from wiresleuth.gui.document import Document, DocumentKind
from wiresleuth.gui.evidence_intervals import evidence_intervals
from wiresleuth.gui.helpdesk_facts import run_facts_line
from wiresleuth.gui.hop_view import hop_lists
from wiresleuth.gui.lane_labels import full_label
from wiresleuth.gui.mtu_view import mtu_sweeps
from wiresleuth.gui.pac_view import pac_view
from wiresleuth.gui.packet_rows import evidence_frames, evidence_lanes
from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_findings_view import QtFindingsView
from wiresleuth.gui.qt_follow_stream import QtFollowStream
from wiresleuth.gui.qt_hop_list import QtHopList
from wiresleuth.gui.qt_json_tree import QtJsonTree
from wiresleuth.gui.qt_mtu_plot import QtMtuPlot
from wiresleuth.gui.qt_packet_pane import QtPacketPane
from wiresleuth.gui.qt_part_guard import QtPartGuard
from wiresleuth.gui.qt_seq_graph import QtSeqGraph
from wiresleuth.gui.qt_theme import view_colours
from wiresleuth.gui.qt_timeline import QtTimeline
from wiresleuth.gui.qt_watch_view import QtWatchView
from wiresleuth.gui.qt_waterfall import QtWaterfall
from wiresleuth.gui.route_view import route_lines
from wiresleuth.gui.view_problems import ShapeError
from wiresleuth.gui.waterfall_model import request_waterfalls
from wiresleuth.model.engine_observations import ENGINE, EngineObservations
from wiresleuth.model.finding import Evidence, Finding
from wiresleuth.model.hop_observations import HopLocatorObservations
from wiresleuth.model.mtu_observations import MtuWizardObservations
from wiresleuth.model.observations import TlsWizardObservations
from wiresleuth.model.pac_observations import PacWizardObservations
from wiresleuth.model.route import RouteObservations
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
        self.packet_pane = QtPacketPane()
        self.packet_pane.connection_chosen.connect(self._lane_from_filter)
        self.packet_pane.packet_chosen.connect(self._packet_chosen)
        self.packet_pane.follow_requested.connect(self.follow_connection)
        self.packets = self.packet_pane.table
        """The packet list (the pane's table)."""
        self._table_title = self.packet_pane.count
        timeline_split.addWidget(self.packet_pane)
        timeline_split.setStretchFactor(0, 1)
        timeline_split.setStretchFactor(1, 1)
        timeline_split.setSizes([450, 450])
        self.parts: dict[str, QtPartGuard] = {}
        """Each tab's part, by name: the view, or why it could not be shown."""
        self.watch = QtWatchView()
        self.watch.frame_requested.connect(self._packet_from_watch)
        self._add_part("watch", self.watch, self.tr("&Watch"))
        self.tabs.setTabVisible(0, False)  # shown for a watch's bundle only
        self._add_part("timeline", timeline_split, self.tr("&Timeline and packets"))
        self.seq_graph = QtSeqGraph()
        self.seq_graph.direction_changed.connect(self._graph_direction)
        self.seq_graph.packet_clicked.connect(self._packet_clicked)
        self._add_part("sequence", self.seq_graph, self.tr("Se&quence graph"))
        self.stream = QtFollowStream()
        self._add_part("stream", self.stream, self.tr("Stre&am"))
        self._flows: ConnectionFlows | None = None
        self._lane: int | None = None
        self._from_server: bool | None = None
        self.tabs.currentChanged.connect(lambda _i: self._fill_connection_tabs())
        self.waterfall = QtWaterfall()
        self._add_part("requests", self.waterfall, self.tr("&Requests"))
        self.mtu = QtMtuPlot()
        self._add_part("mtu", self.mtu, self.tr("MT&U sweep"))
        self.hops = QtHopList()
        self.findings.finding_selected.connect(self.hops.show_finding)
        self._add_part("hops", self.hops, self.tr("H&ops"))
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
        self._flows = ConnectionFlows(document)
        self._lane, self._from_server = None, None
        kind = {
            DocumentKind.RUN: self.tr("not saved yet"),
            DocumentKind.BUNDLE: self.tr("bundle"),
            DocumentKind.CAPTURE: self.tr("capture file"),
        }[document.kind]
        self._title.setText(f"{document.title} ({kind}){run_facts_line(document)}")
        self._save.setVisible(document.result is not None)
        self._helpdesk.setVisible(document.kind is not DocumentKind.CAPTURE)
        self.findings.set_findings(document.findings)
        watch_tab = self.tabs.indexOf(self.parts["watch"])
        self.tabs.setTabVisible(watch_tab, document.watch is not None)
        if document.watch is not None:
            self._fill("watch", lambda: self.watch.set_summary(document.watch))
            self.tabs.setCurrentIndex(watch_tab)
        elif self.tabs.currentIndex() == watch_tab:
            self.tabs.setCurrentIndex(self.tabs.indexOf(self.parts["timeline"]))
        self._fill("timeline", lambda: self._show_timeline(document))
        lines = []
        lines.append(cause_headline(group_causes(document.findings)))
        lines += list(document.notes)
        if self.timeline.problems:
            lines.append(
                self.tr("Not drawn on the timeline: {0}.").format("; ".join(self.timeline.problems))
            )
        try:
            routes = route_lines(document.measurements.of("route", RouteObservations))
        except ShapeError as exc:  # a damaged route table
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
        self.packet_pane.set_document(document)
        if document.connections:
            self.timeline.select_lane(0)
            self._lane = 0
            if not document.packets:  # no capture: the rows are a connection's socket events
                self.packet_pane.show_connection(0)

    def _fill_other_tabs(self) -> None:
        document = self.document
        if document is None:
            return
        observations = document.observations
        measured = document.measurements

        def requests() -> None:
            read = request_waterfalls(measured.of("tls", TlsWizardObservations), document.frame)
            self.waterfall.set_requests(read.requests, read.problems)

        def mtu() -> None:
            read = mtu_sweeps(measured.of("mtu", MtuWizardObservations))
            self.mtu.set_sweeps(read.sweeps, read.problems)

        def hops() -> None:
            captured = document.capture.available
            found = measured.of("hops", HopLocatorObservations)
            stops = NO_STOPS
            with contextlib.suppress(ShapeError):  # damaged engine measurements: none known
                engine = measured.of(ENGINE, EngineObservations)
                stops = Stops(engine.stalls, engine.stall_interval) if engine else NO_STOPS
            self.hops.set_lists(
                hop_lists(found, document.packets, captured=captured, stops=stops)
            )

        self._fill("requests", requests)
        self._fill("mtu", mtu)
        self._fill("hops", hops)
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
        view = pac_view(document.measurements.of("pac", PacWizardObservations))
        if view is None:
            summary = document.profile_summary
            pac_url = summary.pac_url if summary is not None else None
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
                item.setForeground(1, QColor(view_colours().error_text))
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
        """List the packets of connection ``index``, highlight its lane, graph it."""
        document = self.document
        if document is None or not 0 <= index < len(document.connections):
            return
        self.timeline.select_lane(index)
        self.packet_pane.show_connection(index)
        self.packets.scrollToTop()
        self._lane, self._from_server = index, None
        self._fill_connection_tabs()

    def _lane_from_filter(self, lane: int) -> None:
        self.timeline.select_lane(lane)
        self._lane, self._from_server = lane, None
        self._fill_connection_tabs()

    def _packet_from_watch(self, number: int) -> None:
        """A watch group's "Show its packets": the packet list, at its first frame."""
        self.tabs.setCurrentIndex(self.tabs.indexOf(self.parts["timeline"]))
        self._packet_clicked(number)
        self._packet_chosen(number)

    def _packet_clicked(self, number: int) -> None:
        if not self.packets.select_packets([number]):
            self.packet_pane.clear_filters()
            self.packets.select_packets([number])

    def _packet_chosen(self, number: int) -> None:
        document = self.document
        lane = document.connection_index.get(number) if document is not None else None
        if lane is not None and lane != self._lane:
            self.timeline.select_lane(lane)
            self._lane, self._from_server = lane, None
            self._fill_connection_tabs()

    def follow_connection(self, lane: int) -> None:
        """Show the stream of connection ``lane``."""
        self._lane = lane
        self.timeline.select_lane(lane)
        self.tabs.setCurrentWidget(self.parts["stream"])
        self._fill_connection_tabs()

    def _graph_direction(self, from_server: bool) -> None:
        self._from_server = from_server
        self._fill_connection_tabs()

    def _fill_connection_tabs(self) -> None:
        """The sequence graph and the stream of the chosen lane, when their tab is shown."""
        current = self.tabs.currentWidget()
        if current is self.parts.get("sequence"):
            self._fill("sequence", self._show_sequence)
        elif current is self.parts.get("stream"):
            self._fill("stream", self._show_stream)

    def _chosen_flow(self) -> tuple[str, TcpFlow | None]:
        document, lane = self.document, self._lane
        if document is None or lane is None or self._flows is None:
            return self.tr("Choose a connection (a lane) first."), None
        title = self.tr("Connection {0}: {1}").format(lane + 1, full_label(document.connections[lane]))
        flow = self._flows.flow(lane)
        if flow is None:
            return title + " — " + self.tr("its packets are not in this file (no capture)."), None
        return title, flow

    def _show_sequence(self) -> None:
        document = self.document
        title, flow = self._chosen_flow()
        if document is None or flow is None:
            self.seq_graph.clear(title)
            return
        graph = sequence_graph(flow, from_server=self._from_server)
        from_server = graph.sender == _endpoint(flow.server, flow.server_port)
        self.seq_graph.set_graph(graph, document.frame, from_server=from_server)

    def _show_stream(self) -> None:
        title, flow = self._chosen_flow()
        if flow is None:
            self.stream.clear(title)
            return
        self.stream.set_stream(title, follow_stream(flow))

    def show_finding(self, finding: Finding) -> None:
        """Make ``finding`` current in the list and show its first evidence that cites packets."""
        found = self.findings.cited_evidence(finding)
        if found is None:
            return
        item, evidence = found
        self.findings.setCurrentItem(item)
        self.findings.scrollToItem(item)
        self.show_evidence(finding, evidence)

    def show_evidence(self, finding: Finding, evidence: Evidence) -> None:
        """Bracket what the evidence measured on the timeline, fit the view to it, and list
        the packets of every connection it touches with the cited ones selected."""
        document = self.document
        if document is None:
            return
        if not evidence.packets:
            self.status.emit(
                self.tr("This evidence cites no packet: it was measured by the program's sockets.")
            )
            return
        self.tabs.setCurrentWidget(self.parts["timeline"])
        intervals = evidence_intervals(document, evidence)
        shown = self.timeline.show_evidence(intervals, evidence.packets)
        lanes = evidence_lanes(document, evidence)
        label = self.tr("evidence of {0}: the cited packets ({1}) and their connections ({2})").format(
            finding.id, len(evidence.packets), len(lanes)
        )
        if document.packets:
            found = self.packet_pane.show_frames(
                evidence_frames(document, evidence), label, evidence.packets
            )
        else:  # no capture: the socket events of the first connection it names
            self.packet_pane.show_connection(lanes[0] if lanes else None)
            found = self.packets.select_packets(evidence.packets)
        if lanes:
            self._lane, self._from_server = lanes[0], None
        numbers = ", ".join(str(n) for n in evidence.packets)
        if found or shown:
            spans = "; ".join(interval.label for interval in self.timeline.brackets)
            text = self.tr("{0}: packets {1}").format(finding.id, numbers)
            self.status.emit(text + (f" ({spans})" if spans else ""))
        else:
            self.status.emit(
                self.tr("Packets {0} are not in this file (it holds no capture).").format(numbers)
            )


def _endpoint(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
