from dataclasses import replace

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.gui.synthetic import CLIENT, synthetic_packets
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.timeline import build_timelines
from wiresleuth.gui.qt_timeline import EVENT_GROUPS, SOCKET_GROUP, QtTimeline, group_of
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
