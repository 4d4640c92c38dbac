"""Opening a file: progress in the status bar, Cancel and Esc, no error box for a cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile
from tests.gui.test_qt_main_window import open_window

pytestmark = pytest.mark.qt


def test_opening_shows_progress_and_can_be_cancelled(qtbot: QtBot, home: Path) -> None:
    from PySide6.QtCore import QThreadPool

    from tests.gui.lab_samples import lab_bundle

    window = open_window(qtbot, loopback_profile())
    progress = window.open_progress()
    shares: list[object] = []
    window.document_shown.connect(lambda _d: shares.append(progress.bar.value()))
    with qtbot.waitSignal(window.document_shown, timeout=10_000):
        window.open_path(lab_bundle("C1"))
        assert progress.isVisible()
    qtbot.waitUntil(lambda: not progress.isVisible(), timeout=5000)
    assert shares and 0 < int(shares[0]) <= 1000  # it moved while the file loaded
    shown = window.viewer_page().document

    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(0)  # the loading waits in the queue: Cancel comes first, for sure
    try:
        window.open_path(lab_bundle("C8"))
        assert progress.isVisible() and progress.cancel_button.isEnabled()
        qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert not progress.cancel_button.isEnabled()
    finally:
        pool.setMaxThreadCount(threads)
    qtbot.waitUntil(lambda: not progress.isVisible(), timeout=10_000)
    assert window.statusBar().currentMessage() == "Opening C8.wsbundle was cancelled."
    assert window.last_error is None and window._message_box is None  # no error box
    assert window.viewer_page().document is shown  # the other file is still on show

