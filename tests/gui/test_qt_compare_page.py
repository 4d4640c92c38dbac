"""The comparison page: differences first, whole texts, both sides of a row, aligned lanes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile
from tests.gui.lab_samples import lab_bundle
from tests.gui.test_qt_main_window import open_window
from wiresleuth.gui.compare_model import Change, compare_documents
from wiresleuth.gui.document import load_document
from wiresleuth.gui.qt_compare_page import QtComparePage
from wiresleuth.gui.qt_findings_view import children

pytestmark = pytest.mark.qt


def test_differences_first_whole_texts_and_both_sides(qtbot: QtBot) -> None:
    a, b = load_document(lab_bundle("C8")), load_document(lab_bundle("C7"))
    page = QtComparePage()
    qtbot.addWidget(page)
    page.resize(1300, 720)
    page.show()
    page.set_comparison(a, b, compare_documents(a, b))
    for tree in (page.findings, page.figures):
        rows = children(tree.invisibleRootItem())
        same = [item.data(0, Qt.ItemDataRole.UserRole) == Change.SAME.value for item in rows]
        assert same == sorted(same) and False in same  # differences first, then the rest
        assert tree.wordWrap() and tree.textElideMode() == Qt.TextElideMode.ElideNone
        for item in rows:
            for column in range(3):
                assert item.text(column) in item.toolTip(column) or not item.text(column)
    page.only_differences.setChecked(True)
    hidden = [i for i in children(page.figures.invisibleRootItem()) if i.isHidden()]
    assert hidden and all(i.data(0, Qt.ItemDataRole.UserRole) == Change.SAME.value for i in hidden)
    # A figure of one server: both sides, and the lanes of that server on the aligned timeline.
    rows = children(page.figures.invisibleRootItem())
    row = next(i for i in rows if i.text(0).startswith("100.64.1.40:443 · handshake RTT"))
    page.figures.setCurrentItem(row)
    assert page.side_text["A"].toPlainText().startswith("100.64.1.40:443 · handshake RTT (capture): ")
    assert page.side_text["B"].toPlainText().endswith("not measured on this side.")
    lanes = page.timeline.connections
    assert page.marked_lanes and all(lanes[i].label.startswith("A: ") for i in page.marked_lanes)
    assert page.timeline.selected_lane == page.marked_lanes[0]
    assert page.lists.tabText(0).startswith("&Findings (")


def test_one_side_of_a_comparison_opens_in_the_viewer_at_its_finding(
    qtbot: QtBot, home: Path
) -> None:
    window = open_window(qtbot, loopback_profile())
    window.compare_paths(lab_bundle("C8"), lab_bundle("C1"))
    page = window.compare_page()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=20_000)
    comparison = page.comparison
    assert comparison is not None
    finding_rows = [page.findings.topLevelItem(i) for i in range(page.findings.topLevelItemCount())]
    reset = next(i for i in finding_rows if i.text(0).startswith("tls.reset_after_client_hello"))
    page.findings.setCurrentItem(reset)
    assert "RST 3.11 s after the ClientHello" in page.side_text["A"].toPlainText()
    assert page.side_text["B"].toPlainText() == "Not found on this side."
    assert [b.label for b in page.timeline.brackets] == ["A: 3.106 s"]
    with qtbot.waitSignal(window.document_shown, timeout=5000):
        page.open_buttons["A"].click()
    viewer = window.viewer_page()
    assert viewer.document is page.a
    assert viewer.packets.selected_numbers() == [14, 27]

