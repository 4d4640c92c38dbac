"""The lingering close after an early answer, on a real inbox (uvicorn, TLS, 127.0.0.1) and
raw TLS clients that behave as a hostile one, a careful one and an idle one would.

What the server read is what it says in its log line at the close (the bytes its protocol
was handed after the answer); what the client managed to send is counted too, but that
includes the kernels' socket buffers on both sides."""

from __future__ import annotations

import asyncio.sslproto
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.inbox.running import RunningInbox, running_inbox
from wiresleuth.inbox import lingering
from wiresleuth.inbox.lingering import LINGER_BYTES

LIMIT = 1024 * 1024
DECLARED = 200 * 1024 * 1024
"""What the hostile client says it sends (and tries to)."""
TLS_READ = asyncio.sslproto.SSLProtocol.max_size
"""The most one read of asyncio's TLS layer hands the protocol (256 KiB)."""
WAIT = 20.0


@pytest.fixture
def inbox(tmp_path: Path, ca: trustme.CA) -> Iterator[RunningInbox]:
    with running_inbox(
        tmp_path, f"sqlite:///{tmp_path / 'inbox.sqlite3'}", ca, max_bundle_bytes=LIMIT
    ) as running:
        yield running


def _connect(inbox: RunningInbox) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(inbox.ca_file))
    raw = socket.create_connection(("127.0.0.1", int(inbox.url.rsplit(":", 1)[1])), timeout=WAIT)
    return context.wrap_socket(raw, server_hostname="localhost")


def _head(token: str, length: int, extra: str = "") -> bytes:
    return (
        "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/zip\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {length}\r\n{extra}\r\n"
    ).encode()


def _answer(tls: ssl.SSLSocket) -> bytes:
    """The answer's head and body (its Content-Length), read within WAIT."""
    answer = b""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        head, sep, body = answer.partition(b"\r\n\r\n")
        found = re.search(rb"(?im)^content-length: *(\d+)", head)
        if sep and found and len(body) >= int(found.group(1)):
            break
        chunk = tls.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer


def _closing_line(caplog: pytest.LogCaptureFixture) -> str:
    """The server's line about the lingering close, waited for (bounded)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for record in caplog.records:
            if "closed after an early answer" in record.getMessage():
                return record.getMessage()
        time.sleep(0.05)
    raise AssertionError("the server never said it closed the connection after its answer")


def _dropped(line: str) -> int:
    found = re.search(r": (\d+) bytes it sent after the answer", line)
    assert found, line
    return int(found.group(1))


@pytest.mark.parametrize(
    ("who", "status", "reason"),
    [
        ("stranger", b"401", b"the upload token is missing, unknown or revoked"),
        ("sender", b"413", b"this inbox takes bundles up to 1048576 bytes"),
    ],
)
def test_a_refused_upload_that_keeps_sending_gets_its_answer_and_is_read_only_to_the_bound(
    inbox: RunningInbox, caplog: pytest.LogCaptureFixture, who: str, status: bytes, reason: bytes
) -> None:
    """A client that declares 200 MiB (a wrong token, or too large for the inbox) and sends
    it regardless, reading nothing until it has sent it all (as requests does): the server
    drops at most LINGER_BYTES of the rest and resets the connection; the client, stopped
    by the reset, still reads the refusal, with ``Connection: close``."""
    caplog.set_level(logging.INFO, logger="wiresleuth.inbox")
    token = inbox.token if who == "sender" else "wsu_" + "W" * 43
    sent = 0
    stopped: list[OSError] = []
    with _connect(inbox) as tls:
        tls.sendall(_head(token, DECLARED))
        block = bytes(65536)
        try:
            while sent < DECLARED:
                sent += tls.send(block)
        except OSError as exc:  # the reset (ssl.SSLError is an OSError)
            stopped.append(exc)
        answer = _answer(tls)
    assert answer.startswith(b"HTTP/1.1 " + status), answer[:200]
    assert reason in answer and re.search(rb"(?im)^connection: close\r$", answer)
    line = _closing_line(caplog)
    assert line.endswith(f"({LINGER_BYTES} bytes read)"), line
    assert LINGER_BYTES <= _dropped(line) < LINGER_BYTES + TLS_READ
    assert stopped and sent < DECLARED // 4  # stopped by the reset, not by the end
    assert list(inbox.settings.incoming_dir.iterdir()) == []


def test_a_client_that_expects_100_continue_gets_the_refusal_instead_and_sends_nothing(
    inbox: RunningInbox, caplog: pytest.LogCaptureFixture
) -> None:
    """``Expect: 100-continue`` with a wrong token: the final answer comes instead of
    ``100 Continue``; the client closes and the server's close follows at once."""
    caplog.set_level(logging.INFO, logger="wiresleuth.inbox")
    with _connect(inbox) as tls:
        tls.sendall(_head("wsu_" + "W" * 43, DECLARED, "Expect: 100-continue\r\n"))
        answer = _answer(tls)
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]
    assert b"100 Continue" not in answer
    line = _closing_line(caplog)
    assert _dropped(line) == 0 and line.endswith("(the client closed)"), line


def test_a_client_that_sends_nothing_more_is_closed_when_the_time_is_up(
    inbox: RunningInbox, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused client that neither sends nor closes: the server closes after the
    lingering time (TLS close_notify, then the TCP close: the client reads the end)."""
    caplog.set_level(logging.INFO, logger="wiresleuth.inbox")
    monkeypatch.setattr(lingering, "LINGER_SECONDS", 0.5)
    with _connect(inbox) as tls:
        tls.sendall(_head(inbox.token, 2 * LIMIT) + bytes(1000))
        answer = _answer(tls)
        end = tls.recv(100)  # the server's close (bounded by the socket's timeout, WAIT)
    assert answer.startswith(b"HTTP/1.1 413 ") and end == b""
    line = _closing_line(caplog)
    assert line.endswith("(0.5 s passed)") and _dropped(line) == 0, line


def test_a_kept_alive_client_keeps_its_connection_after_answers_that_read_the_body(
    inbox: RunningInbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Only an early answer closes: a body read to its end (a refusal after reading, 422)
    leaves the connection open for the next request, with no lingering."""
    caplog.set_level(logging.INFO, logger="wiresleuth.inbox")
    with _connect(inbox) as tls:
        for _ in range(2):
            tls.sendall(_head(inbox.token, 100) + b"x" * 100)
            answer = _answer(tls)
            assert answer.startswith(b"HTTP/1.1 422 "), answer[:200]
            assert not re.search(rb"(?im)^connection:", answer)
    assert not any("early answer" in r.getMessage() for r in caplog.records)
