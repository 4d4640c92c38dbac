"""ICMP echo round trips, used to know the path RTT apart from any TCP handshake.

Unprivileged ping sockets (SOCK_DGRAM/IPPROTO_ICMP) are tried first, raw sockets second.
The echo packet is four header fields and a checksum, so it is built here rather than
importing scapy (which loads slowly and belongs to capture).

Each reply's arrival time is the kernel's (SO_TIMESTAMPNS), where the system gives one: this
RTT is compared with a TCP handshake that the kernel timed itself (``tcp_connect.kernel_rtt``),
and an RTT that included this program's delay in noticing the reply on a busy computer (tens
of milliseconds) made a nearby, honest server look like an interceptor. Both TCP fallbacks
use the kernel's handshake time too.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import socket
import struct
import sys
import time

from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.icmp_packet import internet_checksum, until_readable
from wiresleuth.probes.tcp_connect import kernel_rtt

_SO_TIMESTAMPNS = getattr(
    socket, "SO_TIMESTAMPNS", 35 if sys.platform.startswith("linux") else None
)
"""Linux's generic value (asm-generic/socket.h); Python's socket module does not name it."""
_TIMESPEC = struct.Struct("@ll")
_ANCILLARY_BYTES = socket.CMSG_SPACE(_TIMESPEC.size) if hasattr(socket, "CMSG_SPACE") else 0

_PAYLOAD = b"wiresleuth-rtt-probe"


def _echo_request(v6: bool, ident: int, seq: int) -> bytes:
    kind = 128 if v6 else 8
    header = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    if v6:  # the kernel fills the ICMPv6 checksum (it needs the pseudo-header)
        return header + _PAYLOAD
    return (
        struct.pack("!BBHHH", kind, 0, internet_checksum(header + _PAYLOAD), ident, seq) + _PAYLOAD
    )


def _open(v6: bool) -> tuple[socket.socket, bool]:
    """A ping socket if allowed, else a raw one; the bool says whether replies carry an IP header."""
    family = socket.AF_INET6 if v6 else socket.AF_INET
    proto = socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP
    try:
        return socket.socket(family, socket.SOCK_DGRAM, proto), False
    except OSError:
        return socket.socket(family, socket.SOCK_RAW, proto), not v6


def _is_reply(
    data: bytes, v6: bool, has_ip_header: bool, ident: int, seq: int, dgram: bool
) -> bool:
    if has_ip_header:
        data = data[(data[0] & 0x0F) * 4 :]
    if len(data) < 8:
        return False
    kind, _code, _sum, r_ident, r_seq = struct.unpack("!BBHHH", data[:8])
    if kind != (129 if v6 else 0) or r_seq != seq:
        return False
    # Ping sockets rewrite the identifier to the socket's own; the kernel already filtered.
    return dgram or r_ident == ident


async def icmp_echo_rtts(address: str, *, count: int, timeout: float) -> tuple[float, ...]:
    """Send ``count`` echo requests one after another; return the RTTs that were answered.

    Raises OSError (e.g. PermissionError) when no ICMP socket can be opened at all.
    """
    v6 = ipaddress.ip_address(address).version == 6
    sock, has_ip_header = _open(v6)
    dgram = sock.type == socket.SOCK_DGRAM
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    ident = os.getpid() & 0xFFFF
    stamped = _stamp_arrivals(sock)
    samples: list[float] = []
    try:
        for seq in range(1, count + 1):
            sent = time.time()  # the kernel's stamps are wall-clock times
            await loop.sock_sendto(sock, _echo_request(v6, ident, seq), (address, 0))
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                try:
                    data, arrived = await asyncio.wait_for(_receive(sock, stamped), left)
                except TimeoutError:
                    break
                if _is_reply(data, v6, has_ip_header, ident, seq, dgram):
                    samples.append(max(arrived - sent, 0.0))
                    break
    finally:
        sock.close()
    return tuple(samples)


def _stamp_arrivals(sock: socket.socket) -> bool:
    """Ask the kernel to stamp each datagram's arrival; False where it cannot."""
    if _SO_TIMESTAMPNS is None or not _ANCILLARY_BYTES:
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


async def _receive(sock: socket.socket, stamped: bool) -> tuple[bytes, float]:
    """One datagram and when it arrived: the kernel's time when stamped, else now."""
    if not stamped:
        data = await asyncio.get_running_loop().sock_recv(sock, 2048)
        return data, time.time()
    while True:
        try:
            data, ancillary, _flags, _addr = sock.recvmsg(2048, _ANCILLARY_BYTES)
        except (BlockingIOError, InterruptedError):
            await until_readable(sock)
            continue
        return data, _arrival(ancillary)


def _arrival(ancillary: list[tuple[int, int, bytes]]) -> float:
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS:
            with contextlib.suppress(struct.error):
                seconds, nanoseconds = _TIMESPEC.unpack_from(payload)
                return float(seconds) + float(nanoseconds) / 1e9
    return time.time()


async def tcp_rtts(address: str, port: int, *, count: int, timeout: float) -> tuple[float, ...]:
    """RTT of SYN -> SYN-ACK or RST to a port; the second method when ICMP is not allowed."""
    family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
    loop = asyncio.get_running_loop()
    samples: list[float] = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        started = time.perf_counter()
        try:
            await asyncio.wait_for(loop.sock_connect(sock, (address, port)), timeout)
            measured = kernel_rtt(sock)  # the kernel's SYN -> SYN-ACK time, as the handshake's
            samples.append(measured if measured is not None else time.perf_counter() - started)
        except ConnectionRefusedError:
            samples.append(time.perf_counter() - started)  # the RST is an answer too
        except (OSError, TimeoutError) as exc:
            if not samples and describe_os_error(exc) != "timeout":
                raise
        finally:
            sock.close()
    return tuple(samples)
