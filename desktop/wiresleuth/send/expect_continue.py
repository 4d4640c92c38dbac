"""One HTTPS POST of a file whose body goes only once the server has not refused it:
``Expect: 100-continue`` (RFC 9110, 10.1.1) on the standard library's ``http.client``.

The headers go first; the server's interim ``100 Continue`` is waited for (at most
``CONTINUE_WAIT`` seconds: a server or a box on the way that does not know the
expectation never answers it, and the body then goes as it would have anyway). A final
answer in that time (the inbox's 401 for a revoked token, its 413 for a bundle too large,
its 503 or 507) is read instead, and not a byte of the body is sent. A 417 (Expectation
Failed) is the caller's cue to send again without it.

Written here because requests (urllib3) sends the body straight after the headers and has
no means to wait for the interim answer; http.client sends the headers alone
(``endheaders``), takes the socket's body as ``send`` is called, and parses the answer
(``HTTPResponse``), so only the wait and the reading of the interim answer's head are
this module's. Failures are raised as ``ExchangeError``, which says at which step
(reaching the server or the proxy, the proxy's tunnel, the exchange itself) and how many
bytes of the body had gone.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import re
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO, Literal

CONTINUE_WAIT = 2.0
"""Seconds the headers wait for ``100 Continue`` (or a refusal) before the body goes."""
HEAD_LIMIT = 64 * 1024
"""Bytes of an interim or early answer's head read at most."""
BLOCK = 64 * 1024
CANCEL_STEP = 0.1
"""Seconds between two looks at the cancel event while the headers wait."""
_STATUS = re.compile(rb"^HTTP/1\.[01] (\d{3})")

Stage = Literal["connect", "tunnel", "exchange"]


class ExchangeError(Exception):
    """The POST failed: ``cause`` (an ``OSError``, an ``ssl.SSLError``, an
    ``http.client.HTTPException``) at ``stage`` after ``sent`` bytes of the body."""

    def __init__(self, stage: Stage, cause: BaseException, sent: int = 0) -> None:
        super().__init__(f"{stage}: {cause}")
        self.stage: Stage = stage
        self.cause = cause
        self.sent = sent


class Cancelled(Exception):
    """The caller's cancel event was set while the body was being sent."""


class TunnelRefused(OSError):
    """The proxy answered the CONNECT with another status than 200."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"the proxy answered CONNECT with {status} {text}")
        self.status = status


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The server's answer, read (at most ``limit`` bytes of its body), connection closed."""

    status: int
    reason: str
    text: str
    body_sent: bool
    """Whether the body went (False: the server answered before it)."""
    sent_sha256: str
    """SHA-256 of the body bytes sent (of nothing when the body did not go)."""


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """Where the POST goes: the server, and the proxy whose tunnel it goes through."""

    host: str
    port: int
    target: str
    """The request's path and query."""
    proxy: tuple[str, int] | None = None


class _HeadThenSocket(io.RawIOBase):
    """The bytes already read of an answer's head, then the socket: what ``HTTPResponse``
    parses when a final answer came before the body."""

    def __init__(self, head: bytes, sock: ssl.SSLSocket) -> None:
        self._head = head
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        return self._sock.recv_into(buffer)


class _Replay:
    """A socket as ``HTTPResponse`` needs one (``makefile``), replaying ``head`` first."""

    def __init__(self, head: bytes, sock: ssl.SSLSocket) -> None:
        self._raw = _HeadThenSocket(head, sock)

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(self._raw)


def open_connection(
    endpoint: Endpoint,
    context: ssl.SSLContext,
    *,
    connect_timeout: float,
    read_timeout: float,
    user_agent: str,
) -> http.client.HTTPSConnection:
    """A verified TLS connection to the server, through the proxy's CONNECT tunnel if
    any; ExchangeError (``connect`` or ``tunnel``) when it cannot be had."""
    if endpoint.proxy is None:
        conn = http.client.HTTPSConnection(
            endpoint.host, endpoint.port, timeout=connect_timeout, context=context
        )
    else:
        conn = http.client.HTTPSConnection(
            *endpoint.proxy, timeout=connect_timeout, context=context
        )
        authority = f"[{endpoint.host}]" if ":" in endpoint.host else endpoint.host
        conn.set_tunnel(
            endpoint.host, endpoint.port,
            headers={"Host": f"{authority}:{endpoint.port}", "User-Agent": user_agent},
        )  # fmt: skip
    try:
        conn.connect()
    except OSError as exc:  # ssl.SSLError and socket errors alike
        conn.close()
        found = re.match(r"Tunnel connection failed: (\d{3}) ?(.*)", str(exc))
        if found and not isinstance(exc, ssl.SSLError):
            raise ExchangeError(
                "tunnel", TunnelRefused(int(found.group(1)), found.group(2))
            ) from exc
        raise ExchangeError("connect", exc) from exc
    assert conn.sock is not None
    conn.sock.settimeout(read_timeout)
    return conn


def _early_head(
    sock: ssl.SSLSocket, wait: float, read_timeout: float, cancel: threading.Event
) -> bytes | None:
    """The head of what the server says within ``wait`` of the headers (interim or final),
    read byte by byte so that nothing after it is taken from the socket; None if it says
    nothing in that time. The wait is cut in steps of ``CANCEL_STEP`` to notice a cancel."""
    deadline = time.monotonic() + wait
    first = b""
    try:
        while not first:
            left = deadline - time.monotonic()
            if cancel.is_set():
                raise Cancelled
            if left <= 0:
                return None
            sock.settimeout(min(left, CANCEL_STEP))
            try:
                first = sock.recv(1)
            except TimeoutError:
                continue
            if not first:
                raise http.client.RemoteDisconnected("the server closed the connection")
    finally:
        sock.settimeout(read_timeout)
    head = bytearray(first)
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise http.client.RemoteDisconnected("the server closed the connection")
        head += byte
        if len(head) > HEAD_LIMIT:
            raise http.client.LineTooLong("answer head")
    return bytes(head)


def post(
    conn: http.client.HTTPSConnection,
    endpoint: Endpoint,
    headers: Mapping[str, str],
    body: BinaryIO,
    size: int,
    *,
    expect: bool,
    limit: int,
    progress: Callable[[int], None],
    cancel: threading.Event,
    read_timeout: float,
) -> Answer:
    """POST ``size`` bytes of ``body`` on ``conn`` (``Expect: 100-continue`` when
    ``expect``); the answer, its body read to ``limit`` bytes; the connection is closed
    whatever happens. ExchangeError (``exchange``) when it breaks, Cancelled when told."""
    sock = conn.sock
    assert isinstance(sock, ssl.SSLSocket)
    digest = hashlib.sha256()
    sent = 0
    sending = False
    try:
        conn.putrequest("POST", endpoint.target, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(size))
        if expect:
            conn.putheader("Expect", "100-continue")
        conn.endheaders()
        deadline = time.monotonic() + CONTINUE_WAIT
        while expect:
            head = _early_head(sock, deadline - time.monotonic(), read_timeout, cancel)
            found = _STATUS.match(head or b"")
            if head is None or (found and found.group(1) == b"100"):
                break  # no word in time, or "go on": the body goes
            if found and found.group(1).startswith(b"1"):
                continue  # another interim answer (103 Early Hints): wait on
            answer = http.client.HTTPResponse(_Replay(head, sock), method="POST")  # type: ignore[arg-type]
            answer.begin()
            return _read(answer, limit, body_sent=False, digest=digest)
        sending = True
        while block := body.read(BLOCK):
            if cancel.is_set():
                raise Cancelled
            conn.send(block)
            digest.update(block)
            sent += len(block)
            progress(sent)
        answer = conn.getresponse()
        return _read(answer, limit, body_sent=True, digest=digest)
    except (OSError, http.client.HTTPException) as exc:
        if sending and isinstance(exc, OSError) and not isinstance(exc, TimeoutError):
            late = _answer_after_break(conn, limit, digest)
            if late is not None:
                return late
        raise ExchangeError("exchange", exc, sent) from exc
    finally:
        conn.close()


def _answer_after_break(
    conn: http.client.HTTPSConnection, limit: int, digest: hashlib._Hash
) -> Answer | None:
    """The answer a server wrote before it stopped reading the body (then closed or reset
    the connection), if it can still be read; None otherwise."""
    try:
        answer = conn.getresponse()
        return _read(answer, limit, body_sent=True, digest=digest)
    except (OSError, http.client.HTTPException):
        return None


def _read(
    answer: http.client.HTTPResponse, limit: int, *, body_sent: bool, digest: hashlib._Hash
) -> Answer:
    try:
        data = answer.read(limit)
    finally:
        answer.close()
    charset = answer.headers.get_content_charset() or "utf-8"
    return Answer(
        status=answer.status,
        reason=answer.reason or "",
        text=data.decode(charset if _known(charset) else "utf-8", "replace"),
        body_sent=body_sent,
        sent_sha256=digest.hexdigest(),
    )


def _known(charset: str) -> bool:
    try:
        "".encode(charset)
    except LookupError:
        return False
    return True
