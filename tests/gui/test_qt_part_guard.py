import logging

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from wiresleuth.gui.qt_part_guard import QtPartGuard
from wiresleuth.gui.view_problems import ShapeError

pytestmark = pytest.mark.qt


def test_a_part_that_cannot_be_read_says_why_in_its_place(qtbot: QtBot) -> None:
    view = QLabel("the view")
    guard = QtPartGuard(view)
    qtbot.addWidget(guard)

    def unreadable() -> None:
        raise ShapeError("mtu.targets is text ('x'), not a list")

    assert not guard.fill(unreadable, "bundle")
    assert guard.currentWidget() is not view
    assert guard.failure == "mtu.targets is text ('x'), not a list"
    assert guard.message == (
        "This part of the bundle could not be shown: mtu.targets is text ('x'), not a list"
    )
    assert guard.fill(lambda: None)  # the next document's part is readable: the view is back
    assert guard.currentWidget() is view and guard.failure is None and guard.message == ""


def test_a_bug_is_logged_and_shown_not_left_in_a_slot(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    guard = QtPartGuard(QLabel())
    qtbot.addWidget(guard)
    with caplog.at_level(logging.ERROR):
        assert not guard.fill(lambda: [][1].bit_length(), "capture file")
    assert guard.message.startswith(
        "This part of the capture file could not be shown: the program failed reading it "
        "(IndexError: list index out of range)"
    )
    assert [r.exc_info is not None for r in caplog.records] == [True]
