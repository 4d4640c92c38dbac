"""The timeline (pyqtgraph): one lane per connection, its events as markers, packet sizes below.

Takes model Connections (with their TimelineEvents) and PacketRecords. A lane's bar spans the
connection's life (BarGraphItem); events are ScatterPlotItems, one per kind of event so the
legend explains the shapes, coloured by DSCP, with hover tooltips and clicks. Outgoing events
sit just above the lane's middle, incoming ones just below. The packet-size strip shows every
packet as a stem (out up, in down) with peak downsampling and clip-to-view, which keeps a
100 000-packet capture smooth to zoom and pan.

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
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.gui.packet_arrays import PacketArrays, packet_arrays
from wiresleuth.gui.plain_text import legend_text, plain_label, tooltip
from wiresleuth.gui.plot_coordinates import MIN_VIEW_S, TimeFrame, time_frame, times_array
from wiresleuth.gui.qt_theme import dscp_colour
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
LANE_AXIS_WIDTH = 230
"""Pixels for lane names (the size strip below uses the same, so the time axes line up)."""
_LABEL_CHARS = 60
_MIN_WIDTH = 0.0005
_LISTED = 5


def group_of(event: TimelineEvent) -> tuple[str, str]:
    """Legend name and symbol of an event; socket-level ones as the packet they stand for."""
    kind = event.kind if event.packet is not None else SOCKET_KINDS.get(event.kind)
    for name, symbol, kinds in EVENT_GROUPS:
        if kind in kinds:
            return name, symbol
    return OTHER_GROUP if event.packet is not None else SOCKET_GROUP


def lane_label(connection: Connection) -> str:
    """A lane's short name: its label, else its id, cut to fit the axis."""
    text = connection.label or connection.id
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


class QtTimeline(QWidget):
    """Lanes of connections over time, with a packet-size strip and zoom controls."""

    connection_selected = Signal(int)
    """Index of the connection whose lane was clicked."""
    packet_clicked = Signal(int)
    """Frame number of the event marker clicked."""

    def __init__(self, parent: QWidget | None = None, *, sizes: bool = True) -> None:
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
        self._selected_lane: int | None = None
        self._brushes: dict[int | None, Any] = {}
        self.setAccessibleName(self.tr("Timeline of connections"))
        self._build(sizes)
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

    def _build(self, sizes: bool) -> None:
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
        self._hint = plain_label(
            self.tr(
                "Filled markers are packets (colour: DSCP), hollow ones what the program's socket saw. "
                "Drag to pan, wheel to zoom, hover a marker for details, click a lane for its packets."
            )
        )
        self._hint.setWordWrap(True)
        bar.addWidget(self._hint, 1)
        layout.addLayout(bar)
        self._view = pg.GraphicsLayoutWidget()
        self._view.setAccessibleName(self.tr("Timeline plot"))
        self._view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self._view, 1)
        self._legend = pg.LegendItem(colCount=8)
        self._view.addItem(self._legend, row=0, col=0)
        self._plot = self._view.addPlot(row=1, col=0)
        self._plot.invertY(True)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._plot.showGrid(x=True, y=False, alpha=0.2)
        self._plot.getAxis("left").setWidth(LANE_AXIS_WIDTH)
        self._plot.setLabel("bottom", self.tr("seconds since the start"))
        self._plot.getAxis("bottom").enableAutoSIPrefix(False)
        self._plot.getViewBox().sigRangeChanged.connect(self._update_lane_ticks)
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
            self._sizes.getAxis("left").setWidth(LANE_AXIS_WIDTH)
            self._sizes.setLabel("left", self.tr("bytes (out ↑ in ↓)"))
            self._sizes.getAxis("bottom").enableAutoSIPrefix(False)
            self._sizes.getAxis("left").enableAutoSIPrefix(False)
            self._sizes.setDownsampling(auto=True, mode="peak")
            self._sizes.setClipToView(True)
            self._sizes.setMaximumHeight(115)
            self._out_curve = self._sizes.plot([], [])
            self._in_curve = self._sizes.plot([], [])

    def apply_palette(self) -> None:
        """Follow the window's palette (light or dark)."""
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self._view.setBackground(base)
        plots = [self._plot] + ([self._sizes] if self._sizes is not None else [])
        for plot in plots:
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(text))
                axis.setTextPen(pg.mkPen(text))
        mid = palette.color(QPalette.ColorRole.Mid)
        self._bar_brush = pg.mkBrush(mid.red(), mid.green(), mid.blue(), 150)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        self._selection.setOpts(
            brush=pg.mkBrush(highlight.red(), highlight.green(), highlight.blue(), 90),
            pen=pg.mkPen(highlight),
        )
        self._bars.setOpts(brush=self._bar_brush, pen=pg.mkPen(None))
        self._text_colour = text
        if self._sizes is not None:
            self._out_curve.setPen(pg.mkPen("#1e88e5"))
            self._in_curve.setPen(pg.mkPen("#fb8c00"))
        self._legend.setLabelTextColor(text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_palette()
            if self._connections:
                self.set_connections(
                    self._connections,
                    self._origin,
                    self._packets,
                    fit=False,
                    arrays=self._arrays,
                    lanes=self._lanes,
                    frame=self._frame,
                )

    # -- data ------------------------------------------------------------------------------

    @property
    def connections(self) -> tuple[Connection, ...]:
        """The connections shown, lane by lane."""
        return self._connections

    @property
    def origin(self) -> float:
        """Epoch seconds at x = 0."""
        return self._origin

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
        self.problems = (
            *self._problems,
            *((f"and {self._unlisted} more",) if self._unlisted else ()),
        )
        self._selection.setOpts(x0=[], width=[], y=[])
        left, right = frame.limits
        self._plot.setLimits(xMin=left, xMax=right, minXRange=MIN_VIEW_S)
        if fit:
            self.fit()
        else:
            self._update_lane_ticks()

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
        lines = [f"{event.kind} {arrow}  +{event.time - self._origin:.4f} s"]
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
        lines.append(connection.label or connection.id)
        return tooltip("\n".join(lines))

    def _points_clicked(self, _item: Any, points: Any, _event: Any) -> None:
        if not len(points):
            return
        lane, event = self._events[int(points[0].data())]
        self.select_lane(lane)
        self.connection_selected.emit(lane)
        if event.packet is not None:
            self.packet_clicked.emit(event.packet)

    def _scene_clicked(self, event: Any) -> None:
        if event.isAccepted() or not self._connections:
            return
        box = self._plot.getViewBox()
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        lane = round(box.mapSceneToView(event.scenePos()).y())
        if 0 <= lane < len(self._connections):
            self.select_lane(lane)
            self.connection_selected.emit(lane)

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

    def fit(self) -> None:
        """Everything in x; the first lanes (up to 20) in y."""
        extent = self._drawn_extent()
        if not self._connections or extent is None:
            self._plot.setXRange(0, 1, padding=0)
            self._plot.setYRange(-0.5, max(min(len(self._connections), 20), 1) - 0.5, padding=0)
            self._update_lane_ticks()
            return
        start, end = extent
        span = max(end - start, 0.01)
        self._plot.setXRange(start - span * 0.02, end + span * 0.02, padding=0)
        self._plot.setYRange(-0.6, min(len(self._connections), 20) - 0.4, padding=0)
        self._update_lane_ticks()

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

    def _toggle_legend(self) -> None:
        self._legend.setVisible(self._legend_button.isChecked())

    def _update_lane_ticks(self, *_args: Any) -> None:
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
                    lane_label(self._connections[i]), Qt.TextElideMode.ElideRight, room_px
                ),
            )
            for i in range(low, high + 1, step)
        ]
        axis.setTicks([ticks, []])

    def select_lane(self, lane: int) -> None:
        """Highlight one lane and scroll it into view."""
        if not 0 <= lane < len(self._connections):
            return
        self._selected_lane = lane
        span = self._lane_span(lane)
        if span is None:  # its times cannot be drawn: the lane is highlighted by its name only
            self._selection.setOpts(x0=[], width=[], y=[], height=0.62)
        else:
            width = max(span[1] - span[0], _MIN_WIDTH)
            self._selection.setOpts(x0=[span[0]], width=[width], y=[lane], height=0.62)
        _, (top, bottom) = self._plot.getViewBox().viewRange()
        low, high = min(top, bottom), max(top, bottom)
        if not low <= lane <= high:
            span = high - low
            self._plot.setYRange(lane - span / 2, lane + span / 2, padding=0)

    @property
    def selected_lane(self) -> int | None:
        """The highlighted lane, if any."""
        return self._selected_lane

    def _clear_marks(self) -> None:
        for mark in self._marks:
            self._plot.removeItem(mark)
        self._marks = []

    def _lane_of(self, number: int) -> int | None:
        if self._lanes is None:  # built on the first need, from the connections' frame lists
            lanes: dict[int, int] = {}
            for lane, connection in enumerate(self._connections):
                for frame in connection.packets:
                    lanes.setdefault(frame, lane)
            self._lanes = lanes
        return self._lanes.get(number, self._event_lane.get(number))

    def show_packets(self, numbers: Sequence[int]) -> bool:
        """Mark these frames, select the lane of the first, scroll and zoom to them.

        False when none of them is on the timeline (e.g. a bundle without its capture).
        """
        self._clear_marks()
        known = dict(self._event_time)
        if self._arrays is not None:
            known.update(self._arrays.times_of(numbers))
        found = [(n, known[n]) for n in numbers if n in known and self._frame.plausible(known[n])]
        if not found:
            return False
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        xs, ys = [], []
        for number, when in found[:50]:
            x = when - self._origin
            line = pg.InfiniteLine(
                pos=x, angle=90, pen=pg.mkPen(highlight, width=1, style=Qt.PenStyle.DashLine)
            )
            self._plot.addItem(line)
            self._marks.append(line)
            lane = self._lane_of(number)
            if lane is not None:
                xs.append(x)
                ys.append(float(lane))
        if xs:
            ring = pg.ScatterPlotItem(
                x=xs,
                y=ys,
                symbol="o",
                size=22,
                brush=pg.mkBrush(None),
                pen=pg.mkPen(highlight, width=2),
            )
            self._plot.addItem(ring)
            self._marks.append(ring)
        times = [when - self._origin for _, when in found]
        start, end = min(times), max(times)
        span = max(end - start, 0.05)
        self._plot.setXRange(start - span * 0.3, end + span * 0.3, padding=0)
        first_lane = self._lane_of(found[0][0])
        if first_lane is not None:
            self.select_lane(first_lane)
        return True

    def marked_points(self) -> list[QPointF]:
        """Where the marks are (tests check that evidence scrolls the view to them)."""
        points = []
        for mark in self._marks:
            if isinstance(mark, pg.InfiniteLine):
                points.append(QPointF(float(mark.value()), 0.0))
        return points
