"""The hop list widget: a list per located connection, the answering hop marked in words
and bold, and the list of a chosen finding selected."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.analysis.hop_samples import finding, recorded, report_observations
from tests.gui.test_hop_view import hops as hop_observations
from wiresleuth.gui.hop_view import hop_lists
from wiresleuth.gui.qt_hop_list import QtHopList

pytestmark = pytest.mark.qt


def test_the_answering_hop_is_marked_and_the_findings_list_is_selected(qtbot: QtBot) -> None:
    run = recorded("C6")
    widget = QtHopList()
    qtbot.addWidget(widget)
    widget.set_lists(hop_lists(hop_observations(report_observations("C6")), run.packets, captured=True))
    top = widget.tree.topLevelItem(0)
    assert top is not None and top.isExpanded()
    summary, *hops = (top.child(i) for i in range(top.childCount()))
    assert summary is not None and summary.text(0).startswith(
        "The ClientHello is answered by hop 2"
    )
    texts = [[h.text(c) for c in range(5)] for h in hops if h is not None]
    assert [t[:2] for t in texts] == [
        ["1", "198.18.1.1"],
        ["2", "100.64.2.2"],
        ["3", "100.64.1.30"],
    ]
    assert texts[1][4].startswith("(answers here)\n") and texts[2][4].startswith(
        "(the destination)\n"
    )
    assert "SYN: SYN-ACK after" in texts[1][4].splitlines()[2]
    assert hops[1] is not None and hops[1].font(0).bold() and not hops[0].font(0).bold()  # type: ignore[union-attr]
    widget.tree.setCurrentItem(None)
    assert widget.show_finding(finding(run, "tls.plaintext_injected"))
    assert widget.tree.currentItem() is top
    assert not widget.show_finding(finding(run, "mtu.path_mtu"))
    assert not widget.show_finding(None)
