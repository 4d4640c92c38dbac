"""What every ICMP probe here needs from the packet and the socket, written once.

The echo request is four header fields and a checksum, so it is built by hand rather than
with scapy (which loads slowly and belongs to capture); the wait for a socket to become
readable is asyncio's reader callback, for sockets whose replies and queued errors are read
with ``recvmsg`` flags the event loop's own ``sock_recv`` cannot pass.
"""

from __future__ import annotations

import asyncio
import socket
import struct


def internet_checksum(data: bytes) -> int:
    """The 16-bit ones' complement sum of RFC 1071, as the ICMP header carries it."""
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


async def until_readable(sock: socket.socket) -> None:
    """Until the socket has data or an error queued (epoll reports errors as readable)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(sock.fileno(), wake)
    try:
        await ready
    finally:
        loop.remove_reader(sock.fileno())
