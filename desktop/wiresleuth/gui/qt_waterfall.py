"""The request waterfall (pyqtgraph): connect, TLS and first byte of each request as bars.

Takes ``RequestWaterfall`` objects (read from the observations by ``waterfall_model``). One row
per request, bars per phase in a colour per phase; a phase that ended in failure is red and
says how it ended. Durations are written beside each bar, so no hovering is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QVBoxLayout, QWidget

from wiresleuth.gui.plain_text import legend_text, plain_label
from wiresleuth.gui.qt_plot_palette import colour_plots
from wiresleuth.gui.waterfall_model import RequestWaterfall

PHASE_COLOURS = {"connect": "#1e88e5", "TLS": "#9c4dcc", "first byte": "#43a047"}
"""Colour per phase."""
FAILED_COLOUR = "#d32f2f"
"""A phase that ended in a failure."""
AXIS_WIDTH = 260
"""Pixels for the request names."""


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def phases_text(request: RequestWaterfall) -> str:
    """``connect 101.2 ms · TLS 3.10 s reset · path RTT 101 ms``: written after the last bar."""
    parts = [
        f"{phase.name} {_duration(phase.seconds)}" + (f" {phase.note}" if phase.note else "")
        for phase in request.phases
    ]
    if request.path_rtt is not None:
        parts.append(f"path RTT {_duration(request.path_rtt)}")
    return " · ".join(parts)


class QtWaterfall(QWidget):
    """A browser-style waterfall of the run's requests."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Request waterfall"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._note = plain_label()
        self._note.setWordWrap(True)
        layout.addWidget(self._note)
        self._view = pg.GraphicsLayoutWidget()
        self._view.setAccessibleName(self.tr("Waterfall plot"))
        layout.addWidget(self._view, 1)
        self._legend = pg.LegendItem(colCount=4)
        self._view.addItem(self._legend, row=0, col=0)
        self._plot = self._view.addPlot(row=1, col=0)
        self._plot.invertY(True)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._plot.showGrid(x=True, alpha=0.2)
        self._plot.getAxis("left").setWidth(AXIS_WIDTH)
        self._plot.setLabel("bottom", self.tr("seconds since the first request"))
        self._plot.getAxis("bottom").enableAutoSIPrefix(False)
        self._items: list[Any] = []
        self.requests: tuple[RequestWaterfall, ...] = ()
        self.problems: tuple[str, ...] = ()
        self._apply_palette()

    def _apply_palette(self) -> None:
        self._text = colour_plots(self.palette(), self._view, [self._plot], self._legend)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
            self.set_requests(self.requests, self.problems)

    def set_requests(
        self, requests: Sequence[RequestWaterfall], problems: Sequence[str] = ()
    ) -> None:
        """Show one row per request (their times finite, as ``waterfall_model`` makes them);
        ``problems`` (what the measurements held that could not be drawn) go in the note."""
        for item in self._items:
            self._plot.removeItem(item)
        self._items = []
        self._legend.clear()
        self.requests = tuple(requests)
        self.problems = tuple(problems)
        left_out = "\n" + self.tr("Left out: {0}.").format("; ".join(problems)) if problems else ""
        if not self.requests:
            self._note.setText(
                self.tr(
                    "No request timings here: they come from the secure-connection check's own "
                    "measurements, which plain capture files (and bundles without that check) do not have."
                )
                + left_out
            )
            self._plot.getAxis("left").setTicks([[], []])
            return
        self._note.setText(
            self.tr(
                "Each row is one request as the program's socket timed it: TCP connect, TLS "
                "handshake, then the first byte of the answer. Name lookups happen before and are not timed here."
            )
            + left_out
        )
        origin = min(r.phases[0].start for r in self.requests)
        end = max(p.end for r in self.requests for p in r.phases)
        per_colour: dict[str, tuple[list[float], list[float], list[float]]] = {}
        for row, request in enumerate(self.requests):
            for phase in request.phases:
                colour = PHASE_COLOURS.get(phase.name, "#7f8c9a") if phase.ok else FAILED_COLOUR
                x0, widths, ys = per_colour.setdefault(colour, ([], [], []))
                x0.append(phase.start - origin)
                widths.append(max(phase.seconds, 0.0005))
                ys.append(float(row))
            first, last = request.phases[0].start - origin, request.phases[-1].end - origin
            late = first > (end - origin) / 2  # right half: write leftwards from the bar's end
            text = pg.TextItem(
                phases_text(request), color=self._text, anchor=(1, 0) if late else (0, 0)
            )
            text.setPos(last if late else first, row + 0.27)
            self._plot.addItem(text)
            self._items.append(text)
        for colour, (x0, widths, ys) in per_colour.items():
            bars = pg.BarGraphItem(
                x0=np.array(x0), width=np.array(widths), y=np.array(ys), height=0.5,
                brush=pg.mkBrush(colour), pen=pg.mkPen(None),
            )  # fmt: skip
            self._plot.addItem(bars)
            self._items.append(bars)
        names = {
            "connect": self.tr("connect"),
            "TLS": self.tr("TLS"),
            "first byte": self.tr("first byte"),
        }
        for name, colour in (*PHASE_COLOURS.items(), ("failed", FAILED_COLOUR)):
            sample = pg.BarGraphItem(x0=[], width=[], y=[], height=1, brush=pg.mkBrush(colour))
            self._legend.addItem(sample, legend_text(names.get(name, self.tr("failed"))))
        metrics = QFontMetrics(self.font())
        room = AXIS_WIDTH - 16
        ticks = [
            (float(row), metrics.elidedText(request.label, Qt.TextElideMode.ElideMiddle, room))
            for row, request in enumerate(self.requests)
        ]
        self._plot.getAxis("left").setTicks([ticks, []])
        self._plot.setXRange(0, max(end - origin, 0.01) * 1.05, padding=0)
        self._plot.setYRange(-0.6, len(self.requests) - 0.4, padding=0)
