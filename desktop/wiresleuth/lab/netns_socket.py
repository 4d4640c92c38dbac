"""Open a socket inside a lab namespace from this process, without starting a new one.

A socket belongs to the network namespace of the thread that created it, for life. A short
worker thread joins the namespace (setns affects only the calling thread), creates the
socket and ends; the caller then uses the socket normally. This makes readiness probes and
tests cheap: no ``ip netns exec python`` per check.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import socket
import threading
from pathlib import Path

from wiresleuth.errors import LabError

_CLONE_NEWNET = 0x40000000
_NETNS_DIR = Path("/run/netns")


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def netns_socket(
    ns: str, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM, proto: int = 0
) -> socket.socket:
    """A new socket living in namespace ``ns``; LabError when the namespace does not exist."""
    created: list[socket.socket] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            fd = os.open(_NETNS_DIR / ns, os.O_RDONLY)
            try:
                if _libc().setns(fd, _CLONE_NEWNET) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, os.strerror(err))
            finally:
                os.close(fd)
            created.append(socket.socket(family, kind, proto))
        except OSError as exc:
            failed.append(exc)

    worker = threading.Thread(target=work, name=f"netns-{ns}", daemon=True)
    worker.start()
    worker.join(timeout=5.0)
    if failed:
        raise LabError(f"cannot open a socket in namespace {ns!r}: {failed[0]}") from failed[0]
    if not created:
        raise LabError(f"cannot open a socket in namespace {ns!r}: setns did not return")
    return created[0]


def tcp_accepting(ns: str, address: str, port: int, *, timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections at address:port, seen from namespace ``ns``."""
    with netns_socket(ns) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except OSError:
            return False
        return True
