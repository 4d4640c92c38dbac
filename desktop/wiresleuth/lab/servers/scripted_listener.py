"""A scripted TCP listener: accept, optionally read, wait, write given bytes, then close.

It plays middleboxes and local services: the C6 relay behind a REDIRECT (accepts at once,
reads the ClientHello, waits 3 s, writes plaintext HTTP, then FIN), the C3 "optimiser" that
accepts and never answers, the C4 local web service answering 404. Usage::

    python -m wiresleuth.lab.servers.scripted_listener --address 0.0.0.0 --port 15443 \\
        --reply-file reply.bin --wait 3 --close fin
"""

from __future__ import annotations

import argparse
import socket
import socketserver
import sys
import time
from pathlib import Path

from wiresleuth.lab.servers.tcp_server import (
    MarkedTCPServer,
    close_with_fin,
    close_with_reset,
    serve_until_signalled,
)

CLOSE_MODES = ("fin", "rst", "hold")
"""After the reply: FIN, RST, or keep the connection open until the peer gives up."""
READ_TIMEOUT = 10.0
HOLD_LIMIT = 120.0
"""Longest a ``hold`` connection is kept open."""


def _handler(
    reply: bytes, *, wait: float, read_first: bool, close: str
) -> type[socketserver.BaseRequestHandler]:
    class ScriptedHandler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            got = 0
            if read_first:
                sock.settimeout(READ_TIMEOUT)
                try:
                    got = len(sock.recv(65536))
                except OSError:
                    got = 0
            print(f"{self.client_address}: read {got} bytes", file=sys.stderr, flush=True)
            time.sleep(wait)
            try:
                if reply:
                    sock.sendall(reply)
            except OSError as exc:
                print(f"{self.client_address}: write failed: {exc}", file=sys.stderr, flush=True)
            if close == "rst":
                close_with_reset(sock)
            elif close == "fin":
                close_with_fin(sock)
            else:
                _hold(sock)

    return ScriptedHandler


def _hold(sock: socket.socket) -> None:
    """Keep the connection open, reading and ignoring, until the peer closes or the limit."""
    deadline = time.monotonic() + HOLD_LIMIT
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                break
    except OSError:
        pass
    sock.close()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reply-file", type=Path, help="bytes to write (default: nothing)")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds before replying")
    parser.add_argument("--no-read", action="store_true", help="reply without reading first")
    parser.add_argument("--close", choices=CLOSE_MODES, default="fin")
    parser.add_argument("--dscp", type=int, default=0)
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM."""
    args = _parse(argv)
    reply = args.reply_file.read_bytes() if args.reply_file else b""
    handler = _handler(reply, wait=args.wait, read_first=not args.no_read, close=args.close)
    server = MarkedTCPServer((args.address, args.port), handler, dscp=args.dscp)
    return serve_until_signalled([server], args.ready_file)


if __name__ == "__main__":
    sys.exit(main())
