"""The TCP sequence graph of one connection (pyqtgraph), as tcptrace and Wireshark draw it.

Takes a ``SeqGraph`` (``analysis.tcp_seq_graph``): data segments as vertical bars (sent
again: red), the ACK line and the receive window's edge as steps, SACK blocks as short thick
bars at the ACK that carried them, and holes (bytes never seen while later ones were) as
shaded boxes from the moment they showed to the moment they were filled, or to the end.
Both axes zoom (wheel, drag); hover a segment's top for its frame, click it to select it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from wiresleuth.analysis.tcp_seq_graph import SeqGraph
from wiresleuth.gui.plain_text import legend_text, plain_label, tooltip
from wiresleuth.gui.plot_coordinates import TimeFrame
from wiresleuth.gui.qt_plot_palette import colour_plots
from wiresleuth.gui.qt_theme import view_colours


class QtSeqGraph(QWidget):
    """A connection's sequence graph, with a choice of direction."""

    direction_changed = Signal(bool)
    """True: the server's bytes are wanted; False: the client's."""
    packet_clicked = Signal(int)
    """Frame number of a segment clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graph: SeqGraph | None = None
        self._frame = TimeFrame(origin=0.0, middle=0.0)
        self._from_server = True
        self.items: dict[str, Any] = {}
        """The plot items by role (segments, retransmissions, acks, window, sacks, holes,
        tops): tests read what is drawn from them."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.direction = QComboBox()
        self.direction.setAccessibleName(self.tr("Whose bytes to graph"))
        self.direction.view().setAccessibleName(self.tr("Whose bytes to graph"))
        self.direction.addItem(self.tr("Server's bytes (server → client)"), True)
        self.direction.addItem(self.tr("Client's bytes (client → server)"), False)
        self.direction.activated.connect(
            lambda _i: self.direction_changed.emit(bool(self.direction.currentData()))
        )
        bar.addWidget(self.direction)
        fit = QToolButton()
        fit.setText(self.tr("Fit"))
        fit.setAccessibleName(self.tr("Show the whole graph"))
        fit.clicked.connect(self.fit)
        bar.addWidget(fit)
        self.title = plain_label()
        self.title.setWordWrap(True)
        bar.addWidget(self.title, 1)
        layout.addLayout(bar)
        self._view = pg.GraphicsLayoutWidget()
        self._view.setAccessibleName(self.tr("Sequence graph"))
        layout.addWidget(self._view, 1)
        self._legend = pg.LegendItem(colCount=6)
        self._view.addItem(self._legend, row=0, col=0)
        self._plot = self._view.addPlot(row=1, col=0)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._plot.showGrid(x=True, y=True, alpha=0.15)
        self._plot.setLabel("bottom", self.tr("seconds since frame 1"))
        self._plot.setLabel("left", self.tr("relative sequence number (bytes)"))
        self._plot.getAxis("bottom").enableAutoSIPrefix(False)
        self._plot.getAxis("left").enableAutoSIPrefix(False)
        self.apply_palette()

    def apply_palette(self) -> None:
        """Follow the window's palette."""
        colour_plots(self.palette(), self._view, [self._plot], self._legend)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_palette()
            if self.graph is not None:
                self.set_graph(self.graph, self._frame, from_server=self._from_server, fit=False)

    def clear(self, why: str = "") -> None:
        """Nothing to graph; ``why`` says so."""
        self.graph = None
        self._plot.clear()
        self._legend.clear()
        self.items = {}
        self.title.setText(why)

    def set_graph(
        self, graph: SeqGraph, frame: TimeFrame, *, from_server: bool = True, fit: bool = True
    ) -> None:
        """Draw ``graph`` (the server's bytes, or the client's), times relative to ``frame``
        (frame 1 is 0)."""
        self.graph, self._frame, self._from_server = graph, frame, from_server
        self._plot.clear()
        self._legend.clear()
        self.items = {}
        self.direction.setCurrentIndex(0 if from_server else 1)
        colours = view_colours()
        origin = frame.origin
        drawn = [s for s in graph.segments if frame.plausible(s.time)]
        for name, colour, chosen in (
            ("segments", colours.segment, [s for s in drawn if not s.retransmission]),
            ("retransmissions", colours.retransmission, [s for s in drawn if s.retransmission]),
        ):
            xs = np.repeat([s.time - origin for s in chosen], 2)
            ys = np.array([v for s in chosen for v in (s.start, s.end)], dtype=float)
            curve = pg.PlotCurveItem(x=xs, y=ys, connect="pairs", pen=pg.mkPen(colour, width=2))
            self._plot.addItem(curve)
            self.items[name] = curve
            if chosen:
                label = self.tr("data") if name == "segments" else self.tr("sent again")
                self._legend.addItem(curve, legend_text(label))
        acks = [a for a in graph.acks if frame.plausible(a.time)]
        end = max(graph.end, *(s.time for s in drawn)) if drawn else graph.end
        for name, colour, values, label in (
            ("acks", colours.ack, [a.ack for a in acks], self.tr("acknowledged")),
            ("window", colours.window, [a.window_edge for a in acks], self.tr("window edge")),
        ):
            xs, ys = _steps([a.time - origin for a in acks], values, end - origin)
            curve = pg.PlotCurveItem(x=xs, y=ys, pen=pg.mkPen(colour, width=1.5))
            self._plot.addItem(curve)
            self.items[name] = curve
            if acks:
                self._legend.addItem(curve, legend_text(label))
        sack_x = np.repeat([a.time - origin for a in acks for _ in a.sacks], 2)
        sack_y = np.array([v for a in acks for block in a.sacks for v in block], dtype=float)
        sacks = pg.PlotCurveItem(
            x=sack_x, y=sack_y, connect="pairs", pen=pg.mkPen(colours.sack, width=5)
        )
        self._plot.addItem(sacks)
        self.items["sacks"] = sacks
        if len(sack_x):
            self._legend.addItem(sacks, legend_text(self.tr("SACK blocks")))
        self._draw_holes(graph, origin, end)
        tops = pg.ScatterPlotItem(
            x=[s.time - origin for s in drawn],
            y=[s.end for s in drawn],
            data=[s.frame for s in drawn],
            symbol="t1",
            size=7,
            brush=pg.mkBrush(colours.segment),
            pen=pg.mkPen(None),
            hoverable=True,
            hoverSize=11,
            tip=self._tip,
        )
        tops.sigClicked.connect(self._clicked)
        self._plot.addItem(tops)
        self.items["tops"] = tops
        self.title.setText(self._title(graph))
        if fit:
            self.fit()

    def _draw_holes(self, graph: SeqGraph, origin: float, end: float) -> None:
        colours = view_colours()
        holes = [h for h in graph.holes if self._frame.plausible(h.opened)]
        fill = QColor(colours.hole)
        fill.setAlpha(colours.hole_alpha)
        boxes = pg.BarGraphItem(
            x0=[h.opened - origin for h in holes],
            width=[max((h.filled if h.filled is not None else end) - h.opened, 1e-4) for h in holes],
            y0=[h.start for h in holes],
            height=[h.end - h.start for h in holes],
            brush=pg.mkBrush(fill),
            pen=pg.mkPen(colours.hole, width=1.5),
        )
        boxes.setZValue(-10)
        self._plot.addItem(boxes)
        self.items["holes"] = boxes
        if holes:
            self._legend.addItem(boxes, legend_text(self.tr("never arrived (hole)")))

    def _title(self, graph: SeqGraph) -> str:
        count = len(graph.segments)
        text = (
            self.tr("Bytes from {0} to {1}: {2} in 1 segment")
            if count == 1
            else self.tr("Bytes from {0} to {1}: {2} in {3} segments")
        ).format(graph.sender, graph.receiver, graph.bytes_sent, count)
        lost = graph.lost
        if lost:
            text += self.tr("; {0} bytes never arrived although later bytes did").format(lost)
        again = sum(s.retransmission for s in graph.segments)
        if again:
            text += self.tr("; {0} segments sent again").format(again)
        return text

    def _tip(self, x: float, y: float, data: Any) -> str:
        graph = self.graph
        if graph is None:
            return ""
        segment = next((s for s in graph.segments if s.frame == int(data)), None)
        if segment is None:
            return ""
        lines = [
            self.tr("frame {0} · {1:.6f} s").format(segment.frame, x),
            self.tr("bytes {0} to {1} ({2} bytes)").format(
                segment.start, segment.end - 1, segment.end - segment.start
            ),
        ]
        if segment.retransmission:
            lines.append(self.tr("sent again"))
        return tooltip("\n".join(lines))

    def _clicked(self, _item: Any, points: Any, _event: Any) -> None:
        if len(points):
            self.packet_clicked.emit(int(points[0].data()))

    def fit(self) -> None:
        """The whole graph in view: its segments, ACKs, SACK blocks and holes (the window's
        edge, often far above, is left to zooming out)."""
        graph = self.graph
        if graph is None:
            self._plot.autoRange()
            return
        origin = self._frame.origin
        xs = [s.time for s in graph.segments] + [a.time for a in graph.acks]
        xs += [h.opened for h in graph.holes] + [graph.start, graph.end]
        ys = [v for s in graph.segments for v in (s.start, s.end)]
        ys += [a.ack for a in graph.acks] + [v for a in graph.acks for b in a.sacks for v in b]
        ys += [v for h in graph.holes for v in (h.start, h.end)]
        xs = [x - origin for x in xs if self._frame.plausible(x)]
        if not xs or not ys:
            self._plot.autoRange()
            return
        left, right = min(xs), max(xs)
        bottom, top = min(ys), max(ys)
        self._plot.setXRange(left, right + 1e-6, padding=0.04)
        self._plot.setYRange(bottom, top + 1, padding=0.06)

    def visible_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((left, right), (bottom, top)) shown."""
        (left, right), (bottom, top) = self._plot.getViewBox().viewRange()
        return (float(left), float(right)), (float(bottom), float(top))


def _steps(times: list[float], values: list[int], end: float) -> tuple[Any, Any]:
    """A step line through (time, value) points, held until ``end``."""
    if not times:
        return np.zeros(0), np.zeros(0)
    xs = np.repeat(np.array([*times, max(end, times[-1])], dtype=float), 2)[1:-1]
    ys = np.repeat(np.array(values, dtype=float), 2)
    return xs, ys
