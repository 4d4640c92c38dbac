"""The user's way to the helpdesk in the window: a real run, "Send to helpdesk", Save, and
the upload dialog that opens (Qt is imported only when called: some modules that use this
are collected without it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from wiresleuth.gui.qt_main_window import QtMainWindow
    from wiresleuth.gui.qt_upload_dialog import QtUploadDialog
    from wiresleuth.profile.model import Profile


def run_in_window(qtbot: QtBot, profile_for: Callable[[str], Profile]) -> QtMainWindow:
    """A window that has run the diagnostics on ``profile_for(target)``, the target a
    loopback server that resets (so there is a problem to send)."""
    from tests.gui.conftest import open_window
    from tests.probes.loopback_servers import LoopbackServer, reset_after

    with LoopbackServer(reset_after(0.2)) as bad:
        window = open_window(qtbot, profile_for(f"localhost:{bad.port}"))
        with qtbot.waitSignal(window.session.finished, timeout=30_000):
            window.run_diagnostics()
    return window


def save_and_open_send(qtbot: QtBot, window: QtMainWindow, saved: Path) -> QtUploadDialog:
    """Press "Send to helpdesk": the save dialog comes first and saves to ``saved``, then
    closes and the upload dialog opens; that dialog."""
    from PySide6.QtCore import Qt

    from wiresleuth.gui.qt_save_dialog import QtSaveDialog
    from wiresleuth.gui.qt_upload_dialog import QtUploadDialog

    qtbot.mouseClick(window.results_page().send_button, Qt.MouseButton.LeftButton)
    saving = window.dialog
    assert isinstance(saving, QtSaveDialog)  # nothing saved yet: save comes first
    saving.path_edit.setText(str(saved))
    with qtbot.waitSignal(saving.saved, timeout=10_000):
        saving.save()
    qtbot.waitUntil(lambda: isinstance(window.dialog, QtUploadDialog), timeout=5000)
    upload = window.dialog
    assert isinstance(upload, QtUploadDialog)
    assert not saving.isVisible()  # one dialog at a time: the save dialog has closed
    return upload
