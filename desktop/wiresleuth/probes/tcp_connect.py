"""A TCP connect with its timing, optionally asking for a small MSS."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time

from wiresleuth.model.observations import ConnectObservation
from wiresleuth.probes.errors import describe_os_error


def _family(address: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET


async def tcp_connect(
    address: str, port: int, *, timeout: float, mss: int | None = None
) -> tuple[socket.socket | None, ConnectObservation]:
    """Connect; return the connected non-blocking socket (caller closes it) and the observation.

    On failure the socket is closed and None is returned with the error in the observation.
    """
    loop = asyncio.get_running_loop()
    sock = socket.socket(_family(address), socket.SOCK_STREAM)
    sock.setblocking(False)
    if mss is not None:
        # Must be set before connect() so the SYN announces it: the server then sends
        # segments no larger than this, which is the whole point of the small-MSS retry.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    started = time.time()
    try:
        await asyncio.wait_for(loop.sock_connect(sock, (address, port)), timeout)
    except (OSError, TimeoutError) as exc:
        sock.close()
        return None, ConnectObservation(
            address=address,
            port=port,
            started_at=started,
            mss=mss,
            error=describe_os_error(exc),
        )
    except BaseException:
        sock.close()
        raise
    connected = time.time()
    local = sock.getsockname()
    return sock, ConnectObservation(
        address=address,
        port=port,
        started_at=started,
        connected_at=connected,
        local_address=str(local[0]),
        local_port=int(local[1]),
        mss=mss,
    )
