"""Light and dark palettes, and the colours that carry meaning (severity, DSCP, timeline kinds).

Meaningful colours are chosen to read on both palettes and are never the only cue: severity
also has a word and a shape, DSCP a name in the tooltip and the packet table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from wiresleuth.model.finding import Severity


class Theme(enum.StrEnum):
    """Which palette to use."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.PROBLEM: "#d32f2f",
    Severity.WARNING: "#f5a000",
    Severity.INFO: "#2e7d32",
}
"""Traffic lights: red problem, amber warning, green for information only."""

_DSCP_COLOURS: dict[int, str] = {
    0: "#7f8c9a",  # best effort: neutral
    46: "#e53935",  # EF, voice
    44: "#e53935",  # VA, voice admit
}
_DSCP_CLASS_COLOURS = (
    "#7f8c9a",
    "#43a047",
    "#1e88e5",
    "#8e24aa",
    "#fb8c00",
    "#00897b",
    "#6d4c41",
    "#546e7a",
)


def dscp_colour(dscp: int) -> str:
    """A colour per DSCP class: grey best effort, red EF/VA, one hue per class selector."""
    return _DSCP_COLOURS.get(dscp, _DSCP_CLASS_COLOURS[(dscp >> 3) & 7])


@dataclass(frozen=True, kw_only=True)
class ViewColours:
    """The viewer's own colours in one theme (each checked for contrast by a test)."""

    lane_bar: str
    """A connection's life on the timeline (3:1 against the plot's background)."""
    cited_row: str
    """Tint of packet rows a finding cites, drawn at ``cited_alpha`` over the rows."""
    cited_alpha: int
    """Opacity (0-255) of ``cited_row``."""
    evidence: str
    """Brackets of the evidence selected on the timeline."""
    reference: str
    """A duration the evidence compares with (a path RTT), drawn dashed."""
    segment: str
    """Sequence graph: data segments."""
    retransmission: str
    """Sequence graph: segments sent again."""
    ack: str
    """Sequence graph: the acknowledged line."""
    window: str
    """Sequence graph: the receive window's edge."""
    sack: str
    """Sequence graph: SACK blocks."""
    hole: str
    """Sequence graph: bytes that never arrived (filled at ``hole_alpha``, edged solid)."""
    hole_alpha: int
    """Opacity of the holes' fill."""
    client_text: str
    """Follow stream: what the client sent."""
    server_text: str
    """Follow stream: what the server sent."""
    outgoing: str
    """Packet-size strip: packets sent."""
    incoming: str
    """Packet-size strip: packets received."""
    indicator_outline: str
    """The edge of check boxes and radio buttons (Fusion's fades into dark backgrounds)."""
    error_text: str
    """Text that says something failed (4.5:1 on the window and the base)."""


LIGHT_VIEW = ViewColours(
    lane_bar="#7b8594", cited_row="#ffb300", cited_alpha=70, evidence="#8e24aa",
    reference="#6a1b9a", segment="#1f5fbf", retransmission="#c62828", ack="#2e7d32",
    window="#795548", sack="#c25100", hole="#d32f2f", hole_alpha=55, client_text="#a8231a",
    server_text="#1a4fa0", outgoing="#1f5fbf", incoming="#c25100", indicator_outline="#6b7079",
    error_text="#c62828",
)  # fmt: skip
DARK_VIEW = ViewColours(
    lane_bar="#7a8494", cited_row="#ffb300", cited_alpha=45, evidence="#ce93d8",
    reference="#b39ddb", segment="#64a8ff", retransmission="#ff6b6b", ack="#66bb6a",
    window="#bcaaa4", sack="#ffa040", hole="#ff6b6b", hole_alpha=60, client_text="#ff8a80",
    server_text="#82b1ff", outgoing="#64a8ff", incoming="#ffa040", indicator_outline="#a0a6ae",
    error_text="#ff8a80",
)  # fmt: skip


def view_colours(theme: Theme | None = None) -> ViewColours:
    """The viewer's colours for ``theme`` (the one in force by default)."""
    return DARK_VIEW if (theme or current_theme()) is Theme.DARK else LIGHT_VIEW


def error_style() -> str:
    """A style sheet for a label saying something failed, in the theme in force."""
    return f"color: {view_colours().error_text}"


def cited_row_colour() -> QColor:
    """The tint of packet rows a finding cites, in the theme in force."""
    colours = view_colours()
    colour = QColor(colours.cited_row)
    colour.setAlpha(colours.cited_alpha)
    return colour


class QtOutlinedStyle(QProxyStyle):
    """Fusion, with check boxes and radio buttons edged in a colour that shows on both
    palettes (Fusion derives their edge from the window colour: on a dark one it vanishes)."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        kinds = (
            QStyle.PrimitiveElement.PE_IndicatorCheckBox,
            QStyle.PrimitiveElement.PE_IndicatorRadioButton,
            QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
        )
        if element not in kinds:
            return
        painter.save()
        painter.setPen(QPen(QColor(view_colours().indicator_outline), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = option.rect.adjusted(0, 0, -1, -1)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.drawEllipse(box)
        else:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.drawRect(box)  # crisp, one device pixel wide
        painter.restore()


def _dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = QColor("#1e2126"), QColor("#2a2e34"), QColor("#e6e6e6")
    disabled = QColor("#80848a")
    highlight = QColor("#2f66c4")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#262a30"),
        QPalette.ColorRole.ToolTipBase: QColor("#33373d"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#9a9ea5"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#343940"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#7fb2ff"),
        QPalette.ColorRole.LinkVisited: QColor("#b89cff"),
        QPalette.ColorRole.Mid: QColor("#3c4047"),
        QPalette.ColorRole.Dark: QColor("#16181c"),
        QPalette.ColorRole.Light: QColor("#454a52"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def _light_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: QColor("#f3f4f6"),
        QPalette.ColorRole.WindowText: QColor("#1b1d21"),
        QPalette.ColorRole.Base: QColor("#ffffff"),
        QPalette.ColorRole.AlternateBase: QColor("#f1f4f8"),
        QPalette.ColorRole.ToolTipBase: QColor("#ffffe8"),
        QPalette.ColorRole.ToolTipText: QColor("#1b1d21"),
        QPalette.ColorRole.PlaceholderText: QColor("#6b7079"),
        QPalette.ColorRole.Text: QColor("#1b1d21"),
        QPalette.ColorRole.Button: QColor("#e9ebef"),
        QPalette.ColorRole.ButtonText: QColor("#1b1d21"),
        QPalette.ColorRole.Highlight: QColor("#2f6fd0"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#1a5fb4"),
        QPalette.ColorRole.LinkVisited: QColor("#6f3fb0"),
        QPalette.ColorRole.Mid: QColor("#c5c9d0"),
        QPalette.ColorRole.Dark: QColor("#9aa0a8"),
        QPalette.ColorRole.Light: QColor("#ffffff"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9aa0a8"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9aa0a8"))
    return palette


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark appearance (Qt 6.5+ colour scheme hint)."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve_theme(theme: Theme) -> Theme:
    """SYSTEM made concrete: LIGHT or DARK."""
    if theme is Theme.SYSTEM:
        return Theme.DARK if system_is_dark() else Theme.LIGHT
    return theme


def apply_theme(app: QApplication, theme: Theme) -> Theme:
    """Fusion style with our light or dark palette (the same look on every platform)."""
    concrete = resolve_theme(theme)
    app.setProperty("wiresleuthTheme", concrete.value)  # first: palette changes read it
    if not isinstance(app.style(), QtOutlinedStyle):
        app.setStyle(QtOutlinedStyle(QStyleFactory.create("Fusion")))
    app.setPalette(palette_of(concrete))
    return concrete


def palette_of(theme: Theme) -> QPalette:
    """The palette of LIGHT or DARK."""
    return _dark_palette() if theme is Theme.DARK else _light_palette()


def current_theme() -> Theme:
    """The palette in force (LIGHT before any was applied)."""
    app = QApplication.instance()
    value = app.property("wiresleuthTheme") if app is not None else None
    return Theme(value) if value in (Theme.LIGHT.value, Theme.DARK.value) else Theme.LIGHT
