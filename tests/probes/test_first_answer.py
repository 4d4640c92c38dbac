"""The first-answer probe against real loopback sockets: timings, TX timestamps, outcomes."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time

from wiresleuth.model.events import Moment
from wiresleuth.model.mtu_observations import SegmentAttempt
from wiresleuth.probes.df_echo import DfEcho, echo_request
from wiresleuth.probes.first_answer import client_hello, first_answer, http_get


def serve_once(reply: bytes, *, answer: bool = True) -> tuple[int, threading.Thread]:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def run() -> None:
        conn, _ = listener.accept()
        with conn, listener:
            conn.settimeout(5)
            conn.recv(4096)
            if answer:
                conn.sendall(reply)
            else:
                conn.recv(4096)  # until the client gives up and closes

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return port, thread


def ask(
    port: int,
    request: bytes,
    *,
    trigger: str = "http-get",
    connect_timeout: float = 2,
    answer_timeout: float,
    moments: Moment | None = None,
) -> SegmentAttempt:
    """One first-answer probe to a loopback port."""
    probe = first_answer(
        "127.0.0.1", port, request, trigger=trigger, purpose="t",
        connect_timeout=connect_timeout, answer_timeout=answer_timeout, moments=moments,
    )  # fmt: skip
    return asyncio.run(probe)


def test_answered_with_timings_and_the_kernel_send_time() -> None:
    port, thread = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    got = ask(port, http_get("h"), answer_timeout=2)
    thread.join(5)
    assert got.outcome == "answered" and got.bytes_received == 38
    assert got.sent_at is not None and got.first_byte_at is not None
    assert 0 <= got.first_byte_at - got.sent_at < 1
    if sys.platform.startswith("linux"):
        assert got.left_host_at is not None and 0 <= got.left_host_at - got.sent_at < 0.5
        assert got.snd_mss and got.rcv_mss


def test_silence_until_the_deadline() -> None:
    port, thread = serve_once(b"", answer=False)
    got = ask(port, client_hello("h"), trigger="tls-client-hello", answer_timeout=0.5)
    thread.join(5)
    assert got.outcome == "silent" and got.first_byte_at is None
    assert got.unread_bytes == 0  # nothing came: nothing was left unread either
    assert got.ended_at - (got.sent_at or 0) >= 0.5


def test_refused_connect(refused_port: int) -> None:
    got = ask(refused_port, b"x", connect_timeout=1, answer_timeout=1)
    assert got.outcome == "connect_failed" and got.connect.error == "refused"


def test_client_hello_is_a_tls_handshake_record() -> None:
    hello = client_hello("news.example")
    assert hello[0] == 0x16 and hello[5] == 0x01 and b"news.example" in hello


def test_echo_request_has_the_asked_ip_size() -> None:
    assert len(echo_request(1, 1, 1280)) + 20 == 1280


def test_df_echo_over_loopback_when_icmp_sockets_are_allowed() -> None:
    try:
        echo = DfEcho("127.0.0.1")
    except OSError:
        return  # neither a ping socket nor a raw socket is allowed here: nothing to prove
    try:
        got = asyncio.run(echo.probe(1500, 1.0))
    finally:
        echo.close()
    assert (got.result, got.size) == ("reply", 1500)


def test_an_answer_waiting_unread_when_the_deadline_passed_is_counted() -> None:
    """The program is not scheduled between sending and looking (a loaded machine): by the
    time it looks its deadline is past, yet the answer is in the socket. Still ``silent``
    (nothing was read in time), but the bytes waiting are told: the silence was ours."""
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    port, thread = serve_once(reply)

    def stalled(kind: str, at: float) -> None:
        if kind == "sent-by-app":
            time.sleep(0.3)  # the answer arrives meanwhile

    got = ask(port, http_get("h"), answer_timeout=1e-9, moments=stalled)
    thread.join(5)
    assert got.outcome == "silent" and got.bytes_received == 0
    assert got.unread_bytes == len(reply)


def _answers_the_rest_after_the_close(seen_close: list[bool]) -> int:
    """A server that sends one byte, then the rest only once the client's FIN arrived (at
    most 3 s later), then closes."""
    listener = socket.create_server(("127.0.0.1", 0))

    def run() -> None:
        conn, _ = listener.accept()
        with conn, listener:
            conn.settimeout(3)
            conn.recv(4096)
            conn.sendall(b"x")
            try:
                closed = conn.recv(4096) == b""
            except TimeoutError:
                closed = False
            seen_close.append(closed)
            if closed:
                conn.sendall(b"rest")

    threading.Thread(target=run, daemon=True).start()
    return int(listener.getsockname()[1])


def test_done_at_the_first_byte_closes_its_side_then_and_reads_the_rest() -> None:
    """The FIN leaves with the first byte (the peer answers the close a round trip later,
    not after the settle), and what the peer sends after it is still read."""
    seen_close: list[bool] = []
    port = _answers_the_rest_after_the_close(seen_close)
    probe = first_answer(
        "127.0.0.1", port, http_get("h"), trigger="http-get", purpose="t",
        connect_timeout=2, answer_timeout=4, settle=2.0, done_at_first_byte=True,
    )  # fmt: skip
    got = asyncio.run(probe)
    assert seen_close == [True]
    assert got.outcome == "answered" and got.bytes_received == len(b"xrest")


def test_without_it_the_close_waits_for_the_settle() -> None:
    seen_close: list[bool] = []
    port = _answers_the_rest_after_the_close(seen_close)
    probe = first_answer(
        "127.0.0.1", port, http_get("h"), trigger="http-get", purpose="t",
        connect_timeout=2, answer_timeout=4, settle=0.5,
    )  # fmt: skip
    got = asyncio.run(probe)
    assert got.outcome == "answered" and got.bytes_received == 1  # the rest came after close
