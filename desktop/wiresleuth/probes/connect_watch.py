"""Watch this host's other connection attempts while our requests wait, and only then.

Two sources, both limited to the request window: a capture of SYN/SYN-ACK/RST headers of
all processes (needs capture rights; payload-free packets, only header fields are kept),
and the socket table (``SYN_SENT`` sockets, no rights needed on Linux). This is the one
place the program looks at other processes' traffic: the docs' privacy notes say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psutil

from wiresleuth.errors import WireSleuthError
from wiresleuth.model.hold_observations import ConnectAttemptSeen
from wiresleuth.model.packet import ACK, RST, SYN
from wiresleuth.platform.own_sockets import own_socket_inodes

if TYPE_CHECKING:
    from wiresleuth.capture.session import CaptureSession

log = logging.getLogger(__name__)

SYN_FILTER = "tcp and (tcp[tcpflags] & (tcp-syn|tcp-rst) != 0)"
"""SYNs, SYN-ACKs and RSTs of every process: enough to tell an unanswered attempt."""
POLL = 0.1


@dataclass
class _Seen:
    first: float
    last: float
    process: str | None
    answered: bool = False


@dataclass
class ConnectWatch:
    """Started before a round of requests, stopped when the round is over."""

    own_ports: set[int] = field(default_factory=set)
    """Local ports of our own probes (never reported)."""
    syn_capture: str = "not started"
    socket_table: str = "not started"
    _session: CaptureSession | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _table: dict[tuple[str, int, int], _Seen] = field(default_factory=dict)
    _headers: list[Any] = field(default_factory=list)

    async def start(self, *, capture: bool) -> None:
        """Start both watchers (each may fail on its own, recorded in words)."""
        loop = asyncio.get_running_loop()
        if capture:
            from wiresleuth.capture.session import CaptureSession

            session = CaptureSession(SYN_FILTER)
            try:
                await loop.run_in_executor(None, session.start)
                self._session = session
                self.syn_capture = "ran"
            except WireSleuthError as exc:
                self.syn_capture = f"unavailable: {exc}"
        else:
            self.syn_capture = "capture switched off or not permitted"
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, name="socket-table", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Stop both watchers (bounded) and keep what they saw."""
        self._stop.set()
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 2.0)
        if self._session is not None:
            session, self._session = self._session, None
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(None, session.stop)
                self._headers += await loop.run_in_executor(None, session.records)
            except WireSleuthError as exc:
                self.syn_capture = f"failed: {exc}"

    def _poll(self) -> None:
        names: dict[int, str | None] = {}
        status = "ran"
        while not self._stop.is_set():
            now = time.time()
            if not self._table and _others_connecting() is False:
                self._stop.wait(POLL)  # nothing to name: the costly reading is skipped
                continue
            try:
                conns = psutil.net_connections(kind="tcp")
            except (psutil.Error, OSError) as exc:
                status = f"unavailable: {exc}"
                break
            for conn in conns:
                if not conn.raddr or not conn.laddr or conn.laddr.port in self.own_ports:
                    continue
                key = (conn.raddr.ip, conn.raddr.port, conn.laddr.port)
                seen = self._table.get(key)
                if conn.status == psutil.CONN_SYN_SENT:
                    if seen is None:
                        self._table[key] = _Seen(now, now, _name(conn.pid, names))
                    else:
                        seen.last = now
                elif seen is not None and conn.status == psutil.CONN_ESTABLISHED:
                    seen.answered = True
            self._stop.wait(POLL)
        self.socket_table = status

    def seen(self) -> list[ConnectAttemptSeen]:
        """What both watchers saw, our own probes left out."""
        out = [
            ConnectAttemptSeen(
                at=s.first,
                last_at=s.last,
                dst=dst,
                dport=dport,
                sport=sport,
                answered=s.answered,
                source="socket-table",
                process=s.process,
            )
            for (dst, dport, sport), s in self._table.items()
        ]
        out += syn_attempts(self._headers, self.own_ports)
        return out


def syn_attempts(packets: list[Any], own_ports: set[int]) -> list[ConnectAttemptSeen]:
    """Group captured SYN headers by connection; answered when a SYN-ACK or RST came back."""
    attempts: dict[tuple[str, str, int, int], list[float]] = {}
    answers: set[tuple[str, str, int, int]] = set()
    for p in packets:
        if p.sport is None or p.dport is None:
            continue
        if p.tcp_flags & SYN and not p.tcp_flags & ACK:
            if p.sport in own_ports:
                continue
            attempts.setdefault((p.src, p.dst, p.sport, p.dport), []).append(p.time)
        elif p.tcp_flags & (SYN | RST):
            answers.add((p.dst, p.src, p.dport, p.sport))
    return [
        ConnectAttemptSeen(
            at=min(times),
            last_at=max(times),
            dst=dst,
            dport=dport,
            sport=sport,
            answered=(src, dst, sport, dport) in answers,
            syns=len(times),
            source="capture",
        )
        for (src, dst, sport, dport), times in attempts.items()
    ]


_SYN_SENT = "02"
"""A connecting socket's state in ``/proc/net/tcp``."""


def _others_connecting() -> bool | None:
    """Whether a socket of another process is connecting (Linux: ``/proc/net/tcp`` and
    ``tcp6``); None where that cannot be read.

    Written here because psutil has no cheaper call: ``net_connections`` maps every socket
    of every process to its owner by reading all their descriptors (4-6 ms a poll in the lab,
    tens of ms on a busy desktop, ten times a second beside the requests being timed). The
    states alone read in a fraction of a millisecond, and owners are needed only when some
    other process is connecting."""
    try:
        ours = own_socket_inodes()
    except OSError:
        return None
    found = False
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name, encoding="ascii") as table:
                next(table, None)  # the header
                for line in table:
                    fields = line.split()
                    if len(fields) > 9 and fields[3] == _SYN_SENT and fields[9] not in ours:
                        return True
            found = True
        except FileNotFoundError:  # no IPv6 (or not Linux)
            continue
        except OSError:
            return None
    return False if found else None


def _name(pid: int | None, cache: dict[int, str | None]) -> str | None:
    if pid is None:
        return None
    if pid not in cache:
        with contextlib.suppress(psutil.Error):
            cache[pid] = psutil.Process(pid).name()
        cache.setdefault(pid, None)
    return cache[pid]
