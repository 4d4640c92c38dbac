from wiresleuth.gui.live_timeline import live_connections
from wiresleuth.model.events import ProgressEvent


def socket(target: str, event: str, at: float, detail: str) -> ProgressEvent:
    return ProgressEvent(
        kind="socket",
        time=at,
        message=f"{target}: {event}",
        wizard="tls",
        data={"target": target, "event": event, "at": at, "detail": detail},
    )


def test_each_attempt_is_a_lane_and_a_failure_joins_its_attempt() -> None:
    events = [
        ProgressEvent(kind="run-started", time=0.0, message="go"),
        socket("a.test:443", "connect", 10.0, "default"),
        socket("b.test:443", "connect", 10.01, "default"),
        socket("a.test:443", "established", 10.1, "default"),
        socket("a.test:443", "client-hello", 10.11, "default"),
        socket("a.test:443", "reset", 13.1, "default"),
        socket(
            "a.test:443", "reset", 13.1, "connection reset (RST)"
        ),  # outcome: detail is the error
        socket("a.test:443", "connect", 13.2, "small-mss"),
        socket("a.test:443", "established", 13.3, "small-mss"),
    ]
    lanes = live_connections(events)
    assert [c.label for c in lanes] == [
        "a.test:443 (default)",
        "b.test:443 (default)",
        "a.test:443 (small-mss)",
    ]
    first = lanes[0]
    assert [e.kind for e in first.events] == [
        "connect",
        "established",
        "client-hello",
        "reset",
        "reset",
    ]
    assert [e.direction for e in first.events] == ["out", "in", "out", "in", "in"]
    assert first.events[-1].detail == "connection reset (RST)"
    assert all(e.packet is None for e in first.events)  # socket-level: no packet yet
    assert (first.start, first.end) == (10.0, 13.1)
    assert (first.server, first.server_port) == ("a.test", 443)


def test_no_socket_events_no_lanes() -> None:
    assert live_connections([ProgressEvent(kind="step", time=1.0, message="x")]) == ()
