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
