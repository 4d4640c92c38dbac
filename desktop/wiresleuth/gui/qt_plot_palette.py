"""A pyqtgraph plot that follows the window's palette (light, dark, high contrast).

pyqtgraph draws with its own colours, not Qt's palette, so every plot must be told the
palette's colours, and again when the palette changes; the telling is written here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette


def colour_plots(
    palette: QPalette, view: Any, plots: Iterable[Any], legend: Any | None = None
) -> QColor:
    """The palette's Base behind ``view`` (a pyqtgraph GraphicsView), its Text on the left
    and bottom axes of ``plots`` and on ``legend``; that text colour, for what the caller
    draws itself."""
    text = palette.color(QPalette.ColorRole.Text)
    view.setBackground(palette.color(QPalette.ColorRole.Base))
    for plot in plots:
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
    if legend is not None:
        legend.setLabelTextColor(text)
    return text
