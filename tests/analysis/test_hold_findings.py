"""Local hold on scripted requests: capture timing, kernel timing, none."""

from __future__ import annotations

from tests.analysis.scripted import Wire
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.hold_findings import (
    analyse_hold,
    is_round,
    stopped_holds,
    unanswered_during,
)
from wiresleuth.analysis.stopped_waits import Stops
from wiresleuth.model.engine_observations import Stall
from wiresleuth.model.hold_observations import (
    ConnectAttemptSeen,
    HeldRequest,
    HoldWizardObservations,
    ProductObservation,
)
from wiresleuth.model.mtu_observations import SegmentAttempt
from wiresleuth.model.observations import ConnectObservation

CLIENT, SERVER, T0 = "198.18.0.2", "198.19.0.10", 1_700_000_000.0
AGENT = ConnectAttemptSeen(
    at=T0 + 1, last_at=T0 + 4, dst="100.64.1.74", dport=5274, sport=41000, syns=3, source="capture"
)


def request(
    port: int, *, sent: float, left: float | None = None, kind: str = "http"
) -> HeldRequest:
    conn = ConnectObservation(
        address=SERVER, port=80, started_at=sent - 0.1, connected_at=sent, local_port=port
    )
    attempt = SegmentAttempt(
        purpose=f"hold-{kind}", connect=conn, trigger="http-get", outcome="answered",
        ended_at=sent + 6, sent_at=sent, first_byte_at=(left or sent) + 0.1, left_host_at=left,
    )  # fmt: skip
    return HeldRequest(target="news.example:443", kind=kind, round=1, attempt=attempt)


def test_capture_shows_the_request_leaving_five_seconds_late() -> None:
    wire = Wire(client=(CLIENT, 50123), server=(SERVER, 80), start=T0 - 0.1)
    wire.handshake(rtt=0.1)
    wire.wait(5.0)
    held = wire.send("client", b"GET / HTTP/1.1\r\n\r\n")
    obs = HoldWizardObservations(
        requests=(request(50123, sent=T0 + 0.0002),),
        attempts_seen=(
            AGENT,
            ConnectAttemptSeen(
                at=T0 + 2, last_at=T0 + 2, dst="100.64.1.9", dport=443, answered=True
            ),
        ),
        products=(
            ProductObservation(
                name="Trend Micro Deep Security Agent", source="process", detail="ds_agent"
            ),
        ),
    )
    found, labels = analyse_hold(obs, assemble_flows(wire.packets))
    assert [f.id for f in found] == ["local.request_held", "local.security_products"]
    hold = found[0]
    assert abs(hold.values["seconds"] - 5.0) < 0.01 and hold.values["round_number"] is True
    assert hold.values["timing"] == ["capture"] and hold.values["unanswered"] == [
        "100.64.1.74:5274"
    ]
    assert held is not None and held.number in hold.packets
    assert "round number" in hold.engineer_text and "Trend Micro" in hold.user_text
    assert "held 5.00 s" in labels[50123]


def test_kernel_timestamp_without_capture_and_an_uneven_hold() -> None:
    obs = HoldWizardObservations(
        requests=(request(50200, sent=T0, left=T0 + 2.37),), attempts_seen=(AGENT,)
    )
    [hold] = analyse_hold(obs, [])[0]
    assert hold.values["timing"] == ["kernel timestamp"] and hold.values["round_number"] is False
    assert hold.values["seconds"] == 2.37


def test_no_timing_no_conclusion_and_no_hold_no_finding() -> None:
    unknown = HoldWizardObservations(requests=(request(50300, sent=T0),))
    assert analyse_hold(unknown, [])[0] == []
    prompt = HoldWizardObservations(requests=(request(50301, sent=T0, left=T0 + 0.0004),))
    assert analyse_hold(prompt, [])[0] == []


def test_attempts_outside_the_hold_window_do_not_count() -> None:
    late = ConnectAttemptSeen(at=T0 + 30, last_at=T0 + 31, dst="100.64.1.8", dport=25)
    assert list(unanswered_during([AGENT, late], [(T0, T0 + 5)])) == ["100.64.1.74:5274"]


def test_round_numbers() -> None:
    assert is_round(5.0004) and is_round(14.95) and not is_round(2.37) and not is_round(0.05)


def replace_requests(obs: HoldWizardObservations, *requests: HeldRequest) -> HoldWizardObservations:
    return HoldWizardObservations(requests=requests, attempts_seen=obs.attempts_seen)


def _stopped_at(start: float, end: float) -> Stops:
    stall = Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)
    return Stops((stall,), 0.05)


def test_a_request_stamped_inside_a_stop_of_the_program_is_not_counted_as_held() -> None:
    """The program read its clock, was stopped before it handed the request over, and the
    request left as it woke, 3 s "later": the time is this program's stop, not a hold."""
    obs = HoldWizardObservations(requests=(request(50400, sent=T0 + 0.5, left=T0 + 3.52),))
    assert [f.id for f in analyse_hold(obs, [])[0]] == ["local.request_held"]
    stop = _stopped_at(T0 + 0.49, T0 + 3.5)
    found, labels = analyse_hold(obs, [], stop)
    assert found == [] and "this program was stopped" in labels[50400]
    [late] = stopped_holds(obs, [], stop)
    assert late.target == "news.example:443" and "proves no hold" in late.detail


def test_a_hold_that_began_before_a_stop_still_counts() -> None:
    """Handed over before the stop (no await between the stamp and the hand-over): the
    request was held whatever stopped the program meanwhile; and a held request beside a
    spoiled one is still concluded."""
    held = request(50401, sent=T0, left=T0 + 5.0)
    obs = HoldWizardObservations(requests=(held,))
    stop = _stopped_at(T0 + 1.0, T0 + 5.5)
    assert [f.id for f in analyse_hold(obs, [], stop)[0]] == ["local.request_held"]
    assert stopped_holds(obs, [], stop) == []
    woke = request(50403, sent=T0 + 5.49, left=T0 + 10.49)  # stamped as it woke, held 5 s
    assert [f.id for f in analyse_hold(replace_requests(obs, woke), [], stop)[0]] == [
        "local.request_held"
    ]
    both = HoldWizardObservations(requests=(held, request(50402, sent=T0 + 1.2, left=T0 + 5.52)))
    [finding] = analyse_hold(both, [], stop)[0]
    assert finding.values["held_requests"] == 1 and finding.values["measured_requests"] == 1
    assert len(stopped_holds(both, [], stop)) == 1
