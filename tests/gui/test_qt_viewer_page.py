"""The viewer on bundles with numbers of every wrong kind: each tab shows what it can and says
what it could not, and no exception escapes a Qt slot (pytest-qt's capture, made explicit).

The crash case (a lone connection from 1e308 to -1e308 killed the process) runs in a separate
process in test_gui_cmd.py, so a crash is a return code, not a dead test run.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SAMPLE_BUNDLE, loopback_profile, open_window
from tests.gui.hostile_bundles import edited_bundle
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_viewer_page import QtViewerPage
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.mtu_observations import (
    MtuTargetObservation,
    MtuWizardObservations,
    PathMtuSweep,
    SweepProbe,
)
from wiresleuth.model.observations import (
    ConnectObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.pac_observations import (
    PacEvaluationObservation,
    PacLookupObservation,
    PacWizardObservations,
)

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qtbot: QtBot, home: Path) -> QtMainWindow:
    return open_window(qtbot, loopback_profile(), capture=False)


def open_in_viewer(qtbot: QtBot, window: QtMainWindow, path: Path) -> QtViewerPage:
    """Open ``path``, fill every tab, show each once, click every evidence row and lane."""
    viewer = window.viewer_page()
    with qtbot.waitSignal(viewer.filled, timeout=10_000):
        window.open_path(path)
    for index in range(viewer.tabs.count()):
        viewer.tabs.setCurrentIndex(index)
        qtbot.wait(20)  # painted: pyqtgraph draws on paint events
    for item in viewer.findings.evidence_items():
        rect = viewer.findings.visualItemRect(item)
        viewer.findings.scrollToItem(item)
        qtbot.mouseClick(viewer.findings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    document = viewer.document
    assert document is not None
    for lane in range(len(document.connections)):
        viewer.select_connection(lane)
    viewer.timeline.zoom_out()
    viewer.timeline.fit()
    qtbot.wait(20)
    return viewer


def wild_times(report: dict[str, Any]) -> None:
    report["started_at"] = 1e308
    first, second, third = report["connections"]
    first["start"], first["end"] = -1e308, 1e308  # the span overflows to infinity
    first["events"][0]["time"] = math.inf
    second["start"] = math.nan
    third["start"], third["end"] = third["end"], third["start"]


def test_wild_times_are_left_off_the_timeline_and_said(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bundle = edited_bundle(SAMPLE_BUNDLE, tmp_path / "wild.wsbundle", wild_times)
    with qtbot.captureExceptions() as exceptions, caplog.at_level(logging.ERROR):
        viewer = open_in_viewer(qtbot, window, bundle)
    assert exceptions == []
    assert caplog.records == []  # no part fell back on "the program failed"
    assert all(part.failure is None for part in viewer.parts.values())
    document = viewer.document
    assert document is not None and document.origin == min(p.time for p in document.packets)
    notes = viewer._notes.text()
    assert (
        "Not drawn on the timeline: TLS handshake to lb.lab.test:443: its times (-1e+308 to 1e+308)"
        in notes
    )
    assert "TLS handshake to legacy.lab.test:443: its times (nan to" in notes
    assert "TLS handshake to voice.lab.test:443: it ends before it starts" in notes
    left, right = viewer.timeline.visible_seconds()
    assert np.isfinite([left, right]).all() and right - left < 60


def odd_measurements(report: dict[str, Any]) -> None:
    """Measurements of the right types whose values make no sense: NaN and infinite times, a
    phase that ends before it starts, a time far outside the recording, sizes no packet has."""

    def attempt(purpose: str, **changes: Any) -> TlsObservation:
        connect = ConnectObservation(
            address="198.19.0.10", port=443, started_at=1714555800.0, connected_at=1714555800.1
        )
        made = TlsObservation(
            target="x:443", sni="x", purpose=purpose, connect=connect, outcome="reset",
            ended_at=1714555801.0, client_hello_at=1714555800.1,
        )  # fmt: skip
        return replace(made, **changes)

    nan_done = attempt("default", handshake_done_at=math.nan)
    backwards = attempt(
        "timed",
        connect=replace(nan_done.connect, connected_at=1714555799.0),
        reset_at=1714555801.0,
    )
    far = attempt("far", connect=replace(nan_done.connect, started_at=1e308, connected_at=1e308))
    tls = TlsWizardObservations(
        targets=(TlsTargetObservation(target="x:443", address="x", attempts=(nan_done, backwards, far)),)
    )
    sweep = PathMtuSweep(
        address="x", method="socket", path_mtu=10**6,
        probes=(SweepProbe(size=-1, result="reply", at=1.0), SweepProbe(size=1400, result="reply", at=1.0)),
    )  # fmt: skip
    mtu = MtuWizardObservations(
        targets=(MtuTargetObservation(target="x:443", address="x", scheme="https", sweep=sweep),)
    )
    pac = PacWizardObservations(
        configuration=None, pac_url="http://wpad.lab.test/wpad.dat",
        evaluation=PacEvaluationObservation(
            outcome="ok", elapsed=0.1, time_limit=3.0, memory_limit_mb=512, script_bytes=1,
            my_ip="198.18.0.2",
            lookups=(PacLookupObservation(name="wpad", address=None, elapsed=math.nan),),
        ),
    )  # fmt: skip
    report["observations"] = {**to_jsonable({"tls": tls, "mtu": mtu, "pac": pac}), "gateway": math.nan}


def test_odd_measurement_values_are_said_in_their_tabs(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bundle = edited_bundle(SAMPLE_BUNDLE, tmp_path / "odd.wsbundle", odd_measurements)
    with qtbot.captureExceptions() as exceptions, caplog.at_level(logging.ERROR):
        viewer = open_in_viewer(qtbot, window, bundle)
    assert exceptions == [] and caplog.records == []
    assert all(part.failure is None for part in viewer.parts.values())
    (sweep,) = viewer.mtu.sweeps
    assert [p.size for p in sweep.points] == [1400]
    assert viewer.mtu.note.text().endswith(
        "Left out: mtu.targets[0].sweep.probes[0].size is -1, not a packet size (0 to 65575); "
        "mtu.targets[0].sweep.path_mtu is 1000000, not a packet size (0 to 65575)."
    )
    drawn = {r.purpose: [(p.name, p.ok) for p in r.phases] for r in viewer.waterfall.requests}
    assert drawn == {  # "far" lies outside the recording
        "default": [("connect", True), ("TLS", False)],  # no handshake end: a failed TLS bar
        "timed": [("TLS", False)],  # its connect phase ends before it starts
    }
    note = viewer.waterfall._note.text()
    assert "tls.targets[0].attempts[0].handshake_done_at is nan, not a time" in note
    assert "the connect phase ends before it starts (1714555800.0 to 1714555799.0)" in note
    assert "1 request has times outside the recording" in note
    pac = viewer._pac_note.text()
    assert "Left out: pac.evaluation.lookups[0].elapsed is nan, not a number of seconds" in pac
    assert viewer.log.toPlainText()  # the tabs after a failing one are filled too


READ = "the observations of the {0} wizard cannot be read as {1}: {1}"


@pytest.mark.parametrize(
    ("observations", "part", "why"),
    [
        ({"tls": "x"}, "requests", READ.format("tls", "TlsWizardObservations") + ": expected an object, got 'x'"),
        ({"tls": {"targets": {}}}, "requests", READ.format("tls", "TlsWizardObservations") + ".targets: expected a list, got {}"),
        ({"mtu": [1, 2]}, "mtu", READ.format("mtu", "MtuWizardObservations") + ": expected an object, got [1, 2]"),
        ({"mtu": {"targets": 1e308}}, "mtu", READ.format("mtu", "MtuWizardObservations") + ".targets: expected a list, got 1e+308"),
        ({"pac": [None]}, "pac", READ.format("pac", "PacWizardObservations") + ": expected an object, got [None]"),
        ({"hops": [1]}, "hops", READ.format("hops", "HopLocatorObservations") + ": expected an object, got [1]"),
        ({"hops": {"locations": 5}}, "hops", READ.format("hops", "HopLocatorObservations") + ".locations: expected a list, got 5"),
    ],
)  # fmt: skip
def test_a_part_of_another_shape_is_replaced_by_why(
    qtbot: QtBot,
    window: QtMainWindow,
    tmp_path: Path,
    observations: dict[str, Any],
    part: str,
    why: str,
) -> None:
    def edit(report: dict[str, Any]) -> None:
        report["observations"] = observations

    bundle = edited_bundle(SAMPLE_BUNDLE, tmp_path / "part.wsbundle", edit)
    with qtbot.captureExceptions() as exceptions:
        viewer = open_in_viewer(qtbot, window, bundle)
    assert exceptions == []
    failed = {name: guard.failure for name, guard in viewer.parts.items() if guard.failure}
    assert failed == {part: why}
    assert viewer.parts[part].message == f"This part of the bundle could not be shown: {why}"


# -- packet truth and evidence you can see (issue 14) -------------------------------------------


def lab_viewer(qtbot: QtBot, window: QtMainWindow, name: str) -> QtViewerPage:
    from tests.gui.lab_samples import lab_bundle

    viewer = window.viewer_page()
    with qtbot.waitSignal(viewer.filled, timeout=10_000):
        window.open_path(lab_bundle(name))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is viewer, timeout=5000)
    return viewer


def choose_evidence(viewer: QtViewerPage, start: str) -> Any:
    for item in viewer.findings.evidence_items():
        evidence = item.data(0, Qt.ItemDataRole.UserRole + 1)
        if evidence.text.startswith(start):
            viewer.findings.setCurrentItem(item)
            viewer.findings.itemClicked.emit(item, 0)
            return evidence
    raise AssertionError(f"no evidence starting {start!r}")


def test_evidence_of_three_connections_shows_every_cited_packet(
    qtbot: QtBot, window: QtMainWindow
) -> None:
    viewer = lab_viewer(qtbot, window, "C1")
    viewer.tabs.setCurrentWidget(viewer.parts["system"])  # the user was elsewhere
    evidence = choose_evidence(viewer, "37 of 37 packets")
    document = viewer.document
    assert document is not None
    # the timeline and packets come to the front (not the Watch tab, hidden for a run)
    assert viewer.tabs.currentWidget() is viewer.parts["timeline"]
    assert viewer.tabs.isTabVisible(viewer.tabs.currentIndex())
    assert sorted(viewer.packets.selected_numbers()) == sorted(evidence.packets)
    assert viewer.timeline.ringed_lanes() == [0, 1, 2]
    left, right = viewer.timeline.visible_seconds()
    for number in evidence.packets:
        assert left <= document.packet_index[number].time - document.origin <= right
    listed = viewer.packets.table_model.rows
    assert {listed.number_at(r) for r in range(len(listed))} == set().union(
        *(document.connections[lane].packets for lane in (0, 1, 2))
    )
    assert "their connections (3)" in viewer.packet_pane.count.text()


def test_a_held_request_fits_its_whole_interval(qtbot: QtBot, window: QtMainWindow) -> None:
    viewer = lab_viewer(qtbot, window, "C7")
    evidence = choose_evidence(viewer, "http request to 100.64.1.60:80 handed")
    document = viewer.document
    assert document is not None
    (bracket,) = viewer.timeline.brackets
    assert bracket.label == "held 5.001 s"
    left, right = viewer.timeline.visible_seconds()
    start = evidence.timings["sent_by_app"] - document.origin
    end = evidence.timings["on_wire"] - document.origin
    assert left < start < end < right  # the whole 5 s, not 30 ms around one packet
    assert right - left < 2 * (end - start)
    assert "held 5.001 s" in window.statusBar().currentMessage()


def test_the_sequence_graph_shows_the_c1_hole(qtbot: QtBot, window: QtMainWindow) -> None:
    viewer = lab_viewer(qtbot, window, "C1")
    viewer.select_connection(0)
    viewer.tabs.setCurrentWidget(viewer.parts["sequence"])
    graph = viewer.seq_graph.graph
    assert graph is not None and graph.lost == 4096
    holes = viewer.seq_graph.items["holes"]
    assert list(holes.opts["y0"]) == [1] and list(holes.opts["height"]) == [4096]
    assert "4096 bytes never arrived" in viewer.seq_graph.title.text()
    (left, right), (bottom, top) = viewer.seq_graph.visible_range()
    hole = viewer.seq_graph.graph.holes[0]
    document = viewer.document
    assert document is not None
    assert bottom <= 1 and top >= 4097  # the hole is in view...
    assert left <= hole.opened - document.origin <= right  # ...from when it showed
    viewer.select_connection(3)  # the MSS-536 retry: no hole
    assert viewer.seq_graph.graph is not None and viewer.seq_graph.graph.holes == ()


def test_the_stream_shows_the_injected_answer(qtbot: QtBot, window: QtMainWindow) -> None:
    viewer = lab_viewer(qtbot, window, "C6")
    choose_evidence(viewer, "246 non-TLS bytes")
    viewer.packet_pane.follow_button.click()
    assert viewer.tabs.currentWidget() is viewer.parts["stream"]
    shown = viewer.stream.shown_text
    assert "HTTP/1.0 200 OK" in shown and "X-Bypass-Cache: Application and Content" in shown
    viewer.stream.sides.setCurrentIndex(1)  # the client only
    viewer.stream.sides.activated.emit(1)
    assert "X-Bypass-Cache" not in viewer.stream.shown_text


def test_a_packet_shows_its_details_and_bytes(qtbot: QtBot, window: QtMainWindow) -> None:
    viewer = lab_viewer(qtbot, window, "C4-nxdomain")
    pane = viewer.packet_pane
    pane.clear_filters()
    pane.table.select_packets([27])
    pane.show_details(27)
    qtbot.waitUntil(lambda: pane.shown_details is not None, timeout=10_000)
    details = pane.shown_details
    assert details is not None and details.whole_frame and len(details.data) == 585
    tops = [pane.details.topLevelItem(i).text(0) for i in range(pane.details.topLevelItemCount())]
    assert tops[0] == "WireSleuth: frame 27" and tops[-1] == "TLS record: Handshake, 512 bytes"
    record = pane.details.topLevelItem(pane.details.topLevelItemCount() - 1)
    pane.details.setCurrentItem(record)
    marked = pane.bytes.extraSelections()
    assert len(marked) == 2 * 517  # every byte of the record, in hex and as text
    assert pane.bytes.toPlainText().startswith("0000  00 04 00 01 00 06")


def test_open_in_wireshark_runs_the_command_for_the_frame(
    qtbot: QtBot, window: QtMainWindow, tmp_path: Path
) -> None:
    viewer = lab_viewer(qtbot, window, "C8")
    pane = viewer.packet_pane
    document = viewer.document
    assert document is not None and document.capture_file is not None
    pane._wireshark = None
    pane.table.select_packets([14])
    assert not pane.wireshark_button.isVisibleTo(pane) and pane.wireshark_command(14) is None
    program = tmp_path / "wireshark"
    launched: list[list[str]] = []
    pane._wireshark = program
    pane._launch = lambda command: launched.append(command) or True
    pane.table.select_packets([27])
    assert pane.wireshark_button.isVisibleTo(pane) and pane.wireshark_button.isEnabled()
    pane.wireshark_button.click()
    assert launched == [[str(program), "-r", str(document.capture_file), "-g", "27"]]
