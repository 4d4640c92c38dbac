"""A scripted local agent that keeps trying to reach its server: the antivirus URL-filter
agent of case C7, phoning a cloud server that no longer answers.

Every ``--interval`` seconds it starts a TCP connect to ``--address:--port`` and gives it
``--timeout`` seconds (the kernel retransmits the SYN meanwhile), then closes it. With
``--name`` it renames its process (what ``ps`` and psutil show), so the lab's agent looks
like the product it stands for. Usage::

    python -m wiresleuth.lab.servers.connect_agent --address 100.64.1.74 --port 5274 \\
        --interval 1 --timeout 4 --name ds_agent
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import selectors
import socket
import sys
import time
from pathlib import Path

from wiresleuth.lab.servers.lifecycle import mark_ready, stop_on_signals

_PR_SET_NAME = 15
_MAX_OPEN = 16
"""Attempts in flight at once, at most (each lives ``timeout`` seconds)."""


def set_process_name(name: str) -> bool:
    """Rename this process as the kernel shows it (Linux: 15 bytes); False if not possible."""
    found = ctypes.util.find_library("c")
    if not found or not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(found, use_errno=True)
    return int(libc.prctl(_PR_SET_NAME, name.encode()[:15], 0, 0, 0)) == 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between attempts")
    parser.add_argument("--timeout", type=float, default=4.0, help="seconds each attempt lives")
    parser.add_argument("--name", help="process name to show (ps, psutil)")
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Keep trying until SIGTERM."""
    args = _parse(argv)
    if args.name:
        set_process_name(args.name)
    stop = stop_on_signals()
    selector = selectors.DefaultSelector()
    open_socks: dict[socket.socket, float] = {}
    mark_ready(args.ready_file)
    next_at = time.monotonic()
    attempts = answered = 0
    while not stop.is_set():
        now = time.monotonic()
        if now >= next_at and len(open_socks) < _MAX_OPEN:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.connect_ex((args.address, args.port))
            selector.register(sock, selectors.EVENT_WRITE)
            open_socks[sock] = now + args.timeout
            attempts += 1
            next_at = now + args.interval
        wait = max(0.0, min(next_at - now, 0.2))
        for key, _ in selector.select(wait):
            sock = key.fileobj  # type: ignore[assignment]
            assert isinstance(sock, socket.socket)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                answered += 1
            selector.unregister(sock)
            sock.close()
            open_socks.pop(sock, None)
        for sock, until in list(open_socks.items()):
            if time.monotonic() >= until:
                selector.unregister(sock)
                sock.close()
                del open_socks[sock]
    for sock in open_socks:
        sock.close()
    print(f"agent stopped: {attempts} attempts, {answered} answered", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
