"""Light and dark palettes, and the colours that carry meaning (severity, DSCP, timeline kinds).

Meaningful colours are chosen to read on both palettes and are never the only cue: severity
also has a word and a shape, DSCP a name in the tooltip and the packet table.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

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


def _dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = QColor("#1e2126"), QColor("#2a2e34"), QColor("#e6e6e6")
    disabled = QColor("#80848a")
    highlight = QColor("#3d7bd9")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#262a30"),
        QPalette.ColorRole.ToolTipBase: QColor("#33373d"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
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
        QPalette.ColorRole.PlaceholderText: QColor("#7a7f87"),
        QPalette.ColorRole.Text: QColor("#1b1d21"),
        QPalette.ColorRole.Button: QColor("#e9ebef"),
        QPalette.ColorRole.ButtonText: QColor("#1b1d21"),
        QPalette.ColorRole.Highlight: QColor("#2f6fd0"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#1a5fb4"),
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
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if concrete is Theme.DARK else _light_palette())
    app.setProperty("wiresleuthTheme", concrete.value)
    return concrete


def current_theme() -> Theme:
    """The palette in force (LIGHT before any was applied)."""
    app = QApplication.instance()
    value = app.property("wiresleuthTheme") if app is not None else None
    return Theme(value) if value in (Theme.LIGHT.value, Theme.DARK.value) else Theme.LIGHT
