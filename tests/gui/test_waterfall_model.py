from wiresleuth.gui.waterfall_model import request_waterfalls
from wiresleuth.model.run import RunResult


def test_requests_of_a_real_run_have_their_phases(engine_run: RunResult) -> None:
    requests = request_waterfalls(engine_run.observations)
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


def test_other_shapes_are_skipped_not_fatal() -> None:
    assert request_waterfalls({}) == ()
    assert request_waterfalls({"tls": {"targets": "nope"}}) == ()
    odd = {"tls": {"targets": [1, {"attempts": [None, {"connect": 5}]}]}}
    assert request_waterfalls(odd) == ()


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
    )
    (phase,) = request.phases
    assert (phase.name, phase.ok, phase.note, phase.seconds) == ("connect", False, "refused", 1.0)
