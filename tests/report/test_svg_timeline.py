"""The SVG lane of a connection: one marker per event, tooltips, DSCP colours, zoom, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.bundle.sample_runs import captured_run
from wiresleuth.bundle.serialize import connection_dict
from wiresleuth.report.svg_timeline import (
    KIND_STYLES,
    MAX_MARKERS,
    dscp_colour,
    dscp_name,
    hidden_markers,
    legend_items,
    ms_label,
    nice_step,
    timeline_svg,
    zoom_window,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def lanes(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    run = captured_run(tmp_path_factory.mktemp("capture"))
    return [connection_dict(c) for c in run.connections]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML or this raises


def test_one_marker_with_a_tooltip_per_event(lanes: list[dict[str, Any]]) -> None:
    for lane in lanes:
        root = _parse(timeline_svg(lane))
        groups = root.findall(f"{SVG}g")
        assert len(groups) == len(lane["events"])
        titles = [g.findtext(f"{SVG}title") or "" for g in groups]
        for event in lane["events"]:
            assert any(f"frame {event['packet']}" in t for t in titles), event


def test_tooltip_words_for_the_c8_reset(lanes: list[dict[str, Any]]) -> None:
    titles = [g.findtext(f"{SVG}title") for g in _parse(timeline_svg(lanes[0])).iter(f"{SVG}g")]
    assert (
        "RST received · at 3.104300 s · frame 6 · 40 bytes · TTL 62 · "
        "RST 3.00 s after ClientHello"
    ) in titles


def test_marked_packets_take_the_dscp_colour(lanes: list[dict[str, Any]]) -> None:
    svg = timeline_svg(lanes[2])
    ef = dscp_colour(46)
    marked = [e for e in lanes[2]["events"] if e["dscp"] == 46]
    assert len(marked) == 5
    assert svg.count(f'fill="{ef}"') + svg.count(f'stroke="{ef}" stroke-width="2.2"') >= 5
    assert "DSCP 46 (EF)" in svg
    assert ef not in timeline_svg(lanes[0])


def test_without_a_time_zero_the_axis_counts_from_the_connection(
    lanes: list[dict[str, Any]],
) -> None:
    ticks = re.findall(r'class="tick">([^<]+)<', timeline_svg(lanes[0]))
    assert ticks == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5"]
    assert "seconds since the connection&#x27;s first event" in timeline_svg(lanes[0])


def test_times_are_seconds_since_frame_1_on_round_ticks(lanes: list[dict[str, Any]]) -> None:
    """One time base (issue 14): the lane of a connection that starts 1.234 s after frame 1
    has its ticks on round values of that base, and its tooltips say when as Wireshark does."""
    lane = lanes[0]
    zero = lane["start"] - 1.234
    svg = timeline_svg(lane, time_zero=zero)
    ticks = re.findall(r'class="tick">([^<]+)<', svg)
    assert ticks == ["1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5"]
    assert "seconds since frame 1 of the capture" in svg
    titles = [g.findtext(f"{SVG}title") or "" for g in _parse(svg).iter(f"{SVG}g")]
    first = lane["events"][0]
    assert titles[0].startswith(f"SYN sent · at {first['time'] - zero:.6f} s · frame 1")


def test_zoom_on_a_fast_start_followed_by_a_long_wait(lanes: list[dict[str, Any]]) -> None:
    c8, c6, voice = lanes
    assert zoom_window(c6) == pytest.approx(0.0018 * 1.25, abs=1e-6)
    assert zoom_window(c8) == pytest.approx(0.2031 * 1.25, abs=1e-6)
    assert zoom_window(voice) is None
    zoomed = _parse(timeline_svg(c6, until=zoom_window(c6)))
    assert len(zoomed.findall(f"{SVG}g")) == 5  # SYN, SYN-ACK, ACK, ClientHello, ACK
    ticks = re.findall(r'class="tick">([^<]+)<', timeline_svg(c6, until=zoom_window(c6)))
    assert ticks[:3] == ["0.0000", "0.0005", "0.0010"]  # seconds, to the step's precision


def test_markers_beyond_the_cap_are_counted_not_drawn() -> None:
    events = [
        {
            "time": 100.0 + i * 0.001,
            "kind": "data",
            "direction": "in" if i % 2 else "out",
            "packet": i + 1,
            "length": 1500,
            "dscp": 0,
            "ttl": 60,
            "detail": "",
        }
        for i in range(1000)
    ]
    lane = {"id": "a", "label": "bulk", "start": 100.0, "end": 101.0, "events": events}
    root = _parse(timeline_svg(lane))
    assert len(root.findall(f"{SVG}g")) == MAX_MARKERS
    assert hidden_markers(lane) == 1000 - MAX_MARKERS


def test_hostile_and_malformed_content_is_escaped_and_survived() -> None:
    lane = {
        "id": "<x>",
        "label": '</svg><script>alert("x")</script>',
        "start": "soon",
        "end": None,
        "events": [
            {
                "time": 5.0,
                "kind": "<b>evil</b>",
                "direction": "in",
                "packet": "7",
                "detail": '"><script>alert(1)</script>',
                "dscp": "EF",
                "ttl": float("nan"),
            },
            "not an event",
            {"time": "later", "kind": "syn", "direction": "out"},
        ],
    }
    svg = timeline_svg(lane)
    root = _parse(svg)
    assert "<script" not in svg
    assert len(root.findall(f"{SVG}g")) == 2
    assert "&lt;b&gt;evil&lt;/b&gt;" in svg


def test_empty_connection() -> None:
    root = _parse(timeline_svg({"id": "x", "events": []}))
    assert root.findall(f"{SVG}g") == []
    assert zoom_window({"events": []}) is None


@pytest.mark.parametrize(
    ("dscp", "name"),
    [
        (46, "EF"),
        (34, "AF41"),
        (10, "AF11"),
        (48, "CS6"),
        (8, "CS1"),
        (44, "VOICE-ADMIT"),
        (1, "LE"),
        (5, "5"),
    ],
)
def test_dscp_names(dscp: int, name: str) -> None:
    assert dscp_name(dscp) == name


@pytest.mark.parametrize(
    ("span", "step", "label"),
    [(3104.3, 500.0, "1,500"), (2.25, 0.5, "1.5"), (411.2, 100.0, "300"), (0.03, 0.005, "0.015")],
)
def test_nice_steps_and_labels(span: float, step: float, label: str) -> None:
    assert nice_step(span) == pytest.approx(step)
    assert ms_label(step * 3, step) == label


def test_legend_lists_known_kinds_in_order_then_unknown_ones(lanes: list[dict[str, Any]]) -> None:
    extra = {"events": [{"time": 1.0, "kind": "zzz-new", "direction": "in", "dscp": 10}]}
    kinds, dscps = legend_items([*lanes, extra])
    assert kinds[:3] == ["syn", "syn-ack", "ack"]
    assert kinds[-1] == "zzz-new"
    assert set(kinds[:-1]) <= set(KIND_STYLES)
    assert dscps == [10, 46]
