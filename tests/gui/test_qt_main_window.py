"""The real window, offscreen, driving the real engine against real TLS servers on loopback."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SAMPLE_BUNDLE, loopback_profile, open_window
from tests.probes.loopback_servers import LoopbackServer, reset_after, silent, tls_ok
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.gui.qt_checks_list import registered_checks
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_run_session import CheckState, RunState
from wiresleuth.gui.qt_save_dialog import QtSaveDialog
from wiresleuth.gui.qt_worker import Emit

pytestmark = pytest.mark.qt

RUN_TIMEOUT_MS = 20_000


@pytest.fixture
def servers(ca: trustme.CA) -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    with LoopbackServer(tls_ok(ca)) as good, LoopbackServer(reset_after(0.4)) as bad:
        yield good, bad


def run_to_results(qtbot: QtBot, window: QtMainWindow) -> None:
    with qtbot.waitSignal(window.session.finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.start_page.run_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.progress_page()


def test_run_diagnostics_puts_the_finding_on_the_results_page(
    qtbot: QtBot, home: Path, servers: tuple[LoopbackServer, LoopbackServer]
) -> None:
    good, bad = servers
    window = open_window(qtbot, loopback_profile(f"localhost:{good.port}"))
    qtbot.keyClicks(window.start_page.site, f"localhost:{bad.port}")  # "What isn't working?"
    run_to_results(qtbot, window)
    page = window.results_page()
    assert window.stack.currentWidget() is page
    shown = page.findings.findings()
    assert ("tls.reset_after_client_hello", f"localhost:{bad.port}") in [
        (f.id, f.target) for f in shown
    ]
    assert not any(f.id.startswith("tls.") and f.target == f"localhost:{good.port}" for f in shown)
    # Loopback timing on a busy machine can add a finding (path RTT noise), so the headline
    # is checked for its form, and the count against what the list shows.
    problems = sum(f.severity.value == "problem" for f in shown)
    assert page.headline.text().startswith(f"We found {problems} problem")
    assert page.findings.topLevelItem(0).text(0).startswith("Problem: ")
    assert not page.send_button.isVisible()  # no upload address in this profile
    progress = window.progress_page()
    assert [row.id for row in window.session.checks] == [c.id for c in registered_checks()]
    assert all(row.state is CheckState.DONE for row in window.session.checks)
    assert progress.bar.value() == progress.bar.maximum()
    assert window.session.live(), "the live timeline saw the sockets"


def test_save_for_helpdesk_writes_the_bundle_and_the_viewer_opens_it(
    qtbot: QtBot, home: Path, servers: tuple[LoopbackServer, LoopbackServer]
) -> None:
    good, bad = servers
    window = open_window(qtbot, loopback_profile(f"localhost:{good.port}", f"localhost:{bad.port}"))
    run_to_results(qtbot, window)
    qtbot.mouseClick(window.results_page().save_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, QtSaveDialog)
    default = Path(dialog.path_edit.text())
    assert default.parent == home / "Desktop" and default.name.startswith("wiresleuth-")
    contents = [
        dialog.contents.topLevelItem(i).text(0) for i in range(dialog.contents.topLevelItemCount())
    ]
    assert {"report.json", "system.json", "log.txt", "report.html"} <= set(contents)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert window.saved_bundle == default and default.is_file()
    assert dialog.open_folder_button.isVisible()
    saved = read_bundle(default)
    assert window.result is not None
    assert [f.id for f in saved.findings] == [f.id for f in window.result.findings]
    dialog.accept()

    with qtbot.waitSignal(window.document_shown, timeout=10_000):
        window.open_path(default)
    viewer = window.viewer_page()
    assert window.stack.currentWidget() is viewer
    assert viewer.document is not None and viewer.document.source == default
    assert [f.id for f in viewer.findings.findings()] == [f.id for f in saved.findings]
    assert viewer.timeline.connections == saved.connections


def test_evidence_selects_its_packets_and_scrolls_the_timeline(qtbot: QtBot, home: Path) -> None:
    window = open_window(qtbot, loopback_profile())
    with qtbot.waitSignal(window.document_shown, timeout=10_000):
        window.open_path(SAMPLE_BUNDLE)
    viewer = window.viewer_page()
    evidence_rows = viewer.findings.evidence_items()
    item = next(i for i in evidence_rows if "packets" in i.text(0))
    viewer.findings.scrollToItem(item)
    rect = viewer.findings.visualItemRect(item)
    qtbot.mouseClick(viewer.findings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    cited = list(item.data(0, Qt.ItemDataRole.UserRole + 1).packets)
    doc = viewer.document
    assert doc is not None
    lane = viewer.timeline.selected_lane
    assert lane == doc.connection_index[cited[0]]
    selected = viewer.packets.selected_numbers()
    assert selected and selected == [n for n in cited if doc.connection_index.get(n) == lane]
    left, right = viewer.timeline.visible_seconds()
    times = [doc.packet_index[n].time - doc.origin for n in cited]
    assert left <= min(times) and max(times) <= right
    assert len(viewer.timeline.marked_points()) == len(cited)
    assert "packets" in window.statusBar().currentMessage()


def test_cancel_answers_within_a_second(qtbot: QtBot, home: Path, ca: trustme.CA) -> None:
    def hangs(conn: socket.socket) -> None:
        silent(conn)

    with LoopbackServer(hangs) as server:
        window = open_window(qtbot, loopback_profile(run=60, handshake=30))
        qtbot.keyClicks(window.start_page.site, f"localhost:{server.port}")  # typed by the user
        qtbot.mouseClick(window.start_page.run_button, Qt.MouseButton.LeftButton)

        def tls_running() -> bool:  # rows are replaced on each update: look it up each time
            tls = next(c for c in window.session.checks if c.id == "tls")
            return tls.state is CheckState.RUNNING

        qtbot.waitUntil(tls_running, timeout=10_000)
        qtbot.wait(300)  # mid-handshake: the server holds the ClientHello unanswered
        with qtbot.waitSignal(window.session.finished, timeout=5000):
            asked = time.monotonic()
            qtbot.mouseClick(window.progress_page().cancel_button, Qt.MouseButton.LeftButton)
            assert window.session.state is RunState.CANCELLING
        answered = time.monotonic() - asked
    assert answered < 1.0, f"cancel took {answered:.2f} s"
    page = window.results_page()
    assert window.stack.currentWidget() is page
    assert page.headline.text().startswith("The run was cancelled.")
    # the site the user typed is named; the cancel is no "check could not complete" warning
    site = f"localhost:{server.port}"
    assert f"Sites: {site}. The run was cancelled" in page._detail.text()
    assert not any(f.id == "probe.failed" for f in page.findings.findings())
    assert window.statusBar().currentMessage().startswith("Run cancelled after ")
    assert window.result is not None
    tls = next(c for c in window.result.checks if (c.check, c.target) == ("tls", site))
    assert tls.shown == "could not run (the run was cancelled before this check finished)"
    assert "could not run" in page.checked.text()


def test_send_appears_with_an_upload_address(
    qtbot: QtBot, home: Path, servers: tuple[LoopbackServer, LoopbackServer]
) -> None:
    good, _ = servers
    profile = loopback_profile(
        f"localhost:{good.port}", upload_url="https://helpdesk.invalid/upload"
    )
    window = open_window(qtbot, profile)
    run_to_results(qtbot, window)
    assert window.results_page().send_button.isVisible()


def test_a_damaged_file_is_refused_in_words(qtbot: QtBot, home: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, loopback_profile())
    broken = tmp_path / "broken.wsbundle"
    broken.write_bytes(b"PK\x03\x04 cut short")
    window.open_path(broken)
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=5000)
    assert "broken.wsbundle is incomplete: it holds 14 of at least 30 bytes" in str(
        window.last_error
    )
    assert window.stack.currentWidget() is window.start_page


def test_a_truncated_download_says_the_file_is_incomplete(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    cut = tmp_path / "from-alice.wsbundle"
    data = SAMPLE_BUNDLE.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    window = open_window(qtbot, loopback_profile())
    window.open_path(cut)
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=5000)
    box = window._message_box
    assert box is not None and "is incomplete: it holds" in box.text()
    assert "cut short" in box.text() and "not a zip" not in box.text()


def test_a_checksum_mismatch_opens_what_is_readable_with_a_warning(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    import json
    import zipfile

    from tests.bundle.conftest import rewrite_zip

    with zipfile.ZipFile(SAMPLE_BUNDLE) as archive:
        report = json.loads(archive.read("report.json"))
    report["findings"][0]["title"] = "A title edited after saving"
    edited = rewrite_zip(
        SAMPLE_BUNDLE, tmp_path / "edited.wsbundle", {"report.json": json.dumps(report).encode()}
    )
    window = open_window(qtbot, loopback_profile())
    with qtbot.waitSignal(window.document_shown, timeout=30_000):
        window.open_path(edited)
    viewer = window.viewer_page()
    assert window.stack.currentWidget() is viewer
    assert "A title edited after saving" in [f.title for f in viewer.findings.findings()]
    assert "\nDamaged: this bundle was changed or damaged" in viewer._notes.text()
    box = window._message_box
    assert box is not None and box.isVisible()
    assert box.text().startswith("Damaged: ") and "report.json: its contents do not" in box.text()


def test_every_control_is_named_and_reachable_by_keyboard(qtbot: QtBot, home: Path) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QHeaderView,
        QLineEdit,
        QMenuBar,
    )

    window = open_window(qtbot, loopback_profile())
    window.results_page()
    window.viewer_page()
    window.compare_page()
    window.progress_page()
    window.watch_page()
    controls = [
        w
        for w in window.findChildren(QAbstractButton)
        + window.findChildren(QLineEdit)
        + window.findChildren(QAbstractItemView)
        # Qt's own parts of a control (headers, a line edit's clear button) are named by it
        if not w.objectName().startswith("qt_")
        and not isinstance(w, QHeaderView)
        and not isinstance(w.parent(), QLineEdit | QMenuBar)
    ]
    assert len(controls) > 30
    unnamed = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for w in controls
        if not w.accessibleName()
    ]
    assert unnamed == []
    unreachable = [
        w.accessibleName() for w in controls if not w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    assert unreachable == []
    window.start_page.site.setFocus()
    QApplication.processEvents()
    assert window.start_page.site.hasFocus()
    qtbot.keyClick(window.start_page.site, Qt.Key.Key_Tab)
    assert window.start_page.run_button.hasFocus()


def test_every_page_fits_a_1366x768_laptop(qtbot: QtBot, home: Path) -> None:
    window = open_window(qtbot, loopback_profile())
    for page in (
        window.start_page,
        window.progress_page(),
        window.results_page(),
        window.viewer_page(),
        window.compare_page(),
    ):
        window.stack.setCurrentWidget(page)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 700, (type(page).__name__, hint)
    assert window.width() <= 1366 and window.height() <= 700


def test_a_profile_opened_from_file_brings_its_helpdesk_and_logo(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    from PySide6.QtGui import QColor, QImage

    folder = tmp_path / "from-helpdesk"
    folder.mkdir()
    (folder / "profile.toml").write_text(
        'targets = ["https://portal.example.test/"]\n[helpdesk]\nname = "IT Service Desk"\ncontact = "ext. 4242"\n'
    )
    logo = QImage(120, 40, QImage.Format.Format_RGB32)
    logo.fill(QColor("#1a5fb4"))
    assert logo.save(str(folder / "helpdesk-logo.png"))
    window = open_window(qtbot, loopback_profile())
    window.open_path(folder / "profile.toml")
    qtbot.waitUntil(lambda: window.profile.helpdesk.name == "IT Service Desk", timeout=5000)
    assert "IT Service Desk — ext. 4242" in window.start_page._helpdesk.text()
    assert "https://portal.example.test/" in window.start_page._targets.text()
    assert window.start_page.logo.isVisible() and not window.start_page.logo.pixmap().isNull()


def test_files_dropped_on_the_window_are_opened_or_compared(qtbot: QtBot, home: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    window = open_window(qtbot, loopback_profile())

    def drop(*paths: Path) -> QDropEvent:
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        enter = QDragEnterEvent(
            QPointF(10, 10).toPoint(), Qt.DropAction.CopyAction, data,
            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        window.dragEnterEvent(enter)
        assert enter.isAccepted()
        event = QDropEvent(
            QPointF(10, 10), Qt.DropAction.CopyAction, data,
            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        window.dropEvent(event)
        return event

    with qtbot.waitSignal(window.document_shown, timeout=10_000):
        drop(SAMPLE_BUNDLE)
    assert window.stack.currentWidget() is window.viewer_page()
    drop(SAMPLE_BUNDLE, SAMPLE_BUNDLE)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.compare_page(), timeout=10_000)
    comparison = window.compare_page().comparison
    assert comparison is not None and comparison.differences == 0

    text = home / "notes.txt"
    text.write_text("not a capture")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(text))])
    refused = QDragEnterEvent(
        QPointF(10, 10).toPoint(), Qt.DropAction.CopyAction, data,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    refused.ignore()
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_a_replaced_result_leaves_no_capture_behind(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    from dataclasses import replace

    from tests.bundle.sample_runs import uncaptured_run
    from wiresleuth.engine import scratch
    from wiresleuth.model.run import RunResult

    def result_with_capture(name: str) -> RunResult:
        folder = scratch.new_folder(base=tmp_path)
        capture = scratch.private_file(folder / "capture.pcapng")
        capture.write_bytes(name.encode())
        return replace(uncaptured_run(), capture_file=capture)

    window = open_window(qtbot, loopback_profile("localhost:9"))
    first, second = result_with_capture("first"), result_with_capture("second")
    try:
        window.session.finished.emit(first)
        assert first.capture_file is not None and first.capture_file.exists()
        window.session.finished.emit(second)  # a second run: the first can no longer be saved
        assert not first.capture_file.parent.exists()
        assert second.capture_file is not None and second.capture_file.exists()
    finally:
        for result in (first, second):
            scratch.discard_for(result.capture_file)


def test_titles_follow_what_is_shown_and_mark_unsaved_results(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    from tests.bundle.sample_runs import uncaptured_run

    window = open_window(qtbot, loopback_profile("localhost:9"))
    with qtbot.waitSignal(window.document_shown, timeout=30_000):
        window.open_path(SAMPLE_BUNDLE)
    assert window.windowTitle().startswith("format-1.wsbundle — ")
    window.session.finished.emit(uncaptured_run())  # a fresh run's results
    assert window.windowTitle() == "Results — WireSleuth[*]"  # not the bundle's name any more
    assert window.isWindowModified()
    window.show_details()
    viewer = window.viewer_page()
    assert "(not saved yet)" in viewer._title.text()
    dialog = window.save_for_helpdesk()
    assert isinstance(dialog, QtSaveDialog)
    dialog.path_edit.setText(str(home / "kept.wsbundle"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    dialog.accept()
    assert window.windowTitle() == "kept.wsbundle — WireSleuth[*]"
    assert not window.isWindowModified()
    assert viewer._title.text().startswith("kept.wsbundle (saved)")  # not "not saved yet"


def test_unsaved_results_are_not_lost_without_asking(qtbot: QtBot, home: Path) -> None:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QMessageBox

    from tests.bundle.sample_runs import uncaptured_run

    window = open_window(qtbot, loopback_profile("localhost:9"))
    window.session.finished.emit(uncaptured_run())
    window.quit_action.trigger()  # File > Quit
    box = window.unsaved_box
    assert box is not None and box.isVisible() and "not saved" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.isVisible() and window.unsaved_box is None

    class Spontaneous(QCloseEvent):  # the window's close button, as the window manager sends it
        def spontaneous(self) -> bool:
            return True

    closing = Spontaneous()
    window.closeEvent(closing)
    assert not closing.isAccepted() and window.isVisible()
    box = window.unsaved_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)


def test_save_from_the_question_then_carries_on(qtbot: QtBot, home: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.bundle.sample_runs import uncaptured_run

    window = open_window(qtbot, loopback_profile("localhost:9"))
    window.session.finished.emit(uncaptured_run())
    window.quit()
    box = window.unsaved_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Save).click()
    dialog = window.dialog
    assert isinstance(dialog, QtSaveDialog)
    dialog.path_edit.setText(str(home / "before-quit.wsbundle"))
    dialog.save()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert (home / "before-quit.wsbundle").is_file()


def test_run_again_runs_the_same_checks_on_the_same_site(
    qtbot: QtBot, home: Path, servers: tuple[LoopbackServer, LoopbackServer]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    good, _ = servers
    window = open_window(qtbot, loopback_profile())
    window.start_page.checks.set_selected(["route", "tls"])
    qtbot.keyClicks(window.start_page.site, f"localhost:{good.port}")
    run_to_results(qtbot, window)
    first = window.result
    assert first is not None and first.targets == (f"localhost:{good.port}",)
    window.start_page.site.clear()  # what the start page holds now does not matter
    qtbot.mouseClick(window.results_page().again_button, Qt.MouseButton.LeftButton)
    box = window.unsaved_box  # the first results are not saved: asked first
    assert box is not None
    with qtbot.waitSignal(window.session.finished, timeout=RUN_TIMEOUT_MS):
        box.button(QMessageBox.StandardButton.Discard).click()
    assert window.result is not first and window.result is not None
    assert window.result.targets == first.targets and window.result.wizards == first.wizards


def test_an_error_in_the_status_bar_goes_with_its_page(qtbot: QtBot, home: Path) -> None:
    window = open_window(qtbot, loopback_profile())
    window.show_error("Cannot open x", "it is broken")
    assert window.statusBar().currentMessage() == "Cannot open x: it is broken"
    window.stack.setCurrentWidget(window.results_page())
    assert window.statusBar().currentMessage() == ""


def test_a_hanging_connection_is_drawn_while_it_waits(
    qtbot: QtBot, home: Path, ca: trustme.CA
) -> None:
    def hangs(conn: socket.socket) -> None:
        silent(conn)

    with LoopbackServer(hangs) as server:
        site = f"localhost:{server.port}"
        window = open_window(qtbot, loopback_profile(site, run=60, handshake=30))
        window.start_page.checks.set_selected(["route", "tls"])
        qtbot.mouseClick(window.start_page.run_button, Qt.MouseButton.LeftButton)
        page = window.progress_page()

        def lane_waits() -> bool:
            return any(c.label == f"{site} (default)" for c in window.session.live(time.time()))

        qtbot.waitUntil(lane_waits, timeout=10_000)  # long before the 30 s handshake limit
        lane = f"{site} (default)"
        first = next(c for c in window.session.live(time.time()) if c.label == lane)
        qtbot.wait(1200)
        later = next(c for c in window.session.live(time.time()) if c.label == lane)
        assert later.end - first.end > 0.9  # it grows while it waits
        qtbot.waitUntil(lambda: "the secure greeting" in page._message.text(), timeout=5000)
        assert page._message.text().startswith("Waiting ")
        assert f"for {site} to answer the secure greeting (TLS)" in page._message.text()
        assert "round" not in page._message.text() and ":" not in page._message.text()[:8]
        qtbot.waitUntil(
            lambda: any(c.label == lane for c in page.timeline._connections), timeout=2000
        )  # the page's timeline draws it too
        with qtbot.waitSignal(window.session.finished, timeout=5000):
            window.session.cancel()


def test_exit_waits_for_the_warm_up_to_end(
    qtbot: QtBot, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up worker imports modules; an interpreter finalized while it still imported
    crashed (SIGSEGV). The window closed at once, the exit waits for it, bounded. Here the
    warm-up, its imports done, is held until the test lets it go, as a loaded machine's."""
    import threading

    from wiresleuth.gui import qt_main_window
    from wiresleuth.gui.capture_rights import CaptureRights
    from wiresleuth.profile import default_profile

    go = threading.Event()
    warm_up = qt_main_window._warm_up

    def held(emit: Emit) -> None:
        warm_up(emit)
        go.wait(30)

    monkeypatch.setattr(qt_main_window, "_warm_up", held)
    window = QtMainWindow(default_profile(), capture=False, rights=CaptureRights(available=True))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=5000):
        window.show()
    qtbot.waitUntil(lambda: window._warm_worker is not None, timeout=5000)
    window.close()
    release = threading.Timer(0.3, go.set)
    try:
        assert not window.finish_warm_up(0.05)  # bounded: still held, and says so
        release.start()  # let go while the exit waits
        assert window.finish_warm_up(60.0)
        assert window._warm_worker is not None and window._warm_worker.done
    finally:
        go.set()
        release.cancel()
    # the worker's "finished" reaches the window after the wait: let it build its pages
    # here, not in the next test's event loop once this window is gone
    qtbot.waitUntil(lambda: window.warmed_up, timeout=10_000)
