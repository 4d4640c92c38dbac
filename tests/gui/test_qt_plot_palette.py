"""Every plot follows the window's palette: background, axes and legend, light and dark."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from wiresleuth.gui.qt_mtu_plot import QtMtuPlot
from wiresleuth.gui.qt_seq_graph import QtSeqGraph
from wiresleuth.gui.qt_theme import Theme, apply_theme
from wiresleuth.gui.qt_timeline import QtTimeline
from wiresleuth.gui.qt_watch_view import QtWatchView
from wiresleuth.gui.qt_waterfall import QtWaterfall

pytestmark = pytest.mark.qt

# each widget: how to make it, its view (the background), its plot (the axes), its legend
PLOTS: dict[str, tuple[Callable[[], QWidget], Callable[[Any], Any], Callable[[Any], Any], bool]] = {
    "timeline": (QtTimeline, lambda w: w._view, lambda w: w._plot, True),
    "mtu": (QtMtuPlot, lambda w: w._view, lambda w: w._plot, True),
    "waterfall": (QtWaterfall, lambda w: w._view, lambda w: w._plot, True),
    "seq-graph": (QtSeqGraph, lambda w: w._view, lambda w: w._plot, True),
    "watch": (QtWatchView, lambda w: w.plot_widget, lambda w: w.plot, False),
}


@pytest.mark.parametrize("name", PLOTS)
def test_a_plot_takes_the_palettes_colours_and_follows_a_change(
    qtbot: QtBot, qapp: QApplication, name: str
) -> None:
    make, view_of, plot_of, has_legend = PLOTS[name]
    widget = make()
    qtbot.addWidget(widget)
    try:
        for theme, dark in ((Theme.DARK, True), (Theme.LIGHT, False)):
            apply_theme(qapp, theme)
            QApplication.processEvents()
            palette = widget.palette()
            text = palette.color(QPalette.ColorRole.Text)
            background = view_of(widget).backgroundBrush().color()
            assert background == palette.color(QPalette.ColorRole.Base)
            assert (background.lightness() < 128) is dark
            for axis in ("left", "bottom"):
                assert plot_of(widget).getAxis(axis).textPen().color() == text
                assert plot_of(widget).getAxis(axis).pen().color() == text
            if has_legend:
                assert widget._legend.opts["labelTextColor"] == text
    finally:
        apply_theme(qapp, Theme.LIGHT)
