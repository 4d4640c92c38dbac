"""The timeline (pyqtgraph): one lane per connection, its events as markers, packet sizes below.

Takes model Connections (with their TimelineEvents) and PacketRecords. A lane's bar spans the
connection's life (BarGraphItem); events are ScatterPlotItems, one per kind of event so the
legend explains the shapes, coloured by DSCP, with hover tooltips and clicks. Outgoing events
sit just above the lane's middle, incoming ones just below. The packet-size strip shows every
packet as a stem (out up, in down) with peak downsampling and clip-to-view, which keeps a
100 000-packet capture smooth to zoom and pan.

Time is the only axis the mouse moves: the wheel and a drag zoom and pan in time, never the
lanes. Lanes keep a minimum height (``LANE_MIN_PX``); when they do not all fit, a scroll bar
beside the plot (and the keyboard: Up/Down, Page Up/Down, Home/End) moves through them. The
lane axis shows each lane's number and name cut in the middle (so "round 1" and "round 2"
stay apart); the lane list beside the plot, and a tooltip on the axis, give the full name.

Evidence is drawn as what it is about: a labelled bracket across the lanes it spans, from
its first to its last moment (``evidence_intervals``), with every cited packet ringed.

Times go through a ``TimeFrame`` (``plot_coordinates``): a connection, event or packet whose
time is not finite or lies far outside the recording is not drawn, and ``problems`` says
which, so a damaged bundle can neither crash the plot nor squash every lane into one pixel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollBar,
    QSplitter,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.gui.evidence_intervals import EvidenceInterval
from wiresleuth.gui.lane_labels import full_label, lane_label
from wiresleuth.gui.packet_arrays import PacketArrays, packet_arrays
from wiresleuth.gui.plain_text import legend_text, plain_label, tooltip
from wiresleuth.gui.plot_coordinates import MIN_VIEW_S, TimeFrame, time_frame, times_array
from wiresleuth.gui.qt_plot_palette import colour_plots
from wiresleuth.gui.qt_theme import dscp_colour, view_colours
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.timeline import Connection, TimelineEvent

EVENT_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("TCP handshake", "t1", frozenset({"syn", "syn-ack", "ack"})),
    (
        "TLS handshake",
        "o",
        frozenset({"client-hello", "server-hello", "certificate", "change-cipher-spec"}),
    ),
    ("TLS alert", "star", frozenset({"alert"})),
    ("data", "s", frozenset({"first-data", "data"})),
    ("loss signs", "t", frozenset({"retransmission", "dup-ack", "out-of-order"})),
    ("FIN", "d", frozenset({"fin"})),
    ("RST", "x", frozenset({"rst"})),
    ("ICMP", "p", frozenset({"icmp"})),
)
"""Legend name, marker symbol and event kinds; anything else is a socket-level event."""
SOCKET_GROUP = ("program's socket", "h")
"""Socket-level events of no known kind (a timeout, a TLS error): hexagons."""
SOCKET_KINDS: dict[str, str] = {
    "connect": "syn",
    "established": "syn-ack",
    "client-hello": "client-hello",
    "first-byte": "server-hello",
    "handshake-done": "change-cipher-spec",
    "first-data": "first-data",
    "app-send": "data",
    "reset": "rst",
}
"""Socket-level event kinds drawn like the packet they stand for (but hollow)."""
OTHER_GROUP = ("other packet", "+")
"""Packet events of a kind this version does not know (a newer analysis)."""
LANE_OFFSET = 0.18
"""Outgoing events sit this much above the lane's middle, incoming ones below."""
LANE_AXIS_WIDTH = 190
"""Pixels for lane names (the size strip below uses the same, so the time axes line up)."""
LANE_MIN_PX = 26
"""A lane is never drawn lower than this: more lanes scroll instead of shrinking."""
LANE_MAX_PX = 64
"""Nor higher than this, when a few lanes would otherwise fill a tall plot."""
BRACKET_HEADROOM = 0.7
"""Lanes' worth of room kept above the first lane shown while brackets are drawn (labels)."""
LEGEND_COLUMN_PX = 105
"""Room given to one legend entry when the legend's columns are counted."""
EVIDENCE_PADDING = 0.12
"""Share of an evidence interval shown on either side of it when it is selected."""
_MIN_WIDTH = 0.0005
_LISTED = 5
_MIN_FIT_S = 0.002


def group_of(event: TimelineEvent) -> tuple[str, str]:
    """Legend name and symbol of an event; socket-level ones as the packet they stand for."""
    kind = event.kind if event.packet is not None else SOCKET_KINDS.get(event.kind)
    for name, symbol, kinds in EVENT_GROUPS:
        if kind in kinds:
            return name, symbol
    return OTHER_GROUP if event.packet is not None else SOCKET_GROUP


class QtTimeline(QWidget):
    """Lanes of connections over time, with a packet-size strip, a lane list and zoom controls."""

    connection_selected = Signal(int)
    """Index of the connection whose lane was chosen (click, list, keyboard)."""
    packet_clicked = Signal(int)
    """Frame number of the event marker clicked."""

    def __init__(
        self, parent: QWidget | None = None, *, sizes: bool = True, lane_list: bool = True
    ) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True)
        self._connections: tuple[Connection, ...] = ()
        self._packets: Sequence[PacketRecord] = ()
        self._arrays: PacketArrays | None = None
        self._lanes: Mapping[int, int] | None = None
        self._origin = 0.0
        self._frame = TimeFrame(origin=0.0, middle=0.0)
        self.problems: tuple[str, ...] = ()
        """What could not be drawn (times not finite or outside the recording), in words."""
        self._problems: list[str] = []
        self._unlisted = 0
        self._events: list[tuple[int, TimelineEvent]] = []
        self._event_lane: dict[int, int] = {}
        self._event_time: dict[int, float] = {}
        self._scatters: list[Any] = []
        self._marks: list[Any] = []
        self.brackets: tuple[EvidenceInterval, ...] = ()
        """The evidence intervals drawn now."""
        self._marked_numbers: tuple[int, ...] = ()
        self._labels: list[tuple[Any, float, float]] = []
        self._headroom = 0.0
        self._selected_lane: int | None = None
        self._brushes: dict[int | None, Any] = {}
        self._top = 0
        self._syncing = False
        self.setAccessibleName(self.tr("Timeline of connections"))
        self._build(sizes, lane_list)
        self.apply_palette()

    # -- construction ----------------------------------------------------------------------

    def _tool(self, text: str, tip: str, shortcut: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(f"{tip} ({shortcut})")
        button.setAccessibleName(tip)
        button.setShortcut(QKeySequence(shortcut))
        button.clicked.connect(slot)
        return button

    def _build(self, sizes: bool, lane_list: bool) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self._tool(self.tr("Zoom in"), self.tr("Zoom in"), "Ctrl++", self.zoom_in))
        bar.addWidget(self._tool(self.tr("Zoom out"), self.tr("Zoom out"), "Ctrl+-", self.zoom_out))
        bar.addWidget(self._tool(self.tr("Fit"), self.tr("Show everything"), "Ctrl+0", self.fit))
        self._legend_button = self._tool(
            self.tr("Legend"), self.tr("Show or hide the legend"), "Ctrl+L", self._toggle_legend
        )
        self._legend_button.setCheckable(True)
        self._legend_button.setChecked(True)
        bar.addWidget(self._legend_button)
        self._list_button = self._tool(
            self.tr("Lanes"), self.tr("Show or hide the list of lanes"), "Ctrl+Shift+L",
            self._toggle_list,
        )  # fmt: skip
        self._list_button.setCheckable(True)
        self._list_button.setChecked(lane_list)
        bar.addWidget(self._list_button)
        self._hint = plain_label(self.tr("Wheel, drag: time · Up/Down: lanes · hover: details"))
        self._hint.setToolTip(
            tooltip(
                self.tr(
                    "Filled markers are packets (colour: DSCP), hollow ones what the program's "
                    "socket saw. The wheel and a drag zoom and pan in time; the lanes scroll "
                    "with the bar on the right, Up/Down, Page Up/Down, Home/End. Hover a marker "
                    "or a lane's name for details; click a lane to list its packets."
                )
            )
        )
        bar.addWidget(self._hint, 1)
        layout.addLayout(bar)

        self._split = QSplitter(Qt.Orientation.Horizontal)
        self.lane_list = QListWidget()
        self.lane_list.setAccessibleName(self.tr("Lanes of the timeline"))
        self.lane_list.setWordWrap(True)
        self.lane_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.lane_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lane_list.currentRowChanged.connect(self._list_row_changed)
        self._split.addWidget(self.lane_list)
        self.lane_list.setVisible(lane_list)  # once it has a parent: never a window of its own
        plot_box = QWidget()
        plot_row = QHBoxLayout(plot_box)
        plot_row.setContentsMargins(0, 0, 0, 0)
        plot_row.setSpacing(0)
        self._view = pg.GraphicsLayoutWidget()
        self._view.setAccessibleName(self.tr("Timeline plot"))
        self._view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._view.setMouseTracking(True)
        self._view.installEventFilter(self)
        self._view.viewport().installEventFilter(self)
        plot_row.addWidget(self._view, 1)
        self.lane_scroll = QScrollBar(Qt.Orientation.Vertical)
        self.lane_scroll.setAccessibleName(self.tr("Scroll through the lanes"))
        self.lane_scroll.valueChanged.connect(self._scrolled)
        plot_row.addWidget(self.lane_scroll)
        self._split.addWidget(plot_box)
        self._split.setStretchFactor(0, 0)
        self._split.setStretchFactor(1, 1)
        self._split.setSizes([220, 800])
        layout.addWidget(self._split, 1)

        self._legend = pg.LegendItem(colCount=8)
        self._view.addItem(self._legend, row=0, col=0)
        self._plot = self._view.addPlot(row=1, col=0)
        self._plot.invertY(True)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._plot.setMouseEnabled(x=True, y=False)
        self._plot.showGrid(x=True, y=False, alpha=0.2)
        self._plot.getAxis("left").setWidth(LANE_AXIS_WIDTH)
        self._plot.setLabel("bottom", self.tr("seconds since frame 1"))
        self._plot.getAxis("bottom").enableAutoSIPrefix(False)
        box = self._plot.getViewBox()
        box.disableAutoRange()
        box.sigRangeChanged.connect(self._update_lane_ticks)
        box.sigResized.connect(self._lanes_resized)
        self._plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self._bars = pg.BarGraphItem(x0=[], width=[], y=[], height=0.5)
        self._selection = pg.BarGraphItem(x0=[], width=[], y=[], height=0.62)
        self._plot.addItem(self._selection)
        self._plot.addItem(self._bars)
        self._sizes: Any = None
        if sizes:
            self._sizes = self._view.addPlot(row=2, col=0)
            self._sizes.setXLink(self._plot)
            self._sizes.hideButtons()
            self._sizes.setMenuEnabled(False)
            self._sizes.setMouseEnabled(x=True, y=False)
            self._sizes.getAxis("left").setWidth(LANE_AXIS_WIDTH)
            self._sizes.setLabel("left", self.tr("bytes ↑ out ↓ in"))
            self._sizes.getAxis("bottom").enableAutoSIPrefix(False)
            self._sizes.getAxis("left").enableAutoSIPrefix(False)
            self._sizes.setDownsampling(auto=True, mode="peak")
            self._sizes.setClipToView(True)
            self._sizes.setMaximumHeight(64)
            self._out_curve = self._sizes.plot([], [])
            self._in_curve = self._sizes.plot([], [])

    def apply_palette(self) -> None:
        """Follow the window's palette (light or dark)."""
        palette = self.palette()
        colours = view_colours()
        plots = [self._plot] + ([self._sizes] if self._sizes is not None else [])
        text = colour_plots(palette, self._view, plots, self._legend)
        self._bar_brush = pg.mkBrush(colours.lane_bar)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        self._selection.setOpts(
            brush=pg.mkBrush(highlight.red(), highlight.green(), highlight.blue(), 90),
            pen=pg.mkPen(highlight, width=2),
        )
        self._bars.setOpts(brush=self._bar_brush, pen=pg.mkPen(None))
        self._text_colour = text
        if self._sizes is not None:
            self._out_curve.setPen(pg.mkPen(colours.outgoing))
            self._in_curve.setPen(pg.mkPen(colours.incoming))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # As many legend columns as fit: a legend wider than its plot is cut at the right.
        listed = self.lane_list.width() if self.lane_list.isVisibleTo(self) else 0
        room = event.size().width() - listed - LANE_AXIS_WIDTH // 2
        self._legend.setColumnCount(max(2, min(8, room // LEGEND_COLUMN_PX)))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_palette()
            if self._connections:
                brackets, marked = self.brackets, self._marked_numbers
                self.set_connections(
                    self._connections,
                    self._origin,
                    self._packets,
                    fit=False,
                    arrays=self._arrays,
                    lanes=self._lanes,
                    frame=self._frame,
                )
                if marked:
                    self._draw_marks(brackets, marked)

    # -- data ------------------------------------------------------------------------------

    @property
    def connections(self) -> tuple[Connection, ...]:
        """The connections shown, lane by lane."""
        return self._connections

    @property
    def origin(self) -> float:
        """Epoch seconds at x = 0."""
        return self._origin

    def set_time_label(self, text: str) -> None:
        """What the time axis counts from (the live view has no frame 1 yet)."""
        self._plot.setLabel("bottom", text)

    def set_connections(
        self,
        connections: Sequence[Connection],
        origin: float,
        packets: Sequence[PacketRecord] = (),
        *,
        fit: bool = True,
        arrays: PacketArrays | None = None,
        lanes: Mapping[int, int] | None = None,
        frame: TimeFrame | None = None,
    ) -> None:
        """Show ``connections`` (one lane each) and ``packets`` (the size strip).

        ``arrays`` (the packets as columns), ``lanes`` (frame number -> lane) and ``frame``
        (where times are drawn) may come ready-made from the loading worker
        (Document.arrays, Document.connection_index, Document.frame); otherwise they are
        made here. ``origin`` is time zero when it lies within the recording.
        """
        self._connections = tuple(connections)
        self._packets = packets
        self._arrays = arrays if arrays is not None else packet_arrays(packets, connections)
        self._lanes = lanes
        if frame is None:
            times = np.concatenate(
                (
                    times_array(c.start for c in self._connections),
                    times_array(c.end for c in self._connections),
                    self._arrays.times,
                )
            )
            frame = time_frame(origin, times)
        self._frame = frame
        self._origin = frame.origin
        self._problems = []
        self._unlisted = 0
        self._selected_lane = None
        self._clear_marks()
        for scatter in self._scatters:
            self._plot.removeItem(scatter)
        self._scatters = []
        self._legend.clear()
        self._event_lane = {}
        self._event_time = {}
        self._draw_bars()
        self._draw_events()
        self._draw_sizes()
        self._fill_lane_list()
        self.problems = (
            *self._problems,
            *((f"and {self._unlisted} more",) if self._unlisted else ()),
        )
        self._selection.setOpts(x0=[], width=[], y=[])
        left, right = frame.limits
        self._plot.setLimits(xMin=left, xMax=right, minXRange=MIN_VIEW_S)
        self._lanes_resized()
        if fit:
            self.fit()
        else:
            self._update_lane_ticks()

    def _fill_lane_list(self) -> None:
        self._syncing = True
        try:
            self.lane_list.clear()
            for lane, connection in enumerate(self._connections):
                item = QListWidgetItem(f"{lane + 1}  {full_label(connection)}")
                item.setToolTip(tooltip(full_label(connection)))
                self.lane_list.addItem(item)
        finally:
            self._syncing = False

    def _problem(self, text: str) -> None:
        if len(self._problems) < _LISTED:
            self._problems.append(text)
        else:
            self._unlisted += 1

    def _lane_span(self, lane: int) -> tuple[float, float] | None:
        connection = self._connections[lane]
        return self._frame.span(connection.start, connection.end)

    def _draw_bars(self) -> None:
        x0, width, ys = [], [], []
        for lane, connection in enumerate(self._connections):
            span = self._lane_span(lane)
            name = lane_label(connection)
            if span is None:
                self._problem(
                    self.tr(
                        "{0}: its times ({1} to {2}) lie outside the recording; not drawn"
                    ).format(name, connection.start, connection.end)
                )
                continue
            if connection.end < connection.start:
                self._problem(
                    self.tr("{0}: it ends before it starts ({1} to {2})").format(
                        name, connection.start, connection.end
                    )
                )
            x0.append(span[0])
            width.append(max(span[1] - span[0], _MIN_WIDTH))
            ys.append(float(lane))
        self._bars.setOpts(x0=np.array(x0), width=np.array(width), y=np.array(ys), height=0.5)

    def _brush(self, dscp: int | None) -> Any:
        """One brush object per DSCP (None: hollow), so pyqtgraph renders each marker once."""
        if dscp not in self._brushes:
            self._brushes[dscp] = pg.mkBrush(None if dscp is None else dscp_colour(dscp))
        return self._brushes[dscp]

    def _group_name(self, name: str) -> str:
        names = {
            "TCP handshake": self.tr("TCP handshake"),
            "TLS handshake": self.tr("TLS handshake"),
            "TLS alert": self.tr("TLS alert"),
            "data": self.tr("data"),
            "loss signs": self.tr("loss signs"),
            "FIN": self.tr("FIN"),
            "RST": self.tr("RST"),
            "ICMP": self.tr("ICMP"),
            "other packet": self.tr("other packet"),
            "program's socket": self.tr("program's socket"),
        }
        return names.get(name, name)

    def _draw_events(self) -> None:
        self._events = []
        groups: dict[tuple[str, str], list[int]] = {}
        outside = 0
        for lane, connection in enumerate(self._connections):
            for event in connection.events:
                if not self._frame.plausible(event.time):
                    outside += 1
                    continue
                groups.setdefault(group_of(event), []).append(len(self._events))
                self._events.append((lane, event))
                if event.packet is not None:
                    self._event_lane.setdefault(event.packet, lane)
                    self._event_time.setdefault(event.packet, event.time)
        if outside:
            self._problem(
                self.tr("1 event has a time outside the recording; not drawn")
                if outside == 1
                else self.tr("{0} events have times outside the recording; not drawn").format(
                    outside
                )
            )
        order = [(name, symbol) for name, symbol, _ in EVENT_GROUPS] + [OTHER_GROUP, SOCKET_GROUP]
        text = self._text_colour
        for key in order:
            indices = groups.get(key)
            if not indices:
                continue
            name, symbol = key
            xs = np.empty(len(indices))
            ys = np.empty(len(indices))
            brushes = []
            for slot, index in enumerate(indices):
                lane, event = self._events[index]
                xs[slot] = event.time - self._origin
                ys[slot] = lane + (-LANE_OFFSET if event.direction == "out" else LANE_OFFSET)
                brushes.append(self._brush(event.dscp if event.packet is not None else None))
            scatter = pg.ScatterPlotItem(
                x=xs,
                y=ys,
                data=np.array(indices),
                symbol=symbol,
                size=11,
                brush=brushes,
                pen=pg.mkPen(text, width=1),
                hoverable=True,
                hoverSize=15,
                tip=self._tip,
                name=self._group_name(name),
            )
            scatter.sigClicked.connect(self._points_clicked)
            self._plot.addItem(scatter)
            self._legend.addItem(scatter, legend_text(self._group_name(name)))
            self._scatters.append(scatter)
        dscps = sorted({e.dscp for _, e in self._events if e.packet is not None})
        if dscps and dscps != [0]:
            for value in dscps:
                sample = pg.ScatterPlotItem(
                    symbol="o", size=10, brush=pg.mkBrush(dscp_colour(value)), pen=pg.mkPen(text)
                )
                self._legend.addItem(
                    sample, legend_text(self.tr("DSCP {0} ({1})").format(dscp_name(value), value))
                )

    def _draw_sizes(self) -> None:
        if self._sizes is None or self._arrays is None:
            return
        arrays = self._arrays
        drawn = self._frame.mask(arrays.times) & np.isfinite(arrays.lengths)
        left_out = int((~drawn).sum())
        if left_out:
            self._problem(
                self.tr("1 packet has a time outside the recording; not drawn")
                if left_out == 1
                else self.tr("{0} packets have times outside the recording; not drawn").format(
                    left_out
                )
            )
        times = arrays.times - self._origin
        for curve, mask, sign in (
            (self._out_curve, arrays.outgoing & drawn, 1.0),
            (self._in_curve, ~arrays.outgoing & drawn, -1.0),
        ):
            # A stem per packet, joined along the baseline (0, size, 0 at the packet's time):
            # peak downsampling then keeps each pixel's tallest stem. (NaN separators would
            # make every downsampled bin NaN: nothing drawn.)
            t, size = times[mask], arrays.lengths[mask] * sign
            xs = np.repeat(t, 3)
            ys = np.zeros(len(xs))
            ys[1::3] = size
            curve.setData(xs, ys)

    # -- tooltips and clicks ---------------------------------------------------------------

    def _tip(self, x: float, y: float, data: Any) -> str:
        lane, event = self._events[int(data)]
        connection = self._connections[lane]
        arrow = "→" if event.direction == "out" else "←"
        lines = [f"{event.kind} {arrow}  {event.time - self._origin:.6f} s"]
        if event.detail:
            lines.append(event.detail)
        if event.packet is not None:
            lines.append(
                self.tr("frame {0} · {1} bytes · DSCP {2} ({3}) · TTL {4}").format(
                    event.packet, event.length, dscp_name(event.dscp), event.dscp, event.ttl
                )
            )
        else:
            lines.append(self.tr("reported by the program's socket (no packet)"))
        lines.append(full_label(connection))
        return tooltip("\n".join(lines))

    def _points_clicked(self, _item: Any, points: Any, _event: Any) -> None:
        if not len(points):
            return
        lane, event = self._events[int(points[0].data())]
        self._choose_lane(lane)
        if event.packet is not None:
            self.packet_clicked.emit(event.packet)

    def _scene_clicked(self, event: Any) -> None:
        if event.isAccepted() or not self._connections:
            return
        box = self._plot.getViewBox()
        named = self.lane_at_axis(event.scenePos())
        if named is not None:
            self._choose_lane(named)
            return
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        lane = round(box.mapSceneToView(event.scenePos()).y())
        if 0 <= lane < len(self._connections):
            self._choose_lane(lane)

    def _choose_lane(self, lane: int) -> None:
        """The user chose a lane (click, list, key): select it and tell the page."""
        self.select_lane(lane)
        self.connection_selected.emit(lane)

    def _list_row_changed(self, row: int) -> None:
        if not self._syncing and 0 <= row < len(self._connections):
            self._choose_lane(row)

    def lane_at_axis(self, scene_pos: QPointF) -> int | None:
        """The lane whose name is under a point of the lane axis, if any."""
        axis = self._plot.getAxis("left")
        if not axis.sceneBoundingRect().contains(scene_pos):
            return None
        lane = round(self._plot.getViewBox().mapSceneToView(scene_pos).y())
        return lane if 0 <= lane < len(self._connections) else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and watched is self._view:
            assert isinstance(event, QKeyEvent)
            return self._key(event)
        if kind == QEvent.Type.MouseMove and watched is self._view.viewport():
            assert isinstance(event, QMouseEvent)
            lane = self.lane_at_axis(self._view.mapToScene(event.position().toPoint()))
            if lane is not None:
                QToolTip.showText(
                    event.globalPosition().toPoint(),
                    tooltip(full_label(self._connections[lane])),
                    self._view,
                )
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        """Lanes by keyboard: Up/Down one, Page Up/Down a screenful, Home/End; Left/Right pan."""
        count = len(self._connections)
        if not count:
            return False
        current = self._selected_lane if self._selected_lane is not None else -1
        page = max(1, int(self.visible_lane_count()))
        key = Qt.Key(event.key())
        moves = {
            Qt.Key.Key_Down: current + 1,
            Qt.Key.Key_Up: current - 1,
            Qt.Key.Key_PageDown: current + page,
            Qt.Key.Key_PageUp: current - page,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_End: count - 1,
        }
        if key in moves:
            self._choose_lane(min(max(moves[key], 0), count - 1))
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            (left, right), _ = self._plot.getViewBox().viewRange()
            step = (right - left) / 10 * (-1 if key == Qt.Key.Key_Left else 1)
            self._set_x(left + step, right + step)
            return True
        return False

    # -- lanes: height, scrolling ------------------------------------------------------------

    def _lane_px(self) -> float:
        height = float(max(self._plot.getViewBox().height(), 1.0))
        count = max(len(self._connections), 1)
        return float(min(max(height / count, LANE_MIN_PX), LANE_MAX_PX))

    def visible_lane_count(self) -> float:
        """How many lanes fit in the plot's height (a fraction: the last may be cut)."""
        return float(max(self._plot.getViewBox().height(), 1.0)) / self._lane_px()

    def _lanes_resized(self, *_args: Any) -> None:
        visible = self.visible_lane_count()
        hidden = max(0, math.ceil(len(self._connections) - visible))
        self.lane_scroll.blockSignals(True)
        self.lane_scroll.setRange(0, hidden)
        self.lane_scroll.setPageStep(max(1, int(visible)))
        self.lane_scroll.setValue(min(self._top, hidden))
        self.lane_scroll.blockSignals(False)
        self.lane_scroll.setVisible(hidden > 0)
        self._show_lanes_from(min(self._top, hidden))

    def _scrolled(self, value: int) -> None:
        self._show_lanes_from(value)

    def _show_lanes_from(self, top: int) -> None:
        self._top = max(top, 0)
        visible = self.visible_lane_count()
        first = self._top - 0.5 - self._headroom
        self._plot.setYRange(first, first + visible, padding=0)
        self._update_lane_ticks()

    def scroll_to_lane(self, lane: int) -> None:
        """Scroll the lanes so that ``lane`` is in view."""
        visible = max(1, int(self.visible_lane_count()))
        if self._top <= lane < self._top + visible:
            return
        self.lane_scroll.setValue(max(0, min(lane - visible // 2, self.lane_scroll.maximum())))
        self._show_lanes_from(self.lane_scroll.value())

    def visible_lanes(self) -> tuple[int, int]:
        """First and last lane shown (the last may be partly cut)."""
        _, (top, bottom) = self._plot.getViewBox().viewRange()
        low, high = min(top, bottom), max(top, bottom)
        return max(0, math.ceil(low)), min(len(self._connections) - 1, math.floor(high))

    def y_range(self) -> tuple[float, float]:
        """The lane range shown (tests: the wheel must leave it alone)."""
        _, (top, bottom) = self._plot.getViewBox().viewRange()
        return float(top), float(bottom)

    # -- navigation ------------------------------------------------------------------------

    def _drawn_extent(self) -> tuple[float, float] | None:
        """The x range of everything drawn (bars and packets)."""
        edges = [
            edge for lane in range(len(self._connections)) for edge in self._lane_span(lane) or ()
        ]
        if self._arrays is not None and len(self._arrays):
            times = self._arrays.times[self._frame.mask(self._arrays.times)]
            if len(times):
                edges += [float(times.min()) - self._origin, float(times.max()) - self._origin]
        return (min(edges), max(edges)) if edges else None

    def _set_x(self, left: float, right: float) -> None:
        low, high = self._frame.limits
        width = max(right - left, MIN_VIEW_S)
        left = min(max(left, low), high - width)
        self._plot.setXRange(left, left + width, padding=0)

    def fit(self) -> None:
        """Everything in time; the lanes from the first."""
        extent = self._drawn_extent()
        if not self._connections or extent is None:
            self._plot.setXRange(0, 1, padding=0)
        else:
            start, end = extent
            span = max(end - start, 0.01)
            self._plot.setXRange(start - span * 0.02, end + span * 0.02, padding=0)
        self.lane_scroll.setValue(0)
        self._show_lanes_from(0)

    def _zoom(self, factor: float) -> None:
        (left, right), _ = self._plot.getViewBox().viewRange()
        low, high = self._frame.limits
        middle = (left + right) / 2
        half = min(max((right - left) / 2 * factor, MIN_VIEW_S), (high - low) / 2)
        self._plot.setXRange(max(middle - half, low), min(middle + half, high), padding=0)

    def zoom_in(self) -> None:
        """Halve the time shown, around its middle."""
        self._zoom(0.5)

    def zoom_out(self) -> None:
        """Double the time shown."""
        self._zoom(2.0)

    def visible_seconds(self) -> tuple[float, float]:
        """The time range shown, relative to the origin."""
        (left, right), _ = self._plot.getViewBox().viewRange()
        return float(left), float(right)

    def set_axis_label(self, text: str) -> None:
        """What the time axis counts (frame 1 of the capture, unless told otherwise)."""
        self._plot.setLabel("bottom", text)

    def _toggle_legend(self) -> None:
        self._legend.setVisible(self._legend_button.isChecked())

    def _toggle_list(self) -> None:
        self.lane_list.setVisible(self._list_button.isChecked())

    def _keep_labels_in_view(self) -> None:
        if not self._labels:
            return
        (left, _right), _ = self._plot.getViewBox().viewRange()
        for label, start, top in self._labels:
            label.setPos(max(start, left), top)

    def _update_lane_ticks(self, *_args: Any) -> None:
        self._keep_labels_in_view()
        _, (top, bottom) = self._plot.getViewBox().viewRange()
        if not (math.isfinite(top) and math.isfinite(bottom)):
            return
        low, high = (
            max(0, math.ceil(min(top, bottom))),
            min(len(self._connections) - 1, math.floor(max(top, bottom))),
        )
        height = max(self._plot.getViewBox().height(), 1.0)
        room = max(1, int(height // 16))
        step = max(1, math.ceil((high - low + 1) / room))
        axis = self._plot.getAxis("left")
        metrics = QFontMetrics(self.font())
        room_px = int(axis.width()) - 16
        ticks = [
            (
                float(i),
                metrics.elidedText(
                    f"{i + 1}  {lane_label(self._connections[i])}",
                    Qt.TextElideMode.ElideMiddle,
                    room_px,
                ),
            )
            for i in range(low, high + 1, step)
        ]
        axis.setTicks([ticks, []])

    def select_lane(self, lane: int) -> None:
        """Highlight one lane, scroll it into view and make it current in the lane list."""
        if not 0 <= lane < len(self._connections):
            return
        self._selected_lane = lane
        span = self._lane_span(lane)
        if span is None:  # its times cannot be drawn: the lane is highlighted by its name only
            self._selection.setOpts(x0=[], width=[], y=[], height=0.62)
        else:
            width = max(span[1] - span[0], _MIN_WIDTH)
            self._selection.setOpts(x0=[span[0]], width=[width], y=[lane], height=0.62)
        self.scroll_to_lane(lane)
        self._syncing = True
        try:
            self.lane_list.setCurrentRow(lane)
        finally:
            self._syncing = False

    @property
    def selected_lane(self) -> int | None:
        """The highlighted lane, if any."""
        return self._selected_lane

    # -- marks: cited packets and evidence brackets -------------------------------------------

    def _clear_marks(self) -> None:
        for mark in self._marks:
            self._plot.removeItem(mark)
        self._marks = []
        self.brackets = ()
        self._marked_numbers = ()
        self._labels = []
        self._headroom = 0.0

    def _lane_of(self, number: int) -> int | None:
        if self._lanes is None:  # built on the first need, from the connections' frame lists
            lanes: dict[int, int] = {}
            for lane, connection in enumerate(self._connections):
                for frame in connection.packets:
                    lanes.setdefault(frame, lane)
            self._lanes = lanes
        return self._lanes.get(number, self._event_lane.get(number))

    def _times_of(self, numbers: Sequence[int]) -> list[tuple[int, float]]:
        known = dict(self._event_time)
        if self._arrays is not None:
            known.update(self._arrays.times_of(numbers))
        return [(n, known[n]) for n in numbers if n in known and self._frame.plausible(known[n])]

    def _draw_marks(
        self, intervals: Sequence[EvidenceInterval], numbers: Sequence[int]
    ) -> list[tuple[int, float]]:
        self._clear_marks()
        found = self._times_of(numbers)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        xs, ys = [], []
        for number, when in found[:500]:
            lane = self._lane_of(number)
            if lane is not None:
                xs.append(when - self._origin)
                ys.append(float(lane))
        for _number, when in found[:50]:
            line = pg.InfiniteLine(
                pos=when - self._origin,
                angle=90,
                pen=pg.mkPen(highlight, width=1, style=Qt.PenStyle.DashLine),
            )
            self._plot.addItem(line)
            self._marks.append(line)
        if xs:
            ring = pg.ScatterPlotItem(
                x=xs, y=ys, symbol="o", size=22, brush=pg.mkBrush(None),
                pen=pg.mkPen(highlight, width=2),
            )  # fmt: skip
            self._plot.addItem(ring)
            self._marks.append(ring)
        drawn = []
        for interval in intervals:
            if self._draw_bracket(interval):
                drawn.append(interval)
        self.brackets = tuple(drawn)
        self._headroom = BRACKET_HEADROOM if drawn else 0.0
        self._marked_numbers = tuple(numbers)
        return found

    def _draw_bracket(self, interval: EvidenceInterval) -> bool:
        """A bracket over the lanes an interval spans: ends down through them, label above."""
        span = self._frame.span(interval.start, interval.end)
        if span is None:
            return False
        colours = view_colours()
        colour = QColor(colours.reference if interval.reference else colours.evidence)
        style = Qt.PenStyle.DashLine if interval.reference else Qt.PenStyle.SolidLine
        lanes = interval.lanes or ((self._selected_lane,) if self._selected_lane is not None else (0,))
        first, last = min(lanes), max(lanes)
        top = first - 0.46 - (0.1 if interval.reference else 0.0)
        bottom = last + 0.46
        left, right = span
        pen = pg.mkPen(colour, width=2, style=style)
        shape = pg.PlotCurveItem(
            x=[left, left, right, right], y=[bottom, top, top, bottom], pen=pen
        )
        shape.setZValue(5)
        self._plot.addItem(shape)
        self._marks.append(shape)
        fill = QColor(colour)
        fill.setAlpha(28)
        band = pg.BarGraphItem(
            x0=[left], width=[max(right - left, _MIN_WIDTH)], y0=[top], height=[bottom - top],
            brush=pg.mkBrush(fill), pen=pg.mkPen(None),
        )  # fmt: skip
        band.setZValue(-5)
        self._plot.addItem(band)
        self._marks.append(band)
        # Labels go above the bracket (the view keeps a little headroom above the lanes for
        # them): the main one from its left end (kept in view while panning), a reference
        # one ending at its right end, so the two do not meet.
        base = self.palette().color(QPalette.ColorRole.Base)
        base.setAlpha(230)
        label = pg.TextItem(
            text=interval.label,
            color=colour,
            anchor=(1.0, 1.0) if interval.reference else (0.0, 1.0),
            fill=pg.mkBrush(base),
            border=pg.mkPen(colour),
        )
        label.setPos(right if interval.reference else left, top)
        label.setZValue(6)
        self._plot.addItem(label)
        self._marks.append(label)
        if not interval.reference:
            self._labels.append((label, left, top))
        return True

    def show_packets(self, numbers: Sequence[int]) -> bool:
        """Mark these frames, select the lane of the first, scroll and zoom to them.

        False when none of them is on the timeline (e.g. a bundle without its capture).
        """
        return self.show_evidence((), numbers)

    def show_evidence(self, intervals: Sequence[EvidenceInterval], numbers: Sequence[int]) -> bool:
        """Bracket ``intervals`` and ring ``numbers`` (every lane they are in), then fit the
        view to all of it: the whole interval in time, its lanes in view.

        False when nothing of it can be drawn (a bundle without its capture, times outside
        the recording).
        """
        found = self._draw_marks(intervals, numbers)
        times = [when - self._origin for _, when in found]
        for interval in self.brackets:
            span = self._frame.span(interval.start, interval.end)
            if span is not None:
                times += list(span)
        if not times:
            return False
        start, end = min(times), max(times)
        span_s = max(end - start, _MIN_FIT_S)
        middle = (start + end) / 2
        half = span_s / 2 * (1 + 2 * EVIDENCE_PADDING)
        self._set_x(middle - half, middle + half)
        lanes = sorted(
            {lane for n, _ in found if (lane := self._lane_of(n)) is not None}
            | {lane for interval in self.brackets for lane in interval.lanes}
        )
        if lanes:
            self._show_span_of_lanes(lanes[0], lanes[-1])
            first = self._lane_of(found[0][0]) if found else None
            self.select_lane(first if first is not None else lanes[0])
        return True

    def _show_span_of_lanes(self, first: int, last: int) -> None:
        visible = max(1, int(self.visible_lane_count() - self._headroom))
        top = self._top
        if not (top <= first and last < top + visible):
            top = max(0, min(first, self.lane_scroll.maximum()))
        self.lane_scroll.blockSignals(True)
        self.lane_scroll.setValue(top)
        self.lane_scroll.blockSignals(False)
        self._show_lanes_from(top)

    def marked_points(self) -> list[QPointF]:
        """Where the marks are (tests check that evidence scrolls the view to them)."""
        points = []
        for mark in self._marks:
            if isinstance(mark, pg.InfiniteLine):
                points.append(QPointF(float(mark.value()), 0.0))
        return points

    def ringed_lanes(self) -> list[int]:
        """The lanes of the ringed packets (tests: every cited packet's lane)."""
        for mark in self._marks:
            if isinstance(mark, pg.ScatterPlotItem):
                return sorted({round(float(p.pos().y())) for p in mark.points()})
        return []
