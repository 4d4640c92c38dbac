"""ICMP echo with Don't Fragment set, one size at a time, on an ICMP socket (Linux).

An unprivileged ping socket (SOCK_DGRAM/IPPROTO_ICMP) is tried first, a raw socket second.
``IP_PMTUDISC_PROBE`` sets DF on every packet yet ignores any path MTU the kernel learned,
so each size really goes out and the sweep measures the path, not a cache. ``IP_RECVERR``
queues a router's "fragmentation needed" on the socket's error queue with the MTU it names.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import struct
import sys
import time

from wiresleuth.model.mtu_observations import SweepProbe

IP_HEADER = 20
ICMP_HEADER = 8
_IP_MTU_DISCOVER = getattr(socket, "IP_MTU_DISCOVER", 10)
_IP_PMTUDISC_PROBE = getattr(socket, "IP_PMTUDISC_PROBE", 3)
_IP_RECVERR = getattr(socket, "IP_RECVERR", 11)
_MSG_ERRQUEUE = getattr(socket, "MSG_ERRQUEUE", 0x2000)
_SO_EE_ORIGIN_ICMP = 2
_EXTENDED_ERR = struct.Struct("=IBBBBII")  # errno, origin, type, code, pad, info, data
_FILL = b"wiresleuth-pmtu-"


def supported() -> bool:
    """Whether this OS lets a socket set DF per packet the way this module does."""
    return sys.platform.startswith("linux")


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def echo_request(ident: int, seq: int, size: int) -> bytes:
    """An ICMP echo request whose IP packet will be ``size`` bytes long."""
    payload_len = max(0, size - IP_HEADER - ICMP_HEADER)
    payload = (_FILL * (payload_len // len(_FILL) + 1))[:payload_len]
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    return struct.pack("!BBHHH", 8, 0, _checksum(header + payload), ident, seq) + payload


def parse_extended_error(ancillary: list[tuple[int, int, bytes]]) -> tuple[int, int, int, int]:
    """(errno, ICMP type, ICMP code, info) from an IP_RECVERR control message; info is the
    MTU for "fragmentation needed". ValueError when there is none."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == _IP_RECVERR and len(data) >= _EXTENDED_ERR.size:
            err, origin, icmp_type, code, _pad, info, _data = _EXTENDED_ERR.unpack_from(data)
            if origin == _SO_EE_ORIGIN_ICMP:
                return err, icmp_type, code, info
            return err, -1, -1, info
    raise ValueError("no extended error in the control messages")


def offender(ancillary: list[tuple[int, int, bytes]]) -> str | None:
    """The address of the router that sent the error (after the extended error struct)."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == _IP_RECVERR:
            rest = data[_EXTENDED_ERR.size :]
            if len(rest) >= 8 and int.from_bytes(rest[0:2], sys.byteorder) == socket.AF_INET:
                return socket.inet_ntoa(rest[4:8])
    return None


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


class DfEcho:
    """One ICMP socket towards one address; ``probe(size)`` sends one DF echo and waits."""

    def __init__(self, address: str, *, sock: socket.socket | None = None) -> None:
        """``sock``: an ICMP socket made elsewhere (e.g. in another network namespace)."""
        self.address = address
        if sock is not None:
            self.sock, self.raw = sock, sock.type == socket.SOCK_RAW
        else:
            try:
                self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
                self.raw = False
            except OSError:
                self.sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
                self.raw = True
        try:
            self.sock.setsockopt(socket.IPPROTO_IP, _IP_MTU_DISCOVER, _IP_PMTUDISC_PROBE)
            self.sock.setsockopt(socket.IPPROTO_IP, _IP_RECVERR, 1)
        except OSError:
            self.sock.close()
            raise
        self.sock.setblocking(False)
        self.ident = os.getpid() & 0xFFFF
        self.seq = 0

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()

    async def probe(self, size: int, timeout: float) -> SweepProbe:
        """Send one echo of ``size`` bytes with DF; wait at most ``timeout`` for its fate."""
        self.seq = (self.seq + 1) & 0xFFFF
        seq = self.seq
        loop = asyncio.get_running_loop()
        sent = time.time()
        started = time.perf_counter()
        try:
            self.sock.sendto(echo_request(self.ident, seq, size), (self.address, 0))
        except OSError as exc:
            if exc.errno == errno.EMSGSIZE:
                return SweepProbe(size=size, result="too_big_local", at=sent, detail=str(exc))
            return SweepProbe(size=size, result="error", at=sent, detail=str(exc))
        deadline = started + timeout
        while (left := deadline - time.perf_counter()) > 0:
            ready: asyncio.Future[None] = loop.create_future()
            loop.add_reader(self.sock.fileno(), _wake, ready)
            try:
                await asyncio.wait_for(ready, left)
            except TimeoutError:
                break
            finally:
                loop.remove_reader(self.sock.fileno())
            found = self._read(size, seq, sent, started)
            if found is not None:
                return found
        return SweepProbe(size=size, result="lost", at=sent)

    def _read(self, size: int, seq: int, sent: float, started: float) -> SweepProbe | None:
        """Drain the error queue, then the normal queue; the probe's fate if seen."""
        while True:
            try:
                _data, anc, _flags, _addr = self.sock.recvmsg(
                    2048, 512, _MSG_ERRQUEUE | socket.MSG_DONTWAIT
                )
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break
            try:
                err, icmp_type, code, info = parse_extended_error(anc)
            except ValueError:
                continue
            if (icmp_type == 3 and code == 4) or err == errno.EMSGSIZE:
                return SweepProbe(
                    size=size,
                    result="frag_needed" if icmp_type == 3 else "too_big_local",
                    at=sent,
                    mtu=info or None,
                    reported_by=offender(anc),
                    detail=f"fragmentation needed, next-hop MTU {info}",
                )
        while True:
            try:
                data = self.sock.recv(65535, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return None
            except OSError as exc:
                if exc.errno == errno.EMSGSIZE:
                    continue  # the error itself is read from the error queue above
                return SweepProbe(size=size, result="error", at=sent, detail=str(exc))
            found = self._reply(data, size, seq, sent, started)
            if found is not None:
                return found

    def _reply(
        self, data: bytes, size: int, seq: int, sent: float, started: float
    ) -> SweepProbe | None:
        if self.raw:
            header = (data[0] & 0x0F) * 4
            kind = data[header] if len(data) > header else -1
            if kind == 3 and len(data) >= header + 8 and data[header + 1] == 4:
                mtu = int.from_bytes(data[header + 6 : header + 8], "big")
                return SweepProbe(
                    size=size, result="frag_needed", at=sent, mtu=mtu or None,
                    reported_by=socket.inet_ntoa(data[12:16]),
                    detail=f"fragmentation needed, next-hop MTU {mtu}",
                )  # fmt: skip
            data = data[header:]
        if len(data) < ICMP_HEADER:
            return None
        kind, _code, _sum, ident, r_seq = struct.unpack("!BBHHH", data[:8])
        if kind != 0 or r_seq != seq or (self.raw and ident != self.ident):
            return None
        return SweepProbe(size=size, result="reply", at=sent, rtt=time.perf_counter() - started)
