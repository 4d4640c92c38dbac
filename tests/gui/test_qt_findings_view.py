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
    assert more.text(0) == "Show 100 more (105 not listed yet)"
    view.show_more(more)
    view.show_more(more)
    listed = view.findings()
    assert [f.id for f in listed] == [f"test.finding_{n}" for n in range(len(listed))]
    assert len(listed) == FINDINGS_SHOWN + MORE_STEP + 5 and view.more_items() == []
    view.set_findings([finding(1)])  # a new document: the list starts again
    assert len(view.findings()) == 1 and view.more_items() == []


def _real(fid: str, severity: Severity, target: str | None = "chat.lab.test:443") -> Finding:
    return Finding(
        id=fid, severity=severity, title=f"{fid} title", user_text=f"{fid} user",
        engineer_text=f"{fid} engineer", wizard="w", target=target,
        evidence=(Evidence(text=f"{fid} evidence", packets=(3,)),),
    )  # fmt: skip


C1 = [
    _real("path.dscp_marked", Severity.PROBLEM),
    _real("mtu.path_mtu", Severity.INFO),
    _real("path.qos_policing", Severity.PROBLEM),
    _real("path.large_packet_loss", Severity.PROBLEM),
    _real("pac.not_configured", Severity.INFO, None),
]


def test_one_cause_per_row_with_its_next_step_and_what_it_explains(qtbot: QtBot) -> None:
    view = QtFindingsView()
    qtbot.addWidget(view)
    view.set_findings(C1)
    tops = children(view.invisibleRootItem())[:-1]  # the last is the hidden "more" row
    assert [t.text(0) for t in tops] == [
        "Problem: path.qos_policing title  (chat.lab.test:443)",
        "For information: pac.not_configured title",
    ]
    cause = tops[0]
    texts = [c.text(0) for c in children(cause)]
    assert texts[:3] == [
        "path.qos_policing user",
        "Next step: Save the results and send them to your helpdesk.",
        "For the engineer",
    ]
    assert texts[3] == "It explains 3 more findings"
    explained = children(cause)[3]
    assert [c.text(0).split(":")[1].strip() for c in children(explained)] == [
        "path.large_packet_loss title  (chat.lab.test",
        "path.dscp_marked title  (chat.lab.test",
        "mtu.path_mtu title  (chat.lab.test",
    ]
    # the user sees the cause; the engineer part and the explained findings wait to be opened
    assert cause.isExpanded() and not children(cause)[2].isExpanded()
    assert not explained.isExpanded()
    engineer = [c.text(0) for c in children(children(cause)[2])]
    assert any(t.startswith("What the helpdesk can do: Give the network team") for t in engineer)
    # nothing is lost: every finding and every piece of evidence is still there
    assert [f.id for f in view.findings()] == [
        "path.qos_policing", "path.large_packet_loss", "path.dscp_marked", "mtu.path_mtu",
        "pac.not_configured",
    ]  # fmt: skip
    assert len(view.evidence_items()) == 5
    assert [c.finding.id for c in view.causes()] == ["path.qos_policing", "pac.not_configured"]


def test_the_engineer_sees_everything_open(qtbot: QtBot) -> None:
    view = QtFindingsView(engineer=True)
    qtbot.addWidget(view)
    view.set_findings(C1)
    explained = children(children(view.invisibleRootItem())[0])[3]
    assert explained.isExpanded()
    assert all(row.isExpanded() for row in children(explained))


def test_a_title_that_names_its_target_does_not_repeat_it(qtbot: QtBot) -> None:
    view = QtFindingsView()
    qtbot.addWidget(view)
    blocked = Finding(
        id="path.direct_blocked", severity=Severity.PROBLEM,
        title="127.0.0.1:9 cannot be reached", user_text="u", engineer_text="e", wizard="tls",
        target="127.0.0.1:9",
    )  # fmt: skip
    view.set_findings([blocked])
    assert children(view.invisibleRootItem())[0].text(0) == "Problem: 127.0.0.1:9 cannot be reached"
