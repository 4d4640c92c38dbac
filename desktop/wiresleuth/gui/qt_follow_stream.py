"""Follow stream: one connection's bytes as its two sides sent them (client red, server blue).

Takes the chunks of ``analysis.tcp_follow``. Text is inserted as text with a colour per side
(never as HTML: the bytes come from the network), bytes that are not printable ASCII show as
'.', holes say how many bytes are missing. A hex dump view shows the same bytes exactly. At
most ``SHOWN_BYTES`` are shown, and the view says so when there are more.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from wiresleuth.analysis.tcp_follow import StreamChunk
from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_packet_pane import hex_dump
from wiresleuth.gui.qt_theme import view_colours

SHOWN_BYTES = 1 << 20
"""Bytes of a stream shown at most (the capture and Wireshark have the rest)."""


def printable(data: bytes) -> str:
    """Bytes as text: printable ASCII, line breaks and tabs kept, the rest as '.'."""
    return "".join(
        chr(b) if 32 <= b < 127 or b in (9, 10) else ("" if b == 13 else ".") for b in data
    )


class QtFollowStream(QWidget):
    """A connection's conversation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chunks: tuple[StreamChunk, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.title = plain_label()
        self.title.setWordWrap(True)
        bar.addWidget(self.title, 1)
        self.sides = QComboBox()
        self.sides.setAccessibleName(self.tr("Whose bytes to show"))
        self.sides.view().setAccessibleName(self.tr("Whose bytes to show"))
        self.sides.addItem(self.tr("Both sides"), None)
        self.sides.addItem(self.tr("Client only"), True)
        self.sides.addItem(self.tr("Server only"), False)
        self.sides.activated.connect(lambda _i: self._render())
        bar.addWidget(self.sides)
        self.mode = QComboBox()
        self.mode.setAccessibleName(self.tr("Show the bytes as"))
        self.mode.view().setAccessibleName(self.tr("Show the bytes as"))
        self.mode.addItem(self.tr("Text"), "text")
        self.mode.addItem(self.tr("Hex dump"), "hex")
        self.mode.activated.connect(lambda _i: self._render())
        bar.addWidget(self.mode)
        layout.addLayout(bar)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setAccessibleName(self.tr("The connection's bytes"))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.text, 1)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._chunks:
            self._render()

    def clear(self, why: str = "") -> None:
        """Nothing to show; ``why`` says so."""
        self._chunks = ()
        self.title.setText(why)
        self.text.setPlainText("")

    def set_stream(self, title: str, chunks: Sequence[StreamChunk]) -> None:
        """Show ``chunks`` under ``title``."""
        self._chunks = tuple(chunks)
        client = sum(len(c.data) for c in chunks if c.from_client)
        server = sum(len(c.data) for c in chunks if not c.from_client)
        self.title.setText(
            self.tr("{0} — client sent {1} bytes (red), server {2} bytes (blue)").format(
                title, client, server
            )
        )
        self._render()

    def _render(self) -> None:
        colours = view_colours()
        formats = {}
        for client, colour in ((True, colours.client_text), (False, colours.server_text)):
            form = QTextCharFormat()
            form.setForeground(QColor(colour))
            formats[client] = form
        note = QTextCharFormat()
        note.setForeground(self.palette().placeholderText())
        note.setFontItalic(True)
        wanted = self.sides.currentData()
        hexed = self.mode.currentData() == "hex"
        self.text.clear()
        cursor = QTextCursor(self.text.document())
        budget = SHOWN_BYTES
        side: bool | None = None
        for chunk in self._chunks:
            if wanted is not None and chunk.from_client is not wanted:
                continue
            if side is not None and side is not chunk.from_client:
                text_so_far = self.text.document().lastBlock().text()
                if text_so_far:
                    cursor.insertText("\n")  # each side's turn starts on a line of its own
            side = chunk.from_client
            if chunk.missing:
                cursor.insertText(
                    self.tr("[{0} bytes missing: never captured]\n").format(chunk.missing), note
                )
            data = chunk.data[:budget]
            budget -= len(data)
            if data:
                text = hex_dump(data) + "\n" if hexed else printable(data)
                if hexed:
                    cursor.insertText(
                        self.tr("frame {0}:\n").format(chunk.frame), note
                    )
                cursor.insertText(text, formats[chunk.from_client])
            if chunk.uncaptured:
                cursor.insertText(
                    self.tr("[{0} more bytes on the wire, cut by the snap length]\n").format(
                        chunk.uncaptured
                    ),
                    note,
                )
            if budget <= 0:
                cursor.insertText(
                    self.tr("\n[only the first {0} bytes are shown]").format(SHOWN_BYTES), note
                )
                break
        self.text.moveCursor(QTextCursor.MoveOperation.Start)

    @property
    def shown_text(self) -> str:
        """What the view shows (tests)."""
        return self.text.toPlainText()
