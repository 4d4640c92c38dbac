"""The findings list lists what the engineer asks to see, however many findings and pieces of
evidence a bundle holds (speed: benchmarks/bench_gui_evidence.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from wiresleuth.gui.qt_findings_view import (
    EVIDENCE_SHOWN,
    FINDINGS_SHOWN,
    MORE_STEP,
    QtFindingsView,
    children,
)
from wiresleuth.model.finding import Evidence, Finding, Severity

pytestmark = pytest.mark.qt


def finding(index: int, pieces: int = 1) -> Finding:
    return Finding(
        id=f"test.finding_{index}",
        severity=Severity.PROBLEM,
        title=f"Finding {index}",
        user_text="what happens",
        engineer_text="why",
        wizard="test",
        evidence=tuple(Evidence(text=f"piece {n}", packets=(n + 1,)) for n in range(pieces)),
    )


def rows(view: QtFindingsView) -> int:
    stack, count = children(view.invisibleRootItem()), 0
    while stack:
        item = stack.pop()
        count += 1
        stack += children(item)
    return count


def click(qtbot: QtBot, view: QtFindingsView, item: QTreeWidgetItem) -> None:
    view.scrollToItem(item)
    rect = view.visualItemRect(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(10)  # "show more" runs on the next turn of the event loop


def test_200000_pieces_of_evidence_make_a_few_rows_and_more_on_request(qtbot: QtBot) -> None:
    view = QtFindingsView(engineer=True)
    qtbot.addWidget(view)
    view.resize(400, 600)
    view.show()
    view.set_findings([finding(1, 200_000)])
    assert len(view.evidence_items()) == EVIDENCE_SHOWN
    assert rows(view) < EVIDENCE_SHOWN + 10
    (more,) = view.more_items()
    assert more.text(0) == "Show 100 more pieces of evidence (199980 not listed yet)"
    click(qtbot, view, more)  # one click adds one step, even where it also activates
    shown = [item.text(0) for item in view.evidence_items()]
    assert len(shown) == EVIDENCE_SHOWN + MORE_STEP
    assert shown[-1] == f"Evidence: piece {EVIDENCE_SHOWN + MORE_STEP - 1} (packets 120)"
    assert more.text(0) == "Show 100 more pieces of evidence (199880 not listed yet)"
    view.setCurrentItem(more)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # keyboard users list more too
    qtbot.wait(10)
    assert len(view.evidence_items()) == EVIDENCE_SHOWN + 2 * MORE_STEP
    view.itemClicked.emit(more, 0)  # a style that activates on one click sends both
    view.itemActivated.emit(more, 0)
    qtbot.wait(10)
    assert len(view.evidence_items()) == EVIDENCE_SHOWN + 3 * MORE_STEP


def test_the_last_step_lists_the_rest_and_the_row_goes(qtbot: QtBot) -> None:
    view = QtFindingsView(engineer=True)
    qtbot.addWidget(view)
    view.set_findings([finding(1, EVIDENCE_SHOWN + 30)])
    (more,) = view.more_items()
    assert more.text(0) == "Show 30 more pieces of evidence (30 not listed yet)"
    view.show_more(more)
    assert [i.text(0) for i in view.evidence_items()] == [
        f"Evidence: piece {n} (packets {n + 1})" for n in range(EVIDENCE_SHOWN + 30)
    ]
    assert view.more_items() == [] and more.isHidden()
    engineer = more.parent()
    assert engineer is not None and children(engineer)[-1].text(0).startswith("Finding ID:")
    with qtbot.waitSignal(view.evidence_activated) as chosen:
        view._activated(view.evidence_items()[-1])
    assert chosen.args[1].text == f"piece {EVIDENCE_SHOWN + 29}"


def test_many_findings_are_listed_a_hundred_at_a_time(qtbot: QtBot) -> None:
    view = QtFindingsView()
    qtbot.addWidget(view)
    view.set_findings([finding(n) for n in range(FINDINGS_SHOWN + MORE_STEP + 5)])
    assert len(view.findings()) == FINDINGS_SHOWN
    (more,) = view.more_items()
    assert more.text(0) == "Show 100 more findings (105 not listed yet)"
    view.show_more(more)
    view.show_more(more)
    listed = view.findings()
    assert [f.id for f in listed] == [f"test.finding_{n}" for n in range(len(listed))]
    assert len(listed) == FINDINGS_SHOWN + MORE_STEP + 5 and view.more_items() == []
    view.set_findings([finding(1)])  # a new document: the list starts again
    assert len(view.findings()) == 1 and view.more_items() == []
