from wiresleuth.gui.live_timeline import live_connections, status_line, waiting
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


def live(target: str, event: str, at: float, lane: str, detail: str = "") -> ProgressEvent:
    return ProgressEvent(
        kind="socket", time=at, message=f"{target}: {event}", wizard="tls",
        data={"target": target, "event": event, "at": at, "detail": detail or lane, "lane": lane},
    )  # fmt: skip


HANGING = [
    live("a.test:443", "connect", 10.0, "default"),
    live("a.test:443", "established", 10.1, "default"),
    live("a.test:443", "client-hello", 10.11, "default"),
    live("b.test:80", "connect", 10.2, "https"),
    live("b.test:80", "established", 10.3, "https"),
    live("b.test:80", "sent-by-app", 10.31, "https"),
    live("b.test:80", "closed", 15.3, "https"),
]


def test_a_waiting_connection_has_a_lane_that_grows_until_it_ends() -> None:
    a, b = live_connections(HANGING, now=14.0)
    assert (a.start, a.end) == (10.0, 14.0)  # still waiting: up to now
    assert live_connections(HANGING, now=16.0)[0].end == 16.0
    assert (b.start, b.end) == (10.2, 10.31)  # ended: its last moment, "closed" not drawn
    assert "closed" not in [e.kind for e in b.events]
    assert live_connections(HANGING)[0].end == 10.11  # the run is over: nothing grows


def test_what_is_waited_for_in_plain_words() -> None:
    (wait,) = waiting(HANGING, now=14.2)
    assert wait.sentence(14.2) == "Waiting 4 s for a.test:443 to answer the secure greeting (TLS)"
    more = [*HANGING, live("c.test:443", "connect", 14.0, "default")]
    line = status_line(waiting(more, 14.2), ["TLS"], 14.2)
    assert line == (
        "Waiting 4 s for a.test:443 to answer the secure greeting (TLS) (and 1 other connection)…"
    )
    assert status_line((), ["TLS", "Proxy path"], 1.0) == "Checking: TLS, Proxy path…"
    assert status_line((), (), 1.0) == ""


def test_a_failure_named_by_its_lane_stays_in_it() -> None:
    events = [
        live("a.test:443", "connect", 1.0, "http"),
        live("a.test:443", "connect", 1.0, "https"),
        live("a.test:443", "timeout", 2.0, "http", detail="no answer before the deadline"),
    ]
    http, https = live_connections(events)
    assert [e.kind for e in http.events] == ["connect", "timeout"]
    assert http.events[-1].detail == "no answer before the deadline"
    assert [e.kind for e in https.events] == ["connect"]
