"""The path RTT by TCP: SYN -> SYN-ACK (or RST) to a port, where ICMP echo is not allowed.

The connects of one measurement go out as one wave (``probe_wave``), each on its own
non-blocking socket watched by asyncio's writer callback, so none outlives the measurement.
A connected socket's time is the kernel's (``tcp_connect.kernel_rtt``): this program's delay
in noticing the SYN-ACK on a busy computer is not the path's.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import os
import socket
import time

from wiresleuth.probes.probe_wave import answered, first_error, send_wave
from wiresleuth.probes.tcp_connect import kernel_rtt

_IN_PROGRESS = frozenset({errno.EINPROGRESS, errno.EAGAIN, errno.EWOULDBLOCK, errno.EALREADY})


async def tcp_rtts(address: str, port: int, *, count: int, timeout: float) -> tuple[float, ...]:
    """RTTs of ``count`` connects sent as one wave, in the order sent; a refused connect
    (RST) is an answer too. A connect not answered before its own deadline is left out.

    Raises the first error other than a timeout when no connect was answered.
    """
    family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
    loop = asyncio.get_running_loop()
    sockets: list[socket.socket] = []

    def start(_index: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = loop.create_future()
        sock = socket.socket(family, socket.SOCK_STREAM)
        sockets.append(sock)
        sock.setblocking(False)
        started = time.perf_counter()
        code = sock.connect_ex((address, port))
        if code in _IN_PROGRESS:
            loop.add_writer(sock.fileno(), _settle, sock, started, future)
        else:
            _settle(sock, started, future, code)
        return future

    try:
        futures = await send_wave(start, count=count, timeout=timeout)
    finally:
        for sock in sockets:
            loop.remove_writer(sock.fileno())
            sock.close()
    samples = answered(futures)
    if not samples and (error := first_error(futures)) is not None:
        raise error
    return tuple(samples)


def _settle(
    sock: socket.socket, started: float, future: asyncio.Future[float], code: int | None = None
) -> None:
    """The connect's outcome into its future (writer callback, or at once when connect
    ended without waiting)."""
    elapsed = time.perf_counter() - started
    if code is None:
        asyncio.get_running_loop().remove_writer(sock.fileno())
        code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if future.done():
        return
    if code == 0:
        measured = kernel_rtt(sock)  # the kernel's SYN -> SYN-ACK time, as the handshake's
        future.set_result(measured if measured is not None else elapsed)
    elif code == errno.ECONNREFUSED:
        future.set_result(elapsed)  # the RST is an answer too
    else:
        future.set_exception(OSError(code, os.strerror(code)))
