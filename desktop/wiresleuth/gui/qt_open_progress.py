"""Opening a file, in the status bar: what is being done, how far, and a Cancel button.

A large capture takes seconds to analyse (a million packets: several); the loading runs in a
worker (``qt_worker``) and reports its progress as yielded values, this widget shows them,
and Cancel (or Esc) sets the flag the loading checks at every step (``LoadCancelled``).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QSizePolicy, QWidget

from wiresleuth.gui.plain_text import plain_label

STEPS = 1000
"""Resolution of the progress bar."""


class QtOpenProgress(QWidget):
    """A progress bar with a label and a Cancel button, for one file being opened."""

    cancelled = Signal()
    """The user asked to stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._flag = threading.Event()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label()
        layout.addWidget(self.label)
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.bar.setAccessibleName(self.tr("Opening the file"))
        self.bar.setMinimumWidth(260)
        self.bar.setMaximumWidth(320)
        layout.addWidget(self.bar)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Stop opening the file"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.cancel_button)
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self._escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self._escape.activated.connect(self.cancel)
        self.setVisible(False)

    def start(self, name: str) -> threading.Event:
        """Show progress for opening ``name``; the flag a Cancel sets."""
        self._flag = threading.Event()
        self.label.setText(self.tr("Opening {0}…").format(name))
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.setVisible(True)
        return self._flag

    def step(self, value: object) -> None:
        """Show a (share, text) the loading yielded."""
        if not isinstance(value, tuple) or len(value) != 2:
            return
        share, text = value
        if isinstance(share, float | int):
            self.bar.setValue(round(min(max(float(share), 0.0), 1.0) * STEPS))
        if isinstance(text, str) and text:
            self.bar.setFormat(f"{text} %p%")

    def cancel(self) -> None:
        """Ask the loading to stop (it stops at its next step)."""
        if self.isVisible() and not self._flag.is_set():
            self._flag.set()
            self.cancel_button.setEnabled(False)
            self.label.setText(self.tr("Cancelling…"))
            self.cancelled.emit()

    def finish(self) -> None:
        """Hide."""
        self.setVisible(False)

