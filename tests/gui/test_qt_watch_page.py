"""Keep watching from the window against loopback: attempts appear as they come, Stop ends
the watch at once keeping what it saw, Save writes a bundle the viewer opens on its Watch tab."""

from pathlib import Path

import trustme
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile
from tests.probes.loopback_servers import LoopbackServer, tls_ok
from wiresleuth.gui.capture_rights import CaptureRights
from wiresleuth.gui.document import document_from_bundle
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_viewer_page import QtViewerPage


def test_keep_watching_shows_attempts_stops_and_saves(
    qtbot: QtBot, ca: trustme.CA, tmp_path: Path
) -> None:
    with LoopbackServer(tls_ok(ca)) as good:
        window = QtMainWindow(
            loopback_profile(f"localhost:{good.port}"),
            capture=False,
            rights=CaptureRights(available=False, reason="test"),
            warm_up=False,
        )
        qtbot.addWidget(window)
        window.watch_action.trigger()
        page = window.watch_page()
        assert window.stack.currentWidget() is page
        page.every.setValue(3600)
        page.start_button.click()
        assert page.watching and not page.start_button.isEnabled()
        qtbot.waitUntil(lambda: "attempt 1: worked" in page.lines.toPlainText(), timeout=30_000)
        assert page.view.summary is not None and page.view.summary.attempts_total == 1
        page.stop_button.click()  # the next slot is an hour away: Stop must end it at once
        qtbot.waitUntil(lambda: page.run is not None, timeout=10_000)
        qtbot.waitUntil(lambda: not page.watching, timeout=10_000)
    assert page.run.summary.settings.ended == "cancelled"
    assert page.save_button.isEnabled()
    out = tmp_path / "watch.wsbundle"
    with qtbot.waitSignal(page.saved, timeout=30_000):
        page.save(out)
    document = document_from_bundle(out)
    assert document.watch is not None and document.watch.attempts_total == 1
    viewer = QtViewerPage()
    qtbot.addWidget(viewer)
    viewer.set_document(document)
    watch_tab = viewer.tabs.indexOf(viewer.parts["watch"])
    assert viewer.tabs.isTabVisible(watch_tab) and viewer.tabs.currentIndex() == watch_tab
    qtbot.waitUntil(lambda: viewer.watch.summary is not None, timeout=5000)
    assert "Every attempt worked." in viewer.watch.evidence.toPlainText()


def test_an_ordinary_bundle_has_no_watch_tab(qtbot: QtBot) -> None:
    from tests.gui.conftest import SAMPLE_BUNDLE

    viewer = QtViewerPage()
    qtbot.addWidget(viewer)
    viewer.set_document(document_from_bundle(SAMPLE_BUNDLE))
    assert not viewer.tabs.isTabVisible(viewer.tabs.indexOf(viewer.parts["watch"]))
    assert viewer.tabs.currentIndex() != viewer.tabs.indexOf(viewer.parts["watch"])


def test_a_watch_is_not_lost_without_asking(qtbot: QtBot, ca: trustme.CA) -> None:
    from PySide6.QtWidgets import QMessageBox

    with LoopbackServer(tls_ok(ca)) as good:
        window = QtMainWindow(
            loopback_profile(f"localhost:{good.port}"),
            capture=False,
            rights=CaptureRights(available=False, reason="test"),
            warm_up=False,
        )
        qtbot.addWidget(window)
        window.show()
        window.keep_watching()
        page = window.watch_page()
        page.every.setValue(3600)
        page.start_button.click()
        qtbot.waitUntil(lambda: "attempt 1: worked" in page.lines.toPlainText(), timeout=30_000)
        window.quit()  # while it runs
        box = window.unsaved_box
        assert box is not None and "still running" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        assert window.isVisible() and page.watching
        page.stop()
        qtbot.waitUntil(lambda: page.run is not None and not page.watching, timeout=10_000)
        window.quit()  # ended, not saved
        box = window.unsaved_box
        assert box is not None and "not saved" in box.text()
        box.button(QMessageBox.StandardButton.Discard).click()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
        assert not page.unsaved
