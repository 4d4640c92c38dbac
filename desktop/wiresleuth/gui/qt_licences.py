"""Help > About > Licences: the program's licence and every component's, as plain text.

The list is the one the installer build generated (``wiresleuth.licences.load``), read off
the GUI thread; licence texts are shown verbatim in a plain-text view (no markup is ever
interpreted: a licence file is not HTML).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.qt_worker import QtFunctionWorker, start_worker
from wiresleuth.licences import CONVEYED_UNDER, PROGRAM_LICENCE, Component, Notices, load


def component_text(component: Component) -> str:
    """What the text view shows for one component."""
    lines = [f"{component.name} {component.version}", f"Licence: {component.licence}"]
    if component.note:
        lines.append(component.note)
    if component.files:
        lines.append("Files: " + ", ".join(component.files))
    for text in component.texts:
        lines += ["", f"--- {text.name} ---", text.text.rstrip()]
    if not component.texts:
        lines += ["", "(no licence text was found for this component)"]
    return "\n".join(lines) + "\n"


class QtLicencesDialog(QDialog):
    """Components on the left, the chosen one's licence texts on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Licences"))
        self.resize(900, 600)
        self.notices: Notices | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel(
            self.tr(
                "WireSleuth's own code is licensed {own}. The program as distributed contains "
                "scapy (GPL-2.0-only) and is conveyed as a whole under {whole}. Each component "
                "below keeps its own licence."
            ).format(own=PROGRAM_LICENCE, whole=CONVEYED_UNDER)
        )
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.components = QListWidget()
        self.components.setAccessibleName(self.tr("Components"))
        self.components.currentRowChanged.connect(self._show)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Licence text"))
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(self.tr("Reading the licences…"))
        splitter.addWidget(self.components)
        splitter.addWidget(self.text)
        splitter.setSizes([260, 640])
        layout.addWidget(splitter, 1)
        close = QPushButton(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        self.worker: QtFunctionWorker = start_worker(
            lambda emit: load(), on_return=self._loaded, on_error=self._failed
        )

    def _loaded(self, notices: Notices) -> None:
        self.notices = notices
        for component in notices.components:
            item = QListWidgetItem(f"{component.name} {component.version}")
            item.setToolTip(component.licence)
            self.components.addItem(item)
        if notices.origin == "installed":
            self.summary.setText(
                self.summary.text()
                + " "
                + self.tr("(Run from source: the packages installed for this run are listed.)")
            )
        self.components.setCurrentRow(0)

    def _failed(self, error: object) -> None:
        self.text.setPlainText(
            self.tr("The licences could not be read: {error}").format(error=error)
        )

    def _show(self, row: int) -> None:
        if self.notices is None or not 0 <= row < len(self.notices.components):
            return
        self.text.setPlainText(component_text(self.notices.components[row]))
