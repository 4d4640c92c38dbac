"""The viewer on bundles with numbers of every wrong kind: each tab shows what it can and says
what it could not, and no exception escapes a Qt slot (pytest-qt's capture, made explicit).

The crash case (a lone connection from 1e308 to -1e308 killed the process) runs in a separate
process in test_gui_cmd.py, so a crash is a return code, not a dead test run.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SAMPLE_BUNDLE, loopback_profile
from tests.gui.hostile_bundles import edited_bundle
from wiresleuth.gui.capture_rights import CaptureRights
from wiresleuth.gui.qt_main_window import QtMainWindow
from wiresleuth.gui.qt_viewer_page import QtViewerPage

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qtbot: QtBot, home: Path) -> QtMainWindow:
    window = QtMainWindow(
        loopback_profile(), capture=False, rights=CaptureRights(available=True), warm_up=False
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=5000):
        window.show()
    return window


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
    attempt = {
        "target": ["not", "text"],
        "purpose": "default",
        "outcome": {"not": "text"},
        "connect": [],
        "client_hello_at": "1714555800.1",
        "handshake_done_at": math.nan,
    }
    timed = {
        "purpose": "timed",
        "connect": {"started_at": 1714555800.0, "connected_at": 1714555799.0},
        "client_hello_at": 1714555800.1,
        "reset_at": 1714555801.0,
    }
    far = {"purpose": "far", "connect": {"started_at": 1e308, "connected_at": 1e308}}
    probes = [{"size": math.nan, "result": "reply"}, {"size": 1400, "result": "reply"}]
    report["observations"] = {
        "tls": {"targets": [{"target": 443, "attempts": [attempt, timed, far, 5]}, "text"]},
        "mtu": {"targets": [{"target": "x:443", "sweep": {"probes": probes, "path_mtu": "1"}}]},
        "pac": {
            "pac_url": "http://wpad.lab.test/wpad.dat",
            "fetch": [],
            "evaluation": {"decisions": 5, "lookups": [{"name": "wpad", "elapsed": "1"}]},
        },
        "gateway": math.nan,
    }


def test_odd_measurement_types_are_said_in_their_tabs(
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
        "Left out: mtu.targets[0].sweep.probes[0].size is a number (nan), not a finite number; "
        "mtu.targets[0].sweep.path_mtu is text ('1'), not a number."
    )
    (request,) = viewer.waterfall.requests  # the one attempt with usable times
    assert [(p.name, p.ok) for p in request.phases] == [("TLS", False)]
    note = viewer.waterfall._note.text()
    assert "Left out: tls.targets[0].attempts[0].connect is a list of 0, not an object;" in note
    assert "attempts[0].handshake_done_at is a number (nan), not a finite number" in note
    assert "the connect phase ends before it starts (1714555800.0 to 1714555799.0)" in note
    assert "tls.targets[1] is text ('text'), not an object" in note
    assert "1 request has times outside the recording" in note
    pac = viewer._pac_note.text()
    assert "Left out: pac.fetch is a list of 0, not an object;" in pac
    assert "pac.evaluation.decisions is a number (5), not a list" in pac
    assert "pac.evaluation.lookups[0].elapsed is text ('1'), not a number" in pac
    assert viewer.log.toPlainText()  # the tabs after a failing one are filled too


@pytest.mark.parametrize(
    ("observations", "part", "why"),
    [
        ({"tls": "x"}, "requests", "the measurements of 'tls' are text ('x'), not an object"),
        ({"tls": {"targets": {}}}, "requests", "tls.targets is an object, not a list"),
        ({"mtu": [1, 2]}, "mtu", "the measurements of 'mtu' are a list of 2, not an object"),
        ({"mtu": {"targets": 1e308}}, "mtu", "mtu.targets is a number (1e+308), not a list"),
        ({"pac": [None]}, "pac", "the measurements of 'pac' are a list of 1, not an object"),
    ],
)
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
