"""A server that stops reading: a receiver whose window closes (a printer that cannot print).

It listens with a small receive buffer, accepts, and reads nothing for ``--pause`` seconds:
the client's data fills the buffer and the kernel advertises a zero window until the server
reads again. Then it reads until the client closes its side (or falls quiet for IDLE
seconds), answers ``ok`` and closes. Usage::

    python -m wiresleuth.lab.servers.slow_reader --address 100.64.1.93 --port 9100 \\
        --pause 3 --rcvbuf 4096
"""

from __future__ import annotations

import argparse
import socket
import socketserver
import sys
import time
from pathlib import Path

from wiresleuth.lab.servers.tcp_server import MarkedTCPServer, close_with_fin, serve_until_signalled

IDLE = 1.0
"""Seconds of silence after which the client's upload counts as complete."""
READ_LIMIT = 30.0


def _handler(pause: float) -> type[socketserver.BaseRequestHandler]:
    class SlowReader(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            time.sleep(pause)  # not reading: the window closes
            got = 0
            deadline = time.monotonic() + READ_LIMIT
            try:
                while time.monotonic() < deadline:
                    sock.settimeout(IDLE)
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    got += len(chunk)
            except OSError:
                pass
            print(f"{self.client_address}: read {got} bytes", file=sys.stderr, flush=True)
            try:
                sock.sendall(b"ok\n")
            except OSError:
                return
            close_with_fin(sock)

    return SlowReader


class _SmallBufferServer(MarkedTCPServer):
    rcvbuf = 4096

    def server_bind(self) -> None:
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        super().server_bind()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pause", type=float, default=3.0, help="seconds without reading")
    parser.add_argument("--rcvbuf", type=int, default=4096, help="receive buffer (bytes)")
    parser.add_argument("--ready-file", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM."""
    args = _parse(argv)
    server_class = type("SlowReaderServer", (_SmallBufferServer,), {"rcvbuf": args.rcvbuf})
    server = server_class((args.address, args.port), _handler(args.pause))
    return serve_until_signalled([server], args.ready_file)


if __name__ == "__main__":
    sys.exit(main())
