"""The helpdesk's page in the window: from a bundle opened in the viewer and from a run just
made; Copy summary names the bundle and its hash; Back returns where the user was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.bundle.sample_runs import uncaptured_run
from tests.gui.conftest import loopback_profile, open_window
from wiresleuth.gui.qt_save_dialog import QtSaveDialog

pytestmark = pytest.mark.qt

C1 = Path(__file__).parent / "samples" / "lab-C1.wsbundle"
LB_ONE_BAD = Path(__file__).parent / "samples" / "lab-lb-one-bad.wsbundle"


def test_a_bundle_in_the_viewer_has_its_helpdesk_page(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    bundle = Path(shutil.copy(C1, tmp_path / "from-alice.wsbundle"))
    window = open_window(qtbot, loopback_profile())
    with qtbot.waitSignal(window.document_shown, timeout=30_000):
        window.open_path(bundle)
    viewer = window.viewer_page()
    # the viewer's header says which computer and when
    assert " — " in viewer._title.text() and "UTC" in viewer._title.text()
    assert window.windowTitle() == "from-alice.wsbundle — WireSleuth[*]"
    assert not window.isWindowModified()
    qtbot.mouseClick(viewer._helpdesk, Qt.MouseButton.LeftButton)
    page = window.helpdesk_page()
    assert window.stack.currentWidget() is page
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    qtbot.waitUntil(lambda: page.facts.bundle_sha256 == digest, timeout=10_000)
    assert page.fields["bundle"][1].text() == f"from-alice.wsbundle\nSHA-256 {digest}"
    assert page.fields["sites"][1].text() == "chat.lab.test:443"
    assert page.fields["route"][1].text() == "chat.lab.test:443: direct (from no proxy setting)"
    assert page.fields["computer"][1].text() == page.facts.who != "an unnamed computer"
    assert page.headline.text().startswith("We found 1 problem: A network policy drops")
    first = page.todo.topLevelItem(0)
    assert first is not None and first.child(0).text(0).startswith("Give the network team")
    assert page.checks_title.text().startswith("What was checked: ")
    groups = [page.checks.topLevelItem(i).text(0) for i in range(page.checks.topLevelItemCount())]
    assert "Secure connection (TLS) handshake — 1 found a problem" in groups
    with qtbot.waitSignal(page.copied, timeout=2000):
        qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert f"Bundle: from-alice.wsbundle (SHA-256 {digest})" in copied
    assert "What the helpdesk can do: Give the network team" in copied
    assert "Summary copied" in window.statusBar().currentMessage()
    assert not page.send_button.isVisible()  # no upload address in this profile
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is viewer


def test_a_run_just_made_gets_its_hash_once_saved(qtbot: QtBot, home: Path) -> None:
    window = open_window(qtbot, loopback_profile("localhost:9"))
    window.session.finished.emit(uncaptured_run())
    results = window.results_page()
    qtbot.mouseClick(results.helpdesk_button, Qt.MouseButton.LeftButton)
    page = window.helpdesk_page()
    assert page.fields["bundle"][1].text() == "not saved yet"
    assert page.copy_button.isEnabled()
    assert "Bundle: not saved yet" in page.summary_text()
    assert "cancelled" in page.fields["when"][1].text()
    dialog = window.save_for_helpdesk()
    assert isinstance(dialog, QtSaveDialog)
    dialog.path_edit.setText(str(home / "mine.wsbundle"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    digest = hashlib.sha256((home / "mine.wsbundle").read_bytes()).hexdigest()
    qtbot.waitUntil(lambda: page.facts.bundle_sha256 == digest, timeout=10_000)
    assert f"Bundle: mine.wsbundle (SHA-256 {digest})" in page.summary_text()
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is results
    dialog.accept()


def test_a_name_with_several_addresses_lists_each_under_its_site(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    """lb-one-bad (issue 16): the TLS check's row of the site has a child row per address."""
    bundle = Path(shutil.copy(LB_ONE_BAD, tmp_path / "lb.wsbundle"))
    window = open_window(qtbot, loopback_profile())
    with qtbot.waitSignal(window.document_shown, timeout=30_000):
        window.open_path(bundle)
    qtbot.mouseClick(window.viewer_page()._helpdesk, Qt.MouseButton.LeftButton)
    page = window.helpdesk_page()
    groups = [page.checks.topLevelItem(i) for i in range(page.checks.topLevelItemCount())]
    (tls,) = [g for g in groups if g.text(0).startswith("Secure connection (TLS) handshake")]
    site = tls.child(0)
    assert site.text(0).startswith("portal.lab.test:443: problem: 1 of 3 addresses")
    rows = [site.child(i).text(0) for i in range(site.childCount())]
    assert rows == [
        "100.64.1.42: problem: reset after the ClientHello",
        "100.64.1.41: passed: completed the handshake",
        "100.64.1.43: passed: completed the handshake",
    ]
    assert site.isExpanded()
