"""ICMP echo round trips, used to know the path RTT apart from any TCP handshake.

Unprivileged ping sockets (SOCK_DGRAM/IPPROTO_ICMP) are tried first, raw sockets second.
The echo packet is four header fields and a checksum, so it is built here rather than
importing scapy (which loads slowly and belongs to capture).

Each reply's arrival time is the kernel's (SO_TIMESTAMPNS), where the system gives one: this
RTT is compared with a TCP handshake that the kernel timed itself (``tcp_connect.kernel_rtt``),
and an RTT that included this program's delay in noticing the reply on a busy computer (tens
of milliseconds) made a nearby, honest server look like an interceptor. The TCP fallback
(``tcp_rtt``) uses the kernel's handshake time too.

The requests of one measurement go out as one wave (``probe_wave``): one socket, one reader
callback that matches each reply to its request, each request with its own deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import os
import socket
import struct
import sys
import time

from wiresleuth.probes.icmp_packet import internet_checksum
from wiresleuth.probes.probe_wave import answered, first_error, send_wave

_SO_TIMESTAMPNS = getattr(
    socket, "SO_TIMESTAMPNS", 35 if sys.platform.startswith("linux") else None
)
"""Linux's generic value (asm-generic/socket.h); Python's socket module does not name it."""
_TIMESPEC = struct.Struct("@ll")
_ANCILLARY_BYTES = socket.CMSG_SPACE(_TIMESPEC.size) if hasattr(socket, "CMSG_SPACE") else 0

_PAYLOAD = b"wiresleuth-rtt-probe"
_IDENTS = itertools.count(os.getpid())
"""Each measurement's echo identifier: measurements side by side (several wizards, several
addresses) on raw sockets, which all see every echo reply, never take each other's replies."""


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


def _reply_seq(data: bytes, v6: bool, has_ip_header: bool, ident: int, dgram: bool) -> int | None:
    """The sequence number of an echo reply to this measurement, else None."""
    if has_ip_header:
        data = data[(data[0] & 0x0F) * 4 :]
    if len(data) < 8:
        return None
    kind, _code, _sum, r_ident, r_seq = struct.unpack("!BBHHH", data[:8])
    if kind != (129 if v6 else 0):
        return None
    # Ping sockets rewrite the identifier to the socket's own; the kernel already filtered.
    return r_seq if dgram or r_ident == ident else None


async def icmp_echo_rtts(address: str, *, count: int, timeout: float) -> tuple[float, ...]:
    """Send ``count`` echo requests as one wave (``probe_wave``); return the RTTs of those
    answered before their own deadline, in the order the requests were sent.

    Raises OSError (e.g. PermissionError) when no ICMP socket can be opened at all, or when
    no reply came and sending or receiving failed.
    """
    v6 = ipaddress.ip_address(address).version == 6
    sock, has_ip_header = _open(v6)
    loop = asyncio.get_running_loop()
    try:
        sock.setblocking(False)
        echo = _EchoWave(sock, address, has_ip_header, next(_IDENTS) & 0xFFFF)
        loop.add_reader(sock.fileno(), echo.on_readable)
        try:
            futures = await send_wave(echo.send, count=count, timeout=timeout)
        finally:
            loop.remove_reader(sock.fileno())
    finally:
        sock.close()
    samples = answered(futures)
    if not samples and (error := first_error(futures)) is not None:
        raise error
    return tuple(samples)


class _EchoWave:
    """One measurement's echo requests, and its replies matched to them by sequence number
    (and identifier and source, for a raw socket that sees every echo reply of the host)."""

    def __init__(self, sock: socket.socket, address: str, has_ip_header: bool, ident: int):
        self.sock = sock
        self.address = address
        self.target = ipaddress.ip_address(address).packed
        self.v6 = len(self.target) == 16
        self.has_ip_header = has_ip_header
        self.ident = ident
        self.dgram = sock.type == socket.SOCK_DGRAM
        self.stamped = _stamp_arrivals(sock)
        self.sent: dict[int, float] = {}
        self.waiting: dict[int, asyncio.Future[float]] = {}

    def send(self, index: int) -> asyncio.Future[float]:
        """Send echo request ``index`` (sequence ``index + 1``); its reply resolves the future."""
        seq = index + 1
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[seq] = future
        self.sent[seq] = time.time()  # the kernel's stamps are wall-clock times
        try:
            self.sock.sendto(_echo_request(self.v6, self.ident, seq), (self.address, 0))
        except OSError as exc:
            future.set_exception(exc)
        return future

    def on_readable(self) -> None:
        """Read every datagram queued; resolve the probes they answer."""
        while True:
            try:
                data, arrived, source = _read(self.sock, self.stamped)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # a queued error (the socket's, not one probe's)
                for future in self.waiting.values():
                    if not future.done():
                        future.set_exception(exc)
                return
            seq = _reply_seq(data, self.v6, self.has_ip_header, self.ident, self.dgram)
            if seq is None or not self._from_target(source):
                continue
            probe = self.waiting.get(seq)
            if probe is not None and not probe.done():
                probe.set_result(max(arrived - self.sent[seq], 0.0))

    def _from_target(self, source: object) -> bool:
        if not isinstance(source, tuple) or not source or not isinstance(source[0], str):
            return False
        try:
            return ipaddress.ip_address(source[0].split("%")[0]).packed == self.target
        except ValueError:
            return False


def _stamp_arrivals(sock: socket.socket) -> bool:
    """Ask the kernel to stamp each datagram's arrival; False where it cannot."""
    if _SO_TIMESTAMPNS is None or not _ANCILLARY_BYTES:
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


def _read(sock: socket.socket, stamped: bool) -> tuple[bytes, float, object]:
    """One queued datagram, when it arrived (the kernel's time when stamped, else now) and
    its source; BlockingIOError when none is queued."""
    if not stamped:
        data, source = sock.recvfrom(2048)
        return data, time.time(), source
    data, ancillary, _flags, source = sock.recvmsg(2048, _ANCILLARY_BYTES)
    return data, _arrival(ancillary), source


def _arrival(ancillary: list[tuple[int, int, bytes]]) -> float:
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS:
            with contextlib.suppress(struct.error):
                seconds, nanoseconds = _TIMESPEC.unpack_from(payload)
                return float(seconds) + float(nanoseconds) / 1e9
    return time.time()
