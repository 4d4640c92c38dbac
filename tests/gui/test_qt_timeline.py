from dataclasses import replace

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot

from tests.gui.synthetic import CLIENT, synthetic_packets
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.timeline import build_timelines
from wiresleuth.gui.lane_labels import full_label
from wiresleuth.gui.qt_timeline import (
    EVENT_GROUPS,
    LANE_MIN_PX,
    SOCKET_GROUP,
    QtTimeline,
    group_of,
)
from wiresleuth.model.packet import PacketRecord
from wiresleuth.model.timeline import Connection, TimelineEvent

Capture = tuple[list[PacketRecord], list[Connection]]

pytestmark = pytest.mark.qt


@pytest.fixture(scope="module")
def big_capture() -> Capture:
    packets = synthetic_packets(200, 500)
    return packets, build_timelines(assemble_flows(packets))


def test_100000_packets_one_lane_per_connection_every_packet_in_the_strip(
    qtbot: QtBot, big_capture: Capture
) -> None:
    packets, connections = big_capture
    assert len(packets) > 99_000 and len(connections) == 200
    timeline = QtTimeline()
    qtbot.addWidget(timeline)
    timeline.resize(1000, 600)
    timeline.show()
    origin = packets[0].time
    timeline.set_connections(connections, origin, packets)
    assert len(timeline._bars.opts["x0"]) == 200
    xs, _ = timeline._out_curve.getOriginalDataset()
    xi, _ = timeline._in_curve.getOriginalDataset()
    assert len(xs) + len(xi) == 3 * len(packets)  # a stem per packet
    assert timeline._out_curve.opts["autoDownsample"]
    assert (
        timeline._out_curve.opts["clipToView"]
        and timeline._out_curve.opts["downsampleMethod"] == "peak"
    )
    qtbot.wait(50)
    shown, heights = timeline._out_curve.getData()
    assert len(shown) < len(xs)  # zoomed out: peak-downsampled, not every stem drawn
    assert np.isfinite(heights).all()
    largest = max(p.length for p in packets if p.src == CLIENT)
    assert heights.max() == largest  # the tallest stem survives downsampling
    _, below = timeline._in_curve.getData()
    assert below.min() == -max(p.length for p in packets if p.src != CLIENT)
    left, right = timeline.visible_seconds()
    assert left < 0 and right > connections[-1].end - origin


def test_marks_follow_the_packets_and_select_their_lane(qtbot: QtBot, big_capture: Capture) -> None:
    packets, connections = big_capture
    timeline = QtTimeline()
    qtbot.addWidget(timeline)
    timeline.set_connections(connections, packets[0].time, packets)
    lane = 150
    numbers = list(connections[lane].packets[40:42])
    assert timeline.show_packets(numbers)
    assert timeline.selected_lane == lane
    left, right = timeline.visible_seconds()
    times = [packets[n - 1].time - packets[0].time for n in numbers]
    assert left < min(times) <= max(times) < right
    assert right - left < 1.0  # zoomed in on them
    assert not timeline.show_packets([10**9])  # not in this capture


def test_socket_events_are_drawn_as_the_packet_they_stand_for() -> None:
    def event(kind: str, packet: int | None) -> TimelineEvent:
        return TimelineEvent(time=0.0, kind=kind, direction="out", packet=packet)

    handshake = EVENT_GROUPS[0][:2]
    assert group_of(event("syn", 1)) == handshake
    assert group_of(event("connect", None)) == handshake
    assert group_of(event("reset", None))[0] == "RST"
    assert group_of(event("timeout", None)) == SOCKET_GROUP


T0 = 1_714_555_800.0


def lane(name: str, start: float, end: float, *event_times: float) -> Connection:
    events = tuple(
        TimelineEvent(time=t, kind="syn", direction="out", packet=None) for t in event_times
    )
    return Connection(
        id=name, client=CLIENT, client_port=1, server="100.64.0.1", server_port=443,
        start=start, end=end, events=events, label=name,
    )  # fmt: skip


def test_wild_times_are_left_out_named_and_cannot_break_the_view(qtbot: QtBot) -> None:
    timeline = QtTimeline()
    qtbot.addWidget(timeline)
    timeline.resize(900, 500)
    timeline.show()
    connections = [
        lane("good", T0, T0 + 2, T0, T0 + 1),
        lane("huge", 1e308, -1e308, 1e308),
        lane("nan", float("nan"), T0 + 1, float("inf")),
        lane("backwards", T0 + 3, T0 + 2.5),
    ]
    timeline.set_connections(connections, 1e308)
    assert timeline.origin == T0  # the first time of the recording, not the wild one
    assert list(timeline._bars.opts["y"]) == [0.0, 3.0]  # "huge" and "nan" are not drawn
    assert list(timeline._bars.opts["x0"]) == [0.0, 2.5]
    assert timeline.problems == (
        "huge: its times (1e+308 to -1e+308) lie outside the recording; not drawn",
        "nan: its times (nan to 1714555801.0) lie outside the recording; not drawn",
        "backwards: it ends before it starts (1714555803.0 to 1714555802.5)",
        "2 events have times outside the recording; not drawn",
    )
    left, right = timeline.visible_seconds()
    assert left < 0 < 3 < right < 4  # fitted to what is drawn
    for _ in range(100):  # zooming out stops at the recording's plausible span
        timeline.zoom_out()
    left, right = timeline.visible_seconds()
    assert np.isfinite([left, right]).all() and right - left <= 2 * 7 * 86_400 + 1
    for _ in range(200):  # zooming in stops at a microsecond
        timeline.zoom_in()
    left, right = timeline.visible_seconds()
    assert right - left >= 0.9e-6
    timeline.select_lane(1)  # a lane without a bar can be selected (by its name)
    assert timeline.selected_lane == 1 and list(timeline._selection.opts["x0"]) == []
    qtbot.wait(20)


def test_packets_stamped_far_away_stay_off_the_strip(qtbot: QtBot) -> None:
    packets = synthetic_packets(2, 10, start=T0)
    wild = [
        replace(packets[0], number=len(packets) + 1, time=0.0),
        replace(packets[1], number=len(packets) + 2, time=float("nan")),
    ]
    timeline = QtTimeline()
    qtbot.addWidget(timeline)
    timeline.set_connections(build_timelines(assemble_flows(packets)), T0, packets + wild)
    xs, _ = timeline._out_curve.getOriginalDataset()
    xi, _ = timeline._in_curve.getOriginalDataset()
    assert len(xs) + len(xi) == 3 * len(packets)
    assert timeline.problems == ("2 packets have times outside the recording; not drawn",)
    assert not timeline.show_packets([len(packets) + 1])


# -- a timeline that scales (issue 14 item 4) ---------------------------------------------------


def many_lanes(count: int) -> list[Connection]:
    return [
        lane(f"request {i} to server-{i}.lab.test:443 (round {1 + i % 2})", T0 + i, T0 + i + 2, T0 + i)
        for i in range(count)
    ]


def shown_timeline(qtbot: QtBot, connections: list[Connection], height: int = 520) -> QtTimeline:
    timeline = QtTimeline(sizes=False)
    qtbot.addWidget(timeline)
    timeline.resize(1000, height)
    timeline.show()
    qtbot.waitExposed(timeline)
    timeline.set_connections(connections, T0)
    qtbot.wait(20)
    return timeline


def wheel(widget: object, notches: int) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(widget, QWidget)
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
        QPoint(0, 120 * notches), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_the_wheel_zooms_time_and_leaves_the_lanes_alone(qtbot: QtBot) -> None:
    timeline = shown_timeline(qtbot, many_lanes(6))
    lanes_before = timeline.y_range()
    left, right = timeline.visible_seconds()
    for _ in range(5):
        wheel(timeline._view.viewport(), 1)
        qtbot.wait(5)
    zoomed = timeline.visible_seconds()
    assert zoomed[1] - zoomed[0] < (right - left) * 0.8  # time zoomed in
    assert timeline.y_range() == lanes_before  # every lane still where it was
    for _ in range(5):
        wheel(timeline._view.viewport(), -1)
    assert timeline.y_range() == lanes_before


def test_six_lanes_all_shown_many_lanes_keep_their_height_and_scroll(qtbot: QtBot) -> None:
    few = shown_timeline(qtbot, many_lanes(6))
    assert few.visible_lanes() == (0, 5) and not few.lane_scroll.isVisible()
    crowd = shown_timeline(qtbot, many_lanes(60))
    box_height = crowd._plot.getViewBox().height()
    shown = crowd.visible_lane_count()
    assert box_height / shown >= LANE_MIN_PX - 0.01  # no lane drawn lower than the minimum
    assert crowd.lane_scroll.isVisible() and crowd.lane_scroll.maximum() > 0
    first, last = crowd.visible_lanes()
    assert first == 0 and last < 59
    crowd.lane_scroll.setValue(crowd.lane_scroll.maximum())
    assert crowd.visible_lanes()[1] == 59  # the last lane can be reached


def test_lanes_by_keyboard_and_by_the_lane_list(qtbot: QtBot) -> None:
    timeline = shown_timeline(qtbot, many_lanes(40))
    chosen: list[int] = []
    timeline.connection_selected.connect(chosen.append)
    timeline._view.setFocus()
    qtbot.keyClick(timeline._view, Qt.Key.Key_Down)
    qtbot.keyClick(timeline._view, Qt.Key.Key_Down)
    assert chosen == [0, 1] and timeline.selected_lane == 1
    qtbot.keyClick(timeline._view, Qt.Key.Key_End)
    assert timeline.selected_lane == 39
    first, last = timeline.visible_lanes()
    assert first <= 39 <= last  # scrolled to it
    qtbot.keyClick(timeline._view, Qt.Key.Key_Home)
    assert timeline.selected_lane == 0 and timeline.visible_lanes()[0] == 0
    # The lane list: every full name (the axis cuts them), and choosing one picks its lane.
    connections = timeline.connections
    names = [timeline.lane_list.item(i).text() for i in range(timeline.lane_list.count())]
    assert names == [f"{i + 1}  {full_label(c)}" for i, c in enumerate(connections)]
    timeline.lane_list.setCurrentRow(25)
    assert chosen[-1] == 25 and timeline.selected_lane == 25
    assert timeline.lane_at_axis(QPointF(-1e6, -1e6)) is None


def test_evidence_is_a_bracket_across_its_lanes_and_the_view_fits_it(qtbot: QtBot) -> None:
    from wiresleuth.gui.evidence_intervals import EvidenceInterval

    packets = synthetic_packets(30, 10, start=T0)
    connections = build_timelines(assemble_flows(packets))
    timeline = QtTimeline()
    qtbot.addWidget(timeline)
    timeline.resize(1000, 500)
    timeline.show()
    timeline.set_connections(connections, T0, packets)
    cited = [connections[3].packets[0], connections[20].packets[-1], connections[27].packets[2]]
    times = {p.number: p.time for p in packets}
    span = EvidenceInterval(
        start=times[cited[0]], end=times[cited[1]], label="3 s", lanes=(3, 20),
    )  # fmt: skip
    assert timeline.show_evidence([span], cited)
    assert timeline.brackets == (span,)
    assert timeline.ringed_lanes() == [3, 20, 27]  # every cited packet, from every connection
    left, right = timeline.visible_seconds()
    for number in cited:
        assert left <= times[number] - T0 <= right
    assert right - left < 1.5 * (max(times[n] for n in cited) - min(times[n] for n in cited)) + 0.01
    labels = [m for m in timeline._marks if isinstance(m, pg.TextItem)]
    assert [m.toPlainText() for m in labels] == ["3 s"]
