"""A TLS handshake driven through memory BIOs, so every byte the peer sends is kept and timed.

A socket-wrapping TLS library would swallow the bytes that make a diagnosis (an injected
``HTTP/1.0 200 OK``, a forged alert), so the socket I/O here is ours and ssl only sees BIOs.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wiresleuth.model.events import Moment
from wiresleuth.model.observations import Chunk, ConnectObservation, TlsObservation
from wiresleuth.model.target import Target
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.proxy_auth import ProxyCredentials
from wiresleuth.probes.proxy_exchange import through_proxy
from wiresleuth.probes.tcp_connect import tcp_connect
from wiresleuth.probes.unread_bytes import unread_bytes

_KEEP = 16 * 1024
_TLS_CONTENT_TYPES = frozenset({20, 21, 22, 23})


@dataclass
class _Attempt:
    """Mutable state of one attempt while it runs; frozen into a TlsObservation at the end."""

    sock: socket.socket
    tls: ssl.SSLObject
    incoming: ssl.MemoryBIO
    outgoing: ssl.MemoryBIO
    deadline: float
    received: list[Chunk] = field(default_factory=list)
    kept: int = 0
    client_hello_at: float | None = None
    first_byte_at: float | None = None
    moments: Moment | None = None

    async def flush(self) -> None:
        data = self.outgoing.read()
        if data:
            loop = asyncio.get_running_loop()
            if self.client_hello_at is None:
                self.client_hello_at = time.time()
                if self.moments is not None:
                    self.moments("client-hello", self.client_hello_at)
            left = self._left()  # first: a coroutine made and never awaited would be left behind
            await asyncio.wait_for(loop.sock_sendall(self.sock, data), left)

    async def receive(self) -> bytes:
        loop = asyncio.get_running_loop()
        left = self._left()
        data = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), left)
        now = time.time()
        if data:
            if self.first_byte_at is None:
                self.first_byte_at = now
                if self.moments is not None:
                    self.moments("first-byte", now)
            if self.kept < _KEEP:
                piece = data[: _KEEP - self.kept]
                self.received.append(Chunk(at=now, data=piece))
                self.kept += len(piece)
        return data

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


async def tls_handshake(
    target: Target,
    address: str,
    *,
    context: ssl.SSLContext,
    purpose: str,
    connect_timeout: float,
    handshake_timeout: float,
    mss: int | None = None,
    proxy: tuple[str, str] | None = None,
    credentials: ProxyCredentials | None = None,
    moments: Moment | None = None,
    connected: Callable[[ConnectObservation], None] | None = None,
) -> TlsObservation:
    """Connect to ``address``, handshake with SNI ``target.host``, then ``GET`` the target's path.

    With ``proxy`` (``host:port``, its address) the handshake runs inside a ``CONNECT``
    tunnel through that proxy, as applications whose route is that proxy do; ``address`` is
    then unused and ``connect`` describes the connection to the proxy. ``moments`` hears
    ``established``, ``client-hello`` and ``first-byte`` as they happen (the live timeline);
    ``connected`` the connect (its local port) as soon as there is one, for a caller that
    may cancel the attempt before it returns (a speculative attempt, to name its flow).
    """
    tunnel: dict[str, object] = {}
    if proxy is not None:
        sock, exchange = await through_proxy(
            proxy[0], proxy[1], target, method="CONNECT", credentials=credentials,
            connect_timeout=connect_timeout, answer_timeout=handshake_timeout, mss=mss,
        )  # fmt: skip
        conn = exchange.connect
        status = (
            f"{exchange.answer.status} {exchange.answer.reason}".strip()
            if exchange.answer is not None
            else None
        )
        tunnel = {"proxy": proxy[0], "tunnel_status": status}
        tunnel["tunnel_bytes"] = exchange.answer_bytes  # a failed tunnel's: what was read
        if sock is not None:
            tunnel["tunnel_request_bytes"] = exchange.request_bytes
        else:
            failed = exchange.outcome == "connect_failed"
            return TlsObservation(
                target=target.key,
                sni=target.host,
                purpose=purpose,
                connect=conn,
                outcome="connect_failed" if failed else "tunnel_failed",
                ended_at=time.time(),
                error=conn.error if failed else f"CONNECT: {exchange.outcome} ({status})",
                unread_bytes=exchange.unread_bytes,
                **tunnel,  # type: ignore[arg-type]
            )
    else:
        sock, conn = await tcp_connect(address, target.port, timeout=connect_timeout, mss=mss)
    if sock is None:
        return TlsObservation(
            target=target.key,
            sni=target.host,
            purpose=purpose,
            connect=conn,
            outcome="connect_failed",
            ended_at=time.time(),
            error=conn.error,
        )
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=target.host)
    if connected is not None:
        connected(conn)
    if moments is not None:
        moments("established", conn.connected_at or time.time())
    attempt = _Attempt(
        sock=sock,
        tls=tls,
        incoming=incoming,
        outgoing=outgoing,
        deadline=time.monotonic() + handshake_timeout,
        moments=moments,
    )
    result: dict[str, object] = {}
    unread = 0
    try:
        result = await _handshake(attempt)
        if result["outcome"] == "ok":
            result.update(await _first_response(attempt, target))
    finally:
        if attempt.first_byte_at is None:
            unread = unread_bytes(sock, _KEEP)
        sock.close()
    return TlsObservation(
        target=target.key,
        sni=target.host,
        purpose=purpose,
        connect=conn,
        ended_at=time.time(),
        client_hello_at=attempt.client_hello_at,
        first_byte_at=attempt.first_byte_at,
        received=tuple(attempt.received),
        unread_bytes=unread,
        **tunnel,  # type: ignore[arg-type]
        **result,  # type: ignore[arg-type]
    )


async def _handshake(attempt: _Attempt) -> dict[str, object]:
    try:
        while True:
            try:
                attempt.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                await attempt.flush()
                first = attempt.first_byte_at is None
                data = await attempt.receive()
                if not data:
                    return {"outcome": "eof", "error": "the peer closed the connection (FIN)"}
                if first and data[0] not in _TLS_CONTENT_TYPES:
                    await _drain(attempt)
                    return {"outcome": "not_tls", "error": "the peer sent bytes that are not TLS"}
                attempt.incoming.write(data)
        await attempt.flush()
    except ssl.SSLCertVerificationError as exc:
        return {
            "outcome": "cert_error",
            "error": str(exc),
            "verify_error": exc.verify_message,
            "peer_certificate": _peer_certificate(attempt.tls),
        }
    except ssl.SSLError as exc:
        return {"outcome": "tls_error", "error": exc.reason or str(exc)}
    except TimeoutError:
        return {"outcome": "timeout", "error": "no answer before the deadline"}
    except ConnectionResetError:
        return {"outcome": "reset", "reset_at": time.time(), "error": "connection reset (RST)"}
    except OSError as exc:
        return {"outcome": "tls_error", "error": describe_os_error(exc)}
    return {
        "outcome": "ok",
        "handshake_done_at": time.time(),
        "tls_version": attempt.tls.version(),
        "cipher": (attempt.tls.cipher() or ("",))[0] or None,
        "peer_certificate": _peer_certificate(attempt.tls),
    }


async def _drain(attempt: _Attempt) -> None:
    """Keep reading what a non-TLS peer says until it closes, the cap, or the deadline."""
    try:
        while attempt.kept < _KEEP and await attempt.receive():
            pass
    except (TimeoutError, OSError):
        pass


def _peer_certificate(tls: ssl.SSLObject) -> bytes | None:
    try:
        return tls.getpeercert(binary_form=True)
    except (ValueError, ssl.SSLError):
        return None


async def _first_response(attempt: _Attempt, target: Target) -> dict[str, object]:
    """Send GET and read the status line: the 'first data' of the timeline."""
    request = (
        f"GET {target.path} HTTP/1.1\r\nHost: {target.host}\r\n"
        "User-Agent: WireSleuth\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    )
    status: dict[str, object] = {}
    try:
        attempt.tls.write(request.encode("ascii", "replace"))
        await attempt.flush()
        text = b""
        while b"\r\n" not in text and len(text) < 4096:
            try:
                text += attempt.tls.read(4096)
            except ssl.SSLWantReadError:
                data = await attempt.receive()
                if not data:
                    break
                attempt.incoming.write(data)
                await attempt.flush()
            except ssl.SSLZeroReturnError:
                break
        if text:
            status["first_data_at"] = time.time()
            status["http_status"] = text.split(b"\r\n", 1)[0].decode("latin-1")[:200]
    except (ssl.SSLError, TimeoutError, OSError) as exc:
        status["http_status"] = None
        status["error"] = f"after the handshake: {describe_os_error(exc)}"
    return status
