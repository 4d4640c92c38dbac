"""Text from a bundle, a capture, a profile or the network, shown by Qt as the characters it is.

Qt guesses whether a string is HTML (``Qt.mightBeRichText``: a tag, or ``&lt;``, on the first
line). A label, message box or tooltip holding a finding title such as
``<img src=file:///etc/passwd>`` would then load a local file, and ``<a href=...>`` would
become a link. Qt has no switch to turn the guess off for the whole program, so every widget
that shows such text is made here:

- labels and message boxes are told their text is plain (``Qt.TextFormat.PlainText``);
- tooltips cannot be told (Qt always guesses), so their text is escaped and wrapped in HTML
  that shows it literally, line breaks kept;
- pyqtgraph's legend always takes HTML, so its names are escaped;
- window titles treat ``[*]`` as the "modified" mark, so a literal one is doubled.

Where the program means HTML (About), it builds it from escaped values only.
"""

from __future__ import annotations

import html
import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

_TOOLTIP = '<p style="white-space:pre-wrap">{0}</p>'
LEGEND_CHARS = 40
"""Characters of a legend name shown at most."""


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows ``text`` (and whatever is set later) as plain text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_message_box(
    icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None = None
) -> QMessageBox:
    """A message box with one OK button whose text is plain (its title always is)."""
    box = QMessageBox(icon, window_title(title), "", QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it literally (empty text: no tooltip)."""
    if not text:
        return ""
    return _TOOLTIP.format(html.escape(text, quote=False))


def legend_text(text: str) -> str:
    """A name for pyqtgraph's LegendItem, which renders its names as HTML: escaped, on one line,
    and cut at ``LEGEND_CHARS`` (a legend wider than its plot pushes the plot out of view)."""
    line = " ".join(text.split())
    if len(line) > LEGEND_CHARS:
        line = line[: LEGEND_CHARS - 1] + "…"
    return html.escape(line, quote=False)


def window_title(text: str) -> str:
    """``text`` as a window title: control characters shown as ``\\xNN``, ``[*]`` literal."""
    visible = "".join(
        f"\\x{ord(char):02x}" if unicodedata.category(char) == "Cc" else char for char in text
    )
    return visible.replace("[*]", "[*][*]")
