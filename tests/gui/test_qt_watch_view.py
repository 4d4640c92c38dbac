"""The Watch tab on a real watch's bundle (the flaky-policer lab run): the plot's line, the
group, its evidence, and "Show its packets" opening the packet list at the failing frames."""

from pytestqt.qtbot import QtBot

from tests.gui.lab_samples import lab_bundle
from wiresleuth.gui.document import document_from_bundle
from wiresleuth.gui.qt_viewer_page import QtViewerPage


def test_the_watch_tab_tells_when_it_failed_and_shows_the_packets(qtbot: QtBot) -> None:
    document = document_from_bundle(lab_bundle("flaky-policer"))
    assert document.watch is not None
    viewer = QtViewerPage()
    qtbot.addWidget(viewer)
    viewer.set_document(document)
    qtbot.waitUntil(lambda: viewer.watch.summary is not None, timeout=5000)
    view = viewer.watch
    lines = [item for item in view.plot.listDataItems()]
    assert [item.name() for item in lines] == ["chat.lab.test:443 at 100.64.1.20"]
    _, ys = lines[0].getData()
    assert list(ys) == [100.0, 100.0, 0.0, 0.0, 100.0, 100.0, 0.0]
    (row,) = view.rows
    assert row.group.signature == "tls.no_server_hello" and row.count == "3 failed, 4 worked"
    view.choose(0)
    text = view.evidence.toPlainText()
    assert "Failed 3 time(s)" in text and "Frames 22-30: failing (attempt 3)" in text
    assert "A network policy drops large packets" in text  # the full diagnosis's finding
    assert view.show_packets.isEnabled()
    view.show_packets.click()
    assert viewer.tabs.currentWidget() is viewer.parts["timeline"]
    qtbot.waitUntil(lambda: viewer.packets.selected_numbers() == [22], timeout=5000)
