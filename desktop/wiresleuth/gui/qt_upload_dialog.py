"""Send to helpdesk: the HTTPS upload of a saved bundle, in a worker, with progress and Cancel.

On failure the dialog says why in plain words (the server could not be verified, could not be
reached, refused the file) and offers to try again; the bundle stays saved either way.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_theme import error_style
from wiresleuth.gui.qt_worker import Emit, QtFunctionWorker, start_worker
from wiresleuth.gui.upload import UploadCancelled, UploadReceipt, upload_bundle


class QtUploadDialog(QDialog):
    """Uploads one bundle file to the profile's upload address."""

    def __init__(self, bundle: Path, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bundle = bundle
        self._url = url
        self._cancel = threading.Event()
        self._worker: QtFunctionWorker | None = None
        self.receipt: UploadReceipt | None = None
        self.error: str | None = None
        self.setWindowTitle(self.tr("Send to helpdesk"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.label = plain_label(self.tr("Sending {0} to {1}…").format(bundle.name, url))
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("Upload status"))
        layout.addWidget(self.label)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Upload progress"))
        self.bar.setRange(0, 100)
        layout.addWidget(self.bar)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.retry_button = QPushButton(self.tr("&Try again"))
        self.retry_button.setAccessibleName(self.tr("Try the upload again"))
        self.retry_button.clicked.connect(self.start)
        self.retry_button.hide()
        buttons.addWidget(self.retry_button)
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the upload"))
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    @property
    def busy(self) -> bool:
        """True while sending."""
        return self._worker is not None and not self._worker.done

    def start(self) -> None:
        """Begin (or retry) the upload."""
        if self.busy:
            return
        self._cancel.clear()
        self.error = None
        self.retry_button.hide()
        self.cancel_button.setText(self.tr("&Cancel"))
        self.label.setStyleSheet("")
        self.label.setText(self.tr("Sending {0} to {1}…").format(self._bundle.name, self._url))
        bundle, url, cancel = self._bundle, self._url, self._cancel

        def send(emit: Emit) -> UploadReceipt:
            return upload_bundle(
                bundle, url, progress=lambda sent, total: emit((sent, total)), cancel=cancel
            )

        self._worker = start_worker(
            send, on_yield=self._progress, on_return=self._sent, on_error=self._failed
        )

    def _progress(self, value: object) -> None:
        if isinstance(value, tuple) and len(value) == 2:
            sent, total = value
            self.bar.setValue(int(100 * sent / total) if total else 100)

    def _sent(self, receipt: object) -> None:
        assert isinstance(receipt, UploadReceipt)
        self.receipt = receipt
        self.bar.setValue(100)
        text = self.tr("Sent. The helpdesk has your bundle.")
        if receipt.message:
            text += " " + self.tr("Their server answered: {0}").format(receipt.message)
        self.label.setText(text)
        self.cancel_button.setText(self.tr("Close"))

    def _failed(self, error: object) -> None:
        if isinstance(error, UploadCancelled):
            self.error = str(error)
            self.label.setText(
                self.tr("The upload was cancelled; the bundle is still saved at {0}.").format(
                    self._bundle
                )
            )
        else:
            self.error = str(error)
            self.label.setText(
                self.tr(
                    "Not sent: {0}. The bundle is still saved at {1}; you can also send that file by mail."
                ).format(error, self._bundle)
            )
            self.label.setStyleSheet(error_style())
        self.retry_button.show()
        self.cancel_button.setText(self.tr("Close"))

    def _cancel_or_close(self) -> None:
        if self.busy:
            self._cancel.set()
            return
        self.accept()

    def reject(self) -> None:
        if self.busy:
            self._cancel.set()
            return
        super().reject()
