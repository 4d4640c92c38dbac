"""Send to helpdesk (real HTTPS upload on loopback), capture rights, About."""

from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile
from tests.gui.window_send import run_in_window, save_and_open_send
from tests.send.test_upload import HelpdeskServer
from wiresleuth.capture.helper_path import HelperFacts
from wiresleuth.gui.capture_rights import linux_rights
from wiresleuth.gui.qt_about import QtAboutDialog
from wiresleuth.gui.qt_capture_dialog import QtCaptureDialog
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_upload_dialog import QtUploadDialog

pytestmark = pytest.mark.qt


def ran(qtbot: QtBot, upload_url: str) -> QtMainWindow:
    """A window that has run on a resetting server, sending to ``upload_url``."""
    return run_in_window(qtbot, lambda target: loopback_profile(target, upload_url=upload_url))


NOT_IN_GROUP = HelperFacts(
    path=Path("/usr/lib/wiresleuth/wiresleuth-capture"), packaged=True, user="alice"
)


def test_send_saves_first_then_uploads_with_progress(
    qtbot: QtBot, home: Path, ca: trustme.CA
) -> None:
    server = HelpdeskServer(ca)
    try:
        window = ran(qtbot, server.url)
        upload = save_and_open_send(qtbot, window, home / "sent.wsbundle")
        qtbot.keyClicks(upload.ticket, "INC-4711")
        qtbot.mouseClick(upload.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: upload.receipt is not None, timeout=15_000)
        assert upload.bar.value() == 100
        assert "ticket 42" in upload.label.text()
        assert upload.stage.text() == "Route: direct (from no proxy setting)"
        ((headers, body),) = server.received
        assert body == (home / "sent.wsbundle").read_bytes()
        assert headers["X-WireSleuth-Ticket"] == "INC-4711"
    finally:
        server.close()


def test_a_refused_upload_says_why_and_offers_to_retry(
    qtbot: QtBot, home: Path, ca: trustme.CA
) -> None:
    server = HelpdeskServer(ca, status=503, answer=b"maintenance until 18:00\n")
    try:
        window = ran(qtbot, server.url)
        bundle = home / "saved.wsbundle"
        from wiresleuth.bundle.writer import write_bundle

        assert window.result is not None
        window.saved_bundle = write_bundle(window.result, bundle)
        window.send_to_helpdesk()
        upload = window.dialog
        assert isinstance(upload, QtUploadDialog)
        upload.start()
        qtbot.waitUntil(lambda: upload.error is not None, timeout=15_000)
        assert (
            "HTTP 503" in upload.label.text() and "maintenance until 18:00" in upload.label.text()
        )
        assert str(bundle) in upload.fallback.text()  # the file is still there to mail
        assert "Test Desk (+1 555 0100)" in upload.fallback.text()
        assert upload.retry_button.isVisible() and upload.folder_button.isVisible()
        assert not upload.mail_button.isVisible()  # the contact is a phone number
        assert not upload.bar.isVisible()  # nothing was sent: no empty bar left behind
        server.status = 201  # the helpdesk's server is back: Try again sends it
        qtbot.mouseClick(upload.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: upload.receipt is not None, timeout=15_000)
        assert not upload.fallback.isVisible() and not upload.retry_button.isVisible()
    finally:
        server.close()


def test_a_server_that_cannot_be_reached_offers_the_mail_address(
    qtbot: QtBot, home: Path, tmp_path: Path, refused_port: int
) -> None:
    from dataclasses import replace

    from wiresleuth.profile.model import Helpdesk

    bundle = tmp_path / "run.wsbundle"
    bundle.write_bytes(b"PK")
    profile = replace(
        loopback_profile(upload_url=f"https://localhost:{refused_port}/upload"),
        helpdesk=Helpdesk(name="Desk", contact="desk@corp.example"),
    )
    upload = QtUploadDialog(bundle, str(profile.upload_url), profile)
    qtbot.addWidget(upload)
    upload.show()
    upload.start()
    qtbot.waitUntil(lambda: upload.error is not None, timeout=15_000)
    assert upload.label.text() == "Not sent: the server localhost refused the connection."
    assert "ConnectionError" not in upload.label.text()
    assert "mail that file to Desk (desk@corp.example)" in upload.fallback.text()
    assert upload.mail_button.isVisible() and upload.folder_button.isVisible()
    assert window_count_of(QtUploadDialog) == 1


def window_count_of(kind: type) -> int:
    from PySide6.QtWidgets import QApplication

    return sum(1 for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def test_capture_rights_show_the_command_and_copy_it(qtbot: QtBot) -> None:
    rights = linux_rights(NOT_IN_GROUP, 1000, None)
    dialog = QtCaptureDialog(rights)
    qtbot.addWidget(dialog)
    assert dialog.command is not None
    assert dialog.command.text() == "pkexec gpasswd -a alice wiresleuth"
    assert dialog.grant_button is None  # no pkexec here: the text says to use sudo instead
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "'wiresleuth' group" in shown and "with sudo in place of pkexec" in shown
    assert "setcap" not in shown and "WireSleuth itself keeps running as you" in shown
    copy = next(
        b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "Copy the command"
    )
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == rights.command_text


@pytest.mark.parametrize(
    ("elevator", "said"),
    [("/bin/true", "Capture is allowed"), ("/bin/false", "was not allowed (exit code 1)")],
)
def test_the_elevation_runs_without_blocking_and_reports(
    qtbot: QtBot, elevator: str, said: str
) -> None:
    rights = linux_rights(NOT_IN_GROUP, 1000, elevator)
    dialog = QtCaptureDialog(rights)
    qtbot.addWidget(dialog)
    assert dialog.grant_button is not None
    qtbot.mouseClick(dialog.grant_button, Qt.MouseButton.LeftButton)
    assert "Waiting" in dialog.status.text()  # returned at once: the process runs on its own
    qtbot.waitUntil(lambda: said in dialog.status.text(), timeout=5000)


def test_about_names_the_versions(qtbot: QtBot) -> None:
    from PySide6 import __version__ as pyside

    import wiresleuth

    dialog = QtAboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.label.text()
    for name, version in (("WireSleuth", wiresleuth.__version__), ("PySide6", pyside)):
        assert f"<td>{name}</td><td>&nbsp;&nbsp;{version}</td>" in text
    assert "scapy" in text and "pyqtgraph" in text


@pytest.mark.parametrize(
    ("contact", "mail"),
    [
        ("desk@corp.example", "desk@corp.example"),
        ("+1 555 0100 · servicedesk@example.com", "servicedesk@example.com"),
        ("+1 555 0100", None),
        ("", None),
    ],
)
def test_the_helpdesk_mail_address_is_found_in_the_contact(contact: str, mail: str | None) -> None:
    from dataclasses import replace

    from wiresleuth.gui.qt_upload_dialog import helpdesk_mail
    from wiresleuth.profile.model import Helpdesk

    profile = replace(loopback_profile(), helpdesk=Helpdesk(name="Desk", contact=contact))
    assert helpdesk_mail(profile) == mail
