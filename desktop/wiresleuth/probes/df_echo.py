"""ICMP echo with Don't Fragment set, in waves of sizes sent together, on an ICMP socket (Linux).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wiresleuth.model.mtu_observations import SweepProbe
from wiresleuth.probes.error_queue import IP_RECVERR, read_error_queue
from wiresleuth.probes.icmp_packet import internet_checksum

IP_HEADER = 20
ICMP_HEADER = 8
_IP_MTU_DISCOVER = getattr(socket, "IP_MTU_DISCOVER", 10)
_IP_PMTUDISC_PROBE = getattr(socket, "IP_PMTUDISC_PROBE", 3)
_FILL = b"wiresleuth pmtu "
"""The echoes' payload: recognisable in a capture, and words apart (the bundle's redaction
of secrets scans runs of word characters; one run as long as a packet took it 0.8 s per
9000-byte echo, 35 s per 65000-byte one, where these take 4 and 32 ms)."""


def supported() -> bool:
    """Whether this OS lets a socket set DF per packet the way this module does."""
    return sys.platform.startswith("linux")


def echo_request(ident: int, seq: int, size: int) -> bytes:
    """An ICMP echo request whose IP packet will be ``size`` bytes long."""
    payload_len = max(0, size - IP_HEADER - ICMP_HEADER)
    payload = (_FILL * (payload_len // len(_FILL) + 1))[:payload_len]
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    return struct.pack("!BBHHH", 8, 0, internet_checksum(header + payload), ident, seq) + payload


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


class DfEcho:
    """ICMP sockets towards one address; ``probe_wave(sizes)`` sends one DF echo per size.

    Each probe of a wave leaves from its own ping socket, so each has its own ICMP
    identifier: a stateful firewall or NAT on the path tracks echoes by identifier, and
    lets only the first reply of one identifier back (measured in the lab: a wave of 8
    echoes with one identifier through a router with NAT rules got 1 reply). On a raw
    socket the identifier is written per probe instead.
    """

    def __init__(
        self,
        address: str,
        *,
        sock: socket.socket | None = None,
        opener: Callable[[], socket.socket] | None = None,
    ) -> None:
        """``sock``: an ICMP socket made elsewhere (e.g. in another network namespace);
        ``opener`` makes more of them for a wave (without it a wave shares ``sock``)."""
        self.address = address
        self._opener = opener if opener is not None else (_open_icmp if sock is None else None)
        first = sock if sock is not None else _open_icmp()
        self.raw = first.type == socket.SOCK_RAW
        self._sockets = [_prepared(first)]
        self.ident = os.getpid() & 0xFFFF
        self.seq = 0

    @property
    def sock(self) -> socket.socket:
        """The first socket (every probe's when the wave cannot have one each)."""
        return self._sockets[0]

    def close(self) -> None:
        """Close every socket."""
        for sock in self._sockets:
            sock.close()

    def _socket_for(self, slot: int) -> socket.socket:
        if self.raw:
            return self._sockets[0]
        while len(self._sockets) <= slot:
            try:
                more = self._opener() if self._opener is not None else None
                if more is None:
                    break
                self._sockets.append(_prepared(more))
            except OSError:
                self._opener = None  # no more sockets: the wave shares what it has
                break
        return self._sockets[min(slot, len(self._sockets) - 1)]

    async def probe(self, size: int, timeout: float) -> SweepProbe:
        """Send one echo of ``size`` bytes with DF; wait at most ``timeout`` for its fate."""
        return (await self.probe_wave([size], timeout))[0]

    async def probe_wave(
        self,
        sizes: Sequence[int],
        timeout: float,
        *,
        wait_after: Callable[[float], float] | None = None,
    ) -> list[SweepProbe]:
        """Send one DF echo per size, all at once; wait at most ``timeout`` for their fates.

        With ``wait_after``, the first reply's round trip shortens the wait to
        ``wait_after(rtt)`` from the send: the sizes still pending by then are lost.
        """
        loop = asyncio.get_running_loop()
        wave = _Wave(sizes=sizes, results=[None] * len(sizes), sent=time.time())
        used: dict[int, socket.socket] = {}
        wave.started = time.perf_counter()
        for index, size in enumerate(sizes):
            self.seq = (self.seq + 1) & 0xFFFF
            sock = self._socket_for(index)
            used[sock.fileno()] = sock
            ident = (self.ident + index) & 0xFFFF
            try:
                sock.sendto(echo_request(ident, self.seq, size), (self.address, 0))
            except OSError as exc:
                kind = "too_big_local" if exc.errno == errno.EMSGSIZE else "error"
                wave.results[index] = SweepProbe(
                    size=size, result=kind, at=wave.sent, detail=str(exc)
                )
            else:
                wave.pending[self.seq] = index
                wave.idents[self.seq] = ident
        deadline = wave.started + timeout
        while wave.pending and (left := deadline - time.perf_counter()) > 0:
            ready: asyncio.Future[None] = loop.create_future()
            for fd in used:
                loop.add_reader(fd, _wake, ready)
            try:
                await asyncio.wait_for(ready, left)
            except TimeoutError:
                break
            finally:
                for fd in used:
                    loop.remove_reader(fd)
            rtts = [rtt for sock in used.values() if (rtt := self._read(sock, wave)) is not None]
            if rtts and wait_after is not None:
                deadline = min(deadline, wave.started + wait_after(min(rtts)))
        for index in wave.pending.values():
            wave.results[index] = SweepProbe(size=sizes[index], result="lost", at=wave.sent)
        return [r for r in wave.results if r is not None]

    def _read(self, sock: socket.socket, wave: _Wave) -> float | None:
        """Drain one socket's error queue, then its normal queue; the first round trip seen."""
        for queued in read_error_queue(sock, most=None):
            if (queued.icmp_type == 3 and queued.icmp_code == 4) or queued.errno == errno.EMSGSIZE:
                kind = "frag_needed" if queued.icmp_type == 3 else "too_big_local"
                wave.too_big(_echo_seq(queued.quote), kind, queued.info or None, queued.sender)
        rtt: float | None = None
        while True:
            try:
                data = sock.recv(65535, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return rtt
            except OSError as exc:
                if exc.errno == errno.EMSGSIZE:
                    continue  # the error itself is read from the error queue above
                wave.error(str(exc))
                return rtt
            found = self._reply(data, wave)
            if found is not None and rtt is None:
                rtt = found

    def _reply(self, data: bytes, wave: _Wave) -> float | None:
        """Record an echo reply (or, on a raw socket, a frag-needed); its round trip."""
        if self.raw:
            header = (data[0] & 0x0F) * 4
            kind = data[header] if len(data) > header else -1
            if kind == 3 and len(data) >= header + 8 and data[header + 1] == 4:
                mtu = int.from_bytes(data[header + 6 : header + 8], "big")
                inner = data[header + 8 :]
                quoted = inner[(inner[0] & 0x0F) * 4 :] if inner else b""
                wave.too_big(
                    _echo_seq(quoted), "frag_needed", mtu or None, socket.inet_ntoa(data[12:16])
                )
                return None
            data = data[header:]
        if len(data) < ICMP_HEADER:
            return None
        kind, _code, _sum, ident, seq = struct.unpack("!BBHHH", data[:8])
        if kind != 0 or (self.raw and wave.idents.get(seq) != ident):
            return None
        return wave.reply(seq)


def _open_icmp() -> socket.socket:
    """A ping socket if allowed, else a raw ICMP socket."""
    try:
        return socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    except OSError:
        return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)


def _prepared(sock: socket.socket) -> socket.socket:
    """DF on every packet whatever the kernel learned, errors queued; non-blocking."""
    try:
        sock.setsockopt(socket.IPPROTO_IP, _IP_MTU_DISCOVER, _IP_PMTUDISC_PROBE)
        sock.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _echo_seq(quoted: bytes) -> int | None:
    """The sequence number of the echo request an ICMP error quotes, if it is one of ours."""
    if len(quoted) >= ICMP_HEADER and quoted[0] == 8:
        return int.from_bytes(quoted[6:8], "big")
    return None


@dataclass
class _Wave:
    """The probes of one wave still waiting, and what became of the others."""

    sizes: Sequence[int]
    results: list[SweepProbe | None]
    sent: float
    started: float = 0.0
    pending: dict[int, int] = field(default_factory=dict)
    """Sequence number -> index in ``sizes`` of the probes not yet answered."""
    idents: dict[int, int] = field(default_factory=dict)
    """Sequence number -> the identifier the probe was sent with (raw sockets check it)."""

    def reply(self, seq: int) -> float | None:
        index = self.pending.pop(seq, None)
        if index is None:
            return None
        rtt = time.perf_counter() - self.started
        self.results[index] = SweepProbe(
            size=self.sizes[index], result="reply", at=self.sent, rtt=rtt
        )
        return rtt

    def too_big(self, seq: int | None, kind: str, mtu: int | None, by: str | None) -> None:
        """A router's frag-needed (or a local refusal) for the probe ``seq``; when it cannot
        be told which probe it quotes, for every pending size above the MTU it names (or,
        without one, the largest pending size)."""
        if seq is not None and seq in self.pending:
            hit = [seq]
        elif mtu is not None:
            hit = [q for q, i in self.pending.items() if self.sizes[i] > mtu]
        else:
            hit = (
                [max(self.pending, key=lambda q: self.sizes[self.pending[q]])]
                if self.pending
                else []
            )
        for q in hit:
            index = self.pending.pop(q)
            self.results[index] = SweepProbe(
                size=self.sizes[index], result=kind, at=self.sent, mtu=mtu, reported_by=by,
                detail=f"fragmentation needed, next-hop MTU {mtu or 0}",
            )  # fmt: skip

    def error(self, detail: str) -> None:
        for index in self.pending.values():
            self.results[index] = SweepProbe(
                size=self.sizes[index], result="error", at=self.sent, detail=detail
            )
        self.pending.clear()
