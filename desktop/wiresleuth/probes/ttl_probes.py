"""Single probes sent with a limited TTL on ordinary sockets: no capability, no raw socket.

The program holds no capture or raw-socket right (the capture helper alone captures), so
every probe here is a socket any user may open: a TCP connect whose SYN carries ``IP_TTL``;
a connection made at full TTL whose later segments (a ClientHello, an HTTP request) carry
it; an ICMP echo on a ping socket; a UDP datagram. Linux reports the ICMP error that ends a
probe on the socket's error queue (``IP_RECVERR``, read with ``MSG_ERRQUEUE``): the router's
address, the ICMP type, and the quoted transport header (the TCP header with its options as
that router received it). An established TCP connection gets only the error (EHOSTUNREACH),
not the queue entry; which router sent it is then read from a capture, or from the echo
trace at the same TTL. Only IPv4 for now (``HopRequest.skipped`` says so for IPv6).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import struct
import sys
import time
from collections.abc import Awaitable, Callable

from wiresleuth.model.hop_observations import HopProbe
from wiresleuth.probes.error_queue import IP_RECVERR, QueuedError, read_error_queue
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.icmp_packet import until_readable

SocketFactory = Callable[[int, int, int], socket.socket]
"""Makes a socket (family, type, protocol): ``socket.socket`` in the program, a socket made
inside a lab namespace in tests."""

_KEEP_DATA = 256
_UDP_BASE_PORT = 33434
"""Traceroute's first port: unused by services, so the destination answers port unreachable."""
_TIME_EXCEEDED = 11
_UNREACHABLE = 3
_PORT_UNREACHABLE = 3
_ECHO_PAYLOAD = b"wiresleuth-hop-probe"


def system_socket(family: int, kind: int, proto: int) -> socket.socket:
    """A socket of this process's network namespace."""
    return socket.socket(family, kind, proto)


def error_queue_supported() -> bool:
    """Whether sockets here report ICMP errors with their sender (Linux ``IP_RECVERR``)."""
    return sys.platform.startswith("linux")


def _prepare(sock: socket.socket, ttl: int) -> None:
    sock.setblocking(False)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    if error_queue_supported():
        sock.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)


def _abort(sock: socket.socket) -> None:
    """Close at once with a reset: a probe leaves no connection state behind, here or there."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _local_port(sock: socket.socket) -> int | None:
    try:
        return int(sock.getsockname()[1])
    except (OSError, IndexError, TypeError, ValueError):
        return None


class _Clock:
    """When a probe left, on both clocks (epoch for the record, monotonic for its RTT)."""

    def __init__(self) -> None:
        self.at = time.time()
        self._start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self._start


def _from_queue(
    ttl: int, clock: _Clock, queued: QueuedError, local_port: int | None, destination: str
) -> HopProbe:
    """The fate an ICMP error gives a probe."""
    if queued.icmp_type == _TIME_EXCEEDED:
        fate, answer = "expired", None
    elif (
        queued.icmp_type == _UNREACHABLE
        and queued.icmp_code == _PORT_UNREACHABLE
        and queued.sender == destination
    ):
        fate, answer = "answered", "port-unreachable"
    else:
        fate, answer = "unreachable", None
    return HopProbe(
        ttl=ttl,
        sent_at=clock.at,
        fate=fate,
        answer=answer,
        rtt=clock.elapsed(),
        reported_by=queued.sender,
        icmp_type=queued.icmp_type if queued.icmp_type >= 0 else None,
        icmp_code=queued.icmp_code if queued.icmp_type >= 0 else None,
        quote=queued.quote[:120],
        local_port=local_port,
    )


def _failed(ttl: int, at: float, exc: BaseException, what: str = "") -> HopProbe:
    text = describe_os_error(exc)
    return HopProbe(ttl=ttl, sent_at=at, fate="failed", error=f"{what}{text}")


def _answered(
    ttl: int, clock: _Clock, answer: str, local_port: int | None, data: bytes = b""
) -> HopProbe:
    """The far end answered the probe itself (``answer``: syn-ack, reset, data, ...)."""
    return HopProbe(
        ttl=ttl, sent_at=clock.at, fate="answered", answer=answer, rtt=clock.elapsed(),
        local_port=local_port, data=data[:_KEEP_DATA],
    )  # fmt: skip


async def _on_new_socket(
    kind: int,
    ttl: int,
    sockets: SocketFactory,
    probe: Callable[[socket.socket], Awaitable[HopProbe]],
) -> HopProbe:
    """``probe`` on a new IPv4 socket of ``kind``, closed with a reset afterwards. A socket
    that cannot be made, or an OS error the probe does not read as a fate, is the probe's
    "failed" fate and not an exception: a trace records every probe it sent."""
    started = time.time()
    try:
        sock = sockets(socket.AF_INET, kind, 0)
    except OSError as exc:
        return _failed(ttl, started, exc, "no socket: ")
    try:
        return await probe(sock)
    except OSError as exc:
        return _failed(ttl, started, exc)
    finally:
        _abort(sock)


async def syn_probe(
    address: str, port: int, ttl: int, *, sockets: SocketFactory = system_socket
) -> HopProbe:
    """Connect with the SYN limited to ``ttl`` hops: SYN-ACK, reset, or a router's error."""
    loop = asyncio.get_running_loop()

    async def probe(sock: socket.socket) -> HopProbe:
        _prepare(sock, ttl)
        clock = _Clock()
        try:
            await loop.sock_connect(sock, (address, port))
        except ConnectionRefusedError:
            return _answered(ttl, clock, "reset", _local_port(sock))
        except OSError as exc:
            queued = read_error_queue(sock)
            if queued:
                return _from_queue(ttl, clock, queued[0], _local_port(sock), address)
            return _failed(ttl, clock.at, exc)
        return _answered(ttl, clock, "syn-ack", _local_port(sock))

    return await _on_new_socket(socket.SOCK_STREAM, ttl, sockets, probe)


async def data_probe(
    address: str,
    port: int,
    ttl: int,
    payload: bytes,
    *,
    connect_timeout: float,
    sockets: SocketFactory = system_socket,
) -> HopProbe:
    """Connect at full TTL, then send ``payload`` limited to ``ttl`` hops and see what
    answers it: data, a reset, a close, or a router's "time exceeded" (EHOSTUNREACH)."""
    loop = asyncio.get_running_loop()
    started = time.time()

    async def probe(sock: socket.socket) -> HopProbe:
        sock.setblocking(False)
        try:
            await asyncio.wait_for(loop.sock_connect(sock, (address, port)), connect_timeout)
        except (OSError, TimeoutError) as exc:
            return _failed(ttl, started, exc, "connect at full TTL: ")
        local = _local_port(sock)
        _prepare(sock, ttl)
        clock = _Clock()
        try:
            await loop.sock_sendall(sock, payload)
            data = await loop.sock_recv(sock, 4096)
        except ConnectionResetError:
            return _answered(ttl, clock, "reset", local)
        except OSError as exc:
            queued = read_error_queue(sock)
            if queued:
                return _from_queue(ttl, clock, queued[0], local, address)
            if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
                # The socket's error for a router's ICMP on an established connection: the
                # kernel keeps no queue entry for it, so the sender is not known here.
                fate = "expired" if exc.errno == errno.EHOSTUNREACH else "unreachable"
                return HopProbe(
                    ttl=ttl, sent_at=clock.at, fate=fate, rtt=clock.elapsed(),
                    local_port=local, error=describe_os_error(exc),
                )  # fmt: skip
            return _failed(ttl, clock.at, exc)
        return _answered(ttl, clock, "data" if data else "fin", local, data)

    return await _on_new_socket(socket.SOCK_STREAM, ttl, sockets, probe)


def echo_request(seq: int) -> bytes:
    """An ICMP echo request for a ping socket (the kernel sets identifier and checksum)."""
    return struct.pack("!BBHHH", 8, 0, 0, 0, seq) + _ECHO_PAYLOAD


def open_ping_socket(sockets: SocketFactory = system_socket) -> socket.socket:
    """A ping socket (SOCK_DGRAM/IPPROTO_ICMP); PermissionError where this user may not."""
    return sockets(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)


async def _datagram_probe(
    sock: socket.socket, ttl: int, address: str, send: Callable[[], object], seq: int | None
) -> HopProbe:
    """``send()`` a datagram limited to ``ttl`` hops and wait for its fate: an error queued,
    or an answer (an echo reply to ``seq``; any data when ``seq`` is None)."""
    _prepare(sock, ttl)
    clock = _Clock()
    try:
        send()
    except OSError as exc:
        return _failed(ttl, clock.at, exc)
    local = _local_port(sock)
    while True:
        await until_readable(sock)
        queued = read_error_queue(sock)
        if queued:
            return _from_queue(ttl, clock, queued[0], local, address)
        try:
            data = sock.recv(2048, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            continue
        except OSError:
            continue  # the error itself is read from the queue on the next turn
        if seq is None:
            return _answered(ttl, clock, "data", local, data)
        if len(data) >= 8 and data[0] == 0 and int.from_bytes(data[6:8], "big") == seq:
            return _answered(ttl, clock, "echo-reply", local)


async def echo_probe(address: str, ttl: int, *, sockets: SocketFactory = system_socket) -> HopProbe:
    """One ICMP echo limited to ``ttl`` hops. PermissionError (raised) when ping sockets are
    not allowed for this user: the caller then traces with UDP."""
    sock = open_ping_socket(sockets)
    try:
        return await _datagram_probe(
            sock, ttl, address, lambda: sock.sendto(echo_request(ttl), (address, 0)), ttl
        )
    finally:
        sock.close()


async def udp_probe(address: str, ttl: int, *, sockets: SocketFactory = system_socket) -> HopProbe:
    """One UDP datagram limited to ``ttl`` hops, to a port nothing listens on (traceroute's):
    routers say "time exceeded", the destination "port unreachable"."""

    async def probe(sock: socket.socket) -> HopProbe:
        def send() -> None:
            sock.connect((address, _UDP_BASE_PORT + ttl - 1))
            sock.send(_ECHO_PAYLOAD)

        return await _datagram_probe(sock, ttl, address, send, None)

    return await _on_new_socket(socket.SOCK_DGRAM, ttl, sockets, probe)
