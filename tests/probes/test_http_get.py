"""The PAC fetch's socket: each way a server can behave, told apart (loopback servers)."""

import asyncio

from tests.probes.pac_servers import ScriptedTcp, http_reply
from wiresleuth.analysis.http_response import parse_head
from wiresleuth.probes.http_get import http_get


def get(port: int, *, read_timeout: float = 1.0, size_limit: int = 65536):  # type: ignore[no-untyped-def]
    return asyncio.run(
        http_get(
            f"http://127.0.0.1:{port}/proxy.pac",
            "127.0.0.1",
            port,
            host=f"127.0.0.1:{port}",
            path="/proxy.pac",
            connect_timeout=1.0,
            read_timeout=read_timeout,
            size_limit=size_limit,
        )
    )


def test_refused(refused_port: int) -> None:
    result = get(refused_port)
    assert result.outcome == "refused" and result.connect.connected_at is None


def test_handshake_then_silence_is_no_data_after_the_wait() -> None:
    with ScriptedTcp(hold=2.0) as server:
        result = get(server.port, read_timeout=0.5)
    assert result.outcome == "no_data" and result.received == ()
    assert result.connect.connected_at is not None and result.request_sent_at is not None
    assert 0.45 <= result.ended_at - result.connect.connected_at < 1.5
    assert server.requests[0].startswith(b"GET /proxy.pac HTTP/1.1\r\nHost: 127.0.0.1:")


def test_a_complete_answer_ends_at_its_content_length_without_waiting_for_close() -> None:
    body = b"function FindProxyForURL(u, h) { return 'DIRECT'; }"
    with ScriptedTcp(http_reply("200 OK", body), hold=2.0) as server:
        result = get(server.port, read_timeout=1.5)
    assert result.outcome == "answered"
    head = parse_head(result.data)
    assert head is not None and head.status == 200 and head.text_body() == body.decode()
    assert result.completed_at is not None and result.completed_at - result.connect.started_at < 1.0


def test_an_error_status_with_its_server_header() -> None:
    with ScriptedTcp(http_reply("404 Not Found", server="Microsoft-HTTPAPI/2.0")) as server:
        result = get(server.port)
    head = parse_head(result.data)
    assert result.outcome == "answered" and head is not None
    assert (head.status, head.header("server")) == (404, "Microsoft-HTTPAPI/2.0")


def test_closed_without_data_and_too_large() -> None:
    with ScriptedTcp() as server:
        assert get(server.port).outcome == "closed"
    with ScriptedTcp(http_reply("200 OK", b"x" * 5000)) as server:
        result = get(server.port, size_limit=1000)
    assert result.outcome == "too_large" and len(result.data) == 1000
