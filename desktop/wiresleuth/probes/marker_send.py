"""The client side of the path proof: one marker to a listener, directly or through a proxy."""

from __future__ import annotations

import asyncio
import socket
import time

from wiresleuth.model.proxy_observations import NO_ACK_IN_TIME, MarkerObservation
from wiresleuth.model.target import Target
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.marker_protocol import MAX_LINE, marker_line, new_marker, parse_ack
from wiresleuth.probes.proxy_auth import ProxyCredentials
from wiresleuth.probes.proxy_exchange import through_proxy
from wiresleuth.probes.tcp_connect import tcp_connect


async def _exchange(
    sock: socket.socket, marker: str, route: str, timeout: float
) -> tuple[float | None, bytes, str | None]:
    """Send the marker line, read one line back; (sent_at, line, error)."""
    loop = asyncio.get_running_loop()
    sent_at: float | None = None
    received = b""
    try:
        await asyncio.wait_for(loop.sock_sendall(sock, marker_line(marker, route)), timeout)
        sent_at = time.time()
        deadline = time.monotonic() + timeout
        while b"\n" not in received and len(received) < MAX_LINE:
            left = deadline - time.monotonic()
            if left <= 0:
                return sent_at, received, f"{NO_ACK_IN_TIME} {timeout:g} s"
            data = await asyncio.wait_for(loop.sock_recv(sock, 4096), left)
            if not data:
                return sent_at, received, "closed without an acknowledgement"
            received += data
    except TimeoutError:
        return sent_at, received, f"{NO_ACK_IN_TIME} {timeout:g} s"
    except OSError as exc:
        return sent_at, received, describe_os_error(exc)
    finally:
        sock.close()
    return sent_at, received.split(b"\n", 1)[0], None


async def send_marker(
    listener: Target,
    address: str,
    *,
    proxy: tuple[str, str] | None,
    credentials: ProxyCredentials | None,
    connect_timeout: float,
    answer_timeout: float,
) -> MarkerObservation:
    """Send a fresh marker to ``listener`` (at ``address``), or via ``proxy`` = (label, address)."""
    marker = new_marker()
    route = "DIRECT" if proxy is None else f"PROXY {proxy[0]}"
    tunnel = None
    if proxy is None:
        sock, conn = await tcp_connect(address, listener.port, timeout=connect_timeout)
        if sock is None:
            return MarkerObservation(
                target=listener.key, route=route, marker=marker, outcome="connect_failed",
                connect=conn, error=conn.error,
            )  # fmt: skip
    else:
        sock, tunnel = await through_proxy(
            proxy[0], proxy[1], listener, method="CONNECT", credentials=credentials,
            connect_timeout=connect_timeout, answer_timeout=answer_timeout,
        )  # fmt: skip
        conn = tunnel.connect
        if sock is None:
            failed = "connect_failed" if tunnel.outcome == "connect_failed" else "tunnel_failed"
            return MarkerObservation(
                target=listener.key, route=route, marker=marker, outcome=failed, connect=conn,
                tunnel=tunnel, error=tunnel.error or f"proxy answered {tunnel.outcome}",
            )  # fmt: skip
    sent_at, line, error = await _exchange(sock, marker, route, answer_timeout)
    acked_at = time.time()
    if error is not None:
        return MarkerObservation(
            target=listener.key, route=route, marker=marker, outcome="no_ack", sent_at=sent_at,
            connect=conn, tunnel=tunnel, error=error, ended_at=acked_at,
        )  # fmt: skip
    ack = parse_ack(line)
    if ack is None or ack.marker() != marker:
        return MarkerObservation(
            target=listener.key, route=route, marker=marker, outcome="bad_ack", sent_at=sent_at,
            connect=conn, tunnel=tunnel, ended_at=acked_at,
            error=f"not an acknowledgement of this marker: {line[:120]!r}",
        )  # fmt: skip
    return MarkerObservation(
        target=listener.key, route=route, marker=marker, outcome="delivered", sent_at=sent_at,
        acked_at=acked_at, seen_from=ack.source, listener_time=ack.at, connect=conn, tunnel=tunnel,
        ended_at=acked_at,
    )  # fmt: skip
