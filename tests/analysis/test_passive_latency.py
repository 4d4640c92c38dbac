"""latency.path / latency.server / latency.client: which part of a slow exchange dominates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.both_ways import CLIENT, T0, findings_both_ways, ids, only
from tests.analysis.scripted import Wire

SERVER = "100.64.1.50"
GET = b"GET / HTTP/1.1\r\nHost: app\r\n\r\n"
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def exchange(
    *,
    handshake: float = 0.05,
    rtt: float = 0.05,
    client_waits: float = 0.0,
    server_thinks: tuple[float, ...] = (0.01,),
    server_acks: bool = True,
    port: int = 50700,
    start: float = T0,
    first: int = 1,
) -> Wire:
    """A connection with one request per entry of ``server_thinks`` (capture beside the
    client: ``rtt`` is the round trip to the server after the handshake)."""
    wire = Wire(client=(CLIENT, port), server=(SERVER, 80), start=start, first_number=first)
    wire.handshake(rtt=handshake)
    wire.wait(client_waits)
    for think in server_thinks:
        wire.send("client", GET)
        wire.wait(rtt)
        if server_acks:
            wire.ack("server")
            wire.wait(think)
        else:
            wire.wait(think)
        wire.send("server", OK)
        wire.ack("client")
    return wire


def test_the_server_acknowledges_at_once_and_answers_a_second_later(tmp_path: Path) -> None:
    found = findings_both_ways(exchange(server_thinks=(1.0,)).packets, tmp_path)
    finding = only(found, "latency.server")
    assert ids(found) == ["latency.server"] and finding.target == f"{SERVER}:80"
    assert finding.values["seconds"] == pytest.approx(1.0, abs=0.01)
    assert "acknowledged the request" in finding.evidence[0].text


def test_without_its_ack_the_round_trip_is_taken_off(tmp_path: Path) -> None:
    found = findings_both_ways(exchange(server_thinks=(1.0,), server_acks=False).packets, tmp_path)
    assert only(found, "latency.server").values["seconds"] == pytest.approx(1.0, abs=0.01)


def test_fast_answers_and_a_server_slow_every_time_on_one_connection_are_quiet(
    tmp_path: Path,
) -> None:
    assert findings_both_ways(exchange(server_thinks=(0.2,)).packets, tmp_path) == ()
    # a second per answer, every time: how that site is, not something that went wrong
    assert findings_both_ways(exchange(server_thinks=(1.1, 1.0)).packets, tmp_path) == ()


def test_one_answer_far_slower_than_the_others_on_the_connection(tmp_path: Path) -> None:
    found = findings_both_ways(exchange(server_thinks=(0.02, 2.0)).packets, tmp_path)
    assert only(found, "latency.server").values["baseline"] == pytest.approx(0.02, abs=0.002)


def test_on_a_slow_path_the_server_must_take_several_round_trips(tmp_path: Path) -> None:
    slow_path = exchange(handshake=0.3, rtt=0.3, server_thinks=(0.6,))
    assert "latency.server" not in ids(findings_both_ways(slow_path.packets, tmp_path))


def test_the_client_waits_after_the_handshake(tmp_path: Path) -> None:
    found = findings_both_ways(exchange(client_waits=1.3).packets, tmp_path)
    finding = only(found, "latency.client")
    assert finding.values["seconds"] == pytest.approx(1.3, abs=0.01)
    assert finding.evidence[0].packets == (3, 4)  # the handshake's ACK, the request
    assert "latency.client" not in ids(
        findings_both_ways(exchange(client_waits=0.1).packets, tmp_path)
    )


def test_a_slow_handshake_on_a_fast_path(tmp_path: Path) -> None:
    found = findings_both_ways(exchange(handshake=0.88, rtt=0.05).packets, tmp_path)
    finding = only(found, "latency.path")
    assert finding.values["seconds"] == pytest.approx(0.88, abs=0.01) and finding.packets == (
        1,
        2,
        3,
    )


def test_a_path_slow_all_the_time_is_its_nature(tmp_path: Path) -> None:
    satellite = exchange(handshake=0.6, rtt=0.6)
    assert findings_both_ways(satellite.packets, tmp_path) == ()


def test_the_part_that_took_longest_is_named(tmp_path: Path) -> None:
    both = exchange(handshake=0.7, rtt=0.05, client_waits=2.0)
    assert ids(findings_both_ways(both.packets, tmp_path)) == ["latency.client"]


def test_a_held_request_is_not_timed_again(tmp_path: Path) -> None:
    first = exchange(client_waits=5.0)
    second = exchange(client_waits=5.0, port=50701, start=T0 + 20, first=first.number)
    found = findings_both_ways(first.packets + second.packets, tmp_path)
    assert "local.request_held" in ids(found) and "latency.client" not in ids(found)


def test_without_the_handshake_the_opening_requests_are_unknown(tmp_path: Path) -> None:
    wire = exchange(server_thinks=(1.0,))
    assert findings_both_ways(wire.packets[3:], tmp_path) == ()  # captured from the request on
