"""The MTU sweep plot (pyqtgraph): each DF echo as a marker, size against the order sent,
shaped and coloured by what came back, with the path MTU and the interface MTU as lines.

Takes ``SweepView`` objects (``mtu_view``); a target chooser appears when there are several.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from wiresleuth.gui.mtu_view import RESULTS, SweepView
from wiresleuth.gui.plain_text import legend_text, plain_label, tooltip
from wiresleuth.gui.qt_plot_palette import colour_plots

STYLE = {
    "reply": ("o", "#43a047"),
    "lost": ("x", "#d32f2f"),
    "frag_needed": ("t", "#fb8c00"),
    "too_big_local": ("s", "#7f8c9a"),
    "error": ("star", "#8e24aa"),
}
"""Marker symbol and colour per result."""


class QtMtuPlot(QWidget):
    """Size tried vs result for one target at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("MTU sweep"))
        self.sweeps: tuple[SweepView, ...] = ()
        self.problems: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.chooser = QComboBox()
        self.chooser.setAccessibleName(self.tr("Target whose sweep is shown"))
        self.chooser.view().setAccessibleName(self.tr("Targets swept"))
        self.chooser.currentIndexChanged.connect(self._show)
        # As wide as about 40 characters, whatever the names: the note beside it keeps its room.
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.setMinimumContentsLength(40)
        row.addWidget(self.chooser)
        self.note = plain_label()
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        layout.addLayout(row)
        self._view = pg.GraphicsLayoutWidget()
        self._view.setAccessibleName(self.tr("MTU sweep plot"))
        layout.addWidget(self._view, 1)
        self._legend = pg.LegendItem(colCount=7)
        self._view.addItem(self._legend, row=0, col=0)
        self._plot = self._view.addPlot(row=1, col=0)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._plot.showGrid(x=False, y=True, alpha=0.2)
        self._plot.setLabel("left", self.tr("packet size (bytes)"))
        self._plot.setLabel("bottom", self.tr("probe, in the order sent"))
        for name in ("left", "bottom"):
            self._plot.getAxis(name).enableAutoSIPrefix(False)
        self._items: list[Any] = []
        self._apply_palette()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
            self._show()

    def _apply_palette(self) -> None:
        self._text = colour_plots(self.palette(), self._view, [self._plot], self._legend)

    def _result_name(self, result: str) -> str:
        names = {
            "reply": self.tr("reply"),
            "lost": self.tr("lost (no answer)"),
            "frag_needed": self.tr("router: too big"),
            "too_big_local": self.tr("refused by this computer"),
            "error": self.tr("error"),
        }
        return names.get(result, result)

    def set_sweeps(self, sweeps: Sequence[SweepView], problems: Sequence[str] = ()) -> None:
        """Show these sweeps (the first one at once); ``problems`` (what the measurements held
        that could not be drawn) go in the note."""
        self.sweeps = tuple(sweeps)
        self.problems = tuple(problems)
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for sweep in self.sweeps:
            self.chooser.addItem(" ".join(f"{sweep.target} ({sweep.address})".split()))
        self.chooser.blockSignals(False)
        self.chooser.setVisible(len(self.sweeps) > 1)
        self._show()

    def _show(self, *_args: object) -> None:
        for item in self._items:
            self._plot.removeItem(item)
        self._items = []
        self._legend.clear()
        left_out = (
            [self.tr("Left out: {0}.").format("; ".join(self.problems))] if self.problems else []
        )
        if not self.sweeps:
            self.note.setText(
                "\n".join(
                    [
                        self.tr(
                            "No MTU sweep here: it comes from the packet-size check, which this file does not have."
                        ),
                        *left_out,
                    ]
                )
            )
            return
        sweep = self.sweeps[max(self.chooser.currentIndex(), 0)]
        parts = [self.tr("{0}: DF echoes by {1}.").format(sweep.target, sweep.method)]
        if sweep.path_mtu:
            parts.append(
                self.tr("Largest packet that got through: {0} bytes.").format(sweep.path_mtu)
            )
        if sweep.error:
            parts.append(sweep.error)
        self.note.setText("\n".join([" ".join(parts), *left_out]))
        for result in (*RESULTS, *sorted({p.result for p in sweep.points} - set(RESULTS))):
            points = [p for p in sweep.points if p.result == result]
            if not points:
                continue
            symbol, colour = STYLE.get(result, ("+", "#546e7a"))
            scatter = pg.ScatterPlotItem(
                x=[p.order for p in points],
                y=[p.size for p in points],
                data=[
                    f"{p.size} bytes: {self._result_name(p.result)}\n{p.detail}".strip()
                    for p in points
                ],
                symbol=symbol,
                size=12,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(self._text),
                hoverable=True,
                tip=lambda x, y, data: tooltip(str(data)),
            )
            self._plot.addItem(scatter)
            self._items.append(scatter)
            self._legend.addItem(scatter, legend_text(self._result_name(result)))
        lines = [
            (sweep.path_mtu, "#43a047", self.tr("path MTU {0}")),
            (sweep.interface_mtu, "#7f8c9a", self.tr("interface MTU {0}")),
        ]
        if sweep.path_mtu and sweep.path_mtu == sweep.interface_mtu:
            lines = [(sweep.path_mtu, "#43a047", self.tr("path MTU = interface MTU {0}"))]
        for value, colour, label in lines:
            if value:
                line = pg.InfiniteLine(
                    pos=value,
                    angle=0,
                    pen=pg.mkPen(colour, style=Qt.PenStyle.DashLine),
                    label=label.format(value),
                    labelOpts={"color": colour, "position": 0.97, "anchors": [(1, 1), (1, 1)]},
                )
                self._plot.addItem(line)
                self._items.append(line)
        sizes = [p.size for p in sweep.points] + [
            v for v in (sweep.path_mtu, sweep.interface_mtu) if v
        ]
        if sizes:  # from the IPv4 minimum (576) up: a single probe is not a 1-byte-high plot
            self._plot.setYRange(min(min(sizes), 576) * 0.9, max(sizes) * 1.05, padding=0)
            self._plot.setXRange(0.5, max(len(sweep.points), 1) + 0.5, padding=0)
