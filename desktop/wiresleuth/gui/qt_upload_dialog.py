"""Send to helpdesk: the HTTPS upload of a saved bundle, in a worker, with progress and Cancel.

The dialog says what will be sent and where, and takes an optional ticket number; "Send"
works out the route this computer's applications take to the helpdesk's server (the
profile, the proxy settings, a PAC: ``send.upload_route``) and uploads along it, saying
each stage in words. On failure the same dialog (never a second one) says why, keeps
"Try again", and offers what a user can do without the upload: open the bundle's folder and
mail the file to the helpdesk.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wiresleuth.gui.plain_text import plain_label
from wiresleuth.gui.qt_theme import error_style
from wiresleuth.gui.qt_worker import Emit, QtFunctionWorker, start_worker
from wiresleuth.profile.model import Profile
from wiresleuth.send.upload import (
    UploadCancelled,
    UploadFailed,
    UploadReceipt,
    check_ticket,
    upload_bundle,
)

_MAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def helpdesk_mail(profile: Profile) -> str | None:
    """The mail address in the profile's helpdesk contact ("+1 555 0100 · desk@corp.example"
    holds one), if any."""
    found = _MAIL.search(profile.helpdesk.contact)
    return found.group() if found else None


class QtUploadDialog(QDialog):
    """Uploads one bundle file to the profile's upload address."""

    def __init__(
        self, bundle: Path, url: str, profile: Profile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bundle = bundle
        self._url = url
        self._profile = profile
        self._cancel = threading.Event()
        self._worker: QtFunctionWorker | None = None
        self.receipt: UploadReceipt | None = None
        self.error: str | None = None
        self.route_text: str | None = None
        """The route the upload took, in words, once known."""
        self.setWindowTitle(self.tr("Send to helpdesk"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.label = plain_label(
            self.tr("Send {0} to {1}.").format(bundle.name, profile.helpdesk.name or url)
        )
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("Upload status"))
        layout.addWidget(self.label)
        row = QHBoxLayout()
        ticket_label = plain_label(self.tr("&Ticket number (if you have one):"))
        row.addWidget(ticket_label)
        self.ticket = QLineEdit()
        self.ticket.setMaxLength(64)
        self.ticket.setAccessibleName(self.tr("Ticket number"))
        self.ticket.setPlaceholderText(self.tr("optional, e.g. INC-12345"))
        ticket_label.setBuddy(self.ticket)
        row.addWidget(self.ticket, 1)
        layout.addLayout(row)
        self.stage = plain_label()
        self.stage.setWordWrap(True)
        self.stage.setAccessibleName(self.tr("What the upload is doing"))
        layout.addWidget(self.stage)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Upload progress"))
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        layout.addWidget(self.bar)
        self.fallback = plain_label()
        self.fallback.setWordWrap(True)
        self.fallback.setAccessibleName(self.tr("Other ways to send the file"))
        self.fallback.hide()
        layout.addWidget(self.fallback)
        buttons = QHBoxLayout()
        self.folder_button = QPushButton(self.tr("&Open folder"))
        self.folder_button.setAccessibleName(self.tr("Open the folder of the bundle"))
        self.folder_button.clicked.connect(self.open_folder)
        self.folder_button.hide()
        buttons.addWidget(self.folder_button)
        self.mail_button = QPushButton(self.tr("&Write mail"))
        self.mail_button.setAccessibleName(self.tr("Write a mail to the helpdesk"))
        self.mail_button.clicked.connect(self.write_mail)
        self.mail_button.hide()
        buttons.addWidget(self.mail_button)
        buttons.addStretch(1)
        self.send_button = QPushButton(self.tr("&Send"))
        self.send_button.setAccessibleName(self.tr("Send the bundle"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.start)
        buttons.addWidget(self.send_button)
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
        try:
            ticket = check_ticket(self.ticket.text())
        except UploadFailed as exc:
            self._say(str(exc), error=True)
            return
        self._cancel.clear()
        self.error = None
        for button in (self.retry_button, self.send_button, self.folder_button, self.mail_button):
            button.hide()
        self.fallback.hide()
        self.stage.show()
        self.bar.show()
        self.ticket.setEnabled(False)
        self.cancel_button.setText(self.tr("&Cancel"))
        self._say(self.tr("Sending {0}…").format(self._bundle.name))
        self.stage.setText(self.tr("Working out the route to {0}…").format(self._url))
        self.bar.setRange(0, 0)  # busy until bytes flow
        bundle, url, profile, cancel = self._bundle, self._url, self._profile, self._cancel

        def send(emit: Emit) -> UploadReceipt:
            from wiresleuth.send.upload_route import upload_route

            route = upload_route(url, profile)
            emit(("route", route.shown))
            return upload_bundle(
                bundle,
                url,
                route=route,
                ticket=ticket,
                progress=lambda sent, total: emit(("sent", sent, total)),
                stage=lambda text: emit(("stage", text)),
                cancel=cancel,
            )

        self._worker = start_worker(
            send, on_yield=self._progress, on_return=self._sent, on_error=self._failed
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.label.setText(text)
        self.label.setStyleSheet(error_style() if error else "")

    def _progress(self, value: object) -> None:
        if not isinstance(value, tuple) or not value:
            return
        if value[0] == "route" and len(value) == 2:
            self.route_text = str(value[1])
            self.stage.setText(self.tr("Route: {0}").format(value[1]))
        elif value[0] == "stage" and len(value) == 2:
            route = self.tr(" (route: {0})").format(self.route_text) if self.route_text else ""
            self.stage.setText(f"{value[1]}{route}")
        elif value[0] == "sent" and len(value) == 3:
            sent, total = value[1], value[2]
            if isinstance(sent, int) and isinstance(total, int):
                self.bar.setRange(0, 100)
                self.bar.setValue(int(100 * sent / total) if total else 100)
                if sent >= total:
                    self.stage.setText(
                        self.tr("Sent; waiting for the helpdesk's server to answer…")
                    )

    def _sent(self, receipt: object) -> None:
        assert isinstance(receipt, UploadReceipt)
        self.receipt = receipt
        self.bar.setRange(0, 100)
        self.bar.setValue(100)
        text = self.tr("Sent. The helpdesk has your bundle.")
        if receipt.message:
            text += " " + self.tr("Their server answered: {0}").format(receipt.message)
        self._say(text)
        self.stage.setText(self.tr("Route: {0}").format(self.route_text or receipt.way))
        self.ticket.setEnabled(False)
        self.cancel_button.setText(self.tr("Close"))

    def _failed(self, error: object) -> None:
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.bar.hide()  # nothing arrived: an empty bar would only say so again
        self.ticket.setEnabled(True)
        if isinstance(error, UploadCancelled):
            self.error = str(error)
            self._say(
                self.tr("The upload was cancelled; the bundle is still saved at {0}.").format(
                    self._bundle
                )
            )
        else:
            reason = str(error) if isinstance(error, UploadFailed) else self._unexpected(error)
            self.error = reason
            self._say(self.tr("Not sent: {0}.").format(reason.rstrip(".")), error=True)
        self.stage.setText("")
        mail = helpdesk_mail(self._profile)
        desk = self._profile.helpdesk.name or self.tr("your helpdesk")
        if mail:
            text = self.tr(
                "The bundle is saved at {0}. You can also mail that file to {1} ({2})."
            ).format(self._bundle, desk, mail)
        elif self._profile.helpdesk.contact:
            text = self.tr(
                "The bundle is saved at {0}. You can also send that file to {1} ({2})."
            ).format(self._bundle, desk, self._profile.helpdesk.contact)
        else:
            text = self.tr(
                "The bundle is saved at {0}. You can also send that file to your helpdesk by mail."
            ).format(self._bundle)
        self.fallback.setText(text)
        self.fallback.show()
        self.folder_button.show()
        self.mail_button.setVisible(mail is not None)
        self.retry_button.show()
        self.cancel_button.setText(self.tr("Close"))
        self.stage.setVisible(bool(self.stage.text()))
        QTimer.singleShot(0, self.adjustSize)  # room for the lines just shown

    def _unexpected(self, error: object) -> str:
        """An error the upload did not put in words (a bug, or the route computation)."""
        if isinstance(error, OSError):
            return error.strerror or str(error)
        return str(error) or self.tr("an unexpected error")

    def open_folder(self) -> None:
        """Show the bundle's folder in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._bundle.parent)))

    def write_mail(self) -> None:
        """Open a new mail to the helpdesk in the user's mail program."""
        mail = helpdesk_mail(self._profile)
        if mail is None:
            return
        url = QUrl(f"mailto:{mail}")
        url.setQuery(f"subject=WireSleuth bundle {self._bundle.name}")
        QDesktopServices.openUrl(url)

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
