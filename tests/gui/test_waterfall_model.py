import pytest

from wiresleuth.gui.json_shape import ShapeError
from wiresleuth.gui.waterfall_model import request_waterfalls
from wiresleuth.model.run import RunResult


def test_requests_of_a_real_run_have_their_phases(engine_run: RunResult) -> None:
    read = request_waterfalls(engine_run.observations)
    assert read.problems == ()
    requests = read.requests
    by_outcome = {(r.purpose, r.outcome): r for r in requests}
    healthy = by_outcome[("default", "ok")]
    assert [p.name for p in healthy.phases] == ["connect", "TLS", "first byte"]
    assert all(p.ok and p.seconds >= 0 for p in healthy.phases)
    reset = by_outcome[("default", "reset")]
    assert [p.name for p in reset.phases] == ["connect", "TLS"]
    tls = reset.phases[1]
    assert not tls.ok and tls.note == "reset"
    assert 0.35 < tls.seconds < 0.9  # the server resets 0.4 s after the ClientHello
    assert ("small-mss", "reset") in by_outcome  # the wizard's follow-up is a request too
    starts = [r.phases[0].start for r in requests]
    assert starts == sorted(starts)
    assert healthy.label.startswith("localhost:") and healthy.label.endswith("(default): ok")


def test_other_shapes_are_left_out_and_named() -> None:
    assert request_waterfalls({}).requests == ()
    with pytest.raises(ShapeError) as caught:
        request_waterfalls({"tls": {"targets": "nope"}})
    assert str(caught.value) == "tls.targets is text ('nope'), not a list"
    odd = {"tls": {"targets": [1, {"attempts": [None, {"connect": 5}]}]}}
    read = request_waterfalls(odd)
    assert read.requests == ()
    assert read.problems == (
        "tls.targets[0] is a number (1), not an object",
        "tls.targets[1].attempts[1].connect is a number (5), not an object",
    )


def attempt(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "target": "x.test:443",
        "purpose": "default",
        "outcome": "ok",
        "connect": {"started_at": 100.0, "connected_at": 100.1},
        "client_hello_at": 100.1,
        "handshake_done_at": 100.3,
        "first_data_at": 100.4,
    }
    fields.update(changes)
    return fields


def test_wild_times_are_left_out_and_the_rest_drawn() -> None:
    attempts = [
        attempt(),
        attempt(purpose="nan", handshake_done_at=float("nan")),
        attempt(purpose="far", connect={"started_at": 1e308, "connected_at": 1e308}),
        attempt(purpose="negative", first_data_at=99.0),
        attempt(purpose="text", client_hello_at="soon"),
    ]
    read = request_waterfalls({"tls": {"targets": [{"target": "x", "attempts": attempts}]}})
    phases = {r.purpose: [p.name for p in r.phases] for r in read.requests}
    assert phases == {
        "default": ["connect", "TLS", "first byte"],
        "nan": ["connect"],  # no handshake end, no TLS failure time: TLS cannot be drawn
        "negative": ["connect", "TLS"],
        "text": ["connect", "first byte"],  # the handshake's start is unknown, its end is not
    }
    assert all(p.end >= p.start for r in read.requests for p in r.phases)
    assert read.problems == (
        "tls.targets[0].attempts[1].handshake_done_at is a number (nan), not a finite number",
        "tls.targets[0].attempts[3]: the first byte phase ends before it starts (100.3 to 99.0)",
        "tls.targets[0].attempts[4].client_hello_at is text ('soon'), not a number",
        "1 request has times outside the recording",
    )


def test_a_refused_connect_is_one_failed_phase() -> None:
    attempt = {
        "target": "x.test:443",
        "purpose": "default",
        "outcome": "connect_failed",
        "ended_at": 101.0,
        "connect": {"started_at": 100.0, "connected_at": None, "error": "refused"},
    }
    (request,) = request_waterfalls(
        {"tls": {"targets": [{"target": "x.test:443", "attempts": [attempt]}]}}
    ).requests
    (phase,) = request.phases
    assert (phase.name, phase.ok, phase.note, phase.seconds) == ("connect", False, "refused", 1.0)
