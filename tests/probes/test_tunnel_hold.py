"""Holding a connection with light traffic: who closed it, how, and after how long."""

import asyncio

import pytest

from tests.probes.loopback_servers import LoopbackServer
from tests.probes.proxy_servers import keepalive_then
from wiresleuth.model.proxy_observations import HoldObservation
from wiresleuth.model.target import Target
from wiresleuth.probes.tcp_connect import tcp_connect
from wiresleuth.probes.tunnel_hold import hold_connection, traffic_interval


def hold(port: int, wanted: float) -> HoldObservation:
    target = Target.parse(f"http://127.0.0.1:{port}/")

    async def go() -> HoldObservation:
        sock, conn = await tcp_connect("127.0.0.1", port, timeout=2)
        assert sock is not None
        return await hold_connection(
            sock, conn, target, route="DIRECT", wanted=wanted, answer_timeout=2
        )

    return asyncio.run(go())


def test_traffic_interval_is_bounded() -> None:
    assert [traffic_interval(s) for s in (2, 30, 600)] == [1.0, 3.0, 5.0]


def test_a_connection_that_stays_open_is_held() -> None:
    with LoopbackServer(keepalive_then("hold", 0)) as server:
        obs = hold(server.port, wanted=2.5)
    assert obs.outcome == "held" and obs.requests >= 2
    assert obs.seconds == pytest.approx(2.5, abs=0.4)


@pytest.mark.parametrize(("close", "outcome"), [("fin", "fin"), ("rst", "reset")])
def test_a_close_mid_hold_is_timed_and_named(close: str, outcome: str) -> None:
    with LoopbackServer(keepalive_then(close, 1.6)) as server:
        obs = hold(server.port, wanted=5)
    assert obs.outcome == outcome and obs.closed_by == "127.0.0.1"
    assert obs.seconds == pytest.approx(1.6, abs=0.5) and obs.requests >= 1


def test_a_server_that_closes_after_each_answer_is_inconclusive() -> None:
    def once(conn):  # type: ignore[no-untyped-def]
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    with LoopbackServer(once) as server:
        obs = hold(server.port, wanted=3)
    assert obs.outcome == "not_kept" and obs.requests == 0
