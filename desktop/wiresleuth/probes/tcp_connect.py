"""A TCP connect with its timing, optionally asking for a small MSS."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
import sys
import time

from wiresleuth.model.observations import ConnectObservation
from wiresleuth.probes.errors import describe_os_error

_TCP_INFO = getattr(socket, "TCP_INFO", 11)
_TCPI_RTT = struct.Struct("=I")
_TCPI_RTT_OFFSET = 68
"""``tcpi_rtt`` (microseconds) in Linux's ``struct tcp_info`` (include/uapi/linux/tcp.h)."""


def kernel_rtt(sock: socket.socket) -> float | None:
    """The kernel's RTT estimate of a just-connected socket, in seconds (Linux TCP_INFO).

    Right after connect() it is the SYN to SYN-ACK time the kernel measured itself: immune
    to the delay between the SYN-ACK's arrival and this program's event loop noticing it,
    which a busy computer adds to the socket-level timing. None elsewhere or when unknown.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, _TCP_INFO, 104)
        (micro,) = _TCPI_RTT.unpack_from(raw, _TCPI_RTT_OFFSET)
    except (OSError, struct.error):
        return None
    return micro / 1_000_000 if micro else None


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
    # As browsers do: a request written after the TLS Finished leaves at once, not a round
    # trip later when Nagle's algorithm has seen the Finished acknowledged.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if mss is not None:
        # Must be set before connect() so the SYN announces it: the server then sends
        # segments no larger than this, which is the whole point of the small-MSS retry.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    started = time.time()
    try:
        # Not ``wait_for``, which made the connect a task of its own: its SYN left a turn
        # of the event loop later, behind every other check's step (up to 0.02 s when the
        # checks start together); here it leaves now.
        async with asyncio.timeout(timeout):
            await loop.sock_connect(sock, (address, port))
    except (OSError, TimeoutError) as exc:
        sock.close()
        return None, ConnectObservation(
            address=address,
            port=port,
            started_at=started,
            mss=mss,
            error=describe_os_error(exc),
            ended_at=time.time(),
        )
    except BaseException:
        sock.close()
        raise
    connected = time.time()
    measured = kernel_rtt(sock)
    local = sock.getsockname()
    return sock, ConnectObservation(
        address=address,
        port=port,
        started_at=started,
        connected_at=connected,
        local_address=str(local[0]),
        local_port=int(local[1]),
        mss=mss,
        kernel_rtt=measured,
        ended_at=connected,
    )
