"""Small measurements made from inside lab namespaces, for the lab tests."""

from __future__ import annotations

import re
import socket
import time

from wiresleuth.lab.commands import run_in
from wiresleuth.lab.netns_socket import netns_socket

_RTT = re.compile(r"= [\d.]+/([\d.]+)/[\d.]+/[\d.]+ ms")


def ping_avg_ms(ns: str, address: str, *, count: int = 5) -> float:
    """Average ICMP echo RTT in milliseconds measured with ping from ``ns``."""
    done = run_in(ns, ["ping", "-n", "-q", "-c", str(count), "-i", "0.2", "-W", "2", address])
    match = _RTT.search(done.stdout)
    assert match, done.stdout
    return float(match.group(1))


def connect(
    ns: str, address: str, port: int, *, mss: int | None = None, timeout: float = 3.0
) -> tuple[socket.socket, float]:
    """A TCP connection made from ``ns`` and the seconds connect() took."""
    sock = netns_socket(ns)
    try:
        sock.settimeout(timeout)
        if mss:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        started = time.monotonic()
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock, time.monotonic() - started


def read_until_eof(sock: socket.socket, *, timeout: float = 5.0) -> tuple[bytes, float]:
    """Everything the peer sends until it closes, and the seconds until its first byte."""
    started = time.monotonic()
    deadline = started + timeout
    data = b""
    first = -1.0
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            break
        if not data:
            first = time.monotonic() - started
        data += chunk
    return data, first
