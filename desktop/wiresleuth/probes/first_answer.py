"""Open a TCP connection, hand it one request, and time the first byte of the answer.

Two wizards use it: the MTU wizard (does the server's first, full-size answer arrive with
the default MSS, and with MSS 536?) and the hold wizard (when was the request handed to
the socket, when did the answer start?). The request is a TLS ClientHello for HTTPS or a
``GET`` for HTTP: what a browser sends first.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
import sys
import time

from wiresleuth.model.events import Moment
from wiresleuth.model.mtu_observations import SegmentAttempt
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.tcp_connect import tcp_connect
from wiresleuth.probes.unread_bytes import unread_bytes

_TCP_INFO = getattr(socket, "TCP_INFO", 11)
_TCP_INFO_MSS = struct.Struct("=16xII")  # after 8 bytes of u8 fields and rto, ato
_READ_LIMIT = 64 * 1024
_SO_TIMESTAMPING = getattr(socket, "SO_TIMESTAMPING", 37)
_MSG_ERRQUEUE = getattr(socket, "MSG_ERRQUEUE", 0x2000)
# TX_SOFTWARE (driver) | SOFTWARE (report it) | TX_SCHED (qdisc) | OPT_ID | OPT_TSONLY
_TX_FLAGS = (1 << 1) | (1 << 4) | (1 << 8) | (1 << 7) | (1 << 11)


def client_hello(server_name: str) -> bytes:
    """The ClientHello this system's TLS library sends to ``server_name`` (not verified:
    only the bytes matter, nothing is trusted)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_name)
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def http_get(host: str, path: str = "/") -> bytes:
    """A minimal HTTP/1.1 GET, as a browser's first bytes on a plain connection."""
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: wiresleuth\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode()


def tcp_info_mss(sock: socket.socket) -> tuple[int | None, int | None]:
    """(send MSS, largest-received estimate) from Linux TCP_INFO; (None, None) elsewhere."""
    if not sys.platform.startswith("linux"):
        return None, None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, _TCP_INFO, 104)
        snd, rcv = _TCP_INFO_MSS.unpack_from(raw)
    except (OSError, struct.error):
        return None, None
    return int(snd), int(rcv)


def _enable_tx_timestamps(sock: socket.socket) -> bool:
    """Ask Linux to report when sent bytes reach the driver (error queue, no rights needed)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPING, _TX_FLAGS)
    except OSError:
        return False
    return True


def read_tx_timestamps(sock: socket.socket) -> list[float]:
    """Drain the error queue; the software transmit timestamps found (epoch seconds)."""
    stamps: list[float] = []
    while True:
        try:
            _data, anc, _flags, _addr = sock.recvmsg(64, 512, _MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return stamps
        except OSError:
            return stamps
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPING and len(data) >= 16:
                seconds, nanos = struct.unpack_from("=qq", data)
                if seconds:
                    stamps.append(seconds + nanos / 1e9)


def _ready_bytes(sock: socket.socket, limit: int) -> int:
    """Read what has already arrived, without waiting; the number of bytes (a socket closed
    with unread bytes resets the connection instead of closing it)."""
    got = 0
    while got < limit:
        try:
            data = sock.recv(65536, socket.MSG_DONTWAIT)
        except OSError:  # nothing more now (BlockingIOError), or the peer reset
            return got
        if not data:
            return got
        got += len(data)
    return got


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


async def first_answer(
    address: str,
    port: int,
    request: bytes,
    *,
    trigger: str,
    purpose: str,
    connect_timeout: float,
    answer_timeout: float,
    mss: int | None = None,
    settle: float = 0.3,
    done_at_first_byte: bool = False,
    moments: Moment | None = None,
) -> SegmentAttempt:
    """Connect, send ``request``, read until ``settle`` s of quiet after the first byte
    (0: what came with it), EOF, or ``answer_timeout``; never raises for network trouble.
    On Linux the kernel also says when the request left this host. ``moments`` hears
    ``established``, ``sent-by-app`` and ``first-byte`` as they happen.

    ``done_at_first_byte``: only the first byte's time matters, so this side's FIN leaves with
    it (what follows is still read): the peer answers the close a round trip after the first
    byte, not after the settle, and the run, which waits for every close's answer, ends
    that much sooner."""
    told = moments or _nobody
    sock, conn = await tcp_connect(address, port, timeout=connect_timeout, mss=mss)
    if sock is None:
        return SegmentAttempt(
            purpose=purpose, connect=conn, trigger=trigger, outcome="connect_failed",
            ended_at=time.time(),
        )  # fmt: skip
    loop = asyncio.get_running_loop()
    stamped = _enable_tx_timestamps(sock)
    stamps: list[float] = []
    first_at: float | None = None
    received = 0
    outcome = "silent"
    told("established", conn.connected_at or time.time())
    sent_at = time.time()
    try:
        sock.sendall(request)  # a request fits the send buffer: this does not block
        told("sent-by-app", sent_at)
        deadline = time.monotonic() + answer_timeout
        while received < _READ_LIMIT:
            wait = deadline - time.monotonic()
            if first_at is not None:
                wait = min(wait, settle)
            if wait <= 0:
                break
            ready: asyncio.Future[None] = loop.create_future()
            loop.add_reader(sock.fileno(), _wake, ready)
            try:
                await asyncio.wait_for(ready, wait)
            except TimeoutError:
                break
            finally:
                loop.remove_reader(sock.fileno())
            if stamped:
                stamps += read_tx_timestamps(sock)
            try:
                data = sock.recv(65536, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                continue
            if not data:
                outcome = "eof" if first_at is None else outcome
                break
            if first_at is None:
                first_at = time.time()
                outcome = "answered"
                told("first-byte", first_at)
                if done_at_first_byte:
                    with contextlib.suppress(OSError):  # the peer may have gone already
                        sock.shutdown(socket.SHUT_WR)
            received += len(data)
        if first_at is not None:
            received += _ready_bytes(sock, _READ_LIMIT - received)
    except ConnectionResetError:
        outcome = "reset" if first_at is None else outcome
    except OSError as exc:
        if first_at is None:
            outcome = "reset" if describe_os_error(exc) == "reset" else "silent"
    finally:
        if stamped:
            stamps += read_tx_timestamps(sock)
        snd_mss, rcv_mss = tcp_info_mss(sock)
        unread = unread_bytes(sock, _READ_LIMIT) if first_at is None else 0
        sock.close()
    return SegmentAttempt(
        purpose=purpose,
        connect=conn,
        trigger=trigger,
        outcome=outcome,
        ended_at=time.time(),
        sent_at=sent_at,
        first_byte_at=first_at,
        bytes_received=received,
        snd_mss=snd_mss,
        rcv_mss=rcv_mss,
        left_host_at=min(stamps) if stamps else None,
        unread_bytes=unread,
    )


def _nobody(kind: str, at: float) -> None:
    """No one listens to the attempt's moments."""
