"""The Connections section: legend, lanes, zoomed lane, and the event table with its cap."""

from __future__ import annotations

from pathlib import Path

from tests.bundle.sample_runs import captured_run
from wiresleuth.bundle.serialize import report_dict
from wiresleuth.report.html_connections import MAX_EVENT_ROWS, connections_html


def test_each_connection_has_a_lane_a_table_and_zoom_when_useful(tmp_path: Path) -> None:
    html = connections_html(report_dict(captured_run(tmp_path)))
    assert html.count('<section class="card connection">') == 3
    assert html.count("<details><summary>All ") == 3
    assert html.count("Zoom on the first") == 2  # C8 and C6, not the steady EF connection
    assert "Zoom on the first 2.25 ms" in html
    assert "DSCP 46 (EF)" in html  # legend swatch and table cells
    assert "198.18.0.2:50112 → 198.19.1.10:443" in html
    assert "<td>46 (EF)</td>" in html


def test_the_event_table_is_capped_and_says_so() -> None:
    events = [
        {"time": 1.0 + i / 1000, "kind": "data", "direction": "in", "packet": i + 1}
        for i in range(MAX_EVENT_ROWS + 25)
    ]
    report = {"connections": [{"id": "c", "start": 1.0, "end": 2.0, "events": events}]}
    html = connections_html(report)
    assert html.count("<tr><td") == MAX_EVENT_ROWS
    assert "25 more events: open capture.pcapng." in html


def test_no_connections() -> None:
    assert "No connection was recorded." in connections_html({})


def test_times_are_seconds_since_frame_1_as_in_the_viewer_and_wireshark(tmp_path: Path) -> None:
    run = captured_run(tmp_path)
    zero = next(e.time for c in run.connections for e in c.events if e.packet == 1)
    html = connections_html(report_dict(run), time_zero=zero)
    assert "Times are seconds since frame 1 of the capture" in html
    for connection in run.connections:
        for event in connection.events:
            assert f'<tr><td class="num">{event.time - zero:.6f}</td>' in html


def test_without_a_capture_times_count_from_the_start_of_the_run() -> None:
    events = [{"time": 1000.5, "kind": "connect", "direction": "out"}]
    connection = {"id": "c", "start": 1000.5, "end": 1001.0, "events": events}
    report = {"started_at": 1000.0, "connections": [connection]}
    html = connections_html(report)
    assert "seconds since the start of the run" in html
    assert '<tr><td class="num">0.500000</td>' in html
