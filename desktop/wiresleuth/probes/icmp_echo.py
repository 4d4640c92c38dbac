"""ICMP echo round trips, used to know the path RTT apart from any TCP handshake.

Unprivileged ping sockets (SOCK_DGRAM/IPPROTO_ICMP) are tried first, raw sockets second.
The echo packet is four header fields and a checksum, so it is built here rather than
importing scapy (which loads slowly and belongs to capture).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import struct
import time

from wiresleuth.probes.errors import describe_os_error

_PAYLOAD = b"wiresleuth-rtt-probe"


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _echo_request(v6: bool, ident: int, seq: int) -> bytes:
    kind = 128 if v6 else 8
    header = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    if v6:  # the kernel fills the ICMPv6 checksum (it needs the pseudo-header)
        return header + _PAYLOAD
    return struct.pack("!BBHHH", kind, 0, _checksum(header + _PAYLOAD), ident, seq) + _PAYLOAD


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
    samples: list[float] = []
    try:
        for seq in range(1, count + 1):
            sent = time.perf_counter()
            await loop.sock_sendto(sock, _echo_request(v6, ident, seq), (address, 0))
            deadline = sent + timeout
            while (left := deadline - time.perf_counter()) > 0:
                try:
                    data = await asyncio.wait_for(loop.sock_recv(sock, 2048), left)
                except TimeoutError:
                    break
                if _is_reply(data, v6, has_ip_header, ident, seq, dgram):
                    samples.append(time.perf_counter() - sent)
                    break
    finally:
        sock.close()
    return tuple(samples)


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
            samples.append(time.perf_counter() - started)
        except ConnectionRefusedError:
            samples.append(time.perf_counter() - started)  # the RST is an answer too
        except (OSError, TimeoutError) as exc:
            if not samples and describe_os_error(exc) != "timeout":
                raise
        finally:
            sock.close()
    return tuple(samples)
