"""``Expect: 100-continue`` as the sender uses it, against small TLS servers on 127.0.0.1
that answer the expectation, refuse at the headers, ignore it, or do not understand it.
The sender meeting the real inbox: tests/inbox/test_send_to_helpdesk.py."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.probes.loopback_servers import LoopbackServer
from tests.send.test_upload import HelpdeskServer
from wiresleuth.send.upload import UploadFailed, upload_bundle


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "host-20261205.wsbundle"
    path.write_bytes(bytes(range(256)) * 8192)  # 2 MiB
    return path


def _head(tls: ssl.SSLSocket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = tls.recv(1)  # byte by byte: what follows the head stays in the socket
        if not piece:
            break
        data += piece
    return data


def _length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


class Script:
    """A TLS server on 127.0.0.1 running ``then(tls, head)`` for each connection, recording
    every head and how many bytes came after it."""

    def __init__(self, ca: trustme.CA, then: Any) -> None:
        self.heads: list[bytes] = []
        self.after: list[int] = []
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(context)
        self.done = threading.Event()

        def behave(conn: socket.socket) -> None:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(10)
                head = _head(tls)
                self.heads.append(head)
                self.after.append(then(tls, head))
                self.done.set()

        self.server = LoopbackServer(behave)
        self.url = f"https://localhost:{self.server.port}/upload"


def _drain(tls: ssl.SSLSocket) -> int:
    """Bytes the client still sends until it closes (or 10 s of silence)."""
    count = 0
    try:
        while piece := tls.recv(65536):
            count += len(piece)
    except (OSError, ssl.SSLError):
        pass
    return count


def test_a_server_that_refuses_at_the_headers_gets_no_byte_of_the_body(
    bundle: Path, ca: trustme.CA
) -> None:
    def refuse(tls: ssl.SSLSocket, head: bytes) -> int:
        tls.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: 25\r\nConnection: close\r\n\r\nthe token is not known\r\n\r\n")  # fmt: skip
        return _drain(tls)

    script = Script(ca, refuse)
    progress: list[tuple[int, int]] = []
    with script.server:
        with pytest.raises(UploadFailed) as caught:
            upload_bundle(bundle, script.url, progress=lambda s, t: progress.append((s, t)))
        assert script.done.wait(15)
    assert str(caught.value) == (
        "the server localhost refused the bundle: HTTP 401 Unauthorized (the token is not known)"
    )
    (head,) = script.heads
    assert b"\r\nExpect: 100-continue\r\n" in head and _length(head) == bundle.stat().st_size
    assert script.after == [0] and progress == []  # not a byte of the body


def test_a_server_that_says_continue_gets_the_whole_body(bundle: Path, ca: trustme.CA) -> None:
    def accept(tls: ssl.SSLSocket, head: bytes) -> int:
        tls.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = b""
        while len(body) < _length(head):
            body += tls.recv(65536)
        tls.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nticket 77\n")
        return len(body) if body == bundle.read_bytes() else -1

    script = Script(ca, accept)
    with script.server:
        receipt = upload_bundle(bundle, script.url)
        assert script.done.wait(15)
    assert (receipt.status, receipt.message) == (201, "ticket 77")
    assert script.after == [bundle.stat().st_size]
    assert b"\r\nExpect: 100-continue\r\n" in script.heads[0]


@pytest.fixture
def helpdesk_10(ca: trustme.CA) -> Iterator[HelpdeskServer]:
    server = HelpdeskServer(ca)
    yield server
    server.close()


def test_a_server_that_ignores_the_expectation_gets_the_body_after_the_wait(
    bundle: Path, helpdesk_10: HelpdeskServer
) -> None:
    """http.server speaking HTTP/1.0 never says 100 Continue: the body goes all the same."""
    receipt = upload_bundle(bundle, helpdesk_10.url)
    assert receipt.status == 201
    ((headers, body),) = helpdesk_10.received
    assert headers["Expect"] == "100-continue" and body == bundle.read_bytes()


def test_a_417_is_answered_by_sending_again_without_the_expectation(
    bundle: Path, ca: trustme.CA
) -> None:
    def strict(tls: ssl.SSLSocket, head: bytes) -> int:
        if b"expect:" in head.lower():
            tls.sendall(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n"
                        b"Connection: close\r\n\r\n")  # fmt: skip
            return _drain(tls)
        body = b""
        while len(body) < _length(head):
            body += tls.recv(65536)
        tls.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nok\n")
        return len(body)

    script = Script(ca, strict)
    with script.server:
        receipt = upload_bundle(bundle, script.url)
    assert receipt.status == 201
    assert [b"expect:" in h.lower() for h in script.heads] == [True, False]
    assert script.after == [0, bundle.stat().st_size]


def test_a_cancel_while_the_headers_wait_stops_before_the_body(
    tmp_path: Path, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled (half a second after the server has the headers) while waiting for an
    answer that never comes: the upload stops without a byte of the body. A sender that
    did not wait would be part-way through the 8 MiB by then."""
    from wiresleuth.send import expect_continue
    from wiresleuth.send.upload import UploadCancelled

    monkeypatch.setattr(expect_continue, "CONTINUE_WAIT", 15.0)  # the cancel comes first
    big = tmp_path / "big.wsbundle"
    big.write_bytes(bytes(8 * 1024 * 1024))
    stop = threading.Event()

    def silent(tls: ssl.SSLSocket, head: bytes) -> int:
        time.sleep(0.5)
        stop.set()
        return _drain(tls)

    script = Script(ca, silent)
    with script.server:
        with pytest.raises(UploadCancelled):
            upload_bundle(big, script.url, cancel=stop)
        assert script.done.wait(15)
    assert script.after == [0]
