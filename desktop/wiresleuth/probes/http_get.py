"""One HTTP GET over a socket we own, with every moment and byte kept.

A library (urllib, requests) would turn "connected, then silence" and "refused at once" into
the same exception; a PAC fetch is judged precisely on that difference, so the exchange is
driven here: connect (timed), send the request, read until the response is complete, the
peer closes, the deadline passes or the size limit is reached.
"""

from __future__ import annotations

import asyncio
import ssl
import time

from wiresleuth.analysis.http_response import parse_head
from wiresleuth.model.observations import Chunk, ConnectObservation
from wiresleuth.model.pac_observations import HttpExchangeObservation
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.tcp_connect import tcp_connect

USER_AGENT = "WireSleuth (PAC check)"


def request_bytes(host: str, path: str) -> bytes:
    """The GET a browser's PAC fetcher sends, minus cookies."""
    return (
        f"GET {path or '/'} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode("ascii", errors="replace")


def _complete(data: bytes) -> bool:
    head = parse_head(data)
    return head is not None and head.complete


async def http_get(
    url: str,
    address: str,
    port: int,
    *,
    host: str,
    path: str,
    connect_timeout: float,
    read_timeout: float,
    size_limit: int,
    tls: ssl.SSLContext | None = None,
) -> HttpExchangeObservation:
    """GET ``path`` from ``address:port`` with ``Host: host``; never raises for the network."""
    sock, connect = await tcp_connect(address, port, timeout=connect_timeout)
    if sock is None:
        failure = connect.error or "error"
        kind = {"refused": "refused", "timeout": "connect_timeout"}.get(failure, "unreachable")
        return _ended(url, address, connect, kind, size_limit, connect_timeout, failure)
    chunks: list[Chunk] = []
    total = 0
    sent_at: float | None = None
    completed_at: float | None = None
    error: str | None = None
    outcome = "no_data"
    deadline = time.monotonic() + read_timeout
    writer: asyncio.StreamWriter | None = None
    try:
        try:
            reader, stream = await asyncio.wait_for(
                asyncio.open_connection(
                    sock=sock, ssl=tls, server_hostname=host if tls is not None else None
                ),
                max(0.001, deadline - time.monotonic()),
            )
        except ssl.SSLError as exc:
            return _ended(url, address, connect, "tls_error", size_limit, read_timeout, str(exc))
        except TimeoutError:
            return _ended(url, address, connect, "no_data", size_limit, read_timeout, "timeout")
        except OSError as exc:
            return _ended(
                url, address, connect, "reset", size_limit, read_timeout, describe_os_error(exc)
            )
        writer = stream
        stream.write(request_bytes(host, path))
        await stream.drain()
        sent_at = time.time()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                outcome = "partial" if chunks else "no_data"
                error = f"no complete answer within {read_timeout:g} s"
                break
            try:
                data = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                continue
            except (OSError, ssl.SSLError) as exc:
                error = describe_os_error(exc)
                outcome = "reset"
                break
            if not data:
                outcome = "answered" if chunks else "closed"
                completed_at = time.time() if chunks else None
                break
            keep = data[: max(0, size_limit - total)]
            if keep:
                chunks.append(Chunk(at=time.time(), data=keep))
            total += len(data)
            if total > size_limit:
                outcome = "too_large"
                error = f"more than {size_limit} bytes"
                break
            if _complete(b"".join(c.data for c in chunks)):
                outcome = "answered"
                completed_at = time.time()
                break
    except (OSError, ssl.SSLError) as exc:
        error = describe_os_error(exc)
        outcome = "reset"
    finally:
        if writer is not None:
            writer.close()
        else:
            sock.close()
    return HttpExchangeObservation(
        url=url,
        address=address,
        connect=connect,
        outcome=outcome,
        ended_at=time.time(),
        request_sent_at=sent_at,
        first_byte_at=chunks[0].at if chunks else None,
        completed_at=completed_at,
        received=tuple(chunks),
        size_limit=size_limit,
        waited=read_timeout,
        error=error,
    )


def _ended(
    url: str,
    address: str,
    connect: ConnectObservation,
    outcome: str,
    size_limit: int,
    waited: float,
    error: str,
) -> HttpExchangeObservation:
    return HttpExchangeObservation(
        url=url,
        address=address,
        connect=connect,
        outcome=outcome,
        ended_at=time.time(),
        size_limit=size_limit,
        waited=waited,
        error=error,
    )
