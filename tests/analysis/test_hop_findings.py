"""The hop locator's conclusions, on real lab recordings and on scripted traces."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.analysis.hop_samples import finding, hops_of, recorded
from wiresleuth.analysis.hop_findings import NEEDS_CAPTURE, hop_conclusions, read_locations
from wiresleuth.analysis.stopped_waits import Stops
from wiresleuth.model.engine_observations import Stall
from wiresleuth.model.hop_observations import (
    HopLocation,
    HopLocatorObservations,
    HopProbe,
    HopRequest,
    HopSuspicion,
    HopTrace,
)

RESET = "tls.reset_after_client_hello"


@pytest.mark.parametrize("name", ["mss-clamp", "mss-clamp-nocap", "C6"])
def test_a_recording_concludes_again_what_its_run_did(name: str) -> None:
    """The additions and the rewrite finding, from the bundle's observations and packets,
    carry the values, evidence and packets the run's own findings hold."""
    run = recorded(name)
    again = hop_conclusions(hops_of(run), run.packets, captured=run.capture.available)
    assert again.additions
    for addition in again.additions:
        held = finding(run, addition.id)
        assert held.target == addition.target and "hops" in held.wizard
        assert all(held.values[key] == value for key, value in addition.values.items())
        assert all(ev in held.evidence for ev in addition.evidence)
        assert addition.user_text in held.user_text
    for rewrite in again.findings:
        held = finding(run, rewrite.id)
        assert (rewrite.values, rewrite.packets) == (held.values, held.packets)


def test_with_capture_the_clamp_and_the_remark_are_named_between_hop_1_and_hop_2() -> None:
    run = recorded("mss-clamp")
    again = hop_conclusions(hops_of(run), run.packets, captured=True)
    [rewrite] = again.findings
    assert rewrite.values["rewritten"] == ["MSS option", "DSCP"]
    assert (rewrite.values["mss_sent"], rewrite.values["mss_seen"]) == (1460, 1200)
    assert (rewrite.values["dscp_sent"], rewrite.values["dscp_seen"]) == (0, 8)
    assert rewrite.values["mss_after_hop"] == 1 and rewrite.values["mss_at_hop"] == 2
    assert "between hop 1 (198.18.1.1, router1.lab.test, your first router) and hop 2" in (
        rewrite.user_text
    )
    assert "hop_limits" not in rewrite.values
    [reading] = read_locations(hops_of(run), run.packets, captured=True)
    second = reading.rows[1]
    assert (second.ttl, second.address) == (2, "100.64.2.2")
    assert second.seen[-2:] == (
        "quotes MSS option 1200, not 1460: changed before this hop",
        "quotes DSCP 8, not 0: changed before this hop",
    )
    cited = {p.number: p for p in run.packets if p.number in rewrite.packets}
    assert {p.icmp_type for p in cited.values() if p.proto == 1} >= {11}  # the quotes


def test_without_capture_the_clamp_is_named_and_the_dscp_is_said_to_be_out_of_reach() -> None:
    run = recorded("mss-clamp-nocap")
    assert not run.capture.available and not run.packets
    again = hop_conclusions(hops_of(run), (), captured=False)
    [rewrite] = again.findings
    assert rewrite.values["rewritten"] == ["MSS option"]
    assert "DSCP changes on the way could not be compared" in rewrite.engineer_text
    assert "as hop 1 quotes it" in rewrite.engineer_text


def test_the_reset_is_placed_at_the_servers_distance() -> None:
    run = recorded("mss-clamp")
    [addition] = hop_conclusions(hops_of(run), run.packets, captured=True).additions
    assert addition.id == RESET
    assert addition.values == {
        "located": True, "answer_hop": 3, "answer_address": "100.64.1.45", "server_hops": 3,
    }  # fmt: skip
    assert addition.user_text.startswith(
        "The reset comes from hop 3 (100.64.1.45, the server's own address), as far away as "
        "the server itself"
    )


def test_c6_the_cache_is_hop_2_and_the_server_hop_3() -> None:
    run = recorded("C6")
    additions = hop_conclusions(hops_of(run), run.packets, captured=True).additions
    by_id = {a.id: a for a in additions}
    assert set(by_id) == {"path.tcp_intercepted", "tls.plaintext_injected"}
    for addition in additions:
        assert addition.values["answer_hop"] == 2
        assert addition.values["answer_address"] == "100.64.2.2"
        assert addition.values["server_hops"] == 3
    assert (
        "The injected answer comes from hop 2 (100.64.2.2, router2.lab.test); the server "
        "is 3 hops away." in by_id["tls.plaintext_injected"].user_text
    )
    [reading] = read_locations(hops_of(run), run.packets, captured=True)
    rows = [(r.ttl, r.address, r.answers, r.destination) for r in reading.rows]
    assert rows == [
        (1, "198.18.1.1", False, False),
        (2, "100.64.2.2", True, False),
        (3, "100.64.1.30", False, True),
    ]


def _probe(ttl: int, fate: str, **kw: object) -> HopProbe:
    return HopProbe(ttl=ttl, sent_at=1000.0 + ttl, fate=fate, **kw)  # type: ignore[arg-type]


def _location(**kw: object) -> HopLocation:
    request = HopRequest(
        target="www.lab.test:443", address="100.64.1.10", port=443, kind="syn",
        findings=(HopSuspicion(id="path.tcp_intercepted", target="www.lab.test:443"),),
    )  # fmt: skip
    reference = HopTrace(
        kind="echo", address="100.64.1.10",
        probes=(_probe(1, "expired", reported_by="198.18.1.1", rtt=0.001),
                _probe(2, "silent"),
                _probe(3, "answered", answer="echo-reply", rtt=0.1)),
    )  # fmt: skip
    syn = HopTrace(
        kind="syn", address="100.64.1.10", port=443,
        probes=(_probe(1, "expired", reported_by="198.18.1.1"),
                _probe(2, "answered", answer="syn-ack", rtt=0.002),
                _probe(3, "not_waited")),
    )  # fmt: skip
    return HopLocation(**{"request": request, "reference": reference, "syn": syn, **kw})  # type: ignore[arg-type]


def test_a_hop_that_names_itself_nowhere_is_listed_without_an_address() -> None:
    obs = HopLocatorObservations(locations=(_location(),), error_queue=True)
    [addition] = hop_conclusions(obs, (), captured=False).additions
    assert addition.values["answer_hop"] == 2 and addition.values["answer_address"] is None
    assert "hop 2 (its address is unknown: it sent no ICMP message)" in addition.user_text
    [reading] = read_locations(obs, (), captured=False)
    assert [r.address for r in reading.rows] == ["198.18.1.1", None, "100.64.1.10"]
    assert reading.rows[1].seen == ("ICMP echo: no answer", "SYN: SYN-ACK after 2.0 ms")


def test_without_error_queue_nor_capture_the_hop_is_counted_but_not_named() -> None:
    location = _location()
    stripped = replace(
        location,
        reference=replace(location.reference, probes=tuple(  # type: ignore[arg-type]
            replace(p, reported_by=None, fate="silent") if p.fate == "expired" else p
            for p in location.reference.probes  # type: ignore[union-attr]
        )),
        syn=replace(location.syn, probes=tuple(  # type: ignore[arg-type]
            replace(p, reported_by=None, fate="silent") if p.fate == "expired" else p
            for p in location.syn.probes  # type: ignore[union-attr]
        )),
    )  # fmt: skip
    obs = HopLocatorObservations(locations=(stripped,), error_queue=False)
    [addition] = hop_conclusions(obs, (), captured=False).additions
    assert addition.values["located"] is True and addition.values["answer_hop"] == 2
    assert addition.values["answer_address"] is None
    assert NEEDS_CAPTURE in str(addition.values["hop_limits"])
    assert "hop 2 (its address needs capture rights here)" in addition.user_text
    assert "The routers' addresses need capture rights here" in addition.engineer_text


def test_a_skipped_request_says_why() -> None:
    location = _location(reference=None, syn=None)
    request = replace(location.request, skipped="through the proxy p:3128")
    obs = HopLocatorObservations(locations=(replace(location, request=request),), error_queue=True)
    [addition] = hop_conclusions(obs, (), captured=False).additions
    assert addition.values["not_located"] == "through the proxy p:3128"


def test_an_answer_that_does_not_come_again_is_not_located() -> None:
    location = _location()
    request = replace(location.request, kind="client-hello", findings=(
        HopSuspicion(id=RESET, target="www.lab.test:443"),))  # fmt: skip
    data = HopTrace(
        kind="client-hello", address="100.64.1.10", port=443,
        probes=(_probe(1, "expired"), _probe(2, "silent")), waves=(4.0,),
    )  # fmt: skip
    obs = HopLocatorObservations(
        locations=(replace(location, request=request, data=data),), error_queue=True
    )
    [addition] = hop_conclusions(obs, (), captured=False).additions
    assert addition.values["located"] is False
    assert (
        "no ClientHello sent with TTL 1 to 2 got the suspicious answer again"
        in (
            addition.values["not_located"]  # type: ignore[operator]
        )
    )


def _as_without_error_queue(obs: HopLocatorObservations) -> HopLocatorObservations:
    """The same run as a system whose sockets report no ICMP error would have recorded it
    (Windows, macOS): every expired probe silent, no sender, no quote."""

    def blind(trace: HopTrace | None) -> HopTrace | None:
        if trace is None:
            return None
        probes = tuple(
            replace(p, fate="silent", reported_by=None, quote=b"", rtt=None, icmp_type=None)
            if p.fate == "expired"
            else p
            for p in trace.probes
        )
        return replace(trace, probes=probes)

    locations = tuple(
        replace(loc, reference=blind(loc.reference), syn=blind(loc.syn), data=blind(loc.data))
        for loc in obs.locations
    )
    return replace(obs, locations=locations, error_queue=False)


def test_without_an_error_queue_the_capture_names_the_hops() -> None:
    run = recorded("mss-clamp")
    blind = _as_without_error_queue(hops_of(run))
    [addition] = hop_conclusions(blind, run.packets, captured=True).additions
    assert addition.values["answer_hop"] == 3 and addition.values["server_hops"] == 3
    [reading] = read_locations(blind, run.packets, captured=True)
    assert [r.address for r in reading.rows] == ["198.18.1.1", "100.64.2.2", "100.64.1.45"]
    [rewrite] = hop_conclusions(blind, run.packets, captured=True).findings
    assert rewrite.values["rewritten"] == ["MSS option", "DSCP"]


def test_without_an_error_queue_nor_capture_rights_it_says_what_needs_them() -> None:
    run = recorded("mss-clamp")
    blind = _as_without_error_queue(hops_of(run))
    concluded = hop_conclusions(blind, (), captured=False)
    [addition] = concluded.additions
    assert addition.values["answer_hop"] == 3  # the first TTL the reset answered
    assert NEEDS_CAPTURE in str(addition.values["hop_limits"])
    assert concluded.findings == ()  # no quote: no rewrite can be seen
    [reading] = read_locations(blind, (), captured=False)
    assert [r.address for r in reading.rows] == [None, None, "100.64.1.45"]


def stopped_at(start: float, end: float) -> Stops:
    stall = Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)
    return Stops((stall,), 0.05)


def silence_then_answer() -> HopLocatorObservations:
    """The SYN trace: TTL 2 heard nothing until its wave gave up at 1006.0, TTL 3 answered
    (the first TTL answered locates the hop only if TTL 2's silence was the network's)."""
    location = _location()
    reference = replace(location.reference, probes=(  # type: ignore[arg-type]
        _probe(1, "expired", reported_by="198.18.1.1", rtt=0.001),
        _probe(2, "silent", ended_at=1006.0),
        _probe(3, "answered", answer="echo-reply", rtt=0.1),
    ))  # fmt: skip
    syn = replace(location.syn, probes=(  # type: ignore[arg-type]
        _probe(1, "expired", reported_by="198.18.1.1"),
        _probe(2, "silent", ended_at=1006.0),
        _probe(3, "answered", answer="syn-ack", rtt=0.002),
    ))  # fmt: skip
    return HopLocatorObservations(
        locations=(replace(location, reference=reference, syn=syn),), error_queue=True
    )


def test_a_hop_located_past_a_silence_that_ended_in_a_stop_is_not_located() -> None:
    """TTL 2's answer may have waited unread while the program was stopped: the hop that
    answers is not known, nor the server's distance; that part of the check could not run."""
    obs = silence_then_answer()
    [addition] = hop_conclusions(obs, (), captured=False).additions
    assert addition.values["answer_hop"] == 3 and addition.values["server_hops"] == 3
    stop = stopped_at(1003.0, 1006.0)
    concluded = hop_conclusions(obs, (), captured=False, stops=stop)
    [addition] = concluded.additions
    assert addition.values["located"] is False
    assert "TTL 2" in str(addition.values["not_located"])
    assert "stopped the program" in str(addition.values["not_located"])
    assert sorted(late.exchange for late in concluded.stopped) == [
        "The hop locator's ICMP echo with TTL 2 to 100.64.1.10",
        "The hop locator's SYN with TTL 2 to 100.64.1.10",
    ]
    [reading] = read_locations(obs, (), captured=False, stops=stop)
    assert (reading.answer_hop, reading.syn_hop, reading.server_hops) == (None, None, None)
    assert not any(row.answers or row.destination for row in reading.rows)


def test_a_silence_whose_wave_ended_after_the_program_ran_again_still_locates() -> None:
    obs = silence_then_answer()
    early = stopped_at(1002.5, 1003.0)  # over before the wave gave up: what came was read
    concluded = hop_conclusions(obs, (), captured=False, stops=early)
    [addition] = concluded.additions
    assert addition.values["answer_hop"] == 3 and concluded.stopped == ()


def test_a_silence_beyond_the_answer_or_without_its_deadline_spoils_nothing() -> None:
    obs = silence_then_answer()
    stop = stopped_at(1003.0, 1006.0)
    location = obs.locations[0]
    assert location.syn is not None and location.reference is not None
    unkept = replace(  # a bundle written before the deadline was kept
        location,
        syn=replace(location.syn, probes=tuple(replace(p, ended_at=None) for p in location.syn.probes)),
        reference=replace(location.reference, probes=tuple(
            replace(p, ended_at=None) for p in location.reference.probes)),
    )  # fmt: skip
    [addition] = hop_conclusions(replace(obs, locations=(unkept,)), (), captured=False,
                                 stops=stop).additions  # fmt: skip
    assert addition.values["answer_hop"] == 3
    beyond = replace(location, syn=replace(location.syn, probes=(
        _probe(1, "expired", reported_by="198.18.1.1"),
        _probe(2, "answered", answer="syn-ack", rtt=0.002),
        _probe(3, "silent", ended_at=1006.0),
    )))  # fmt: skip
    concluded = hop_conclusions(replace(obs, locations=(beyond,)), (), captured=False, stops=stop)
    [addition] = concluded.additions
    assert addition.values["answer_hop"] == 2  # TTL 3's silence is not what locates it
