"""The comparison page: differences first, whole texts, both sides of a row, aligned lanes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.lab_samples import lab_bundle
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
