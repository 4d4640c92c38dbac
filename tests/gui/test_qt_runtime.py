"""The Qt binding itself: PySide6 6.12.0 under Python 3.11 dropped a reference to None on every
call of a method that returns nothing, so the window crashed ("deallocating None") after
enough clicks and redraws. pyproject.toml excludes it; this keeps any such release out."""

import sys

import pytest
from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import QGraphicsRectItem, QLabel

pytestmark = pytest.mark.qt


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_calls_that_return_nothing_keep_nones_reference_count(qapp: object) -> None:
    label, item, timer = QLabel(), QGraphicsRectItem(0, 0, 1, 1), QTimer()
    before = sys.getrefcount(None)
    for index in range(2000):
        label.setText(str(index))
        item.setPos(QPointF(index, 0))
        timer.setInterval(5)
    assert sys.getrefcount(None) - before > -100  # 6.12.0: -6000
