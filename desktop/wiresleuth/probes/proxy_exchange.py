"""One request through an explicit proxy, as a browser makes it: ``CONNECT host:port`` for a
secure site (the socket then is a tunnel), ``GET http://...`` for a plain one.

A 407 is answered only when the user typed credentials in this run; NTLM and Negotiate need
the same connection for every round, Basic does not. Nothing about the credentials is kept
but the scheme and the user name.
"""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass, field

from wiresleuth.model.proxy_observations import HttpAnswer, ProxyExchange
from wiresleuth.model.target import Target
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.http_wire import (
    NotHttp,
    ResponseParser,
    auth_schemes,
    body_length,
    challenge_token,
    connect_request,
    keeps_alive,
    proxy_get_request,
)
from wiresleuth.probes.proxy_auth import ProxyCredentials, choose_authenticator
from wiresleuth.probes.tcp_connect import tcp_connect
from wiresleuth.probes.unread_bytes import unread_bytes

MAX_AUTH_ROUNDS = 3
"""NTLM needs two authenticated requests; more means the proxy keeps refusing."""
MAX_DRAIN = 256 * 1024


class _Ended(Exception):
    """The exchange ended before an answer: ``outcome`` and ``error`` say how."""

    def __init__(self, outcome: str, error: str | None = None) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.error = error


@dataclass
class _Line:
    """A connection to the proxy with a read buffer and one deadline per answer."""

    sock: socket.socket
    timeout: float
    pending: bytes = field(default=b"")
    received: int = 0
    """Bytes read from this connection so far (the proxy's answers)."""
    sent: int = 0
    """Bytes sent on this connection so far (the requests)."""

    async def send(self, data: bytes) -> None:
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(loop.sock_sendall(self.sock, data), self.timeout)
        except (OSError, TimeoutError) as exc:
            raise _Ended("closed", describe_os_error(exc)) from exc
        self.sent += len(data)

    async def _recv(self, deadline: float) -> bytes:
        if self.pending:
            data, self.pending = self.pending, b""
            return data
        loop = asyncio.get_running_loop()
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Ended("no_answer", f"no answer within {self.timeout:g} s")
        try:
            data = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), left)
            self.received += len(data)
            return data
        except TimeoutError as exc:
            raise _Ended("no_answer", f"no answer within {self.timeout:g} s") from exc
        except OSError as exc:
            raise _Ended("closed", describe_os_error(exc)) from exc

    async def answer(self, method: str) -> HttpAnswer:
        """Read one response head, and its body when the connection may be reused."""
        deadline = time.monotonic() + self.timeout
        parser = ResponseParser()
        while parser.answer is None:
            data = await self._recv(deadline)
            if not data:
                raise _Ended("closed", "the proxy closed the connection without an answer")
            try:
                parser.feed(data, time.time())
            except NotHttp as exc:
                raise _Ended("bad_answer", str(exc)) from exc
        answer = parser.answer
        rest = parser.rest
        length = body_length(answer, method=method)
        if length is not None and 0 < length <= MAX_DRAIN and answer.status >= 300:
            while len(rest) < length:
                data = await self._recv(deadline)
                if not data:
                    break
                rest += data
            rest = rest[length:]
        self.pending = rest
        return answer


def _outcome(answer: HttpAnswer) -> str:
    if 200 <= answer.status < 300:
        return "ok"
    if answer.status == 407:
        return "auth_required"
    return "proxy_error" if answer.status >= 500 else "denied"


async def through_proxy(
    proxy: str,
    proxy_address: str,
    target: Target,
    *,
    method: str,
    credentials: ProxyCredentials | None,
    connect_timeout: float,
    answer_timeout: float,
    mss: int | None = None,
) -> tuple[socket.socket | None, ProxyExchange]:
    """Ask ``proxy`` for ``target``; return the open tunnel (CONNECT that succeeded) or None,
    and the observation. Network trouble is observed, never raised. ``mss`` clamps the TCP
    segments of the connection to the proxy (the small-MSS retry through a tunnel)."""
    port = int(proxy.rpartition(":")[2])
    asked = target.key if method == "CONNECT" else target.url
    sock, conn = await tcp_connect(proxy_address, port, timeout=connect_timeout, mss=mss)
    first: HttpAnswer | None = None
    answer: HttpAnswer | None = None
    scheme: str | None = None
    note: str | None = None

    def observed(
        outcome: str,
        *,
        error: str | None = None,
        answer_bytes: int = 0,
        request_bytes: int = 0,
        unread: int = 0,
    ) -> ProxyExchange:
        """The exchange as it ended: ``outcome``, with the answers and the authentication
        it had got by then."""
        return ProxyExchange(
            proxy=proxy, method=method, target=asked, connect=conn, outcome=outcome,
            ended_at=time.time(), answer=answer, first_answer=first, auth_scheme=scheme,
            auth_user=credentials.user if credentials and scheme else None, auth_note=note,
            error=error, answer_bytes=answer_bytes, request_bytes=request_bytes,
            unread_bytes=unread,
        )  # fmt: skip

    if sock is None:
        return None, observed("connect_failed", error=conn.error)

    def request(auth: str | None) -> bytes:
        if method == "CONNECT":
            return connect_request(target.key, auth=auth)
        return proxy_get_request(target.url, target.host, auth=auth)

    line = _Line(sock, answer_timeout)
    try:
        await line.send(request(None))
        answer = await line.answer(method)
        if answer.status == 407 and credentials is None:
            note = "no credentials typed in this run"
        elif answer.status == 407 and credentials is not None:
            first = answer
            auth, note = choose_authenticator(
                auth_schemes(answer), credentials, proxy.rpartition(":")[0]
            )
            if auth is not None:
                scheme = auth.scheme
                if not keeps_alive(answer) or line.pending:
                    sock.close()
                    sock, conn2 = await tcp_connect(proxy_address, port, timeout=connect_timeout)
                    if sock is None:
                        raise _Ended("closed", f"reconnect for authentication: {conn2.error}")
                    line = _Line(sock, answer_timeout)
                value: str | None = auth.first()
                rounds = 0
                while value is not None and rounds < MAX_AUTH_ROUNDS:
                    rounds += 1
                    await line.send(request(value))
                    answer = await line.answer(method)
                    if answer.status != 407:
                        break
                    value = auth.next(challenge_token(answer, auth.scheme))
    except _Ended as ended:
        unread = 0
        if sock is not None:
            if ended.outcome == "no_answer":  # a late program's deadline, the answer there?
                unread = unread_bytes(sock)
            sock.close()
        return None, observed(
            ended.outcome, error=ended.error, answer_bytes=line.received, unread=unread
        )
    except BaseException:  # cancelled (a speculative attempt no longer needed): no socket left
        if sock is not None:
            sock.close()
        raise
    assert answer is not None
    outcome = _outcome(answer)
    observation = observed(outcome, answer_bytes=line.received, request_bytes=line.sent)
    if outcome == "ok" and method == "CONNECT" and sock is not None and not line.pending:
        return sock, observation
    if sock is not None:
        sock.close()
    return None, observation
