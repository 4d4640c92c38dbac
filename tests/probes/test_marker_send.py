"""The path proof over real loopback sockets: listener, direct marker, marker via a proxy."""

import asyncio
import re

from tests.probes.loopback_servers import LoopbackServer, silent
from tests.probes.proxy_servers import connect_proxy, marker_echo
from wiresleuth.model.proxy_observations import MarkerObservation
from wiresleuth.model.target import Target
from wiresleuth.probes.marker_listener import serve_markers
from wiresleuth.probes.marker_send import send_marker


def send(port: int, proxy: tuple[str, str] | None = None) -> MarkerObservation:
    return asyncio.run(
        send_marker(
            Target.parse(f"127.0.0.1:{port}"),
            "127.0.0.1",
            proxy=proxy,
            credentials=None,
            connect_timeout=2,
            answer_timeout=1,
        )
    )


def test_a_marker_keeps_when_its_exchange_ended_and_whether_its_wait_ran_out() -> None:
    """The analysis reads the run's stalls against these: a wait whose deadline fell while
    the program was stopped proves no loss."""
    from wiresleuth.model.proxy_observations import NO_ACK_IN_TIME

    with LoopbackServer(silent) as quiet:
        no_ack = send(quiet.port)
    assert no_ack.outcome == "no_ack" and (no_ack.error or "").startswith(NO_ACK_IN_TIME)
    assert no_ack.sent_at is not None and no_ack.ended_at is not None
    assert no_ack.ended_at - no_ack.sent_at >= 1.0  # given up once its 1 s had run out
    with LoopbackServer(marker_echo) as listener:
        delivered = send(listener.port)
    assert delivered.outcome == "delivered" and delivered.ended_at == delivered.acked_at


def test_the_listener_logs_and_acknowledges_a_marker_and_netcat_text() -> None:
    lines: list[str] = []

    async def go() -> tuple[MarkerObservation, bytes]:
        stop = asyncio.Event()
        ready = asyncio.Event()
        server = asyncio.create_task(
            serve_markers("127.0.0.1", 0, lines.append, stop=stop, ready=ready.set)
        )
        await asyncio.wait_for(ready.wait(), 5)
        port = int(re.search(r"LISTEN 127\.0\.0\.1:(\d+)", lines[0]).group(1))  # type: ignore[union-attr]
        marker = await send_marker(
            Target.parse(f"127.0.0.1:{port}"), "127.0.0.1", proxy=None, credentials=None,
            connect_timeout=2, answer_timeout=2,
        )  # fmt: skip
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"amazinggrace\n")
        ack = await asyncio.wait_for(reader.readline(), 2)
        writer.close()
        await writer.wait_closed()
        await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(server, 5)
        return marker, ack

    marker, ack = asyncio.run(go())
    assert marker.outcome == "delivered" and marker.seen_from == "127.0.0.1"
    assert marker.acked_at is not None and marker.sent_at is not None
    assert marker.acked_at >= marker.sent_at
    assert ack.startswith(b"WIRESLEUTH-ACK from=127.0.0.1:") and ack.endswith(b" amazinggrace\n")
    logged = [line for line in lines if " MARKER " in line]
    assert len(logged) == 1 and marker.marker in logged[0] and " 127.0.0.1:" in logged[0]
    assert any(line.endswith(" TEXT amazinggrace") for line in lines)
    assert lines[-1].endswith(" STOP")


def test_a_marker_through_a_proxy_and_the_failures(refused_port: int) -> None:
    with (
        LoopbackServer(marker_echo) as listener,
        LoopbackServer(connect_proxy(listener.port)) as proxy,
    ):
        via = send(listener.port, proxy=(f"127.0.0.1:{proxy.port}", "127.0.0.1"))
    assert via.outcome == "delivered" and via.route == f"PROXY 127.0.0.1:{proxy.port}"
    assert via.tunnel is not None and via.tunnel.outcome == "ok"
    with LoopbackServer(connect_proxy(1, deny_ports=(4242,))) as proxy:
        refused = asyncio.run(
            send_marker(
                Target.parse("127.0.0.1:4242"),
                "127.0.0.1",
                proxy=(f"127.0.0.1:{proxy.port}", "127.0.0.1"),
                credentials=None,
                connect_timeout=2,
                answer_timeout=1,
            )
        )
    assert refused.outcome == "tunnel_failed"
    with LoopbackServer(silent) as quiet:
        no_ack = send(quiet.port)
    assert no_ack.outcome == "no_ack" and no_ack.sent_at is not None
    assert send(refused_port).outcome == "connect_failed"
