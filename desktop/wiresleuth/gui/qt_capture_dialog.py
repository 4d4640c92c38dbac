"""Capture rights: what a run without capture loses, and the platform's route to allow it.

Linux: the exact command an administrator runs (add this user to the ``wiresleuth`` group,
which may start the capture helper; in a source checkout, ``scripts/grant-capture``),
copyable, and run from here through pkexec when pkexec is installed (a password prompt from
the system; only that one command is elevated, the window keeps running as the user and
never holds a capability). Windows: install Npcap. macOS: the BPF permission (ChmodBPF).
"""

from __future__ import annotations

from PySide6.QtCore import QProcess
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.capture_rights import LOST, CaptureRights, how_to_allow


class QtCaptureDialog(QDialog):
    """Explains, shows the command, and can start the elevation route."""

    def __init__(self, rights: CaptureRights, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rights = rights
        self._process: QProcess | None = None
        self.setWindowTitle(self.tr("Packet capture"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        reason = QLabel(self.tr("Packet capture is not allowed: {0}.").format(rights.reason))
        reason.setWordWrap(True)
        layout.addWidget(reason)
        lost = QLabel(self.tr(LOST))
        lost.setWordWrap(True)
        layout.addWidget(lost)
        self.command: QLineEdit | None = None
        self.grant_button: QPushButton | None = None
        if not rights.command:  # Windows (Npcap), macOS (BPF), or nothing a click can do
            how = QLabel(self.tr("How to allow it: {0}").format(rights.how or how_to_allow()))
            how.setWordWrap(True)
            layout.addWidget(how)
        else:
            note = QLabel(self.tr("How to allow it: {0}").format(rights.how))
            note.setWordWrap(True)
            layout.addWidget(note)
            row = QHBoxLayout()
            self.command = QLineEdit(rights.command_text)
            self.command.setReadOnly(True)
            self.command.setAccessibleName(self.tr("Command that allows capture"))
            row.addWidget(self.command, 1)
            copy = QPushButton(self.tr("&Copy"))
            copy.setAccessibleName(self.tr("Copy the command"))
            copy.clicked.connect(self._copy)
            row.addWidget(copy)
            layout.addLayout(row)
            if rights.elevator:
                self.grant_button = QPushButton(
                    self.tr("&Allow capture (asks for an administrator's password)…")
                )
                self.grant_button.setAccessibleName(self.tr("Allow capture with pkexec"))
                self.grant_button.clicked.connect(self.grant)
                layout.addWidget(self.grant_button)
            else:
                missing = QLabel(
                    self.tr(
                        "pkexec is not installed here: an administrator can run the command "
                        "in a terminal, with sudo in place of pkexec."
                    )
                )
                missing.setWordWrap(True)
                layout.addWidget(missing)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Result"))
        layout.addWidget(self.status)
        close = QPushButton(self.tr("Close"))
        close.setAccessibleName(self.tr("Close this dialog"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addWidget(close)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._rights.command_text)
        self.status.setText(self.tr("Command copied."))

    def grant(self) -> None:
        """Run the command through pkexec without blocking the window."""
        if self._process is not None or not self._rights.elevator:
            return
        process = QProcess(self)
        process.finished.connect(self._granted)
        process.errorOccurred.connect(self._grant_failed)
        self._process = process
        self.status.setText(self.tr("Waiting for the system's password prompt…"))
        process.start(self._rights.elevator, list(self._rights.command[1:]))

    def _granted(self, code: int, _status: object) -> None:
        process, self._process = self._process, None
        if code == 0:
            self.status.setText(
                self.tr(
                    "Capture is allowed. Log out and in again, then start WireSleuth: "
                    "capture works from then on."
                )
            )
            return
        said = (
            bytes(process.readAllStandardError().data()).decode(errors="replace").strip()
            if process
            else ""
        )
        self.status.setText(
            self.tr("Capture was not allowed (exit code {0}). {1}").format(code, said)
        )

    def _grant_failed(self, _error: object) -> None:
        process, self._process = self._process, None
        text = process.errorString() if process is not None else ""
        self.status.setText(self.tr("Could not start pkexec: {0}").format(text))
